// The lab's Microsoft.Automation accounts and runbooks: lists, GET, the published
// content (text/powershell), DELETE (200, then 204), and each runbook's own ETag.

#include "compute_fixture.hpp"
#include "lab/resources_compute.hpp"
#include "lab/util.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

TEST_CASE("lab lists and reads runbooks and their content", "[lab][automation]")
{
  LabFixture lab;
  seed_compute(lab);
  auto list = lab.send("GET", k_account + "/runbooks", k_automation_version);
  REQUIRE(list.status == 200);
  const auto value = body_of(list)["value"];
  REQUIRE(value.size() == 1);
  CHECK(value[0]["id"] == k_runbook);
  CHECK(value[0]["type"] == "Microsoft.Automation/AutomationAccounts/Runbooks");
  CHECK(value[0]["properties"]["runbookType"] == "PowerShell");
  CHECK(value[0]["properties"]["state"] == "Published");
  CHECK(value[0]["properties"]["lastModifiedBy"] == "mallory@lab.localhost");
  CHECK(body_of(list)["nextLink"].is_null());

  auto one = lab.send("GET", k_runbook, k_automation_version);
  REQUIRE(one.status == 200);
  CHECK(body_of(one)["name"] == "Update-ModuleCache");
  CHECK(body_of(one)["etag"].is_string());
  auto content = lab.send("GET", k_runbook + "/content", k_automation_version);
  REQUIRE(content.status == 200);
  CHECK(content.content_type == "text/powershell");
  CHECK(content.body == k_runbook_script);

  const auto account = body_of(lab.send("GET", k_account, k_automation_version));
  CHECK(account["type"] == "Microsoft.Automation/AutomationAccounts");
  CHECK(account["properties"]["state"] == "Ok");
  CHECK(
      names_of(body_of(lab.send("GET", k_rg1 + "/providers/Microsoft.Automation/automationAccounts",
                                k_automation_version))) == std::vector<std::string>{"aa1"});
  CHECK(names_of(body_of(lab.send("GET",
                                  std::string("/subscriptions/") + k_sub +
                                      "/providers/Microsoft.Automation/automationAccounts",
                                  k_automation_version))) == std::vector<std::string>{"aa1"});

  auto missing = lab.send("GET", k_account + "/runbooks/Nope", k_automation_version);
  CHECK(missing.status == 404);
  CHECK(lab.send("GET", k_account + "/runbooks/Nope/content", k_automation_version).status == 404);
  CHECK(lab.send("GET", k_rg1 + "/providers/Microsoft.Automation/automationAccounts/nope/runbooks",
                 k_automation_version)
            .status == 404);
  CHECK(lab.send("GET", k_runbook, k_automation_version, "", "").status == 401); // no token
}

TEST_CASE("lab runbooks made one after another have distinct ETags", "[lab][automation]")
{
  LabFixture lab;
  auto& state = lab.tenant.state();
  const Json a = dftriage::lab::make_runbook(state, k_account, "A", "westeurope", Json::object());
  const Json b = dftriage::lab::make_runbook(state, k_account, "B", "westeurope", Json::object());
  CHECK(a["etag"].is_string());
  CHECK(a["etag"] != b["etag"]);
  CHECK(b["properties"]["runbookType"] == "PowerShell");
  const Json c = dftriage::lab::make_runbook(
      state, k_account, "C", "westeurope", Json{{"runbookType", "Python3"}, {"description", "d"}});
  CHECK(c["properties"]["runbookType"] == "Python3");
  CHECK(c["properties"]["description"] == "d");
  CHECK(c["id"] == k_account + "/runbooks/C");
}

TEST_CASE("lab runbook DELETE answers 200, then 204, and the runbook and its content are gone",
          "[lab][automation]")
{
  LabFixture lab;
  seed_compute(lab);
  auto deleted = lab.send("DELETE", k_runbook, k_automation_version);
  CHECK(deleted.status == 200);
  CHECK(deleted.body.empty());
  CHECK(!deleted.header("Azure-AsyncOperation"));
  CHECK(lab.send("DELETE", k_runbook, k_automation_version).status == 204);
  CHECK(lab.send("GET", k_runbook, k_automation_version).status == 404);
  CHECK(lab.send("GET", k_runbook + "/content", k_automation_version).status == 404);
  CHECK(body_of(lab.send("GET", k_account + "/runbooks", k_automation_version))["value"].empty());
  CHECK(lab.tenant.state().runbook_contents.count(dftriage::lab::lower(k_runbook)) == 0);
  bool logged = false;
  for (const auto& e : lab.tenant.state().activity_log) {
    logged = logged || e["operationName"]["value"] ==
                           "Microsoft.Automation/automationAccounts/runbooks/delete";
  }
  CHECK(logged);
  // A runbook of an account that does not exist: the account's 404.
  CHECK(lab.send("DELETE",
                 k_rg1 + "/providers/Microsoft.Automation/automationAccounts/nope/runbooks/x",
                 k_automation_version)
            .status == 404);
}

TEST_CASE("lab Automation account DELETE removes its runbooks", "[lab][automation]")
{
  LabFixture lab;
  seed_compute(lab);
  CHECK(lab.send("DELETE", k_account, k_automation_version).status == 200);
  CHECK(lab.send("DELETE", k_account, k_automation_version).status == 204);
  CHECK(lab.send("GET", k_account + "/runbooks", k_automation_version).status == 404);
  CHECK(lab.tenant.state().runbook_contents.empty());
  CHECK(lab.tenant.state().resources.count(dftriage::lab::lower(k_runbook)) == 0);
}

namespace {

// Adds to aa1 a webhook on its runbook and one on a runbook of another name.
void seed_webhooks(LabFixture& lab)
{
  auto& state = lab.tenant.state();
  for (const char* runbook : {"Update-ModuleCache", "O'Brien-Report"}) {
    const std::string id = k_account + "/webhooks/" + runbook + "-hook";
    state.webhooks[dftriage::lab::lower(id)] =
        Json{{"id", id},
             {"name", std::string(runbook) + "-hook"},
             {"type", "Microsoft.Automation/AutomationAccounts/Webhooks"},
             {"properties", {{"isEnabled", true}, {"uri", ""}, {"runbook", {{"name", runbook}}}}}};
  }
}

} // namespace

TEST_CASE("lab webhooks are listed, filtered by runbook, read and deleted", "[lab][automation]")
{
  LabFixture lab;
  seed_compute(lab);
  seed_webhooks(lab);
  auto all = lab.send("GET", k_account + "/webhooks", k_automation_version);
  REQUIRE(all.status == 200);
  CHECK(names_of(body_of(all)) ==
        std::vector<std::string>{"O'Brien-Report-hook", "Update-ModuleCache-hook"});
  Query filtered = k_automation_version;
  filtered.emplace_back("$filter", "properties/runbook/name eq 'O''Brien-Report'");
  CHECK(names_of(body_of(lab.send("GET", k_account + "/webhooks", filtered))) ==
        std::vector<std::string>{"O'Brien-Report-hook"});
  Query unsupported = k_automation_version;
  unsupported.emplace_back("$filter", "name eq 'x'");
  CHECK(lab.send("GET", k_account + "/webhooks", unsupported).status == 400);

  const std::string hook = k_account + "/webhooks/Update-ModuleCache-hook";
  CHECK(body_of(lab.send("GET", hook, k_automation_version))["properties"]["runbook"]["name"] ==
        "Update-ModuleCache");
  CHECK(lab.send("DELETE", hook, k_automation_version).status == 200);
  CHECK(lab.send("DELETE", hook, k_automation_version).status == 204);
  auto gone = lab.send("GET", hook, k_automation_version);
  CHECK(gone.status == 404);
  CHECK(body_of(gone)["error"]["code"] == "NotFound");
  // Webhooks are no ARM resources of their own: the resource list does not show them.
  CHECK(body_of(lab.send("GET", k_rg1 + "/resources", k_tags_version)).dump().find("webhooks") ==
        std::string::npos);
  CHECK(lab.send("GET", k_rg1 + "/providers/Microsoft.Automation/automationAccounts/nope/webhooks",
                 k_automation_version)
            .status == 404);
}

TEST_CASE("lab job schedules are made by PUT (once), read, listed and deleted", "[lab][automation]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string id = k_account + "/jobSchedules/0fa462ba-3aa2-4138-83ca-9ebc3bc55cdc";
  const std::string body =
      R"({"properties":{"schedule":{"name":"Hourly"},"runbook":{"name":"Update-ModuleCache"},"parameters":{"Mode":"x"}}})";
  auto made = lab.send("PUT", id, k_automation_version, body);
  REQUIRE(made.status == 201);
  CHECK(body_of(made)["properties"]["jobScheduleId"] == "0fa462ba-3aa2-4138-83ca-9ebc3bc55cdc");
  CHECK(body_of(made)["properties"]["parameters"]["Mode"] == "x");
  CHECK(lab.send("PUT", id, k_automation_version, body).status == 409);
  CHECK(lab.send("PUT", k_account + "/jobSchedules/other", k_automation_version,
                 R"({"properties":{"schedule":{"name":"Hourly"},"runbook":{"name":"Nope"}}})")
            .status == 404);
  CHECK(lab.send("PUT", k_account + "/jobSchedules/other", k_automation_version,
                 R"({"properties":{"runbook":{"name":"Update-ModuleCache"}}})")
            .status == 400);

  const auto listed = body_of(lab.send("GET", k_account + "/jobSchedules", k_automation_version));
  REQUIRE(listed["value"].size() == 1);
  CHECK(listed["value"][0]["properties"]["schedule"]["name"] == "Hourly");
  CHECK(body_of(lab.send("GET", id, k_automation_version))["properties"]["runbook"]["name"] ==
        "Update-ModuleCache");
  CHECK(lab.send("DELETE", id, k_automation_version).status == 200);
  CHECK(lab.send("DELETE", id, k_automation_version).status == 204);
  CHECK(lab.send("GET", id, k_automation_version).status == 404);
  bool logged = false;
  for (const auto& e : lab.tenant.state().activity_log) {
    logged = logged || e["operationName"]["value"] ==
                           "Microsoft.Automation/automationAccounts/jobSchedules/delete";
  }
  CHECK(logged);
}

TEST_CASE("lab Automation account DELETE removes its webhooks and job schedules",
          "[lab][automation]")
{
  LabFixture lab;
  seed_compute(lab);
  seed_webhooks(lab);
  REQUIRE(
      lab.send(
             "PUT", k_account + "/jobSchedules/js1", k_automation_version,
             R"({"properties":{"schedule":{"name":"Hourly"},"runbook":{"name":"Update-ModuleCache"}}})")
          .status == 201);
  CHECK(lab.send("DELETE", k_account, k_automation_version).status == 200);
  CHECK(lab.tenant.state().webhooks.empty());
  CHECK(lab.tenant.state().job_schedules.empty());
}
