#include "dftriage/util/error.hpp"
#include "lab/faults.hpp"
#include "lab/record.hpp"
#include "lab/seed.hpp"
#include "lab_fixture.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using dftriage::test::body_of;
using dftriage::test::LabFixture;

namespace {

std::string example(const std::string& name)
{
  std::ifstream in(dftriage::test::k_alerts + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

TEST_CASE("lab seeds a coherent Key Vault incident from keyvault-tor.json", "[lab]")
{
  LabFixture lab;
  const std::string text = example("keyvault-tor.json");
  CHECK(dftriage::lab::seed_subscription(text, "keyvault-tor.json") ==
        "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13");
  dftriage::lab::apply_seed(lab.tenant.state(), text, "keyvault-tor.json");
  const std::string vault =
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-payments-prod"
      "/providers/Microsoft.KeyVault/vaults/kv-payments-prod";
  auto v = body_of(lab.send("GET", vault, {{"api-version", "2026-02-01"}}));
  REQUIRE(v["properties"]["accessPolicies"].size() == 1);
  CHECK(v["properties"]["accessPolicies"][0]["objectId"] == "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f");
  auto ra =
      body_of(lab.send("GET", vault + "/providers/Microsoft.Authorization/roleAssignments",
                       {{"api-version", "2022-04-01"},
                        {"$filter", "principalId eq 'd3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f'"}}));
  CHECK(ra["value"].size() == 1);
  const std::string alert = "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/"
                            "rg-payments-prod/providers/"
                            "Microsoft.Security/locations/westeurope/alerts/"
                            "2517138462710000000_5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
  auto a = body_of(lab.send("GET", alert, {{"api-version", "2022-01-01"}}));
  CHECK(a["properties"]["alertType"] == "KV_TORAccess");
  CHECK(a["properties"]["status"] == "Active");
  const auto& state = lab.tenant.state();
  CHECK(state.vaults.at("kv-payments-prod").secrets.at("payments-db-password").size() == 2);
  REQUIRE(!state.diagnostics.empty());
  CHECK(state.diagnostics[0]["CallerIPAddress"] == "185.220.101.47");
  CHECK(state.users.count("d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f") == 1);
  CHECK_THROWS_AS(dftriage::lab::apply_seed(lab.tenant.state(), "{\"x\":1}", "x.json"),
                  dftriage::InputError);
}

TEST_CASE(
    "lab seeded with three alerts of one attack grants the attacker one access policy and role",
    "[lab]")
{
  LabFixture lab;
  std::ifstream in(dftriage::test::k_source + "/examples/queue/az-alert-list.json");
  std::ostringstream queue;
  queue << in.rdbuf();
  dftriage::lab::apply_seed(lab.tenant.state(), queue.str(), "az-alert-list.json");
  const std::string vault =
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-payments-prod"
      "/providers/Microsoft.KeyVault/vaults/kv-payments-prod";
  auto v = body_of(lab.send("GET", vault, {{"api-version", "2026-02-01"}}));
  std::multiset<std::string> holders;
  for (const auto& policy : v["properties"]["accessPolicies"]) {
    holders.insert(policy["objectId"].get<std::string>());
  }
  CHECK(holders.size() == std::set<std::string>(holders.begin(), holders.end()).size());
  CHECK(holders.count("d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f") == 1);
  // Nor twice the directory role the attacker holds.
  std::multiset<std::string> assignments;
  for (const auto& assignment : lab.tenant.state().directory_role_assignments) {
    assignments.insert(assignment["id"].get<std::string>());
  }
  CHECK(assignments.size() == std::set<std::string>(assignments.begin(), assignments.end()).size());
}

TEST_CASE("lab: a scenario seeded first takes the alert's incident into its own vault, or only "
          "the alert with alertSeeding alert-only",
          "[lab]")
{
  const std::string vault =
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-payments-prod"
      "/providers/Microsoft.KeyVault/vaults/kv-payments-prod";
  const std::string app = "7f3c2a10-5b6d-4e8f-9a01-b2c3d4e5f607";
  const auto scenario = [&](const std::string& seeding) {
    nlohmann::json doc = {
        {"scenario", 1},
        {"resources",
         {{{"id", vault},
           {"type", "Microsoft.KeyVault/vaults"},
           {"properties",
            {{"accessPolicies",
              {{{"objectId", app}, {"permissions", {{"secrets", {"get"}}}}}}}}}}}},
        {"activityLog",
         {{{"caller", "late@lab.localhost"},
           {"eventTimestamp", "2026-11-29T08:00:00Z"},
           {"subscriptionId", "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"},
           {"operationName", {{"value", "Microsoft.Resources/tags/write"}}}}}}};
    if (!seeding.empty()) {
      doc["alertSeeding"] = seeding;
    }
    return doc.dump();
  };
  {
    LabFixture lab;
    dftriage::lab::apply_seed(lab.tenant.state(), scenario(""), "scenario.json");
    dftriage::lab::apply_seed(lab.tenant.state(), example("keyvault-tor.json"), "alert.json");
    auto v = body_of(lab.send("GET", vault, {{"api-version", "2026-02-01"}}));
    const auto& policies = v["properties"]["accessPolicies"];
    REQUIRE(policies.size() == 2); // the application's, then the attacker's
    CHECK(policies[0]["objectId"] == app);
    CHECK(policies[0]["tenantId"] == lab.tenant.state().config.tenant_id); // filled in
    CHECK(policies[1]["objectId"] == dftriage::test::k_attacker);
    // The activity log newest first, though the scenario's newer event was seeded first.
    auto events = body_of(
        lab.send("GET",
                 "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/providers/"
                 "Microsoft.Insights/eventtypes/management/values",
                 {{"api-version", "2015-04-01"},
                  {"$filter", "eventTimestamp ge '2026-11-01T00:00:00Z' and eventTimestamp le "
                              "'2026-11-30T00:00:00Z'"}}));
    REQUIRE(events["value"].size() >= 2);
    CHECK(events["value"][0]["caller"] == "late@lab.localhost");
  }
  LabFixture lab;
  dftriage::lab::apply_seed(lab.tenant.state(), scenario("alert-only"), "scenario.json");
  dftriage::lab::apply_seed(lab.tenant.state(), example("keyvault-tor.json"), "alert.json");
  auto v = body_of(lab.send("GET", vault, {{"api-version", "2026-02-01"}}));
  REQUIRE(v["properties"]["accessPolicies"].size() == 1); // no attacker's policy
  CHECK(lab.tenant.state().diagnostics.empty());
  CHECK_THROWS_AS(dftriage::lab::apply_seed(lab.tenant.state(), scenario("some"), "scenario.json"),
                  dftriage::InputError);
  // What a VM prints is a string per kind of script, and nothing else.
  const std::string bad_output = R"({"scenario": 1, "resources": [{"id":
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
      "type": "Microsoft.Compute/virtualMachines", "labRunCommand": {"process": "x"}}]})";
  CHECK_THROWS_WITH(dftriage::lab::apply_seed(lab.tenant.state(), bad_output, "scenario.json"),
                    Catch::Contains("labRunCommand is an object of scan, software"));
}

TEST_CASE("lab fault rules parse and fire on the chosen occurrence", "[lab]")
{
  using dftriage::lab::FaultRule;
  const auto rule = dftriage::lab::parse_fault_rule("429:PATCH:2:retry-after=1");
  CHECK(rule.status == 429);
  CHECK(rule.method == "PATCH");
  CHECK(rule.occurrence == 2);
  CHECK(rule.headers == std::vector<std::pair<std::string, std::string>>{{"retry-after", "1"}});
  CHECK(dftriage::lab::parse_fault_rule("drop:path=/secrets").kind == FaultRule::Kind::drop);
  CHECK(dftriage::lab::parse_fault_rule("slow-body:GET:once").occurrence == 1);
  CHECK_THROWS_WITH(dftriage::lab::parse_fault_rule("200"),
                    Catch::Contains("--fault \"200\": the action must be"));
  CHECK_THROWS_WITH(dftriage::lab::parse_fault_rule("503:what"),
                    Catch::Contains("unknown field \"what\""));

  dftriage::lab::FaultSet faults({rule, dftriage::lab::parse_fault_rule("503:once")});
  dftriage::lab::LabRequest patch;
  patch.method = "PATCH";
  patch.path = "/x";
  auto first = faults.check(patch); // 503 once fires on the first request of any method
  REQUIRE(first);
  CHECK(first->response.status == 503);
  auto second = faults.check(patch);
  REQUIRE(second);
  CHECK(second->response.status == 429);
  CHECK(second->response.header("retry-after") == std::optional<std::string>("1"));
  CHECK(body_of(second->response)["error"]["code"] == "TooManyRequests");
  CHECK(!faults.check(patch));
}

TEST_CASE("lab recordings are validate-traffic pairs with secrets redacted", "[lab]")
{
  dftriage::lab::LabRequest request;
  request.method = "POST";
  request.path = "/t/oauth2/v2.0/token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Authorization", "Bearer abc"}};
  request.body = "grant_type=client_credentials&client_secret=hunter2&scope=x";
  const auto response =
      dftriage::lab::LabResponse::json(200, {{"access_token", "tok"}, {"expires_in", 60}});
  const auto pair =
      dftriage::lab::recorded_pair(request, "http://127.0.0.1:1/t/oauth2/v2.0/token", response);
  CHECK(pair["liveRequest"]["headers"]["authorization"] == "Bearer <redacted>");
  CHECK(pair["liveRequest"]["headers"]["content-type"] == "application/x-www-form-urlencoded");
  CHECK(pair["liveRequest"]["body"]["client_secret"] == "<redacted>");
  CHECK(pair["liveRequest"]["body"]["grant_type"] == "client_credentials");
  CHECK(pair["liveResponse"]["statusCode"] == "200");
  CHECK(pair["liveResponse"]["body"]["access_token"] == "<redacted>");
  CHECK(pair["liveResponse"]["body"]["expires_in"] == 60);
  CHECK(pair.dump().find("hunter2") == std::string::npos);
}

TEST_CASE("lab: the alert's copy keeps every entity the export named, and a caller a scenario "
          "holds as a service principal stays one",
          "[lab]")
{
  {
    LabFixture lab;
    dftriage::lab::apply_seed(lab.tenant.state(), example("dns-darkweb.json"), "alert.json");
    auto alerts = body_of(lab.send(
        "GET",
        "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/providers/Microsoft.Security/alerts",
        {{"api-version", "2022-01-01"}}));
    REQUIRE_FALSE(alerts["value"].empty());
    std::set<std::string> kinds;
    bool domain = false;
    for (const auto& e : alerts["value"].back()["properties"]["entities"]) {
      kinds.insert(e.value("type", ""));
      domain = domain || e.value("domainName", "") == "exampleonionrelay.net";
    }
    CHECK(kinds.count("host") == 1); // the machine, as Defender names it
    CHECK(domain);                   // the domain it looked up
  }
  LabFixture lab;
  const std::string app = dftriage::test::k_attacker;
  const std::string scenario = nlohmann::json{{"scenario", 1},
                                              {"servicePrincipals",
                                               {{{"id", app},
                                                 {"appId", "5e8c1a3f-0000-4000-8000-00000000aa01"},
                                                 {"displayName", "payments-batch"},
                                                 {"servicePrincipalType", "Application"}}}}}
                                   .dump();
  dftriage::lab::apply_seed(lab.tenant.state(), scenario, "scenario.json");
  dftriage::lab::apply_seed(lab.tenant.state(), example("keyvault-tor.json"), "alert.json");
  CHECK(lab.tenant.state().users.count(app) == 0); // no user made up with the app's ID
  const auto& sps = lab.tenant.state().service_principals;
  REQUIRE(sps.count(app) == 1);
  CHECK(sps.at(app)["displayName"] == "payments-batch");
  bool assigned = false;
  for (const auto& [id, resource] : lab.tenant.state().resources) {
    // The alert's vault (the fixture's own kv1 has an assignment made as a user's).
    if (resource.value("type", "") == "Microsoft.Authorization/roleAssignments" &&
        resource["properties"].value("principalId", "") == app &&
        id.find("4c1a2f07") != std::string::npos) {
      CHECK(resource["properties"]["principalType"] == "ServicePrincipal");
      assigned = true;
    }
  }
  CHECK(assigned);
}
