#include "lab_fixture.hpp"

#include <catch2/catch.hpp>

using dftriage::test::body_of;
using dftriage::test::k_attacker;
using dftriage::test::k_sub;
using dftriage::test::k_vault_id;
using dftriage::test::LabFixture;
using Json = nlohmann::ordered_json;

namespace {
const std::vector<std::pair<std::string, std::string>> k_vault_version{
    {"api-version", "2026-02-01"}};
const std::vector<std::pair<std::string, std::string>> k_auth{{"api-version", "2022-04-01"}};
const std::string k_sub_path = std::string("/subscriptions/") + k_sub;
} // namespace

TEST_CASE("lab checks api-version per route as ARM does", "[lab]")
{
  LabFixture lab;
  auto missing = lab.send("GET", k_vault_id);
  CHECK(missing.status == 400);
  CHECK(body_of(missing)["error"]["code"] == "MissingApiVersionParameter");
  auto wrong = lab.send("GET", k_vault_id, {{"api-version", "2099-01-01"}});
  CHECK(body_of(wrong)["error"]["code"] == "InvalidApiVersionParameter");
  CHECK(body_of(wrong)["error"]["message"].get<std::string>().find("2026-02-01") !=
        std::string::npos);
  CHECK(lab.send("GET", k_vault_id, {{"api-version", "2022-07-01"}}).status == 200); // az 2.45
}

TEST_CASE("lab answers ARM's 404 shapes and request-id headers", "[lab]")
{
  LabFixture lab;
  auto r =
      lab.send("GET", k_sub_path + "/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/nope",
               k_vault_version);
  CHECK(r.status == 404);
  CHECK(body_of(r)["error"]["code"] == "ResourceNotFound");
  CHECK(body_of(lab.send("GET",
                         k_sub_path + "/resourceGroups/rg9/providers/Microsoft.KeyVault/vaults/kv1",
                         k_vault_version))["error"]["code"] == "ResourceGroupNotFound");
  CHECK(body_of(lab.send(
            "GET", "/subscriptions/nope/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1",
            k_vault_version))["error"]["code"] == "SubscriptionNotFound");
  CHECK(r.header("x-ms-request-id"));
  CHECK(r.header("x-ms-correlation-request-id"));
  CHECK(r.header("x-ms-client-request-id") == std::optional<std::string>("client-1"));
}

TEST_CASE("lab vault PATCH merges networkAcls and accessPolicies/{kind} edits entries", "[lab]")
{
  LabFixture lab;
  auto r = lab.send(
      "PATCH", k_vault_id, k_vault_version,
      R"({"properties":{"networkAcls":{"defaultAction":"Deny","ipRules":[{"value":"203.0.113.7/32"}]}}})");
  REQUIRE(r.status == 200);
  const auto acls = body_of(r)["properties"]["networkAcls"];
  CHECK(acls["defaultAction"] == "Deny");
  CHECK(acls["bypass"] == "AzureServices"); // kept: a merge, not a replace
  CHECK(acls["ipRules"].size() == 1);
  CHECK(body_of(r)["properties"]["enableSoftDelete"] == true);

  const std::string entry =
      std::string(
          R"({"properties":{"accessPolicies":[{"tenantId":"11111111-1111-1111-1111-111111111111","objectId":")") +
      k_attacker + R"(","permissions":{"secrets":["get","list","set"],"keys":["get"]}}]}})";
  SECTION("replace sets the permissions")
  {
    const std::string reduced =
        std::string(
            R"({"properties":{"accessPolicies":[{"tenantId":"11111111-1111-1111-1111-111111111111","objectId":")") +
        k_attacker + R"(","permissions":{"secrets":["get"]}}]}})";
    CHECK(lab.send("PUT", std::string(k_vault_id) + "/accessPolicies/replace", k_vault_version,
                   reduced)
              .status == 200);
    const auto vault = body_of(lab.send("GET", k_vault_id, k_vault_version));
    CHECK(vault["properties"]["accessPolicies"][0]["permissions"]["secrets"] ==
          Json::array({"get"}));
  }
  SECTION("remove with every permission it holds drops the entry")
  {
    CHECK(
        lab.send("PUT", std::string(k_vault_id) + "/accessPolicies/remove", k_vault_version, entry)
            .status == 200);
    CHECK(body_of(lab.send("GET", k_vault_id, k_vault_version))["properties"]["accessPolicies"]
              .empty());
  }
  SECTION("az's GET + full PUT with 2022-07-01")
  {
    auto vault = body_of(lab.send("GET", k_vault_id, {{"api-version", "2022-07-01"}}));
    vault["properties"]["accessPolicies"] = Json::array();
    CHECK(lab.send("PUT", k_vault_id, {{"api-version", "2022-07-01"}}, vault.dump()).status == 200);
    CHECK(body_of(lab.send("GET", k_vault_id, k_vault_version))["properties"]["accessPolicies"]
              .empty());
  }
}

TEST_CASE("lab role assignments filter by atScope(), principalId and assignedTo()", "[lab]")
{
  LabFixture lab;
  const std::string list =
      std::string(k_vault_id) + "/providers/Microsoft.Authorization/roleAssignments";
  const auto names = [&](std::vector<std::pair<std::string, std::string>> query,
                         const std::string& path) {
    query.emplace_back("api-version", "2022-04-01");
    lab.tenant.state().config.page_size = 50;
    std::vector<std::string> out;
    const auto body = body_of(lab.send("GET", path, query));
    for (const auto& a : body["value"]) {
      out.push_back(a["name"]);
    }
    return out;
  };
  CHECK(names({{"$filter", "atScope()"}}, list) == std::vector<std::string>{"ra-sub", "ra-vault"});
  CHECK(names({{"$filter", std::string("principalId eq '") + k_attacker + "'"}},
              k_sub_path + "/providers/Microsoft.Authorization/roleAssignments") ==
        std::vector<std::string>{"ra-vault"});
  CHECK(names({{"$filter", std::string("assignedTo('") + k_attacker + "')"}}, list) ==
        std::vector<std::string>{"ra-vault"});

  const std::string id = list + "/ra-vault";
  auto deleted = lab.send("DELETE", id, k_auth);
  CHECK(deleted.status == 200);
  CHECK(body_of(deleted)["properties"]["principalId"] == k_attacker);
  CHECK(lab.send("DELETE", id, k_auth).status == 204);
  CHECK(lab.send("GET", id, k_auth).status == 404);
  CHECK(lab.send("PUT", id, k_auth, body_of(deleted).dump()).status == 201);
  CHECK(lab.send("GET", id, {{"api-version", "2020-04-01-preview"}}).status == 200); // az 2.45
}

TEST_CASE("lab lists page with nextLink", "[lab]")
{
  LabFixture lab;
  lab.tenant.state().config.page_size = 1;
  const std::string path = k_sub_path + "/providers/Microsoft.Authorization/roleAssignments";
  auto first = body_of(lab.send("GET", path, k_auth));
  REQUIRE(first["value"].size() == 1);
  const std::string next = first["nextLink"];
  CHECK(next.rfind("http://127.0.0.1:8443" + path + "?api-version=2022-04-01&$skiptoken=1", 0) ==
        0);
  auto second =
      body_of(lab.send("GET", path, {{"api-version", "2022-04-01"}, {"$skiptoken", "1"}}));
  CHECK(second["value"].size() == 1);
  CHECK(second["nextLink"].is_null());
  CHECK(second["value"][0]["name"] != first["value"][0]["name"]);
}

TEST_CASE("lab security alerts change status through the 2022-01-01 POSTs", "[lab]")
{
  LabFixture lab;
  const std::string alert =
      k_sub_path +
      "/resourceGroups/rg1/providers/Microsoft.Security/locations/westeurope/alerts/a1";
  const std::vector<std::pair<std::string, std::string>> v{{"api-version", "2022-01-01"}};
  CHECK(lab.send("POST", alert + "/dismiss", v).status == 204);
  CHECK(body_of(lab.send("GET", alert, v))["properties"]["status"] == "Dismissed");
  CHECK(lab.send("POST", alert + "/inProgress", v).status == 204);
  CHECK(body_of(lab.send("GET", alert, v))["properties"]["status"] == "InProgress");
  CHECK(body_of(lab.send("GET", k_sub_path + "/providers/Microsoft.Security/alerts", v))["value"]
            .size() == 1);
  CHECK(lab.send("POST",
                 k_sub_path +
                     "/resourceGroups/rg1/providers/Microsoft.Security/locations/westeurope/"
                     "alerts/zz/resolve",
                 v)
            .status == 404);
}

TEST_CASE("lab activity log holds the lab's own mutating requests, filtered", "[lab]")
{
  LabFixture lab;
  lab.send("PATCH", k_vault_id, k_vault_version,
           R"({"properties":{"networkAcls":{"defaultAction":"Deny"}}})");
  const auto& client = lab.tenant.state().config.client_id;
  const std::string path =
      k_sub_path + "/providers/Microsoft.Insights/eventtypes/management/values";
  const auto list = [&](const std::string& filter) {
    return body_of(lab.send("GET", path,
                            {{"api-version", "2015-04-01"},
                             {"$filter", filter},
                             {"$select", "caller,operationName,resourceId"}}))["value"];
  };
  auto events = list("eventTimestamp ge '2026-11-27T00:00:00Z' and eventTimestamp le "
                     "'2026-11-28T00:00:00Z' and caller eq '" +
                     client + "'");
  REQUIRE(events.size() == 1);
  CHECK(events[0]["operationName"]["value"] == "Microsoft.KeyVault/vaults/write");
  CHECK(events[0]["resourceId"] == k_vault_id);
  CHECK(!events[0].contains("eventTimestamp")); // $select
  CHECK(list("eventTimestamp ge 2026-11-27T00:00:00 and eventTimestamp le 2026-11-28T00:00:00 and "
             "caller eq 'x'")
            .empty());
  CHECK(list("eventTimestamp ge '2026-11-28T00:00:00Z'").empty());
  auto bad = lab.send("GET", path, {{"api-version", "2015-04-01"}});
  CHECK(bad.status == 400);
  CHECK(body_of(bad)["code"] == "BadRequest"); // the activity log's flat error shape
}
