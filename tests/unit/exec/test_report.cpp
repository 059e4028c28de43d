// The incident record: the model built from a hand-written case folder, and its
// Markdown (code spans, no over-escaping, hostile alert content neutralised, labels in
// English and Chinese).

#include "dftriage/exec/report.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_vault =
    "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-payments-prod/"
    "providers/Microsoft.KeyVault/vaults/kv-payments-prod";

// An alert in the ARM shape, with `properties` merged over a plain Key Vault alert.
std::string arm_alert(const Json& properties = Json::object())
{
  Json alert{{"id", "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/"
                    "rg-payments-prod/providers/"
                    "Microsoft.Security/locations/westeurope/alerts/a-1"},
             {"name", "a-1"},
             {"type", "Microsoft.Security/Locations/alerts"},
             {"properties",
              {{"status", "Active"},
               {"alertType", "KV_TORAccess"},
               {"systemAlertId", "a-1"},
               {"severity", "Medium"},
               {"alertDisplayName", "Access from a TOR exit node to a key vault"},
               {"description", "The key vault was accessed from a TOR exit node."},
               {"startTimeUtc", "2026-11-27T07:58:12Z"},
               {"endTimeUtc", "2026-11-27T08:02:47Z"},
               {"compromisedEntity", "kv-payments-prod"},
               {"resourceIdentifiers",
                Json::array({{{"type", "AzureResource"}, {"azureResourceId", k_vault}}})},
               {"entities", Json::array()}}}};
  for (const auto& [key, value] : properties.items()) {
    alert["properties"][key] = value;
  }
  return alert.dump(2);
}

// A case folder in a temporary directory with a journal written by hand, each entry at
// the time set in `now`.
struct TestCase
{
  explicit TestCase(const std::string& alert_text = arm_alert(), const std::string& suffix = "")
      : dir((std::filesystem::temp_directory_path() /
             ("dftriage-report-" + std::to_string(::getpid()) + "-" + std::to_string(++s_count) +
              suffix))
                .string())
  {
    std::filesystem::remove_all(dir);
    folder = std::make_unique<journal::CaseFolder>(journal::CaseFolder::create(dir));
    if (!alert_text.empty()) {
      folder->write_file("alert.json", alert_text);
    }
    journal = std::make_unique<journal::Journal>(
        folder->journal_path(), journal::Operator{"alice@ws", "client c1"}, [this] { return now; });
  }
  ~TestCase() { std::filesystem::remove_all(dir); }

  void at(const std::string& time) { now = "2026-11-28T" + time + "Z"; }
  void add(Json entry) { journal->append(std::move(entry)); }
  void opened(const std::string& playbook = "keyvault", const std::string& version = "1.2")
  {
    Json e{{"event", "case.opened"},
           {"alertId", "a-1"},
           {"alertType", "KV_TORAccess"},
           {"resource", k_vault}};
    if (!playbook.empty()) {
      e["playbook"] = playbook;
      e["playbookVersion"] = version;
      e["mode"] = "lab";
    }
    add(e);
  }
  // A read step that saved `body` (read from `url`) as its evidence.
  std::string read_step(const std::string& step, const std::string& action, const std::string& url,
                        const Json& body)
  {
    add({{"event", "step.entered"},
         {"step", step},
         {"phase", "contact"},
         {"action", action},
         {"mutating", false},
         {"reversibility", "read-only"}});
    const auto path = folder->write_evidence(step, {{"method", "GET"},
                                                    {"url", url},
                                                    {"status", 200},
                                                    {"requestId", "r-" + step},
                                                    {"body", body}});
    add({{"event", "evidence.saved"}, {"step", step}, {"evidence", path}});
    add({{"event", "step.done"}, {"step", step}});
    return path;
  }
  // A change in `phase` carried out with `reason`.
  void change(const std::string& step, const std::string& phase, const std::string& reason)
  {
    add({{"event", "step.entered"},
         {"step", step},
         {"phase", phase},
         {"action", "keyvault.firewall.enable"},
         {"mutating", true},
         {"reversibility", "reversible"}});
    add({{"event", "confirmation"}, {"step", step}, {"reason", reason}});
    add({{"event", "step.done"}, {"step", step}});
  }

  Json report() const { return exec::case_report(*folder); }
  std::string markdown(playbook::Lang lang = playbook::Lang::en) const
  {
    return exec::report_markdown(report(), lang);
  }

  std::string dir;
  std::string now = "2026-11-28T12:00:00.000Z";
  std::unique_ptr<journal::CaseFolder> folder;
  std::unique_ptr<journal::Journal> journal;
  static inline int s_count = 0;
};

std::vector<std::string> lines_of(const std::string& text)
{
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

bool has_line(const std::string& text, const std::string& line)
{
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Returns the lines of `text` from the heading `heading` up to the next heading.
std::string section(const std::string& text, const std::string& heading)
{
  const auto start = text.find("\n" + heading + "\n");
  if (start == std::string::npos) {
    return {};
  }
  const auto end = text.find("\n## ", start + heading.size() + 2);
  return text.substr(start + heading.size() + 2, end == std::string::npos
                                                     ? std::string::npos
                                                     : end - start - heading.size() - 2);
}

} // namespace

TEST_CASE("markdown_code fences a value so nothing in it ends the span", "[report]")
{
  CHECK(exec::markdown_code("KV_TORAccess") == "`KV_TORAccess`");
  CHECK(exec::markdown_code("/subscriptions/x/resourceGroups/rg_a") ==
        "`/subscriptions/x/resourceGroups/rg_a`");
  CHECK(exec::markdown_code("a`b") == "``a`b``");
  CHECK(exec::markdown_code("a``b`") == "``` a``b` ```");
  CHECK(exec::markdown_code("`x") == "`` `x ``");
  CHECK(exec::markdown_code(" x ") == "`  x  `");
  CHECK(exec::markdown_code("line one\nline two\r\tend") == "`line one line two  end`");
  CHECK(exec::markdown_code("bell\x07 esc\x1b[31m \xe2\x80\xae") == "`bell esc[31m `");
  CHECK(exec::markdown_code("bad \xff byte") == "`bad \xef\xbf\xbd byte`");
  CHECK(exec::markdown_code("a|b") == "`a|b`");
  CHECK(exec::markdown_code("a|b", true) == "`a\\|b`");
  CHECK(exec::markdown_code("") == "");
  CHECK(exec::markdown_code("\n") == "");
}

TEST_CASE("markdown_text escapes only what Markdown would read", "[report]")
{
  SECTION("ordinary prose and identifiers stay as they are")
  {
    CHECK(exec::markdown_text("Access from a TOR exit node (KV_TORAccess), 3 times: [SecretGet]") ==
          "Access from a TOR exit node (KV_TORAccess), 3 times: \\[SecretGet]");
    CHECK(exec::markdown_text("C:\\Users\\alice #42 AT&T 5 > 3 - ok!") ==
          "C:\\Users\\alice #42 AT&T 5 > 3 - ok!");
    CHECK(exec::markdown_text("  spaced   out\n\ttext  ") == "spaced out text");
  }
  SECTION("emphasis, code, HTML and entities")
  {
    CHECK(exec::markdown_text("_x_ snake_case *y* `z` ~~s~~") ==
          "\\_x\\_ snake_case \\*y\\* \\`z\\` \\~\\~s\\~\\~");
    CHECK(exec::markdown_text("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)>");
    CHECK(exec::markdown_text("&lt;b&gt; &#60;") == "\\&lt;b\\&gt; \\&#60;");
    CHECK(exec::markdown_text("a\\*b\\") == "a\\\\\\*b\\\\");
  }
  SECTION("links, images and autolinks")
  {
    CHECK(exec::markdown_text("![i](javascript:alert(1))") == "!\\[i\\](javascript:alert(1))");
    CHECK(exec::markdown_text("[click](http://x) now") == "`[click](http://x)` now");
    CHECK(exec::markdown_text("see www.evil.example or mail bob@evil.example, @team") ==
          "see `www.evil.example` or mail `bob@evil.example,` `@team`");
  }
  SECTION("block markers at the start")
  {
    CHECK(exec::markdown_text("# Heading") == "\\# Heading");
    CHECK(exec::markdown_text("> quote") == "\\> quote");
    CHECK(exec::markdown_text("- item") == "\\- item");
    CHECK(exec::markdown_text("+ item") == "\\+ item");
    CHECK(exec::markdown_text("---") == "\\---");
    CHECK(exec::markdown_text("1. first") == "1\\. first");
    CHECK(exec::markdown_text("2) second") == "2\\) second");
    CHECK(exec::markdown_text("#hashtag -x 1.5") == "#hashtag -x 1.5");
  }
  SECTION("table cells")
  {
    CHECK(exec::markdown_text("a | b") == "a | b");
    CHECK(exec::markdown_text("a | b", true) == "a \\| b");
  }
}

TEST_CASE("milliseconds_between reads the journal's times", "[report]")
{
  CHECK(exec::milliseconds_between("2026-11-28T12:00:00.000Z", "2026-11-28T13:02:05.500Z") ==
        3725500);
  CHECK(exec::milliseconds_between("2026-12-31T23:59:59Z", "2027-01-01T00:00:01Z") == 2000);
  CHECK(exec::milliseconds_between("2024-02-28T00:00:00Z", "2024-03-01T00:00:00Z") ==
        2 * 86400000LL);
  CHECK_FALSE(exec::milliseconds_between("yesterday", "2027-01-01T00:00:01Z"));
}

TEST_CASE("the report puts identifiers in code spans and keeps prose readable", "[report]")
{
  TestCase c;
  c.opened();
  c.change("enable-firewall", "mitigate", "TOR access confirmed | by SOC");
  const auto md = c.markdown();
  const auto lines = lines_of(md);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "# Incident record: `KV_TORAccess`");
  CHECK(has_line(md, "- **Case**: `" + c.dir + "`"));
  CHECK(has_line(md, "- **Playbook**: `keyvault` 1.2 (lab)"));
  CHECK(has_line(md, "- **Type**: `KV_TORAccess`"));
  CHECK(has_line(md, "- **Name**: Access from a TOR exit node to a key vault"));
  CHECK(has_line(md, "- **Resource**: `" + k_vault + "`"));
  CHECK(has_line(md, "| `enable-firewall` | `keyvault.firewall.enable` | TOR access confirmed \\| "
                     "by SOC | `alice@ws` | "
                     "2026-11-28T12:00:00.000Z |"));
  CHECK(has_line(md, "- **Operators**: `alice@ws` (client c1)"));
  CHECK(md.find("\\_") == std::string::npos);
  CHECK(md.find("\\[") == std::string::npos);
}

TEST_CASE("a hostile alert cannot add headings, links, images, HTML or table cells", "[report]")
{
  const Json hostile{
      {"alertType", "KV_`x`\n# Owned"},
      {"alertDisplayName",
       "# Heading\n## Another [click](http://evil.example) ![i](http://evil.example/i.png)"},
      {"description",
       "<img src=x onerror=alert(1)>\n<script>alert(1)</script> | cell | ](javascript:alert(1))"},
      {"compromisedEntity", "kv`` | x"},
      {"entities", Json::array({{{"type", "ip"}, {"address", "1.2.3.4`](http://x)"}},
                                {{"type", "dns"}, {"domainName", "<b>evil</b>.example|x"}}})}};
  TestCase c(arm_alert(hostile));
  c.opened();
  c.add({{"event", "step.entered"},
         {"step", "enable-firewall"},
         {"phase", "mitigate"},
         {"action", "keyvault.firewall.enable"},
         {"mutating", true},
         {"reversibility", "reversible"}});
  c.add({{"event", "step.declined"},
         {"step", "enable-firewall"},
         {"reason", "no\n# way <img src=x> [a](http://b)"}});
  const auto md = c.markdown();
  const auto lines = lines_of(md);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "# Incident record: ``KV_`x` # Owned``");
  CHECK(has_line(md, "- **Name**: \\# Heading ## Another `[click](http://evil.example)` "
                     "`![i](http://evil.example/i.png)`"));
  CHECK(has_line(
      md,
      "- **Description**: \\<img src=x onerror=alert(1)> \\<script>alert(1)\\</script> | cell | "
      "\\](javascript:alert(1))"));
  CHECK(has_line(md, "- **Compromised entity**: ```kv`` | x```"));
  CHECK(has_line(md, "| IP address | ``1.2.3.4`](http://x)`` | — | alert |"));
  CHECK(has_line(md, "| Domain | `<b>evil</b>.example\\|x` | — | alert |"));
  CHECK(has_line(md, "| `enable-firewall` | `keyvault.firewall.enable` | no # way \\<img src=x> "
                     "`[a](http://b)` | `alice@ws` | 2026-11-28T12:00:00.000Z |"));
  // Structure: the report's own headings only; nothing starts an HTML tag.
  const std::set<std::string> headings = {
      "## Alert",   "## Indicators",       "## Timeline", "## Answers",  "## Changes confirmed",
      "## Actions", "## Declined changes", "## Undone",   "## Evidence", "## Open follow-ups"};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!lines[i].empty() && lines[i][0] == '#') {
      CHECK(headings.count(lines[i]) == 1);
    }
  }
  CHECK(md.find(" <img") == std::string::npos);
  CHECK(md.find(" <script") == std::string::npos);
}

TEST_CASE("the report lists indicators from the alert and from directory reads", "[report]")
{
  const Json props{
      {"entities",
       Json::array(
           {{{"type", "ip"},
             {"address", "185.220.101.47"},
             {"location", {{"countryName", "Germany"}, {"countryCode", "DE"}, {"asn", 4242}}},
             {"threatIntelligence", Json::array({{{"threatName", "TOR exit node"},
                                                  {"providerName", "MSTIC"},
                                                  {"confidence", 0.9}}})}},
            {{"type", "account"}, {"aadUserId", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"}},
            {{"type", "dns"}, {"domainName", "exampleonionrelay.net"}},
            {{"type", "host"},
             {"hostName", "vm-web-01"},
             {"azureID",
              "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-web/"
              "providers/Microsoft.Compute/virtualMachines/vm-web-01"}}})},
      {"extendedProperties", {{"IP reputation", "known TOR exit node"}}}};
  TestCase c(arm_alert(props));
  c.opened();
  c.read_step("user", "graph.user.get",
              "https://graph.microsoft.com/v1.0/users/d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f",
              {{"id", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"},
               {"userPrincipalName", "mallory@contoso.example"},
               {"displayName", "Mallory"}});
  const auto report = c.report();
  const auto& ind = report["indicators"];
  REQUIRE(ind["ips"].size() == 1);
  CHECK(ind["ips"][0]["address"] == "185.220.101.47");
  CHECK(ind["ips"][0]["reputation"]["location"]["countryName"] == "Germany");
  CHECK(ind["ips"][0]["reputation"]["threatIntelligence"][0]["threatName"] == "TOR exit node");
  CHECK(ind["ips"][0]["reputation"]["notes"] ==
        Json::array({"IP reputation: known TOR exit node"}));
  REQUIRE(ind["principals"].size() == 1);
  CHECK(ind["principals"][0]["objectId"] == "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f");
  CHECK(ind["principals"][0]["upn"] == "mallory@contoso.example");
  CHECK(ind["principals"][0]["from"] == Json::array({"alert", "evidence/001-user.json"}));
  CHECK(ind["domains"] == Json::array({{{"name", "exampleonionrelay.net"}, {"from", {"alert"}}}}));
  REQUIRE(ind["resources"].size() == 2);
  CHECK(ind["resources"][0]["id"] == k_vault);
  CHECK(ind["resources"][0]["role"] == "attacked");
  CHECK(ind["resources"][1]["role"] == "host");

  const auto md = section(c.markdown(), "## Indicators");
  CHECK(md ==
        "\n| Kind | Value | Details | From |\n|---|---|---|---|\n"
        "| IP address | `185.220.101.47` | Germany, DE, AS4242; threat intelligence: TOR exit "
        "node, MSTIC, 0.9; "
        "IP reputation: known TOR exit node | alert |\n"
        "| Principal | `mallory@contoso.example` | object ID "
        "`d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f`, display "
        "name Mallory | alert, `evidence/001-user.json` |\n"
        "| Domain | `exampleonionrelay.net` | — | alert |\n"
        "| Resource | `" +
            k_vault +
            "` | attacked resource | alert |\n"
            "| Resource | "
            "`/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-web/providers/"
            "Microsoft.Compute/virtualMachines/vm-web-01` | host, `vm-web-01` | alert |\n");
}

TEST_CASE("audit-log reads add the addresses and principals seen with the caller", "[report]")
{
  TestCase c(arm_alert(
      {{"entities", Json::array({{{"type", "ip"}, {"address", "185.220.101.47"}},
                                 {{"type", "account"}, {"aadUserId", "oid-mallory"}}})}}));
  c.opened();
  const Json columns = Json::array({{{"name", "TimeGenerated"}},
                                    {{"name", "CallerIPAddress"}},
                                    {{"name", "identity_claim_oid_g"}},
                                    {{"name", "identity_claim_upn_s"}},
                                    {{"name", "identity_claim_appid_g"}}});
  c.read_step(
      "log-by-principal", "keyvault.diagnostics.query",
      "https://api.loganalytics.io/v1/workspaces/w/query",
      {{"tables",
        Json::array(
            {{{"name", "PrimaryResult"},
              {"columns", columns},
              {"rows", Json::array({
                           {"t1", "185.220.101.47", "oid-mallory", "", "app-cli"},
                           {"t2", "198.51.100.23", "oid-mallory", "", "app-cli"},
                           {"t3", "not an address", "oid-bob", "bob@contoso.example", "app-cli"},
                       })}}})}});
  const auto ind = c.report()["indicators"];
  CHECK(ind["ips"] == Json::array({{{"address", "185.220.101.47"},
                                    {"valid", true},
                                    {"from", {"alert", "evidence/001-log-by-principal.json"}}},
                                   {{"address", "198.51.100.23"},
                                    {"valid", true},
                                    {"from", {"evidence/001-log-by-principal.json"}}}}));
  // The same public client (app-cli) is not the same person.
  CHECK(ind["principals"] ==
        Json::array({{{"objectId", "oid-mallory"},
                      {"appId", "app-cli"},
                      {"from", {"alert", "evidence/001-log-by-principal.json"}}},
                     {{"objectId", "oid-bob"},
                      {"upn", "bob@contoso.example"},
                      {"appId", "app-cli"},
                      {"from", {"evidence/001-log-by-principal.json"}}}}));
}

TEST_CASE(
    "the report names the owner a read found on the attacked resource, or says it was not found",
    "[report]")
{
  SECTION("from the Tags API")
  {
    TestCase c;
    c.opened();
    c.read_step("owner-tags", "resources.get_tags",
                "https://management.azure.com" + k_vault +
                    "/providers/Microsoft.Resources/tags/default?api-version=x",
                {{"properties",
                  {{"tags", {{"env", "prod"}, {"Owner", "payments-platform@contoso.example"}}}}}});
    const auto report = c.report();
    CHECK(report["owner"] == Json{{"found", true},
                                  {"value", "payments-platform@contoso.example"},
                                  {"tag", "Owner"},
                                  {"step", "owner-tags"},
                                  {"evidence", "evidence/001-owner-tags.json"}});
    CHECK(has_line(
        c.markdown(),
        "- **Owner**: `payments-platform@contoso.example` (tag `Owner`, read by `owner-tags`)"));
  }
  SECTION("from the resource's own body, with a contact tag")
  {
    TestCase c;
    c.opened();
    c.read_step("read-vault", "keyvault.get",
                "https://management.azure.com" + k_vault + "?api-version=x",
                {{"id", k_vault}, {"tags", {{"support-contact", "kv-team@contoso.example"}}}});
    CHECK(c.report()["owner"]["value"] == "kv-team@contoso.example");
  }
  SECTION("tags read, none names an owner")
  {
    TestCase c;
    c.opened();
    c.read_step("owner-tags", "resources.get_tags",
                "https://management.azure.com" + k_vault +
                    "/providers/Microsoft.Resources/tags/default",
                {{"properties", {{"tags", {{"env", "prod"}}}}}});
    CHECK(c.report()["owner"] ==
          Json{{"found", false}, {"tagsRead", {"evidence/001-owner-tags.json"}}});
    CHECK(has_line(c.markdown(), "- **Owner**: not found"));
  }
  SECTION("another resource's owner is not this one's")
  {
    TestCase c;
    c.opened();
    c.read_step("owner-tags", "resources.get_tags",
                "https://management.azure.com" + k_vault +
                    "-other/providers/Microsoft.Resources/tags/default",
                {{"properties", {{"tags", {{"owner", "someone@contoso.example"}}}}}});
    CHECK(has_line(c.markdown(), "- **Owner**: not found (no step read the resource's tags)"));
  }
}

TEST_CASE("the report measures time to first containment and the total time", "[report]")
{
  TestCase c;
  c.at("12:00:00.000");
  c.opened();
  c.at("12:01:00.000");
  c.change("block-early", "contact", "not a mitigation"); // a change, but not in mitigate
  c.at("12:02:00.000");
  c.read_step("read-vault", "keyvault.get", "https://management.azure.com" + k_vault,
              Json::object());
  c.at("12:03:04.500");
  c.change("enable-firewall", "mitigate", "contain");
  c.at("12:10:00.000");
  c.change("remove-access-policy", "mitigate", "contain more");
  c.at("13:02:05.000");
  c.add({{"event", "case.closed"}, {"outcome", "completed"}});
  const auto report = c.report();
  CHECK(report["durations"] ==
        Json{{"toFirstContainment",
              {{"step", "enable-firewall"}, {"at", "2026-11-28T12:03:04.500Z"}, {"seconds", 184}}},
             {"total", {{"seconds", 3725}, {"until", "2026-11-28T13:02:05.000Z"}}}});
  const auto md = c.markdown();
  CHECK(has_line(md, "- **Time to first containment**: 3m 04s (`enable-firewall`)"));
  CHECK(has_line(md, "- **Total time**: 1h 02m 05s"));
  CHECK(has_line(md, "- **State**: closed: completed"));
  const auto zh = c.markdown(playbook::Lang::zh_cn);
  CHECK(has_line(zh, "- **首次遏制用时**：3分04秒（`enable-firewall`）"));
  CHECK(has_line(zh, "- **总用时**：1小时02分05秒"));
  CHECK(has_line(zh, "- **状态**：已关闭：已完成"));
}

TEST_CASE("the report says who gave each answer and how", "[report]")
{
  TestCase c;
  c.opened();
  c.add({{"event", "question.answered"},
         {"question", "origin_verified"},
         {"value", false},
         {"source", "typed"}});
  c.add({{"event", "question.answered"},
         {"question", "allowed_ranges"},
         {"value", {"203.0.113.0/24"}},
         {"source", "file"}});
  c.add({{"event", "question.answered"},
         {"question", "response"},
         {"value", "remove"},
         {"source", "set"}});
  c.add({{"event", "question.answered"},
         {"question", "principal_type"},
         {"value", "User"},
         {"source", "default"}});
  c.add({{"event", "question.answered"},
         {"question", "role_assignment_id"},
         {"value", "/x/ra_1"},
         {"source", "read"}});
  c.add({{"event", "question.answered"}, {"question", "note"}, {"value", ""}, {"source", "given"}});
  const auto report = c.report();
  REQUIRE(report["answers"].size() == 6);
  CHECK(report["answers"][0] == Json{{"time", "2026-11-28T12:00:00.000Z"},
                                     {"question", "origin_verified"},
                                     {"value", false},
                                     {"source", "typed"},
                                     {"by", {{"user", "alice@ws"}, {"principal", "client c1"}}}});
  const auto md = section(c.markdown(), "## Answers");
  CHECK(md ==
        "\n| Question | Answer | Source | By | Time |\n|---|---|---|---|---|\n"
        "| `origin_verified` | `false` | typed at the prompt | `alice@ws` | "
        "2026-11-28T12:00:00.000Z |\n"
        "| `allowed_ranges` | `[\"203.0.113.0/24\"]` | answers file (--answers) | `alice@ws` | "
        "2026-11-28T12:00:00.000Z |\n"
        "| `response` | `remove` | --set | `alice@ws` | 2026-11-28T12:00:00.000Z |\n"
        "| `principal_type` | `User` | playbook default | `alice@ws` | 2026-11-28T12:00:00.000Z |\n"
        "| `role_assignment_id` | `/x/ra_1` | default from a read | `alice@ws` | "
        "2026-11-28T12:00:00.000Z |\n"
        "| `note` | `\"\"` | given (older case) | `alice@ws` | 2026-11-28T12:00:00.000Z |\n");
}

TEST_CASE("the report lists declined changes and undos with who and why", "[report]")
{
  TestCase c;
  c.opened();
  c.at("12:01:00.000");
  c.change("enable-firewall", "mitigate", "contain");
  c.add({{"event", "step.entered"},
         {"step", "remove-access-policy"},
         {"phase", "mitigate"},
         {"action", "keyvault.access_policy.remove"},
         {"mutating", true},
         {"reversibility", "reversible"}});
  c.at("12:02:00.000");
  c.add({{"event", "step.declined"},
         {"step", "remove-access-policy"},
         {"reason", "owner vouches for the app"}});
  c.journal->set_principal("client c2");
  c.at("12:30:00.000");
  c.add({{"event", "undo.requested"},
         {"steps", {"enable-firewall"}},
         {"reason", "false positive: our scanner"}});
  c.add({{"event", "undo.started"}, {"step", "enable-firewall"}});
  c.at("12:30:01.000");
  c.add({{"event", "undo.done"}, {"step", "enable-firewall"}});
  const auto report = c.report();
  CHECK(report["declined"] ==
        Json::array({{{"time", "2026-11-28T12:02:00.000Z"},
                      {"step", "remove-access-policy"},
                      {"action", "keyvault.access_policy.remove"},
                      {"reason", "owner vouches for the app"},
                      {"by", {{"user", "alice@ws"}, {"principal", "client c1"}}}}}));
  CHECK(report["undone"] ==
        Json::array({{{"step", "enable-firewall"},
                      {"action", "keyvault.firewall.enable"},
                      {"status", "done"},
                      {"time", "2026-11-28T12:30:01.000Z"},
                      {"why", nullptr},
                      {"reason", "false positive: our scanner"},
                      {"by", {{"user", "alice@ws"}, {"principal", "client c2"}}}}}));
  const auto md = c.markdown();
  CHECK(section(md, "## Declined changes") ==
        "\n| Step | Action | Reason | By | Time |\n|---|---|---|---|---|\n"
        "| `remove-access-policy` | `keyvault.access_policy.remove` | owner vouches for the app | "
        "`alice@ws` | "
        "2026-11-28T12:02:00.000Z |\n");
  CHECK(section(md, "## Undone") ==
        "\n| Step | Action | Result | Reason | By | Time |\n|---|---|---|---|---|---|\n"
        "| `enable-firewall` | `keyvault.firewall.enable` | done | false positive: our scanner | "
        "`alice@ws` | "
        "2026-11-28T12:30:01.000Z |\n");
  CHECK(has_line(md, "- 2026-11-28T12:30:00.000Z — Undo requested for `enable-firewall`: false "
                     "positive: our scanner "
                     "— `alice@ws`"));
  CHECK(has_line(md, "- **Operators**: `alice@ws` (client c1), `alice@ws` (client c2)"));
  CHECK(has_line(md, "- [ ] `remove-access-policy` (`keyvault.access_policy.remove`) was declined "
                     "(owner vouches for "
                     "the app): decide on it, then resume with `dftriage run --case " +
                         c.dir + "`."));
}

TEST_CASE("open follow-ups list every step left open, and manual steps never reached", "[report]")
{
  TestCase c;
  c.folder->write_file("plan.json", Json{{"playbook", "custom"},
                                         {"playbookVersion", "1"},
                                         {"phases",
                                          {{{"phase", "mitigate"},
                                            {"steps",
                                             {{{"id", "trusted-networks"},
                                               {"title", "Allow the trusted networks"},
                                               {"status", "planned"},
                                               {"asks", Json::array()},
                                               {"action", nullptr}},
                                              {{"id", "skipped-task"},
                                               {"title", "Skipped"},
                                               {"status", "skipped"},
                                               {"asks", Json::array()},
                                               {"action", nullptr}},
                                              {{"id", "choose"},
                                               {"title", "Choose"},
                                               {"status", "planned"},
                                               {"asks", {"response"}},
                                               {"action", nullptr}},
                                              {{"id", "app-owner-audit"},
                                               {"title", "Have application owners audit"},
                                               {"status", "planned"},
                                               {"asks", Json::array()},
                                               {"action", nullptr}}}}}}}}
                                        .dump());
  c.opened("custom", "1");
  c.add({{"event", "step.entered"}, {"step", "trusted-networks"}, {"phase", "mitigate"}});
  c.add({{"event", "step.open"},
         {"step", "trusted-networks"},
         {"manual", true},
         {"why", "not done yet"},
         {"note", "waiting for the network team"}});
  c.add({{"event", "step.entered"}, {"step", "inform-dpo"}, {"phase", "act"}});
  c.add({{"event", "step.done"},
         {"step", "inform-dpo"},
         {"manual", true},
         {"checked", "not-applicable"},
         {"note", "no personal data"}});
  c.add({{"event", "step.entered"},
         {"step", "read-vault"},
         {"phase", "contact"},
         {"action", "keyvault.get"},
         {"mutating", false},
         {"reversibility", "read-only"}});
  c.add({{"event", "step.failed"}, {"step", "read-vault"}, {"why", "HTTP 403 Forbidden"}});
  c.add({{"event", "step.entered"},
         {"step", "block"},
         {"phase", "mitigate"},
         {"action", "keyvault.firewall.enable"},
         {"mutating", true},
         {"reversibility", "reversible"}});
  c.add({{"event", "step.refused"}, {"step", "block"}, {"why", "outside the case's scope"}});
  const auto report = c.report();
  CHECK(report["followUps"] ==
        Json::array({
            {{"kind", "open"},
             {"step", "trusted-networks"},
             {"action", nullptr},
             {"detail", "waiting for the network team"}},
            {{"kind", "failed"},
             {"step", "read-vault"},
             {"action", "keyvault.get"},
             {"detail", "HTTP 403 Forbidden"}},
            {{"kind", "refused"},
             {"step", "block"},
             {"action", "keyvault.firewall.enable"},
             {"detail", "outside the case's scope"}},
            {{"kind", "not-reached"},
             {"step", "app-owner-audit"},
             {"action", nullptr},
             {"detail", "Have application owners audit"}},
            {{"kind", "unfinished"}, {"step", nullptr}, {"action", nullptr}, {"detail", nullptr}},
        }));
  CHECK(report["checklist"][1]["status"] == "not-applicable");
  const std::string resume = "`dftriage run --case " + c.dir + "`";
  CHECK(
      section(c.markdown(), "## Open follow-ups") ==
      "\n- [ ] `trusted-networks`: manual step still open (waiting for the network team): check it "
      "off with " +
          resume +
          ".\n"
          "- [ ] `read-vault` (`keyvault.get`) failed (HTTP 403 Forbidden). Retry with " +
          resume + ", or undo the case with `dftriage undo " + c.dir +
          "`.\n"
          "- [ ] `block` (`keyvault.firewall.enable`) was refused (outside the case's scope).\n"
          "- [ ] `app-owner-audit`: manual step not reached yet (Have application owners audit).\n"
          "- [ ] The case is not completed yet: resume with " +
          resume + ".\n");
  CHECK(has_line(c.markdown(), "| `inform-dpo` | not applicable | no personal data | `alice@ws` | "
                               "2026-11-28T12:00:00.000Z |"));
}

TEST_CASE("a closed case with nothing left says so", "[report]")
{
  TestCase c;
  c.opened();
  c.change("enable-firewall", "mitigate", "contain");
  c.add({{"event", "case.closed"}, {"outcome", "completed"}});
  CHECK(c.report()["followUps"] == Json::array());
  CHECK(section(c.markdown(), "## Open follow-ups") == "\nNone.\n");
}

TEST_CASE("an empty case reports sanely", "[report]")
{
  SECTION("opened with no playbook")
  {
    TestCase c;
    c.opened("");
    const auto report = c.report();
    CHECK(report["playbook"].is_null());
    const auto md = c.markdown();
    CHECK(has_line(md, "- **Playbook**: not chosen"));
    CHECK(has_line(md, "- **Time to first containment**: no containing change yet"));
    CHECK(has_line(md, "- **Total time**: 0s"));
    CHECK(md.find("()") == std::string::npos);
    CHECK(section(md, "## Open follow-ups") ==
          "\n- [ ] The case is not completed yet: resume with `dftriage run "
          "--case " +
              c.dir + "`.\n");
    CHECK(has_line(c.markdown(playbook::Lang::zh_cn), "- **剧本**：未选择"));
  }
  SECTION("only the case.opened of a playbook")
  {
    TestCase c;
    c.opened();
    CHECK(has_line(c.markdown(), "- **Playbook**: `keyvault` 1.2 (lab)"));
  }
  SECTION("no alert kept (a case applied from a plan)")
  {
    TestCase c("");
    c.opened();
    const auto md = c.markdown();
    CHECK(lines_of(md)[0] == "# Incident record: `KV_TORAccess`");
    CHECK(has_line(md, "- **Resource**: `" + k_vault + "`"));
  }
  SECTION("a case folder whose path needs quoting gets a command that copies whole")
  {
    TestCase c(arm_alert(), " it's");
    c.opened();
    const auto report = c.report();
    const std::string quoted = "'" + c.dir.substr(0, c.dir.size() - 4) + "it'\\''s'";
    CHECK(report["resumeCommand"] == "dftriage run --case " + quoted);
    CHECK(report["undoCommand"] == "dftriage undo " + quoted);
  }
}

TEST_CASE("every label of the report is in Chinese with --lang zh-CN", "[report]")
{
  TestCase c(
      arm_alert({{"entities", Json::array({{{"type", "ip"}, {"address", "185.220.101.47"}}})}}));
  c.opened();
  c.add({{"event", "question.answered"},
         {"question", "origin_verified"},
         {"value", false},
         {"source", "typed"}});
  c.change("enable-firewall", "mitigate", "contain");
  c.add({{"event", "step.entered"}, {"step", "trusted-networks"}, {"phase", "mitigate"}});
  c.add({{"event", "step.open"},
         {"step", "trusted-networks"},
         {"manual", true},
         {"note", "等网络组"}});
  c.add({{"event", "undo.requested"}, {"steps", {"enable-firewall"}}, {"reason", "误报"}});
  c.add({{"event", "undo.started"}, {"step", "enable-firewall"}});
  c.add({{"event", "undo.done"}, {"step", "enable-firewall"}});
  const auto zh = c.markdown(playbook::Lang::zh_cn);
  CHECK(lines_of(zh)[0] == "# 事件记录：`KV_TORAccess`");
  for (const char* heading :
       {"## 告警", "## 威胁指标", "## 时间线", "## 问题回答", "## 已确认的更改", "## 手动步骤",
        "## 执行的操作", "## 已拒绝的更改", "## 已撤销", "## 证据", "## 待跟进事项"}) {
    CHECK(has_line(zh, heading));
  }
  CHECK(has_line(zh, "- **剧本**：`keyvault` 1.2（lab）"));
  CHECK(has_line(zh, "- **资源负责人**：未找到（没有步骤读取该资源的标签）"));
  CHECK(has_line(zh, "| IP 地址 | `185.220.101.47` | — | 告警 |"));
  CHECK(has_line(
      zh,
      "| `origin_verified` | `false` | 在提示处输入 | `alice@ws` | 2026-11-28T12:00:00.000Z |"));
  CHECK(has_line(
      zh, "| `enable-firewall` | `keyvault.firewall.enable`（更改） | 已完成 | 已完成 | — |"));
  CHECK(has_line(zh, "- 2026-11-28T12:00:00.000Z — 请求撤销 `enable-firewall`：误报 — `alice@ws`"));
  CHECK(has_line(
      zh, "- [ ] `trusted-networks`：手动步骤尚未完成（等网络组）：请用 `dftriage run --case " +
              c.dir + "` 勾选。"));
  // No English label is left.
  const auto en = c.markdown();
  for (const char* label : {"Incident record",
                            "Playbook",
                            "Owner",
                            "Operators",
                            "Journal",
                            "Indicators",
                            "Timeline",
                            "Answers",
                            "Question",
                            "Source",
                            "typed at the prompt",
                            "Changes confirmed",
                            "Manual steps",
                            "Actions",
                            "Declined",
                            "Undone",
                            "Evidence",
                            "Open follow-ups",
                            "None.",
                            "not found",
                            "still open",
                            "manual step",
                            "resume with",
                            "Undo requested",
                            "entries",
                            "last hash"}) {
    INFO(label);
    CHECK(en.find(label) != std::string::npos);
    CHECK(zh.find(label) == std::string::npos);
  }
}
