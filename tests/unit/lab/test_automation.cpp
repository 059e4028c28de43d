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
