// The action catalogue against the lab over HTTPS: each Network, Compute, Automation and
// assessment action is built for the resources the example alerts seed, its pre-image
// read and its placeholders filled as the engine does, sent through the real
// azure::Client (which polls long-running operations to the end), and the lab's state
// is read back to see that the action did what it promises.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "support/example_ids.hpp"
#include "unit/lab/compute_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

using test::k_example_automation;
using test::k_example_miner;
using test::k_example_nic;
using test::k_example_nsg;
using test::k_example_vm;
using test::k_example_web_group;

// The NSG network.nsg.create_isolation makes for vm-web-01.
const std::string k_web_isolation =
    k_example_web_group +
    "/providers/Microsoft.Network/networkSecurityGroups/nsg-isolate-vm-web-01";

using CatalogueLab = test::ClientLab;

// Runs `action` as run_action() does, expecting it neither refused nor already in place.
test::Ran run_change(CatalogueLab& lab, const std::string& action, const Json& args,
                     bool list = false)
{
  auto out = test::run_action(lab, action, args, list, test::k_generated_canary);
  CHECK(out.refused.empty());
  CHECK_FALSE(out.satisfied);
  return out;
}

std::vector<std::string> rule_names(const Json& nsg)
{
  std::vector<std::string> out;
  for (const auto& rule : nsg["properties"]["securityRules"]) {
    out.push_back(rule["name"]);
  }
  return out;
}

// The management-ports assessment's status code of `vm`, through security.assessments.list.
std::string management_ports(CatalogueLab& lab, const std::string& vm)
{
  const auto listed = run_change(lab, "security.assessments.list", {{"resource", vm}}, true);
  for (const auto& a : listed.items) {
    if (a["properties"]["displayName"] ==
        "Management ports should be closed on your virtual machines") {
      return a["properties"]["status"]["code"];
    }
  }
  return "";
}

} // namespace

TEST_CASE(
    "catalogue isolates the DNS alert's VM in the lab: NSG created, attached, finding healthy",
    "[lab][catalogue]")
{
  CatalogueLab lab;
  CHECK(management_ports(lab, k_example_vm) == "Unhealthy");

  const auto vm = run_change(lab, "compute.vm.get", {{"vm", k_example_vm}});
  REQUIRE(vm.responses.size() == 1);
  CHECK(vm.responses[0].body["properties"]["networkProfile"]["networkInterfaces"][0]["id"] ==
        k_example_nic);

  // With an analyst range let in first: every priority is one Azure (and the lab) accept.
  const auto created =
      run_change(lab, "network.nsg.create_isolation",
                 {{"nsg", k_web_isolation},
                  {"location", "westeurope"},
                  {"allowFrom", {"10.0.250.0/26"}},
                  {"alertId", "2517138462720000000_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"}});
  REQUIRE(created.pre.size() == 1);
  CHECK(created.pre[0].status == 404);
  REQUIRE(created.responses.size() == 1);
  // The client polled the operation and read the NSG back.
  CHECK(created.responses[0].status == 200);
  CHECK(created.responses[0].body["properties"]["provisioningState"] == "Succeeded");
  const auto nsg = lab.read(k_web_isolation, "2025-09-01");
  CHECK(rule_names(nsg) == std::vector<std::string>{"triage-allow-analyst-in", "triage-deny-all-in",
                                                    "triage-allow-azurecloud-out",
                                                    "triage-allow-analyst-out",
                                                    "triage-deny-all-out"});
  CHECK(nsg["tags"]["dftriageAlert"] == "2517138462720000000_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d");

  const auto attached =
      run_change(lab, "network.nic.attach_nsg", {{"nic", k_example_nic}, {"nsg", k_web_isolation}});
  REQUIRE(attached.responses.size() == 1);
  CHECK(attached.responses[0].body["properties"]["networkSecurityGroup"]["id"] == k_web_isolation);
  const auto nic = lab.read(k_example_nic, "2025-09-01");
  CHECK(nic["properties"]["networkSecurityGroup"]["id"] == k_web_isolation);
  CHECK(nic["properties"]["virtualMachine"]["id"] == k_example_vm);
  CHECK(nic["properties"]["ipConfigurations"].size() == 1);
  CHECK(
      nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"] ==
      attached.pre[0].body["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]);
  CHECK(lab.read(k_web_isolation, "2025-09-01")["properties"]["networkInterfaces"] ==
        Json::array({{{"id", k_example_nic}}}));
  CHECK(!lab.read(k_example_nsg, "2025-09-01")["properties"].contains("networkInterfaces"));

  // A second run sees its effect in place.
  const auto* spec = azure::find_action("network.nic.attach_nsg");
  CHECK(spec->satisfied(
      azure::check_args(*spec, {{"nic", k_example_nic}, {"nsg", k_web_isolation}}), {{200, nic}}));

  CHECK(management_ports(lab, k_example_vm) == "Healthy");
}

TEST_CASE("catalogue runs commands on the lab's VMs and gets their output", "[lab][catalogue]")
{
  CatalogueLab lab;
  const auto echo = run_change(lab, "compute.vm.run_command",
                               {{"vm", k_example_vm},
                                {"commandId", "RunPowerShellScript"},
                                {"script", {"Write-Output 'triage'"}}});
  REQUIRE(echo.responses.size() == 1);
  CHECK(echo.responses[0].status == 200);
  CHECK(echo.responses[0].body["value"][0]["code"] == "ComponentStatus/StdOut/succeeded");
  CHECK(echo.responses[0].body["value"][0]["message"] == "triage\n");

  const auto scan = run_change(lab, "compute.vm.antimalware_scan", {{"vm", k_example_vm}});
  CHECK(scan.responses[0].body["value"][0]["code"] == "ComponentStatus/StdOut/succeeded");
  CHECK(scan.responses[0].body["value"][0]["message"] == "");

  const auto windows =
      run_change(lab, "compute.vm.list_software", {{"vm", k_example_vm}, {"os", "Windows"}});
  CHECK(windows.responses[0].body["value"][0]["message"].get<std::string>().find("Tor Browser\t") !=
        std::string::npos);
  const auto linux_vm =
      run_change(lab, "compute.vm.list_software", {{"vm", k_example_miner}, {"os", "Linux"}});
  const std::string message = linux_vm.responses[0].body["value"][0]["message"];
  CHECK(message.rfind("Enable succeeded: \n[stdout]\n", 0) == 0);
  CHECK(message.find("openssh-server\t") != std::string::npos);

  // Each was one POST to runCommand that the client polled: four in all.
  int posts = 0;
  for (const auto& e : lab.exchanges) {
    posts += e.method == "POST" && e.url.find("/runCommand?") != std::string::npos;
  }
  CHECK(posts == 4);
}

TEST_CASE("catalogue resets a VM password and reimages a VM in the lab", "[lab][catalogue]")
{
  CatalogueLab lab;
  const auto reset =
      run_change(lab, "compute.vm.reset_password",
                 {{"vm", k_example_vm}, {"username", "azureadmin"}, {"os", "Windows"}});
  REQUIRE(reset.responses.size() == 1);
  CHECK(reset.responses[0].body["properties"]["provisioningState"] == "Succeeded");
  const auto extension = lab.read(k_example_vm + "/extensions/enablevmaccess", "2025-04-01");
  CHECK(extension["properties"]["type"] == "VMAccessAgent");
  CHECK(extension["properties"]["settings"]["UserName"] == "azureadmin");
  CHECK(lab.read(k_example_vm, "2025-04-01")["resources"][0]["name"] == "enablevmaccess");
  // The password went out once, in the PUT, and never came back.
  int sent = 0;
  for (const auto& e : lab.exchanges) {
    sent += e.request_body.find(test::k_generated_canary) != std::string::npos;
    CHECK(e.response_body.find(test::k_generated_canary) == std::string::npos);
  }
  CHECK(sent == 1);

  const auto before = lab.read(k_example_miner + "/instanceView", "2025-04-01");
  const std::string created = lab.read(k_example_miner, "2025-04-01")["properties"]["timeCreated"];
  CHECK(before["statuses"][0]["time"] == created);
  // The seeded VM's OS disk goes with it (deleteOption Delete): the reimage waits until
  // the disk is kept.
  const auto refused = test::run_action(lab, "compute.vm.reimage", {{"vm", k_example_miner}});
  CHECK(refused.refused == "the old OS disk would be deleted with its evidence: keep it first "
                           "(compute.vm.keep_os_disk)");
  CHECK(refused.responses.empty());
  run_change(lab, "compute.vm.keep_os_disk", {{"vm", k_example_miner}});
  const auto reimaged = run_change(lab, "compute.vm.reimage", {{"vm", k_example_miner}});
  REQUIRE(reimaged.pre.size() == 1);
  CHECK(reimaged.pre[0].body["properties"]["storageProfile"]["osDisk"]["osType"] == "Linux");
  CHECK(reimaged.responses[0].status == 200);
  const auto after = lab.read(k_example_miner + "/instanceView", "2025-04-01");
  CHECK(after["statuses"][0]["time"] != created);
  CHECK(after["disks"][0]["statuses"][0]["time"] == after["statuses"][0]["time"]);
}

TEST_CASE("catalogue lists and deletes the planted runbook in the lab", "[lab][catalogue]")
{
  CatalogueLab lab;
  const auto listed =
      run_change(lab, "automation.runbooks.list", {{"account", k_example_automation}}, true);
  std::vector<std::string> names;
  for (const auto& item : listed.items) {
    names.push_back(item["name"]);
  }
  CHECK(names == std::vector<std::string>{"Stop-DevVMs", "Update-ModuleCache"});

  const auto deleted =
      run_change(lab, "automation.runbook.delete",
                 {{"account", k_example_automation}, {"name", "Update-ModuleCache"}});
  REQUIRE(deleted.pre.size() == 2);
  CHECK(deleted.pre[0].status == 200);
  CHECK(deleted.pre[0].body["name"] == "Update-ModuleCache");
  CHECK(deleted.pre[1].status == 200); // the content, kept as evidence
  REQUIRE(deleted.responses.size() == 1);
  CHECK(deleted.responses[0].status == 200);
  bool content_read = false;
  for (const auto& e : lab.exchanges) {
    content_read =
        content_read || (e.url.find("/runbooks/Update-ModuleCache/content?") != std::string::npos &&
                         e.response_body.find("New-AzRoleAssignment") != std::string::npos);
  }
  CHECK(content_read);
  CHECK(lab.status(k_example_automation + "/runbooks/Update-ModuleCache", "2024-10-23") == 404);
  CHECK(lab.status(k_example_automation + "/runbooks/Stop-DevVMs", "2024-10-23") == 200);

  // Run again, the pre-image shows the runbook gone: the action is satisfied.
  const auto* spec = azure::find_action("automation.runbook.delete");
  const auto args =
      azure::check_args(*spec, {{"account", k_example_automation}, {"name", "Update-ModuleCache"}});
  CHECK(spec->satisfied(args, {{404, nullptr}, {404, nullptr}}));
}
