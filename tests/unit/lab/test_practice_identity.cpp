// The identity actions added for incident-response practice (#18): what each refuses and
// when it is already done, checked on its own; then each run against the lab over HTTPS
// through the real azure::Client, seeded with the Resource Manager example alert (whose
// intruder registered an Authenticator, added an app secret, made a custom role and an
// eligible Owner assignment, and hooked its runbook to a webhook and a schedule), and
// the lab read back to see that the action did what it promises.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/permissions.hpp"
#include "lab/seed.hpp"
#include "lab/util.hpp"
#include "support/example_ids.hpp"
#include "support/lab_session.hpp"
#include "support/paths.hpp"
#include "unit/azure/action_expectations.hpp"
#include "unit/lab/compute_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

using test::k_example_automation;
using test::k_example_subscription;
const std::string k_intruder = "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f";
const std::string k_intruder_upn = "ops-automation@contoso.example";
const std::string k_owner_guid = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const char* k_guid = "9a8b7c6d-1111-2222-3333-444455556666";

using azure::testing::args_of;
using azure::testing::build;
using azure::testing::spec_of;

} // namespace

TEST_CASE("graph.user.reset_password plans no password and refuses synced and missing users",
          "[actions][identity]")
{
  const Json alice{{"user", "alice@contoso.com"}};
  const auto built = build("graph.user.reset_password", alice);
  REQUIRE(built.requests.size() == 1);
  CHECK(
      built.requests[0].body->dump() ==
      R"j({"passwordProfile":{"forceChangePasswordNextSignIn":true,"password":"$(generated secret)"}})j");
  const auto& spec = spec_of("graph.user.reset_password");
  CHECK(spec.reversibility == azure::Reversibility::irreversible);
  CHECK(!spec.revert);
  CHECK_THAT(spec.summary, Catch::Contains("shown once at a terminal and kept nowhere"));
  const auto args = args_of("graph.user.reset_password", alice);
  CHECK(spec.refuse(
            args,
            {{200, {{"userPrincipalName", "bo@contoso.com"}, {"onPremisesSyncEnabled", true}}}}) ==
        "\"bo@contoso.com\" is synced from on-premises Active Directory: reset it in on-premises "
        "Active Directory "
        "(a password set in Entra ID would be refused or overwritten by the next sync)");
  CHECK(spec.refuse(args, {{200,
                            {{"userPrincipalName", "alice@contoso.com"},
                             {"onPremisesSyncEnabled", nullptr}}}})
            .empty());
  CHECK(spec.refuse(args, {{404, nullptr}}) == "no user \"alice@contoso.com\" in this tenant");
  CHECK_THROWS_WITH(
      build("graph.user.reset_password", {{"user", "../admin@x.com"}}),
      Catch::StartsWith("parameter user: expected an object ID (GUID) or a user principal name"));
}

TEST_CASE("graph.service_principal.disable is satisfied when disabled, refuses what is none, "
          "undoes its change",
          "[actions][identity]")
{
  const auto& spec = spec_of("graph.service_principal.disable");
  const auto args = args_of(spec.name, {{"principalId", k_guid}});
  CHECK(spec.satisfied(args, {{200, {{"accountEnabled", false}}}}));
  CHECK_FALSE(spec.satisfied(args, {{200, {{"accountEnabled", true}}}}));
  CHECK(spec.refuse(args, {{404, nullptr}}) ==
        std::string("no service principal has object ID \"") + k_guid +
            "\" (a user's ID? disable users with graph.user.disable)");
  CHECK(spec.refuse(args, {{200, {{"accountEnabled", true}}}}).empty());
  const auto undo = spec.revert(args, {{200, {{"accountEnabled", true}}}}, azure::public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK(undo[0].method == "PATCH");
  CHECK(undo[0].url == std::string("https://graph.microsoft.com/v1.0/servicePrincipals/") + k_guid);
  CHECK(undo[0].body->dump() == R"({"accountEnabled":true})");
  CHECK(undo[0].purpose == "undo");
  CHECK(undo[0].permission == "Application.ReadWrite.All");
  // Disabled before: the undo leaves it so.
  CHECK(spec.revert(args, {{200, {{"accountEnabled", false}}}}, azure::public_cloud()).empty());
  CHECK_THROWS_WITH(
      args_of(spec.name, {{"principalId", "ops-automation@contoso.example"}}),
      "parameter principalId: expected a GUID, got \"ops-automation@contoso.example\"");
}

TEST_CASE("graph.user.auth_method.delete takes one method ID of a known kind and is satisfied when "
          "it is gone",
          "[actions][identity]")
{
  const auto url = [](const char* type, const std::string& id) {
    return build("graph.user.auth_method.delete",
                 {{"user", k_guid}, {"methodType", type}, {"methodId", id}})
        .requests.at(0)
        .url;
  };
  CHECK(url("fido2", "a b?#%") == std::string("https://graph.microsoft.com/v1.0/users/") + k_guid +
                                      "/authentication/fido2Methods/a%20b%3F%23%25");
  CHECK(url("temporaryAccessPass", "a.b").find("/temporaryAccessPassMethods/a.b") !=
        std::string::npos);
  for (const std::string& bad : std::vector<std::string>{"../../users/admin", "a\\b", "a\nb", ".",
                                                         "..", "", std::string(300, 'a')}) {
    CHECK_THROWS_WITH(url("phone", bad),
                      Catch::StartsWith("parameter methodId: expected one authentication method ID "
                                        "(no '/', '\\' or control characters), got \""));
  }
  CHECK_THROWS_WITH(
      url("password", "x"),
      Catch::StartsWith(
          "parameter methodType: expected one of phone email fido2 microsoftAuthenticator"));
  const auto& spec = spec_of("graph.user.auth_method.delete");
  const auto args =
      args_of(spec.name, {{"user", k_guid}, {"methodType", "phone"}, {"methodId", "p1"}});
  CHECK(spec.satisfied(args, {{404, nullptr}}));
  CHECK_FALSE(spec.satisfied(args, {{200, {{"id", "p1"}}}}));
  CHECK(spec.reversibility == azure::Reversibility::irreversible);
}

TEST_CASE(
    "graph.application actions key the app by appId and are satisfied when the secret is gone",
    "[actions][identity]")
{
  const auto& spec = spec_of("graph.application.remove_password");
  const std::string key = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";
  const auto args = args_of(spec.name, {{"appId", k_guid}, {"keyId", key}});
  const Json other{{"passwordCredentials", {{{"keyId", "00000000-0000-0000-0000-000000000001"}}}}};
  const Json present{
      {"passwordCredentials", {{{"keyId", "B1C2D3E4-F5A6-4B7C-8D9E-0F1A2B3C4D5E"}}}}};
  CHECK(spec.satisfied(args, {{200, other}}));
  CHECK_FALSE(spec.satisfied(args, {{200, present}}));
  CHECK_FALSE(spec.satisfied(args, {{404, nullptr}}));
  CHECK(spec.refuse(args, {{404, nullptr}}) ==
        std::string("no app registration has appId \"") + k_guid +
            "\" in this tenant (an app of another tenant is contained by disabling its service "
            "principal here)");
  CHECK(spec.refuse(args, {{200, present}}).empty());
  CHECK_THROWS_WITH(args_of(spec.name, {{"appId", "x') or (appId eq 'y"}, {"keyId", key}}),
                    Catch::StartsWith("parameter appId: expected a GUID"));
  CHECK_THROWS_WITH(args_of("graph.application.credentials.list", nlohmann::ordered_json::object()),
                    "parameter appId of graph.application.credentials.list is required");
}

TEST_CASE("authorization eligibility and custom-role lists take any scope, and a principal only as "
          "a GUID",
          "[actions][identity]")
{
  const std::string rg = k_example_subscription + "/resourceGroups/rg-automation";
  CHECK(build("authorization.role_eligibility.list", {{"scope", rg}}).requests.at(0).url ==
        "https://management.azure.com" + rg +
            "/providers/Microsoft.Authorization/"
            "roleEligibilityScheduleInstances?api-version=2020-10-01");
  // A bare GUID is a subscription, as alerts carry it.
  CHECK(build("authorization.role_definitions.list",
              {{"scope", "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"}})
            .requests.at(0)
            .url ==
        "https://management.azure.com" + k_example_subscription +
            "/providers/Microsoft.Authorization/"
            "roleDefinitions?api-version=2022-04-01&$filter=type%20eq%20%27CustomRole%27");
  CHECK_THROWS_WITH(
      build("authorization.role_eligibility.list", {{"scope", rg}, {"principalId", "x') or true"}}),
      Catch::StartsWith("parameter principalId: expected a GUID"));
  CHECK_THROWS_WITH(build("authorization.role_definitions.list", {{"scope", "rg-automation"}}),
                    Catch::StartsWith("parameter scope: expected an Azure resource ID"));
}

TEST_CASE("automation webhook and job-schedule actions check their names, and undo puts the job "
          "schedule back",
          "[actions][identity]")
{
  CHECK(build("automation.webhooks.list", {{"account", k_example_automation}}).requests.at(0).url ==
        "https://management.azure.com" + k_example_automation + "/webhooks?api-version=2024-10-23");
  CHECK_THROWS_WITH(
      build("automation.webhooks.list",
            {{"account", k_example_automation}, {"runbook", "x' or name ne 'y"}}),
      "parameter runbook: expected a runbook name (a letter, then letters, digits, '-' or '_'), "
      "got "
      "\"x' or name ne 'y\"");
  CHECK_THROWS_WITH(
      build("automation.webhook.delete", {{"account", k_example_automation}, {"name", "../x"}}),
      Catch::StartsWith("parameter name: expected an Azure resource name"));
  CHECK(build("automation.webhook.delete", {{"account", k_example_automation}, {"name", "hook 1"}})
            .requests.at(0)
            .url == "https://management.azure.com" + k_example_automation +
                        "/webhooks/hook%201?api-version=2024-10-23");
  CHECK(spec_of("automation.webhook.delete")
            .satisfied(args_of("automation.webhook.delete",
                               {{"account", k_example_automation}, {"name", "h"}}),
                       {{404, nullptr}}));
  CHECK_THROWS_WITH(build("automation.job_schedule.delete",
                          {{"account", k_example_automation}, {"jobScheduleId", "Hourly"}}),
                    "parameter jobScheduleId: expected a GUID, got \"Hourly\"");

  const auto& spec = spec_of("automation.job_schedule.delete");
  const auto args =
      args_of(spec.name, {{"account", k_example_automation}, {"jobScheduleId", k_guid}});
  const Json before = Json::parse(
      R"({"id":"x","properties":{"jobScheduleId":"x","runbook":{"name":"Update-ModuleCache"},
    "schedule":{"name":"Every-30-Minutes"},"runOn":null,"parameters":{"Mode":"Refresh"}}})");
  const auto undo = spec.revert(args, {{200, before}}, azure::public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK(undo[0].method == "PUT");
  CHECK(undo[0].url == "https://management.azure.com" + k_example_automation + "/jobSchedules/" +
                           k_guid + "?api-version=2024-10-23");
  CHECK(
      undo[0].body->dump() ==
      R"({"properties":{"schedule":{"name":"Every-30-Minutes"},"runbook":{"name":"Update-ModuleCache"},"parameters":{"Mode":"Refresh"}}})");
  CHECK(undo[0].permission == "Microsoft.Automation/automationAccounts/jobSchedules/write");
  CHECK(undo[0].purpose == "undo");
  CHECK(spec.revert(args, {{404, nullptr}}, azure::public_cloud()).empty());
  CHECK(spec.satisfied(args, {{404, nullptr}}));
  CHECK_FALSE(spec.satisfied(args, {{200, before}}));
}

namespace {

// Runs `action` on `lab` as the executor does (test::run_action), the canary standing for
// the secret it generates.
test::Ran run_identity_action(test::ClientLab& lab, const std::string& action, const Json& args)
{
  return test::run_action(lab, action, args, false, test::k_generated_canary);
}

const Json* item_where(const std::vector<Json>& items, const char* key, const std::string& value)
{
  for (const auto& item : items) {
    if (item.contains(key) && item[key] == value) {
      return &item;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("practice: the intruder's Authenticator is removed and its password reset through Graph",
          "[lab][identity]")
{
  test::ClientLab lab({test::k_rm_alert});
  const auto who = run_identity_action(lab, "graph.principal.get", {{"principalId", k_intruder}});
  REQUIRE(who.items.size() == 1);
  CHECK(who.items[0]["@odata.type"] == "#microsoft.graph.user");
  CHECK(who.items[0]["userPrincipalName"] == k_intruder_upn);

  const auto methods =
      run_identity_action(lab, "graph.user.auth_methods.list", {{"user", k_intruder_upn}});
  REQUIRE(methods.items.size() == 4);
  const Json* planted = item_where(methods.items, "displayName", "SM-A536B");
  REQUIRE(planted != nullptr);
  CHECK((*planted)["@odata.type"] == "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod");
  const Json remove{{"user", k_intruder},
                    {"methodType", "microsoftAuthenticator"},
                    {"methodId", (*planted)["id"]}};
  const auto removed = run_identity_action(lab, "graph.user.auth_method.delete", remove);
  REQUIRE(removed.responses.size() == 1);
  CHECK(removed.pre[0].body["displayName"] == "SM-A536B"); // kept as evidence
  CHECK(removed.responses[0].status == 204);
  CHECK(run_identity_action(lab, "graph.user.auth_method.delete", remove).satisfied);
  const auto left =
      run_identity_action(lab, "graph.user.auth_methods.list", {{"user", k_intruder}});
  CHECK(left.items.size() == 3);
  CHECK(item_where(left.items, "displayName", "iPhone 15") != nullptr); // the user's own stays

  const auto before =
      run_identity_action(lab, "graph.user.get", {{"user", k_intruder}}).items.at(0);
  const auto reset =
      run_identity_action(lab, "graph.user.reset_password", {{"user", k_intruder_upn}});
  CHECK(reset.refused.empty());
  REQUIRE(reset.responses.size() == 1);
  CHECK(reset.responses[0].status == 204);
  const auto after = run_identity_action(lab, "graph.user.get", {{"user", k_intruder}}).items.at(0);
  CHECK(after["lastPasswordChangeDateTime"] != before["lastPasswordChangeDateTime"]);
  // The password went out once, in the PATCH, and never came back.
  int sent = 0;
  for (const auto& e : lab.exchanges) {
    sent += e.request_body.find(test::k_generated_canary) != std::string::npos;
    CHECK(e.response_body.find(test::k_generated_canary) == std::string::npos);
  }
  CHECK(sent == 1);
}

TEST_CASE("practice: the secret added to an app is removed, its service principal disabled, then "
          "enabled by undo",
          "[lab][identity]")
{
  test::ClientLab lab({test::k_rm_alert});
  const std::string subscription = "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";
  const std::string app_id = dftriage::lab::stable_guid("app/ops-deploy/" + subscription);
  const std::string sp = dftriage::lab::stable_guid("service-principal/ops-deploy/" + subscription);
  const auto listed =
      run_identity_action(lab, "graph.application.credentials.list", {{"appId", app_id}});
  REQUIRE(listed.items.size() == 1);
  const auto secrets = listed.items[0]["passwordCredentials"];
  REQUIRE(secrets.size() == 2);
  CHECK(secrets[1]["displayName"] == "backup");
  CHECK(secrets[1]["secretText"].is_null());
  const std::string added = secrets[1]["keyId"];
  const auto removed = run_identity_action(lab, "graph.application.remove_password",
                                           {{"appId", app_id}, {"keyId", added}});
  REQUIRE(removed.responses.size() == 1);
  CHECK(removed.responses[0].status == 204);
  const auto kept =
      run_identity_action(lab, "graph.application.credentials.list", {{"appId", app_id}})
          .items.at(0)["passwordCredentials"];
  REQUIRE(kept.size() == 1);
  CHECK(kept[0]["displayName"] == "azure-devops-pipeline");
  CHECK(run_identity_action(lab, "graph.application.remove_password",
                            {{"appId", app_id}, {"keyId", added}})
            .satisfied);
  CHECK(run_identity_action(lab, "graph.application.remove_password",
                            {{"appId", sp}, {"keyId", added}})
            .refused.find("no app registration") == 0);

  CHECK(run_identity_action(lab, "graph.principal.get", {{"principalId", sp}})
            .items.at(0)["@odata.type"] == "#microsoft.graph.servicePrincipal");
  const Json args{{"principalId", sp}};
  const auto disabled = run_identity_action(lab, "graph.service_principal.disable", args);
  REQUIRE(disabled.responses.size() == 1);
  CHECK(disabled.pre[0].body["accountEnabled"] == true);
  const auto enabled = [&] {
    return run_identity_action(lab, "graph.principal.get", args).items.at(0)["accountEnabled"];
  };
  CHECK(enabled() == false);
  CHECK(run_identity_action(lab, "graph.service_principal.disable", args).satisfied);
  test::undo_action(lab, "graph.service_principal.disable", args, disabled.pre);
  CHECK(enabled() == true);
  // A user's object ID is no service principal: refused, pointing at the user action.
  CHECK_THAT(
      run_identity_action(lab, "graph.service_principal.disable", {{"principalId", k_intruder}})
          .refused,
      Catch::EndsWith("(a user's ID? disable users with graph.user.disable)"));
}

TEST_CASE("practice: the intruder's custom role and eligible Owner assignment are found",
          "[lab][identity]")
{
  test::ClientLab lab({test::k_rm_alert});
  const auto roles = run_identity_action(lab, "authorization.role_definitions.list",
                                         {{"scope", k_example_subscription}});
  REQUIRE(roles.items.size() == 2);
  for (const auto& role : roles.items) {
    CHECK(role["properties"]["type"] == "CustomRole");
  }
  const Json* backdoor = nullptr;
  for (const auto& role : roles.items) {
    backdoor = role["properties"]["roleName"] == "Module Cache Operator" ? &role : backdoor;
  }
  REQUIRE(backdoor != nullptr);
  CHECK((*backdoor)["properties"]["permissions"][0]["actions"] == Json{"*/read", "*/write"});
  CHECK((*backdoor)["properties"]["createdBy"] == k_intruder);

  const auto eligible =
      run_identity_action(lab, "authorization.role_eligibility.list",
                          {{"scope", k_example_subscription}, {"principalId", k_intruder}});
  REQUIRE(eligible.items.size() == 1);
  const std::string role = eligible.items[0]["properties"]["roleDefinitionId"];
  CHECK(role.substr(role.size() - 36) == k_owner_guid);
  CHECK(eligible.items[0]["properties"]["memberType"] == "Direct");
  CHECK(run_identity_action(lab, "authorization.role_eligibility.list",
                            {{"scope", k_example_subscription}, {"principalId", k_guid}})
            .items.empty());
  // Listed below the subscription too: it applies to everything in it.
  CHECK(run_identity_action(lab, "authorization.role_eligibility.list",
                            {{"scope", k_example_automation}})
            .items.size() == 1);
}

TEST_CASE("practice: the planted runbook's webhook and job schedule are removed, and undo puts the "
          "job schedule back",
          "[lab][identity]")
{
  test::ClientLab lab({test::k_rm_alert});
  const auto hooks =
      run_identity_action(lab, "automation.webhooks.list",
                          {{"account", k_example_automation}, {"runbook", "Update-ModuleCache"}});
  REQUIRE(hooks.items.size() == 1);
  CHECK(hooks.items[0]["properties"]["lastModifiedBy"] == k_intruder_upn);
  CHECK(run_identity_action(lab, "automation.webhooks.list",
                            {{"account", k_example_automation}, {"runbook", "Stop-DevVMs"}})
            .items.empty());
  const Json hook{{"account", k_example_automation}, {"name", hooks.items[0]["name"]}};
  const auto deleted = run_identity_action(lab, "automation.webhook.delete", hook);
  REQUIRE(deleted.responses.size() == 1);
  CHECK(deleted.responses[0].status == 200);
  CHECK(deleted.pre[0].body["properties"]["runbook"]["name"] == "Update-ModuleCache");
  CHECK(run_identity_action(lab, "automation.webhook.delete", hook).satisfied);

  const auto schedules = run_identity_action(lab, "automation.job_schedules.list",
                                             {{"account", k_example_automation}});
  REQUIRE(schedules.items.size() == 2); // the intruder's and the nightly one of Stop-DevVMs
  const Json* planted = nullptr;
  for (const auto& s : schedules.items) {
    planted = s["properties"]["runbook"]["name"] == "Update-ModuleCache" ? &s : planted;
  }
  REQUIRE(planted != nullptr);
  const Json args{{"account", k_example_automation},
                  {"jobScheduleId", (*planted)["properties"]["jobScheduleId"]}};
  const auto unlinked = run_identity_action(lab, "automation.job_schedule.delete", args);
  REQUIRE(unlinked.responses.size() == 1);
  CHECK(unlinked.responses[0].status == 200);
  CHECK(
      run_identity_action(lab, "automation.job_schedules.list", {{"account", k_example_automation}})
          .items.size() == 1);
  CHECK(run_identity_action(lab, "automation.job_schedule.delete", args).satisfied);
  test::undo_action(lab, "automation.job_schedule.delete", args, unlinked.pre);
  const auto back = run_identity_action(lab, "automation.job_schedules.list",
                                        {{"account", k_example_automation}});
  const Json* restored = item_where(back.items, "name", (*planted)["name"]);
  REQUIRE(restored != nullptr);
  CHECK((*restored)["properties"]["schedule"] == (*planted)["properties"]["schedule"]);
  CHECK((*restored)["properties"]["parameters"] == (*planted)["properties"]["parameters"]);
}

TEST_CASE("practice: a scenario's synced user is refused a password reset, its group is told apart",
          "[lab][identity]")
{
  const auto path = std::filesystem::temp_directory_path() /
                    ("dftriage-identity-scenario-" + std::to_string(::getpid()) + ".json");
  const std::string synced = "5b1c7e2a-0000-4000-8000-00000000000a";
  const std::string group = "5b1c7e2a-0000-4000-8000-00000000000b";
  std::ofstream(path) << Json{{"scenario", 1},
                              {"subscriptionId", "5b1c7e2a-0000-4000-8000-0000000000aa"},
                              {"users",
                               {{{"id", synced},
                                 {"userPrincipalName", "bo@lab.localhost"},
                                 {"accountEnabled", true},
                                 {"onPremisesSyncEnabled", true}}}},
                              {"groups", {{{"id", group}, {"displayName", "Finance"}}}},
                              {"authenticationMethods",
                               {{synced,
                                 {{{"@odata.type", "#microsoft.graph.fido2AuthenticationMethod"},
                                   {"id", "fido-1"},
                                   {"displayName", "YubiKey"}}}}}}}
                             .dump();
  test::ClientLab lab({path.string()});
  std::filesystem::remove(path);
  CHECK(run_identity_action(lab, "graph.user.reset_password", {{"user", synced}}).refused ==
        "\"bo@lab.localhost\" is synced from on-premises Active Directory: reset it in on-premises "
        "Active Directory "
        "(a password set in Entra ID would be refused or overwritten by the next sync)");
  CHECK(run_identity_action(lab, "graph.principal.get", {{"principalId", group}})
            .items.at(0)["@odata.type"] == "#microsoft.graph.group");
  const auto methods = run_identity_action(lab, "graph.user.auth_methods.list", {{"user", synced}});
  REQUIRE(methods.items.size() == 4);
  CHECK(methods.items[3]["displayName"] == "YubiKey");
  CHECK(run_identity_action(lab, "graph.user.auth_method.delete",
                            {{"user", synced}, {"methodType", "fido2"}, {"methodId", "fido-1"}})
            .responses.at(0)
            .status == 204);
  // An ID of no principal: Graph's 404 through the client.
  CHECK_THROWS_AS(run_identity_action(lab, "graph.principal.get", {{"principalId", k_guid}}),
                  azure::AzureError);
}

TEST_CASE("lab identity seeds come with Resource Manager alerts only, and never twice",
          "[lab][identity]")
{
  test::LabFixture lab;
  auto& state = lab.tenant.state();
  const auto counts = [&state] {
    std::size_t methods = 0;
    for (const auto& [user, list] : state.auth_methods) {
      methods += list.size();
    }
    return std::vector<std::size_t>{state.webhooks.size(),
                                    state.job_schedules.size(),
                                    state.role_eligibilities.size(),
                                    state.applications.size(),
                                    methods,
                                    state.activity_log.size()};
  };
  dftriage::lab::apply_seed(state, test::example_alert("keyvault-tor.json"), "keyvault-tor.json");
  CHECK(counts() == std::vector<std::size_t>{0, 0, 0, 0, 0, state.activity_log.size()});
  dftriage::lab::apply_seed(state, test::example_alert("arm-microburst-export.json"), "arm");
  const auto seeded = counts();
  CHECK(seeded[0] == 1);
  CHECK(seeded[1] == 2);
  CHECK(seeded[2] == 1);
  CHECK(seeded[3] == 1);
  CHECK(seeded[4] == 4);
  dftriage::lab::apply_seed(state, test::example_alert("arm-microburst-export.json"), "arm");
  CHECK(counts() == seeded);
  std::vector<std::string> operations;
  for (const auto& e : state.activity_log) {
    operations.push_back(e["operationName"]["value"]);
  }
  for (const char* op : {"Microsoft.Authorization/roleDefinitions/write",
                         "Microsoft.Authorization/roleEligibilityScheduleRequests/write",
                         "Microsoft.Automation/automationAccounts/webhooks/write",
                         "Microsoft.Automation/automationAccounts/jobSchedules/write"}) {
    INFO(op);
    CHECK(std::count(operations.begin(), operations.end(), op) == 1);
  }
}

TEST_CASE("lab eligibility and role-definition lists take ARM's filters and refuse others",
          "[lab][identity]")
{
  test::LabFixture lab;
  auto& state = lab.tenant.state();
  dftriage::lab::apply_seed(state, test::example_alert("arm-microburst-export.json"), "arm");
  const std::string rg = k_example_subscription + "/resourceGroups/rg-automation";
  const auto eligibilities = [&](const std::string& scope, const std::string& filter,
                                 const char* version = "2020-10-01") {
    test::Query query{{"api-version", version}};
    if (!filter.empty()) {
      query.emplace_back("$filter", filter);
    }
    return lab.send("GET",
                    scope + "/providers/Microsoft.Authorization/roleEligibilityScheduleInstances",
                    query);
  };
  CHECK(test::body_of(eligibilities(rg, "atScope()"))["value"].size() == 1); // held above the group
  CHECK(test::body_of(eligibilities(rg, "assignedTo('" + k_intruder + "')"))["value"].size() == 1);
  CHECK(test::body_of(eligibilities(rg, std::string("principalId eq '") + k_guid + "'"))["value"]
            .empty());
  CHECK(eligibilities(rg, "asTarget() or 1 eq 1").status == 400);
  CHECK(eligibilities(rg, "", "2022-04-01").status == 400);

  const auto definitions = [&](const std::string& filter) {
    test::Query query{{"api-version", "2022-04-01"}};
    if (!filter.empty()) {
      query.emplace_back("$filter", filter);
    }
    return lab.send("GET", rg + "/providers/Microsoft.Authorization/roleDefinitions", query);
  };
  state.config.page_size = 1000;
  const auto all = test::body_of(definitions(""))["value"];
  CHECK(all.size() == dftriage::azure::builtin_roles().size() + 2); // every built-in, two custom
  const auto owner = test::body_of(definitions("roleName eq 'Owner'"))["value"];
  REQUIRE(owner.size() == 1);
  CHECK(owner[0]["properties"]["type"] == "BuiltInRole");
  CHECK(owner[0]["name"] == k_owner_guid);
  const auto custom = test::body_of(definitions("type eq 'CustomRole'"))["value"];
  REQUIRE(custom.size() == 2);
  CHECK(definitions("permissions/any()").status == 400);
  const std::string id = custom[0]["id"];
  CHECK(test::body_of(
            lab.send("GET", id, {{"api-version", "2022-04-01"}}))["properties"]["roleName"] ==
        custom[0]["properties"]["roleName"]);
  // Not assignable in another subscription.
  CHECK(test::body_of(
            lab.send("GET",
                     std::string("/subscriptions/") + test::k_sub +
                         "/providers/Microsoft.Authorization/roleDefinitions",
                     {{"api-version", "2022-04-01"}, {"$filter", "type eq 'CustomRole'"}}))["value"]
            .empty());
}
