// Seeding the machine side of an incident: the VM a DNS alert names with its NIC, NSG and
// OS disk linked both ways, and what a Resource Manager foothold leaves (an Owner assignment, an
// Automation account with a planted runbook, an unordered VM) with activity-log events
// inside the alert's time window.

#include "compute_fixture.hpp"
#include "lab/seed.hpp"
#include "lab/util.hpp"
#include "support/example_ids.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_rm_attacker = "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f";

void seed(LabFixture& lab, const std::string& file)
{
  lab.tenant.state().config.page_size = 50;
  dftriage::lab::apply_seed(lab.tenant.state(), example_alert(file), file);
}

} // namespace

TEST_CASE("lab seeds a DNS alert's VM with its NIC and NSG linked both ways", "[lab][seed]")
{
  LabFixture lab;
  seed(lab, "dns-darkweb.json");
  const std::string vm_id =
      k_example_web_group + "/providers/Microsoft.Compute/virtualMachines/vm-web-01";
  const std::string nic_id =
      k_example_web_group + "/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic";
  const std::string nsg_id =
      k_example_web_group + "/providers/Microsoft.Network/networkSecurityGroups/vm-web-01-nsg";
  auto vm_r = lab.send("GET", vm_id, k_compute_version);
  REQUIRE(vm_r.status == 200);
  const auto vm = body_of(vm_r);
  CHECK(vm["properties"]["storageProfile"]["osDisk"]["osType"] == "Windows");
  CHECK(vm["properties"]["networkProfile"]["networkInterfaces"] ==
        Json::array({{{"id", nic_id}, {"properties", {{"primary", true}}}}}));
  CHECK(vm["properties"]["timeCreated"].get<std::string>() <
        "2026-11-26T21:03:00Z"); // long before the alert
  CHECK(lab.tenant.state().vms.at(dftriage::lab::lower(vm_id)).os == "Windows");
  // Its OS disk is a resource of its own, made with the VM, deleted with it (as the portal sets).
  const auto& os_disk = vm["properties"]["storageProfile"]["osDisk"];
  CHECK(os_disk["deleteOption"] == "Delete");
  const auto disk = body_of(lab.send("GET", os_disk["managedDisk"]["id"].get<std::string>(),
                                     {{"api-version", "2025-01-02"}}));
  CHECK(disk["name"] == os_disk["name"]);
  CHECK(disk["managedBy"] == vm_id);
  CHECK(disk["properties"]["diskState"] == "Attached");
  CHECK(disk["properties"]["timeCreated"] == vm["properties"]["timeCreated"]);

  const auto nic = body_of(lab.send("GET", nic_id, k_network_version));
  CHECK(nic["properties"]["virtualMachine"]["id"] == vm_id);
  CHECK(nic["properties"]["networkSecurityGroup"]["id"] == nsg_id);
  const auto nsg = body_of(lab.send("GET", nsg_id, k_network_version));
  CHECK(nsg["properties"]["networkInterfaces"] == Json::array({{{"id", nic_id}}}));
  REQUIRE(nsg["properties"]["securityRules"].size() == 1);
  CHECK(nsg["properties"]["securityRules"][0]["properties"]["destinationPortRange"] == "3389");
  CHECK(nsg["properties"]["securityRules"][0]["properties"]["sourceAddressPrefix"] == "*");

  // The VM answers run commands, and a DNS alert plants no foothold.
  CHECK(lab.send("POST", vm_id + "/runCommand", k_compute_version,
                 R"({"commandId":"RunPowerShellScript","script":["Write-Output hi"]})")
            .status == 202);
  CHECK(lab.send("GET", k_example_automation, k_automation_version).status == 404);
  // Seeding twice adds nothing twice.
  seed(lab, "dns-darkweb.json");
  CHECK(names_of(body_of(lab.send(
            "GET", k_example_web_group + "/providers/Microsoft.Network/networkSecurityGroups",
            k_network_version))) == std::vector<std::string>{"vm-web-01-nsg"});
}

TEST_CASE("lab seeds a Resource Manager alert's foothold", "[lab][seed]")
{
  LabFixture lab;
  seed(lab, "arm-microburst-export.json");

  SECTION("an Owner role assignment of the attacker at the subscription")
  {
    const auto list = body_of(lab.send(
        "GET", k_example_subscription + "/providers/Microsoft.Authorization/roleAssignments",
        {{"api-version", "2022-04-01"}, {"$filter", "principalId eq '" + k_rm_attacker + "'"}}));
    std::vector<Json> owners;
    for (const auto& a : list["value"]) {
      const std::string role = a["properties"]["roleDefinitionId"];
      if (role.size() > 36 &&
          role.substr(role.size() - 36) == "8e3af657-a8ff-443c-a75c-2fe8c4bcb635") {
        owners.push_back(a);
      }
    }
    REQUIRE(owners.size() == 1);
    CHECK(owners[0]["properties"]["scope"] == k_example_subscription);
    CHECK(owners[0]["properties"]["principalType"] == "User");
    CHECK(owners[0]["properties"]["createdOn"] ==
          "2026-11-25T10:42:00.0000000Z"); // as the activity log says
  }
  SECTION("an Automation account with a nightly runbook and a planted one, each readable")
  {
    auto account = lab.send("GET", k_example_automation, k_automation_version);
    REQUIRE(account.status == 200);
    const auto runbooks =
        body_of(lab.send("GET", k_example_automation + "/runbooks", k_automation_version));
    CHECK(names_of(runbooks) == std::vector<std::string>{"Stop-DevVMs", "Update-ModuleCache"});
    REQUIRE(runbooks["value"].size() == 2);
    CHECK(runbooks["value"][0]["etag"] != runbooks["value"][1]["etag"]);
    CHECK(runbooks["value"][0]["properties"]["lastModifiedBy"] == "ops-admin@lab.localhost");
    CHECK(runbooks["value"][1]["properties"]["lastModifiedBy"] == "ops-automation@contoso.example");
    CHECK(runbooks["value"][1]["properties"]["creationTime"] == "2026-11-25T10:45:00.0000000Z");
    CHECK(runbooks["value"][0]["properties"]["creationTime"].get<std::string>() < "2026-11-25");
    // The team's account was there long before; the attacker's NIC came with its VM. The
    // resource list says so, not the time the lab was seeded.
    CHECK(body_of(account)["properties"]["creationTime"].get<std::string>() < "2026-01-01");
    const auto listed =
        body_of(lab.send("GET", k_example_subscription + "/resources",
                         {{"api-version", "2021-04-01"}, {"$expand", "createdTime,changedTime"}}));
    std::map<std::string, std::string> created;
    for (const auto& r : listed["value"]) {
      created[r["name"]] = r.value("createdTime", "");
    }
    CHECK(created["aa-operations"] < "2026-01-01");
    CHECK(created["gpu-node-7-nic"] == "2026-11-25T10:48:00.0000000Z");

    auto nightly = lab.send("GET", k_example_automation + "/runbooks/Stop-DevVMs/content",
                            k_automation_version);
    REQUIRE(nightly.status == 200);
    CHECK(nightly.content_type == "text/powershell");
    CHECK(nightly.body.find("Stop-AzVM") != std::string::npos);
    auto planted = lab.send("GET", k_example_automation + "/runbooks/Update-ModuleCache/content",
                            k_automation_version);
    REQUIRE(planted.status == 200);
    CHECK(planted.body.find("New-AzRoleAssignment -ObjectId '" + k_rm_attacker + "'") !=
          std::string::npos);
    CHECK(planted.body.find("http://203.0.113.77/m.ps1") != std::string::npos);
  }
  SECTION("an unordered GPU VM in its own group")
  {
    const std::string miner = k_example_subscription +
                              "/resourceGroups/rg-batch-tmp/providers/Microsoft.Compute/"
                              "virtualMachines/gpu-node-7";
    auto r = lab.send("GET", miner, k_compute_version);
    REQUIRE(r.status == 200);
    const auto vm = body_of(r);
    CHECK(vm["properties"]["storageProfile"]["osDisk"]["osType"] == "Linux");
    CHECK(vm["properties"]["hardwareProfile"]["vmSize"] == "Standard_NC24ads_A100_v4");
    CHECK(vm["properties"]["timeCreated"] == "2026-11-25T10:48:00.0000000Z");
    const std::string nic = vm["properties"]["networkProfile"]["networkInterfaces"][0]["id"];
    CHECK(body_of(lab.send("GET", nic, k_network_version))["properties"]["virtualMachine"]["id"] ==
          miner);
    CHECK(lab.tenant.state().vms.at(dftriage::lab::lower(miner)).os == "Linux");
  }
  SECTION("the attacker's activity-log events lie inside the alert's window")
  {
    const auto events = body_of(lab.send(
        "GET",
        k_example_subscription + "/providers/Microsoft.Insights/eventtypes/management/values",
        {{"api-version", "2015-04-01"},
         {"$filter", "eventTimestamp ge '2026-11-25T10:40:00Z' and eventTimestamp le "
                     "'2026-11-25T10:52:00Z' and caller eq "
                     "'ops-automation@contoso.example'"}}))["value"];
    std::vector<std::string> operations;
    for (const auto& e : events) {
      operations.push_back(e["operationName"]["value"]);
      CHECK(e["claims"]["http://schemas.microsoft.com/identity/claims/objectidentifier"] ==
            k_rm_attacker);
      CHECK(e["httpRequest"]["clientIpAddress"] == "203.0.113.77");
    }
    for (const char* op : {"Microsoft.Authorization/roleAssignments/write",
                           "Microsoft.Automation/automationAccounts/runbooks/write",
                           "Microsoft.Compute/virtualMachines/write"}) {
      INFO(op);
      CHECK(std::find(operations.begin(), operations.end(), op) != operations.end());
    }
  }
  SECTION("seeding twice plants nothing twice")
  {
    const auto foothold_events = [&] {
      int n = 0;
      for (const auto& e : lab.tenant.state().activity_log) {
        const std::string op = e["operationName"]["value"];
        n += op == "Microsoft.Automation/automationAccounts/runbooks/write" ||
             op == "Microsoft.Compute/virtualMachines/write";
      }
      return n;
    };
    const int events = foothold_events();
    CHECK(events == 2);
    seed(lab, "arm-microburst-export.json");
    CHECK(foothold_events() == events);
    CHECK(names_of(
              body_of(lab.send("GET", k_example_automation + "/runbooks", k_automation_version))) ==
          std::vector<std::string>{"Stop-DevVMs", "Update-ModuleCache"});
  }
}

TEST_CASE("lab makes the managed OS disk a scenario's VM names unless the scenario states it",
          "[lab][seed]")
{
  LabFixture lab;
  const std::string rg = "/subscriptions/" + k_example_subscription_id + "/resourceGroups/rg-s";
  const std::string disk = rg + "/providers/Microsoft.Compute/disks/app-os";
  const Json vm{
      {"id", rg + "/providers/Microsoft.Compute/virtualMachines/app"},
      {"name", "app"},
      {"type", "Microsoft.Compute/virtualMachines"},
      {"location", "westeurope"},
      {"properties",
       {{"storageProfile",
         {{"osDisk",
           {{"osType", "Linux"}, {"name", "app-os"}, {"managedDisk", {{"id", disk}}}}}}}}}};
  dftriage::lab::apply_seed(lab.tenant.state(),
                            Json{{"scenario", 1},
                                 {"subscriptionId", k_example_subscription_id},
                                 {"resources", Json::array({vm})}}
                                .dump(),
                            "s.json");
  const auto made = body_of(lab.send("GET", disk, {{"api-version", "2025-01-02"}}));
  CHECK(made["managedBy"] == vm["id"]);
  CHECK(made["properties"]["osType"] == "Linux");
  // Stated by the scenario: kept as stated.
  LabFixture other;
  Json stated{{"id", disk},
              {"name", "app-os"},
              {"type", "Microsoft.Compute/disks"},
              {"location", "westeurope"},
              {"properties", {{"diskSizeGB", 64}}}};
  dftriage::lab::apply_seed(other.tenant.state(),
                            Json{{"scenario", 1},
                                 {"subscriptionId", k_example_subscription_id},
                                 {"resources", Json::array({stated, vm})}}
                                .dump(),
                            "s.json");
  CHECK(body_of(other.send("GET", disk, {{"api-version", "2025-01-02"}}))["properties"] ==
        Json{{"diskSizeGB", 64}});
}
