// Lab tests of the compute actions added for incident-response practice (#18): evidence
// kept before destructive steps (disk snapshots, the OS disk kept across a reimage), a
// restart, and isolation that leaves Run Command able to report, each action sent through
// the real azure::Client to a lab over HTTPS seeded with the example alerts.

#include "dftriage/azure/azure_error.hpp"
#include "support/example_ids.hpp"
#include "unit/lab/compute_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

using test::k_example_miner;
using test::k_example_vm;
using test::k_example_web_group;

const std::string k_batch = test::k_example_subscription + "/resourceGroups/rg-batch-tmp";
const std::string k_miner_nic =
    k_batch + "/providers/Microsoft.Network/networkInterfaces/gpu-node-7-nic";
// The DNS alert's name, which tags what the actions make for it.
const std::string k_dns_alert_name = "2517138462720000000_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";
const char* k_compute = "2025-04-01";
const char* k_disks = "2025-01-02";
const char* k_network = "2025-09-01";

std::string os_disk_of(test::ClientLab& lab, const std::string& vm)
{
  return lab.read(vm, k_compute)["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"];
}

std::string snapshot_id(const std::string& group, const std::string& name)
{
  return group + "/providers/Microsoft.Compute/snapshots/" + name;
}

std::string name_of(const std::string& id)
{
  return id.substr(id.rfind('/') + 1);
}

// Sends `method` to `path` with `body` through the lab's client (long-running operations
// polled to the end).
azure::Response send(test::ClientLab& lab, const std::string& method, const std::string& path,
                     const std::string& api_version, const Json& body = nullptr)
{
  azure::Request r;
  r.method = method;
  r.url = lab.lab.cloud.resource_manager + path + "?api-version=" + api_version;
  r.audience = "arm";
  r.purpose = "action";
  r.mutating = true;
  if (!body.is_null()) {
    r.body = body;
  }
  return lab.lab.client->send(r);
}

// The output a run command on `vm` returned: each entry's message, joined.
std::string run_output(test::ClientLab& lab, const std::string& vm, const std::string& command,
                       const std::vector<std::string>& script)
{
  const auto ran = test::run_action(lab, "compute.vm.run_command",
                                    {{"vm", vm}, {"commandId", command}, {"script", script}});
  REQUIRE(ran.responses.size() == 1);
  CHECK(ran.responses[0].status == 200);
  std::string out;
  for (const auto& entry : ran.responses[0].body["value"]) {
    CHECK_THAT(entry["code"].get<std::string>(), Catch::EndsWith("succeeded"));
    out += entry["message"].get<std::string>();
  }
  return out;
}

// Puts `vm`'s NIC behind `nsg` with network.nic.attach_nsg.
void attach(test::ClientLab& lab, const std::string& nic, const std::string& nsg)
{
  const auto attached =
      test::run_action(lab, "network.nic.attach_nsg", {{"nic", nic}, {"nsg", nsg}});
  REQUIRE(attached.responses.size() == 1);
}

} // namespace

TEST_CASE(
    "practice: compute.vm.snapshot_disks copies a VM's disk once and undo takes back only its own",
    "[lab][practice]")
{
  test::ClientLab lab;
  const std::string disk = os_disk_of(lab, k_example_vm);
  const Json args{{"vm", k_example_vm},
                  {"disks", {disk}},
                  {"location", "westeurope"},
                  {"prefix", "case-7"},
                  {"alertId", k_dns_alert_name}};
  const std::string snapshot = snapshot_id(k_example_web_group, "case-7-" + name_of(disk));

  const auto made = test::run_action(lab, "compute.vm.snapshot_disks", args);
  REQUIRE(made.refused.empty());
  REQUIRE(made.pre.size() == 1);
  CHECK(made.pre[0].status == 404);
  REQUIRE(made.responses.size() == 1);
  // The client polled the copy to its end and read the snapshot back.
  const Json& body = made.responses[0].body;
  CHECK(made.responses[0].status == 200);
  CHECK(body["id"] == snapshot);
  CHECK(body["type"] == "Microsoft.Compute/snapshots");
  CHECK(body["properties"]["provisioningState"] == "Succeeded");
  CHECK(body["properties"]["creationData"]["createOption"] == "Copy");
  CHECK(body["properties"]["creationData"]["sourceResourceId"] == disk);
  CHECK(body["properties"]["incremental"] == false);
  CHECK(body["properties"]["osType"] == "Windows");
  CHECK(body["tags"] == Json{{"dftriageAlert", k_dns_alert_name}, {"createdBy", "dftriage"}});
  const auto source = lab.read(disk, k_disks);
  CHECK(body["properties"]["creationData"]["sourceUniqueId"] == source["properties"]["uniqueId"]);
  CHECK(body["properties"]["diskSizeGB"] == source["properties"]["diskSizeGB"]);

  // Run again: in place, nothing sent.
  const auto again = test::run_action(lab, "compute.vm.snapshot_disks", args);
  CHECK(again.satisfied);
  CHECK(again.responses.empty());

  // Undo removes the snapshot this step made (when asked to remove evidence).
  const auto undone = test::undo_action(lab, "compute.vm.snapshot_disks", args, made.pre);
  REQUIRE(undone.size() == 1);
  CHECK(lab.status(snapshot, k_disks) == 404);
  CHECK(lab.status(disk, k_disks) == 200);
}

TEST_CASE(
    "practice: compute.vm.snapshot_disks is refused under a name that holds another disk's copy",
    "[lab][practice]")
{
  test::ClientLab lab;
  const std::string disk = os_disk_of(lab, k_example_vm);
  const std::string other = os_disk_of(lab, k_example_miner);
  // Someone's snapshot of the miner's disk under the name this step would use.
  const std::string taken = snapshot_id(k_example_web_group, "case-9-" + name_of(disk));
  send(lab, "PUT", taken, k_disks,
       {{"location", "westeurope"},
        {"properties",
         {{"creationData", {{"createOption", "Copy"}, {"sourceResourceId", other}}}}}});
  const auto refused = test::run_action(
      lab, "compute.vm.snapshot_disks",
      {{"vm", k_example_vm}, {"disks", {disk}}, {"location", "westeurope"}, {"prefix", "case-9"}});
  CHECK(refused.refused == "a snapshot named \"case-9-" + name_of(disk) +
                               "\" already exists and was taken of \"" + other +
                               "\", not of this disk; pick another prefix");
  CHECK(refused.responses.empty());
  CHECK(lab.read(taken, k_disks)["properties"]["creationData"]["sourceResourceId"] == other);

  // Azure refuses the copy of a disk that does not exist.
  try {
    send(lab, "PUT", snapshot_id(k_example_web_group, "case-9-gone"), k_disks,
         {{"location", "westeurope"},
          {"properties",
           {{"creationData",
             {{"createOption", "Copy"},
              {"sourceResourceId",
               k_example_web_group + "/providers/Microsoft.Compute/disks/gone"}}}}}});
    FAIL("the copy of a missing disk was accepted");
  } catch (const azure::AzureError& e) {
    CHECK(e.http_status() == 404);
    CHECK_THAT(e.what(),
               Catch::Contains("NotFound") && Catch::Contains("Resource gone is not found."));
  }
  CHECK(lab.status(snapshot_id(k_example_web_group, "case-9-gone"), k_disks) == 404);
}

TEST_CASE("practice: a kept OS disk outlives the reimage, unattached, and can still be copied",
          "[lab][practice]")
{
  test::ClientLab lab;
  const std::string old_disk = os_disk_of(lab, k_example_vm);
  CHECK(lab.read(old_disk, k_disks)["managedBy"] == k_example_vm);
  CHECK(lab.read(k_example_vm,
                 k_compute)["properties"]["storageProfile"]["osDisk"]["deleteOption"] == "Delete");

  const auto kept = test::run_action(lab, "compute.vm.keep_os_disk", {{"vm", k_example_vm}});
  REQUIRE(kept.responses.size() == 1);
  CHECK(kept.responses[0].status == 200);
  CHECK(kept.responses[0].body["properties"]["storageProfile"]["osDisk"]["deleteOption"] ==
        "Detach");
  CHECK(kept.responses[0].body["properties"]["provisioningState"] == "Succeeded");
  CHECK(test::run_action(lab, "compute.vm.keep_os_disk", {{"vm", k_example_vm}}).satisfied);

  const auto reimaged = test::run_action(lab, "compute.vm.reimage", {{"vm", k_example_vm}});
  REQUIRE(reimaged.refused.empty());
  REQUIRE(reimaged.responses.size() == 1);
  const std::string new_disk = os_disk_of(lab, k_example_vm);
  CHECK(new_disk != old_disk);
  CHECK_THAT(name_of(new_disk), Catch::StartsWith("vm-web-01_OsDisk_1_"));
  const auto fresh = lab.read(new_disk, k_disks);
  CHECK(fresh["managedBy"] == k_example_vm);
  CHECK(fresh["properties"]["diskState"] == "Attached");
  const auto old = lab.read(old_disk, k_disks);
  CHECK(!old.contains("managedBy"));
  CHECK(old["properties"]["diskState"] == "Unattached");
  CHECK(lab.read(k_example_vm, k_compute)["properties"]["storageProfile"]["osDisk"]["name"] ==
        name_of(new_disk));

  // The old disk is evidence that can still be snapshotted after the reimage.
  const auto copied = test::run_action(lab, "compute.vm.snapshot_disks",
                                       {{"vm", k_example_vm},
                                        {"disks", {old_disk}},
                                        {"location", "westeurope"},
                                        {"prefix", "pre-reimage"}});
  REQUIRE(copied.responses.size() == 1);
  CHECK(copied.responses[0].body["properties"]["creationData"]["sourceResourceId"] == old_disk);

  // Undo of keep_os_disk puts Delete back.
  test::undo_action(lab, "compute.vm.keep_os_disk", {{"vm", k_example_vm}}, kept.pre);
  CHECK(lab.read(k_example_vm,
                 k_compute)["properties"]["storageProfile"]["osDisk"]["deleteOption"] == "Delete");
}

TEST_CASE("practice: a reimage with deleteOption Delete takes the old OS disk with it",
          "[lab][practice]")
{
  test::ClientLab lab;
  const std::string old_disk = os_disk_of(lab, k_example_miner);
  // Sent as a bare request: the catalogue's reimage refuses this VM.
  CHECK(send(lab, "POST", k_example_miner + "/reimage", k_compute).status == 200);
  CHECK(lab.status(old_disk, k_disks) == 404);
  const std::string new_disk = os_disk_of(lab, k_example_miner);
  CHECK(new_disk != old_disk);
  CHECK(lab.read(new_disk, k_disks)["managedBy"] == k_example_miner);
}

TEST_CASE("practice: compute.vm.restart is a long-running POST the client follows to its end",
          "[lab][practice]")
{
  test::ClientLab lab;
  const auto restarted = test::run_action(lab, "compute.vm.restart", {{"vm", k_example_vm}});
  REQUIRE(restarted.pre.size() == 1);
  CHECK(restarted.pre[0].status == 200);
  REQUIRE(restarted.responses.size() == 1);
  CHECK(restarted.responses[0].status == 200);
  int posts = 0;
  int polls = 0;
  for (const auto& e : lab.exchanges) {
    posts += e.method == "POST" && e.url.find("/restart?") != std::string::npos;
    polls += e.method == "GET" && e.url.find("/operations/") != std::string::npos;
  }
  CHECK(posts == 1);
  CHECK(polls >= 1);
  const auto missing = test::run_action(
      lab, "compute.vm.restart",
      {{"vm", k_example_web_group + "/providers/Microsoft.Compute/virtualMachines/vm-gone"}});
  CHECK(missing.refused == "the VM does not exist (its GET answered 404)");
}

TEST_CASE("practice: the isolation NSG keeps Run Command's output, a deny-all NSG blinds it",
          "[lab][practice]")
{
  test::ClientLab lab;
  // No NSG on the miner's NIC yet: Defender for Endpoint's scans report.
  const std::string quick =
      run_output(lab, k_example_miner, "RunShellScript", {"mdatp scan quick"});
  CHECK_THAT(quick,
             Catch::Contains("1 threat(s) detected") && Catch::Contains("/tmp/.X11-unix/.kworker"));

  // A deny-all outbound NSG: the scan runs, Succeeded, and nothing comes back.
  const std::string deny_all =
      k_batch + "/providers/Microsoft.Network/networkSecurityGroups/deny-all";
  send(lab, "PUT", deny_all, k_network,
       {{"location", "westeurope"},
        {"properties",
         {{"securityRules",
           {{{"name", "deny-out"},
             {"properties",
              {{"priority", 100},
               {"direction", "Outbound"},
               {"access", "Deny"},
               {"protocol", "*"},
               {"sourceAddressPrefix", "*"},
               {"sourcePortRange", "*"},
               {"destinationAddressPrefix", "*"},
               {"destinationPortRange", "*"}}}}}}}}});
  attach(lab, k_miner_nic, deny_all);
  CHECK(run_output(lab, k_example_miner, "RunShellScript", {"mdatp scan full"}).empty());

  // The isolation NSG lets HTTPS to AzureCloud out: the full scan reports again.
  const std::string isolation =
      k_batch + "/providers/Microsoft.Network/networkSecurityGroups/gpu-node-7-isolation";
  const auto created = test::run_action(lab, "network.nsg.create_isolation",
                                        {{"nsg", isolation},
                                         {"location", "westeurope"},
                                         {"allowFrom", {"10.0.250.0/26"}},
                                         {"alertId", k_dns_alert_name}});
  REQUIRE(created.responses.size() == 1);
  attach(lab, k_miner_nic, isolation);
  const std::string full = run_output(lab, k_example_miner, "RunShellScript", {"mdatp scan full"});
  CHECK_THAT(full,
             Catch::Contains("2 threat(s) detected") && Catch::Contains("Backdoor:PHP/WebShell.A"));
  // Created again for the same alert: already in place.
  CHECK(test::run_action(lab, "network.nsg.create_isolation",
                         {{"nsg", isolation},
                          {"location", "westeurope"},
                          {"allowFrom", {"10.0.250.0/26"}},
                          {"alertId", k_dns_alert_name}})
            .satisfied);
}

TEST_CASE("practice: a Windows VM behind the isolation NSG still answers run commands",
          "[lab][practice]")
{
  test::ClientLab lab;
  const std::string nic =
      k_example_web_group + "/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic";
  const std::string isolation =
      k_example_web_group +
      "/providers/Microsoft.Network/networkSecurityGroups/vm-web-01-isolation";
  test::run_action(lab, "network.nsg.create_isolation",
                   {{"nsg", isolation}, {"location", "westeurope"}, {"alertId", k_dns_alert_name}});
  attach(lab, nic, isolation);
  CHECK(run_output(lab, k_example_vm, "RunPowerShellScript", {"Write-Output 'still here'"}) ==
        "still here\n");
  CHECK(lab.read(isolation, k_network)["properties"]["networkInterfaces"] ==
        Json::array({{{"id", nic}}}));
}

namespace {

const test::Query k_disks_query{{"api-version", "2025-01-02"}};

std::string snapshot_body(const std::string& source, const std::string& location = "westeurope")
{
  return Json{{"location", location},
              {"tags", {{"createdBy", "dftriage"}}},
              {"properties",
               {{"creationData", {{"createOption", "Copy"}, {"sourceResourceId", source}}},
                {"incremental", false}}}}
      .dump();
}

} // namespace

TEST_CASE("lab snapshots: PUT is a long-running copy, GET and DELETE as the Disk RP answers",
          "[lab][compute]")
{
  test::LabFixture lab;
  test::seed_compute(lab);
  const std::string disk = test::body_of(lab.send(
      "GET", test::k_vm2,
      test::k_compute_version))["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"];
  const auto source = test::body_of(lab.send("GET", disk, k_disks_query));
  CHECK(source["type"] == "Microsoft.Compute/disks");
  CHECK(source["managedBy"] == test::k_vm2);
  CHECK(source["properties"]["osType"] == "Linux");
  CHECK(source["properties"]["creationData"]["createOption"] == "FromImage");
  const std::string snapshot = test::k_rg1 + "/providers/Microsoft.Compute/snapshots/ev-1-vm2";

  CHECK(lab.send("GET", snapshot, k_disks_query).status == 404);
  CHECK(test::error_code_of(lab.send("GET", snapshot, k_disks_query)) == "ResourceNotFound");
  CHECK(lab.send("DELETE", snapshot, k_disks_query).status == 204);
  auto made = lab.send("PUT", snapshot, k_disks_query, snapshot_body(disk));
  REQUIRE(made.status == 202);
  CHECK(test::body_of(made)["properties"]["provisioningState"] == "Updating");
  CHECK(test::poll_async(lab, made).back() == "Succeeded");
  const auto shown = test::body_of(lab.send("GET", snapshot, k_disks_query));
  CHECK(shown["properties"]["provisioningState"] == "Succeeded");
  CHECK(shown["properties"]["creationData"]["sourceResourceId"] == disk);
  CHECK(shown["sku"]["name"] == "Standard_LRS");
  CHECK(shown["tags"] == Json{{"createdBy", "dftriage"}});
  // The same copy again updates it (200); another source under the name is refused.
  CHECK(lab.send("PUT", snapshot, k_disks_query, snapshot_body(disk)).status == 200);
  const std::string other = test::body_of(lab.send(
      "GET", test::k_vm1,
      test::k_compute_version))["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"];
  auto changed = lab.send("PUT", snapshot, k_disks_query, snapshot_body(other));
  CHECK(changed.status == 409);
  CHECK(test::error_code_of(changed) == "PropertyChangeNotAllowed");
  // A copy of the copy, then the lists.
  REQUIRE(lab.send("PUT", snapshot + "-2", k_disks_query, snapshot_body(snapshot)).status == 202);
  lab.tenant.state().config.page_size = 10;
  CHECK(test::names_of(test::body_of(lab.send(
            "GET", test::k_rg1 + "/providers/Microsoft.Compute/snapshots", k_disks_query))) ==
        std::vector<std::string>{"ev-1-vm2", "ev-1-vm2-2"});
  CHECK(test::names_of(test::body_of(lab.send("GET",
                                              std::string("/subscriptions/") + test::k_sub +
                                                  "/providers/Microsoft.Compute/disks",
                                              k_disks_query)))
            .size() == 2);
  auto deleted = lab.send("DELETE", snapshot, k_disks_query);
  REQUIRE(deleted.status == 202);
  CHECK(test::poll_location(lab, deleted).status == 200);
  CHECK(lab.send("GET", snapshot, k_disks_query).status == 404);
  CHECK(lab.send("GET", disk, k_disks_query).status == 200);
}

TEST_CASE("lab snapshots refuse what Azure refuses", "[lab][compute]")
{
  test::LabFixture lab;
  test::seed_compute(lab);
  const std::string disk = test::body_of(lab.send(
      "GET", test::k_vm1,
      test::k_compute_version))["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"];
  const std::string snapshots = test::k_rg1 + "/providers/Microsoft.Compute/snapshots/";
  auto missing = lab.send("PUT", snapshots + "s1", k_disks_query,
                          snapshot_body(test::k_rg1 + "/providers/Microsoft.Compute/disks/gone"));
  CHECK(missing.status == 404);
  CHECK(test::error_code_of(missing) == "NotFound");
  CHECK(test::body_of(missing)["error"]["message"] == "Resource gone is not found.");
  CHECK(test::error_code_of(lab.send("PUT", snapshots + "s1", k_disks_query,
                                     snapshot_body(test::k_vm1))) == "NotFound");
  for (const std::string& bad :
       {std::string(81, 's'), std::string("s1-"), std::string("_s1"), std::string("s1.")}) {
    auto r = lab.send("PUT", snapshots + bad, k_disks_query, snapshot_body(disk));
    CHECK(r.status == 400);
    CHECK(test::body_of(r)["error"]["target"] == "snapshotName");
  }
  CHECK(lab.send("PUT", snapshots + std::string(80, 's'), k_disks_query, snapshot_body(disk))
            .status == 202);
  CHECK(test::error_code_of(lab.send("PUT", snapshots + "s2", k_disks_query,
                                     R"({"properties":{}})")) == "LocationRequired");
  auto empty = lab.send(
      "PUT", snapshots + "s2", k_disks_query,
      R"({"location":"westeurope","properties":{"creationData":{"createOption":"Empty"}}})");
  CHECK(empty.status == 400);
  CHECK(test::body_of(empty)["error"]["target"] == "snapshot.properties.creationData.createOption");
  auto far = lab.send("PUT", snapshots + "s2", k_disks_query, snapshot_body(disk, "eastus"));
  CHECK(far.status == 400);
  CHECK(test::body_of(far)["error"]["target"] == "snapshot.location");
  CHECK(test::error_code_of(lab.send("PUT", snapshots + "s2", test::k_compute_version,
                                     snapshot_body(disk))) == "InvalidApiVersionParameter");
  CHECK(lab.send("GET", snapshots + "s2", k_disks_query).status == 404);
}
