// What the walk shows of a read's result (src/cli/read_summary.cpp); every shows path of
// the shipped playbooks against what the lab answers: tests/integration/cli.

#include "cli/read_summary.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace dftriage;
using Json = nlohmann::ordered_json;
using playbook::Lang;
using playbook::Show;

namespace {

Show make_show(Show::Kind kind, std::string path, std::string label,
               std::vector<std::string> fields = {}, std::size_t max = 5)
{
  Show s;
  s.kind = kind;
  s.path = std::move(path);
  s.label.en = std::move(label);
  s.fields = std::move(fields);
  s.max = max;
  return s;
}

playbook::Step step_showing(std::vector<Show> shows)
{
  playbook::Step step;
  step.id = "read";
  step.shows = std::move(shows);
  return step;
}

std::string summary(const std::vector<Show>& shows, const Json& result, Lang lang = Lang::en)
{
  return cli::read_summary(step_showing(shows), result, lang, false);
}

const Json k_tags_json =
    Json::parse(R"({"id": "/subscriptions/s/providers/Microsoft.Resources/tags/default",
  "name": "default", "properties": {"tags": {"Owner": "alice@contoso.com", "env": "prod"}}})");

} // namespace

TEST_CASE("read_summary shows the values a step declares, with their labels")
{
  SECTION("a value, an object of scalars, a missing path")
  {
    Show owner = make_show(Show::Kind::value, "properties.tags.Owner", "Owner (tag)");
    owner.label.zh_cn = "负责人（标签）";
    CHECK(summary({owner, make_show(Show::Kind::value, "properties.tags", "Tags"),
                   make_show(Show::Kind::value, "properties.tags.Team", "Team (tag)")},
                  k_tags_json) == "  Owner (tag): alice@contoso.com\n"
                                  "  Tags: Owner=alice@contoso.com, env=prod\n"
                                  "  Team (tag): (not found)\n");
    CHECK(summary({owner, make_show(Show::Kind::value, "properties.tags.Team", "Team")},
                  k_tags_json, Lang::zh_cn) == "  负责人（标签）: alice@contoso.com\n"
                                               "  Team: （未找到）\n");
  }
  SECTION("scalars of every type, an array of scalars, a JSON null that is there")
  {
    const Json vault = Json::parse(
        R"({"properties": {"enableRbacAuthorization": false, "softDeleteRetentionInDays": 90,
      "networkAcls": {"defaultAction": "Allow", "ipRules": []}, "accessPolicies": [{"objectId": "o1"}],
      "publicNetworkAccess": null}, "zones": ["1", "2"]})");
    CHECK(summary(
              {make_show(Show::Kind::value, "properties.enableRbacAuthorization", "RBAC"),
               make_show(Show::Kind::value, "properties.softDeleteRetentionInDays", "Retention"),
               make_show(Show::Kind::value, "properties.networkAcls.ipRules", "IP rules"),
               make_show(Show::Kind::value, "properties.accessPolicies", "Policies"),
               make_show(Show::Kind::value, "properties.publicNetworkAccess", "Public access"),
               make_show(Show::Kind::value, "zones", "Zones"),
               make_show(Show::Kind::value, "properties.accessPolicies[*].objectId", "Object IDs")},
              vault) == "  RBAC: false\n"
                        "  Retention: 90\n"
                        "  IP rules: []\n"
                        "  Policies: [{\"objectId\":\"o1\"}]\n"
                        "  Public access: null\n"
                        "  Zones: 1, 2\n"
                        "  Object IDs: o1\n");
  }
  SECTION("a long value is cut with an ellipsis: prose at its end, an ID in its middle")
  {
    const std::string prose =
        "The key vault was accessed from an IP address known to be a TOR exit node. "
        "Attackers use TOR to hide where they connect from.";
    const std::string id = "https://kv-payments-prod.vault.azure.net/secrets/payments-db-password/"
                           "0b60c051883744c9bab55a7f326ec619";
    const Json r = {{"description", prose},
                    {"id", id},
                    {"short", id.substr(0, 70)},
                    {"cjk", std::string(60, 'x') + " 机密机密机密机密机密机密机密机密机密机密机密机"
                                                   "密机密机密机密机密机密机密机密机密机密"}};
    CHECK(summary({make_show(Show::Kind::value, "description", "Description"),
                   make_show(Show::Kind::value, "id", "ID"),
                   make_show(Show::Kind::value, "short", "Short"),
                   make_show(Show::Kind::value, "cjk", "CJK")},
                  r) ==
          "  Description: " + prose.substr(0, 99) +
              "…\n"
              "  ID: "
              "https://kv-payments-…d.vault.azure.net/secrets/payments-db-password/"
              "0b60c051883744c9bab55a7f326ec619\n"
              "  Short: https://kv-payments-prod.vault.azure.net/secrets/payments-db-password/\n"
              "  CJK: " +
              std::string(60, 'x') +
              " 机密机密机密机密机密机密机密机密机密机密机密机密机密机密机密机密机密机密机密…\n");
  }
  SECTION("keys match ignoring case when nothing matches exactly")
  {
    const Json tags = {
        {"properties", {{"tags", {{"owner", "payments-platform@lab.localhost"}, {"OWNER", "x"}}}}}};
    CHECK(summary({make_show(Show::Kind::value, "properties.tags.Owner", "Owner (tag)"),
                   make_show(Show::Kind::value, "properties.tags.OWNER", "Exact")},
                  tags) == "  Owner (tag): payments-platform@lab.localhost\n"
                           "  Exact: x\n");
  }
}

TEST_CASE("read_summary shows a list's first items and how many more there are")
{
  const Json versions = Json::parse(R"({"value": [
    {"id": "https://kv.vault.azure.net/secrets/db/v1", "attributes": {"enabled": true, "created": 1}},
    {"id": "https://kv.vault.azure.net/secrets/db/v2", "attributes": {"enabled": true, "created": 2}},
    {"id": "https://kv.vault.azure.net/secrets/db/v3", "attributes": {"enabled": false}},
    {"id": "https://kv.vault.azure.net/secrets/db/v4", "attributes": {"enabled": true, "created": 4}}]})");
  SECTION("fields of each item, max, and the rest counted")
  {
    CHECK(summary({make_show(Show::Kind::list, "value", "Secret versions",
                             {"id", "attributes.enabled", "attributes.created"}, 3)},
                  versions) == "  Secret versions (4):\n"
                               "    - https://kv.vault.azure.net/secrets/db/v1 · true · 1\n"
                               "    - https://kv.vault.azure.net/secrets/db/v2 · true · 2\n"
                               "    - https://kv.vault.azure.net/secrets/db/v3 · false · -\n"
                               "    … and 1 more\n");
    CHECK(summary({make_show(Show::Kind::list, "value", "版本", {"attributes.enabled"}, 2)},
                  versions, Lang::zh_cn) == "  版本 (4):\n"
                                            "    - true\n"
                                            "    - true\n"
                                            "    … 另有 2 项\n");
  }
  SECTION("the items themselves, all of them when they fit")
  {
    CHECK(summary({make_show(Show::Kind::list, "value[*].attributes.created", "Created", {}, 5)},
                  versions) == "  Created (3):\n"
                               "    - 1\n"
                               "    - 2\n"
                               "    - 4\n");
  }
  SECTION("an empty list, a missing one, a value that is not a list")
  {
    CHECK(summary({make_show(Show::Kind::list, "value", "Assignments", {"id"}, 5),
                   make_show(Show::Kind::list, "nextLink", "Next", {}, 5),
                   make_show(Show::Kind::list, "count", "Count", {}, 5)},
                  Json{{"value", Json::array()}, {"count", 0}}) == "  Assignments (0): none\n"
                                                                   "  Next: (not found)\n"
                                                                   "  Count: 0\n");
  }
}

TEST_CASE("read_summary lists an object's members and shows Key Vault's Unix times as UTC")
{
  const Json alert = Json::parse(R"({"properties": {"extendedProperties": {
    "attacker IP Address": "185.220.101.47", "suspicious Operations": "[SecretList:1, SecretGet:6]",
    "client Information": "python/3.11.4 azure-keyvault-secrets/4.7.0"}}})");
  CHECK(summary(
            {make_show(Show::Kind::list, "properties.extendedProperties", "Alert details", {}, 2)},
            alert) == "  Alert details (3):\n"
                      "    - attacker IP Address: 185.220.101.47\n"
                      "    - suspicious Operations: [SecretList:1, SecretGet:6]\n"
                      "    … and 1 more\n");
  const Json versions = Json::parse(R"({"value": [{"id": "v1", "attributes": {"enabled": true,
    "created": 1795161492, "updated": 1795161492, "recoverableDays": 90}}],
    "attributes": {"exp": 1824710292}})");
  CHECK(summary({make_show(Show::Kind::list, "value", "Versions",
                           {"id", "attributes.created", "attributes.recoverableDays"}),
                 make_show(Show::Kind::value, "attributes.exp", "Expires")},
                versions) == "  Versions (1):\n"
                             "    - v1 · 2026-11-20T07:58:12Z · 90\n"
                             "  Expires: 2027-10-28T07:58:12Z\n");
}

TEST_CASE("read_summary shows ARM times to the second and built-in roles by name")
{
  const Json assignments = Json::parse(R"({"value": [
    {"properties": {"roleDefinitionId": "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                    "createdOn": "2026-11-25T10:42:00.0000000Z"}},
    {"properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/B86A8FE4-44CE-4948-AEE5-ECCB2C155CD7",
                    "createdOn": "2026-11-25T10:42:07.5Z"}},
    {"properties": {"roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-3333-4444-555555555555",
                    "createdOn": "2026-11-25T10:42:00Z"}},
    {"properties": {"roleDefinitionId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635x",
                    "createdOn": "2026-11-25 10:42:00.0Z"}}]})");
  CHECK(summary({make_show(Show::Kind::list, "value", "Roles",
                           {"properties.roleDefinitionId", "properties.createdOn"})},
                assignments) ==
        "  Roles (4):\n"
        "    - Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635) · 2026-11-25T10:42:00Z\n"
        "    - Key Vault Secrets Officer (b86a8fe4-44ce-4948-aee5-eccb2c155cd7) · "
        "2026-11-25T10:42:07Z\n"
        "    - role 11111111-2222-3333-4444-555555555555 · 2026-11-25T10:42:00Z\n"
        "    - /subscriptions/s/res…leDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635x · "
        "2026-11-25 10:42:00.0Z\n");
}

TEST_CASE("unresolved_shows names what a result lacks")
{
  const Json logs =
      Json::parse(R"({"tables": [{"columns": [{"name": "OperationName"}], "rows": []}],
    "value": [{"name": "a"}, {"name": "b", "createdTime": "2026-11-25T10:48:00Z"}], "empty": []})");
  const auto step = step_showing(
      {make_show(Show::Kind::value, "value[0].name", "Name"),
       make_show(Show::Kind::value, "properties.tags", "Tags"),
       make_show(Show::Kind::list, "value", "Items", {"name", "createdTime", "changedTime"}, 5),
       make_show(Show::Kind::list, "empty", "Empty", {"anything"}, 5),
       make_show(Show::Kind::list, "value[0].name", "Not a list", {}, 5),
       make_show(Show::Kind::table, "tables[0]", "Log", {"OperationName", "requestUri_s"}, 5),
       make_show(Show::Kind::table, "value", "Not a table", {}, 5),
       make_show(Show::Kind::lines, "value[*].name", "Lines", {}, 5),
       make_show(Show::Kind::lines, "value", "Not text", {}, 5)});
  CHECK(cli::unresolved_shows(step, logs) ==
        std::vector<std::string>{"properties.tags: not in the result",
                                 "value: no item has changedTime", "value[0].name: not a list",
                                 "tables[0]: no column requestUri_s",
                                 "value: not a Log Analytics table", "value: not text"});
  CHECK(cli::unresolved_shows(step_showing({}), logs).empty());
}

TEST_CASE("read_summary sanitizes every value from Azure")
{
  // A tag written by an attacker: an escape that would clear the screen and a bidi override.
  const Json hostile = {
      {"properties",
       {{"tags", {{"Owner", "evil\x1b[2J\x1b]0;pwned\x07 \u202etxt.exe"}, {"x\x1b[31m", "y"}}}}},
      {"value", Json::array({{{"name", "a\x1b[1mb"}}})}};
  const auto text = summary({make_show(Show::Kind::value, "properties.tags.Owner", "Owner"),
                             make_show(Show::Kind::value, "properties.tags", "Tags"),
                             make_show(Show::Kind::list, "value", "Items", {"name"}, 5)},
                            hostile);
  CHECK(text == "  Owner: evil\\x1b[2J\\x1b]0;pwned\\x07 \\u202etxt.exe\n"
                "  Tags: Owner=evil\\x1b[2J\\x1b]0;pwned\\x07 \\u202etxt.exe, x\\x1b[31m=y\n"
                "  Items (1):\n"
                "    - a\\x1b[1mb\n");
  CHECK(text.find('\x1b') == std::string::npos);
  // The generic view and the whole result are sanitized too.
  const auto generic = cli::read_summary(playbook::Step{}, hostile, Lang::en, false);
  CHECK(generic.find('\x1b') == std::string::npos);
  CHECK(generic == "  1 item(s):\n    - a\\x1b[1mb\n");
  const auto full = cli::full_result(hostile);
  CHECK(full.find('\x1b') == std::string::npos);
  // The dump keeps U+202E as it is; sanitize makes it visible.
  CHECK(full.find("\u202e") == std::string::npos);
  CHECK(full.find("\\u202e") != std::string::npos);
}

TEST_CASE("read_summary shows a Log Analytics table's rows")
{
  const Json logs = Json::parse(R"({"tables": [{"name": "PrimaryResult",
    "columns": [{"name": "TimeGenerated", "type": "datetime"}, {"name": "OperationName", "type": "string"},
                {"name": "CallerIPAddress", "type": "string"}, {"name": "requestUri_s", "type": "string"},
                {"name": "httpStatusCode_d", "type": "real"}, {"name": "ResultSignature", "type": "string"},
                {"name": "id_s", "type": "string"}],
    "rows": [["2026-11-20T10:00:00Z", "SecretList", "185.220.101.7", "https://kv/secrets", 200, "OK", "a"],
             ["2026-11-20T10:00:05Z", "SecretGet", "185.220.101.7", "https://kv/secrets/db/v1", 200, "OK", "b"],
             ["2026-11-20T10:00:09Z", "VaultPut", "185.220.101.7", "https://kv", 403, "Forbidden", "c"]]}]})");
  SECTION("the declared columns, max rows")
  {
    CHECK(summary({make_show(Show::Kind::table, "tables[0]", "Audit log",
                             {"OperationName", "requestUri_s", "httpStatusCode_d", "Nope"}, 2)},
                  logs) ==
          "  Audit log (3 row(s)): OperationName · requestUri_s · httpStatusCode_d · Nope\n"
          "    - SecretList · https://kv/secrets · 200 · -\n"
          "    - SecretGet · https://kv/secrets/db/v1 · 200 · -\n"
          "    … and 1 more\n");
    CHECK(summary({make_show(Show::Kind::table, "tables[1]", "Other", {}, 2)}, logs) ==
          "  Other: (not found)\n");
  }
  SECTION("the generic view: the first columns")
  {
    CHECK(
        cli::read_summary(playbook::Step{}, logs, Lang::en, false) ==
        "  3 row(s): TimeGenerated · OperationName · CallerIPAddress · requestUri_s · "
        "httpStatusCode_d · ResultSignature · …\n"
        "    - 2026-11-20T10:00:00Z · SecretList · 185.220.101.7 · https://kv/secrets · 200 · OK\n"
        "    - 2026-11-20T10:00:05Z · SecretGet · 185.220.101.7 · https://kv/secrets/db/v1 · 200 · "
        "OK\n"
        "    - 2026-11-20T10:00:09Z · VaultPut · 185.220.101.7 · https://kv · 403 · Forbidden\n");
  }
}

TEST_CASE("read_summary shows run-command output line by line")
{
  std::string out = "Enable succeeded: \n[stdout]\n";
  for (int i = 1; i <= 20; ++i) {
    out += "package-" + std::to_string(i) + "\t1." + std::to_string(i) + "\n";
  }
  out += "\n[stderr]\n";
  const Json linux_output = {
      {"value", Json::array({{{"code", "ProvisioningState/succeeded"}, {"message", out}}})}};
  SECTION("declared: the first max lines, tabs as spaces, markers left out")
  {
    CHECK(summary({make_show(Show::Kind::lines, "value[*].message", "Installed software", {}, 3)},
                  linux_output) == "  Installed software (20 line(s)):\n"
                                   "    package-1 1.1\n"
                                   "    package-2 1.2\n"
                                   "    package-3 1.3\n"
                                   "    … and 17 more line(s)\n");
  }
  SECTION("generic: Windows' StdOut and StdErr, the first 15 lines")
  {
    const Json windows = {
        {"value", Json::array({{{"code", "ComponentStatus/StdOut/succeeded"},
                                {"message", "AnyDesk\t9.0.1\nTor Browser\t14.0"}},
                               {{"code", "ComponentStatus/StdErr/succeeded"}, {"message", ""}}})}};
    CHECK(cli::read_summary(playbook::Step{}, windows, Lang::en, false) ==
          "  2 line(s) of output:\n"
          "    AnyDesk 9.0.1\n"
          "    Tor Browser 14.0\n");
    const auto text = cli::read_summary(playbook::Step{}, linux_output, Lang::en, false);
    CHECK(text.rfind("  20 line(s) of output:\n    package-1 1.1\n", 0) == 0);
    CHECK(text.find("package-15 1.15\n    … and 5 more line(s)\n") != std::string::npos);
    CHECK(text.find("package-16") == std::string::npos);
  }
}

TEST_CASE("read_summary without declared shows gives a short generic view, never the whole body")
{
  SECTION("a list: its count and the first names")
  {
    Json list = {{"value", Json::array()}};
    for (int i = 1; i <= 7; ++i) {
      list["value"].push_back(
          {{"id", "/x/" + std::to_string(i)}, {"name", "secret-" + std::to_string(i)}});
    }
    list["value"][1] = {{"id", "/x/2"},
                        {"name", "guid-2"},
                        {"properties", {{"displayName", "Management ports open"}}}};
    list["value"][2] = {{"id", "/x/3"}};
    CHECK(cli::read_summary(playbook::Step{}, list, Lang::en, false) ==
          "  7 item(s):\n"
          "    - secret-1\n"
          "    - Management ports open\n"
          "    - /x/3\n"
          "    - secret-4\n"
          "    - secret-5\n"
          "    … and 2 more\n");
    CHECK(cli::read_summary(playbook::Step{}, Json{{"value", Json::array()}}, Lang::en, false) ==
          "  0 item(s)\n");
  }
  SECTION("a resource: its name and a few scalar fields")
  {
    const Json vault = Json::parse(
        R"({"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv",
      "name": "kv-payments", "type": "Microsoft.KeyVault/vaults", "location": "westeurope", "tags": {"Owner": "a"},
      "properties": {"tenantId": "t", "sku": {"name": "standard"}, "enableRbacAuthorization": false,
                     "enableSoftDelete": true, "vaultUri": "https://kv-payments.vault.azure.net/", "x": 1}})");
    CHECK(cli::read_summary(playbook::Step{}, vault, Lang::en, false) ==
          "  name: kv-payments\n"
          "  type: Microsoft.KeyVault/vaults\n"
          "  location: westeurope\n"
          "  properties.tenantId: t\n"
          "  properties.enableRbacAuthorization: false\n"
          "  properties.enableSoftDelete: true\n");
  }
  SECTION("never a secret bundle's value")
  {
    const Json bundle = {{"value", "hunter2"},
                         {"id", "https://kv.vault.azure.net/secrets/db/v1"},
                         {"attributes", {{"enabled", true}}},
                         {"contentType", "text/plain"}};
    CHECK(cli::read_summary(playbook::Step{}, bundle, Lang::en, false) ==
          "  contentType: text/plain\n");
  }
  SECTION("nothing read, a bare value")
  {
    CHECK(cli::read_summary(playbook::Step{}, nullptr, Lang::en, false).empty());
    CHECK(cli::read_summary(playbook::Step{}, "text", Lang::en, false) == "  text\n");
  }
}

TEST_CASE("read_summary paints only its own words when colour is on")
{
  const auto text = cli::read_summary(
      step_showing({make_show(Show::Kind::value, "properties.tags.Team", "Team")}), k_tags_json,
      Lang::en, true);
  CHECK(text == "  Team: \x1b[2m(not found)\x1b[0m\n");
}

TEST_CASE("full_result is the whole result, pretty-printed, one sanitized line each")
{
  CHECK(cli::full_result(k_tags_json) ==
        "{\n"
        "  \"id\": \"/subscriptions/s/providers/Microsoft.Resources/tags/default\",\n"
        "  \"name\": \"default\",\n"
        "  \"properties\": {\n"
        "    \"tags\": {\n"
        "      \"Owner\": \"alice@contoso.com\",\n"
        "      \"env\": \"prod\"\n"
        "    }\n"
        "  }\n"
        "}\n");
}
