// The lab's Microsoft.Compute VMs as Azure clients see them: GET and the instance view,
// run command, reimage and restart as long-running POSTs (202, Azure-AsyncOperation and
// Location, the RunCommandResult at the end), PATCH of the OS disk's deleteOption, the OS
// disk kept or deleted with it, Run Command blinded by an NSG, and the VMAccess
// extension, whose password is neither answered, kept nor recorded.

#include "compute_fixture.hpp"
#include "lab/record.hpp"
#include "lab/util.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_password_canary = "Canary-Pa55word-7f3e9b";

std::string run_body(const std::string& command, const std::vector<std::string>& script)
{
  return Json{{"commandId", command}, {"script", script}}.dump();
}

const dftriage::lab::VmRuntime& runtime(LabFixture& lab, const std::string& vm)
{
  return lab.tenant.state().vms.at(dftriage::lab::lower(vm));
}

// Everything the lab keeps, as one string.
std::string state_dump(LabFixture& lab)
{
  const auto& s = lab.tenant.state();
  Json dump = Json::object();
  for (const auto& [key, resource] : s.resources) {
    dump["resources"][key] = resource;
  }
  for (const auto& [key, vm] : s.vms) {
    dump["vms"][key] = {{"runs", vm.run_commands}, {"resets", vm.password_resets}};
  }
  for (const auto& [key, op] : s.operations) {
    dump["operations"][key] = op.result;
  }
  dump["activity"] = s.activity_log;
  return dump.dump();
}

// Returns the VMAccess extension body compute.vm.reset_password sends for Windows.
std::string vmaccess_windows(const std::string& user, const std::string& password)
{
  return Json{{"location", "westeurope"},
              {"properties",
               {{"publisher", "Microsoft.Compute"},
                {"type", "VMAccessAgent"},
                {"typeHandlerVersion", "2.4"},
                {"autoUpgradeMinorVersion", true},
                {"settings", {{"UserName", user}}},
                {"protectedSettings", {{"Password", password}}}}}}
      .dump();
}

} // namespace

TEST_CASE("lab VM GET shows the model and on request the instance view", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  auto r = lab.send("GET", k_vm1, k_compute_version);
  REQUIRE(r.status == 200);
  const auto vm = body_of(r);
  CHECK(vm["id"] == k_vm1);
  CHECK(vm["type"] == "Microsoft.Compute/virtualMachines");
  CHECK(vm["properties"]["storageProfile"]["osDisk"]["osType"] == "Windows");
  CHECK(vm["properties"]["networkProfile"]["networkInterfaces"][0]["id"] == k_nic1);
  CHECK(vm["properties"]["networkProfile"]["networkInterfaces"][0]["properties"]["primary"] ==
        true);
  CHECK(vm["properties"]["provisioningState"] == "Succeeded");
  CHECK(!vm["properties"].contains("instanceView"));
  CHECK(!vm.contains("resources"));
  CHECK(body_of(lab.send("GET", k_vm2,
                         k_compute_version))["properties"]["storageProfile"]["osDisk"]["osType"] ==
        "Linux");

  const auto expanded =
      body_of(lab.send("GET", k_vm1, {{"api-version", "2025-04-01"}, {"$expand", "instanceView"}}));
  const auto statuses = expanded["properties"]["instanceView"]["statuses"];
  REQUIRE(statuses.size() == 2);
  CHECK(statuses[0]["code"] == "ProvisioningState/succeeded");
  CHECK(statuses[1]["code"] == "PowerState/running");

  auto view = lab.send("GET", k_vm1 + "/instanceView", k_compute_version);
  REQUIRE(view.status == 200);
  CHECK(body_of(view)["computerName"] == "vm1");
  CHECK(body_of(view)["vmAgent"]["statuses"][0]["displayStatus"] == "Ready");
  CHECK(body_of(view)["statuses"] == statuses);
  lab.tenant.state().vms[dftriage::lab::lower(k_vm1)].power_state = "deallocated";
  CHECK(body_of(lab.send("GET", k_vm1 + "/instanceView",
                         k_compute_version))["statuses"][1]["code"] == "PowerState/deallocated");

  auto missing = lab.send("GET", k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope",
                          k_compute_version);
  CHECK(missing.status == 404);
  CHECK(error_code_of(missing) == "ResourceNotFound");
  CHECK(lab.send("GET", k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope/instanceView",
                 k_compute_version)
            .status == 404);
  CHECK(error_code_of(lab.send("GET", k_vm1, {{"api-version", "2099-01-01"}})) ==
        "InvalidApiVersionParameter");
}

TEST_CASE("lab run command is a long-running POST ending in a RunCommandResult", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string run = k_vm1 + "/runCommand";
  auto started = lab.send("POST", run, k_compute_version,
                          run_body("RunPowerShellScript", {"Write-Output 'hello'"}));
  REQUIRE(started.status == 202);
  CHECK(started.body.empty());
  REQUIRE(started.header("Location"));
  REQUIRE(started.header("Azure-AsyncOperation"));
  CHECK(started.header("Azure-AsyncOperation")
            ->find("/providers/Microsoft.Compute/locations/westeurope/operations/") !=
        std::string::npos);
  CHECK(started.header("Retry-After") == std::optional<std::string>("1"));
  REQUIRE(runtime(lab, k_vm1).run_commands.size() == 1);
  CHECK(runtime(lab, k_vm1).run_commands[0]["commandId"] == "RunPowerShellScript");

  SECTION("one run command at a time")
  {
    auto busy =
        lab.send("POST", run, k_compute_version, run_body("RunPowerShellScript", {"hostname"}));
    CHECK(busy.status == 409);
    CHECK(error_code_of(busy) == "Conflict");
    CHECK(runtime(lab, k_vm1).run_commands.size() == 1);
  }
  SECTION("polled to the end, it answers the output, and the VM takes the next one")
  {
    CHECK(poll_async(lab, started) == std::vector<std::string>{"InProgress", "Succeeded"});
    auto result = poll_location(lab, started);
    REQUIRE(result.status == 200);
    const auto value = body_of(result)["value"];
    REQUIRE(value.size() == 2);
    CHECK(value[0]["code"] == "ComponentStatus/StdOut/succeeded");
    CHECK(value[0]["level"] == "Info");
    CHECK(value[0]["message"] == "hello\n");
    CHECK(value[1]["code"] == "ComponentStatus/StdErr/succeeded");
    CHECK(value[1]["message"] == "");
    CHECK(lab.send("POST", run, k_compute_version, run_body("RunPowerShellScript", {"hostname"}))
              .status == 202);
  }
  SECTION("the Location alone answers 202 until the operation is done")
  {
    auto first = send_url(lab, "GET", *started.header("Location"));
    CHECK(first.status == 202);
    CHECK(first.header("Location"));
    CHECK(poll_location(lab, first).status == 200);
  }
}

TEST_CASE("lab run command answers the catalogue's scripts per OS and refuses what Azure refuses",
          "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  const auto output = [&](const std::string& vm, const std::string& command,
                          const std::vector<std::string>& script) {
    auto r = lab.send("POST", vm + "/runCommand", k_compute_version, run_body(command, script));
    REQUIRE(r.status == 202);
    poll_async(lab, r);
    return body_of(poll_location(lab, r))["value"];
  };
  SECTION("Windows: Start-MpScan prints nothing; the software listing lists the image's software")
  {
    CHECK(output(k_vm1, "RunPowerShellScript", {"Start-MpScan -ScanType FullScan"})[0]["message"] ==
          "");
    const std::string listing =
        output(k_vm1, "RunPowerShellScript",
               {R"ps($keys = 'HKLM:\Software\Microsoft\Windows\CurrentVersion\Uninstall\*')ps",
                R"ps(Get-ItemProperty -Path $keys |)ps"})[0]["message"];
    CHECK(listing.find("AnyDesk\t8.0.9\n") != std::string::npos);
    CHECK(listing.find("Tor Browser\t") != std::string::npos);
  }
  SECTION("Linux: one message with [stdout] and [stderr]")
  {
    const auto v = output(k_vm2, "RunShellScript",
                          {"if command -v dpkg-query >/dev/null 2>&1; then",
                           "  dpkg-query -W -f='${Package}\\t${Version}\\n'", "fi | sort"});
    REQUIRE(v.size() == 1);
    CHECK(v[0]["code"] == "ProvisioningState/succeeded");
    const std::string message = v[0]["message"];
    CHECK(message.rfind("Enable succeeded: \n[stdout]\n", 0) == 0);
    CHECK(message.find("openssh-server\t") != std::string::npos);
    CHECK(message.find("\n[stderr]\n") != std::string::npos);
  }
  SECTION("a command of the other OS, a missing commandId, a bad script and a stopped VM")
  {
    auto other = lab.send("POST", k_vm2 + "/runCommand", k_compute_version,
                          run_body("RunPowerShellScript", {"x"}));
    CHECK(other.status == 400);
    CHECK(error_code_of(other) == "InvalidParameter");
    CHECK(error_code_of(lab.send("POST", k_vm2 + "/runCommand", k_compute_version, "{}")) ==
          "InvalidParameter");
    CHECK(error_code_of(lab.send("POST", k_vm2 + "/runCommand", k_compute_version,
                                 R"({"commandId":"RunShellScript","script":[1]})")) ==
          "InvalidParameter");
    lab.tenant.state().vms[dftriage::lab::lower(k_vm2)].power_state = "deallocated";
    auto stopped = lab.send("POST", k_vm2 + "/runCommand", k_compute_version,
                            run_body("RunShellScript", {"id"}));
    CHECK(stopped.status == 409);
    CHECK(error_code_of(stopped) == "OperationNotAllowed");
    CHECK(runtime(lab, k_vm2).run_commands.empty());
    CHECK(lab.send("POST", k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope/runCommand",
                   k_compute_version, run_body("RunShellScript", {"id"}))
              .status == 404);
  }
}

TEST_CASE("lab reimage is a long-running POST that the instance view dates", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  lab.tenant.state().resources[dftriage::lab::lower(k_vm2)]["properties"]["timeCreated"] =
      "2026-01-01T00:00:00Z";
  lab.advance(60);
  auto r = lab.send("POST", k_vm2 + "/reimage", k_compute_version);
  REQUIRE(r.status == 202);
  CHECK(r.header("Azure-AsyncOperation"));
  CHECK(poll_async(lab, r).back() == "Succeeded");
  auto done = poll_location(lab, r);
  CHECK(done.status == 200);
  CHECK(done.body.empty());
  CHECK(runtime(lab, k_vm2).reimages == 1);
  const auto view = body_of(lab.send("GET", k_vm2 + "/instanceView", k_compute_version));
  CHECK(view["statuses"][0]["time"] == lab.tenant.state().now_iso());
  CHECK(view["disks"][0]["statuses"][0]["time"] == lab.tenant.state().now_iso());
  CHECK(lab.send("POST", k_vm2 + "/reimage", k_compute_version,
                 R"({"osProfile":{"adminPassword":")" + k_password_canary + "\"}}")
            .status == 202);
  CHECK(runtime(lab, k_vm2).reimages == 2);
  CHECK(state_dump(lab).find(k_password_canary) == std::string::npos);
  CHECK(lab.send("POST", k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope/reimage",
                 k_compute_version)
            .status == 404);
}

TEST_CASE("lab VMAccess resets a password without answering, keeping or recording it",
          "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string path = k_vm1 + "/extensions/enablevmaccess";
  const std::string body = vmaccess_windows("azureadmin", k_password_canary);
  dftriage::lab::LabRequest request;
  request.method = "PUT";
  request.host = "127.0.0.1";
  request.path = path;
  request.query = k_compute_version;
  request.body = body;
  request.headers = {
      {"Authorization", "Bearer " + lab.token("https://management.azure.com/.default")},
      {"Content-Type", "application/json"}};
  auto created = lab.tenant.handle(request);
  REQUIRE(created.status == 201);
  const auto shown = body_of(created);
  CHECK(shown["properties"]["provisioningState"] == "Creating");
  CHECK(shown["properties"]["settings"]["UserName"] == "azureadmin");
  CHECK(!shown["properties"].contains("protectedSettings"));
  CHECK(created.header("Azure-AsyncOperation"));
  CHECK(poll_async(lab, created).back() == "Succeeded");

  auto extension = lab.send("GET", path, k_compute_version);
  REQUIRE(extension.status == 200);
  CHECK(body_of(extension)["properties"]["provisioningState"] == "Succeeded");
  CHECK(body_of(extension)["properties"]["type"] == "VMAccessAgent");
  const auto vm =
      body_of(lab.send("GET", k_vm1, {{"api-version", "2025-04-01"}, {"$expand", "instanceView"}}));
  CHECK(vm["resources"][0]["name"] == "enablevmaccess");
  CHECK(vm["properties"]["instanceView"]["extensions"][0]["type"] ==
        "Microsoft.Compute.VMAccessAgent");

  const auto& resets = runtime(lab, k_vm1).password_resets;
  REQUIRE(resets.size() == 1);
  CHECK(resets[0]["username"] == "azureadmin");
  CHECK(resets[0]["extension"] == "enablevmaccess");

  // The password is nowhere: not in any answer, the state, the activity log or the recording.
  const std::string recorded =
      dftriage::lab::recorded_pair(
          request, "http://127.0.0.1:8443" + path + "?api-version=2025-04-01", created)
          .dump();
  CHECK(recorded.find("protectedSettings") != std::string::npos);
  CHECK(recorded.find(k_password_canary) == std::string::npos);
  CHECK(created.body.find(k_password_canary) == std::string::npos);
  CHECK(extension.body.find(k_password_canary) == std::string::npos);
  CHECK(lab.send("GET", k_vm1 + "/extensions", k_compute_version).body.find(k_password_canary) ==
        std::string::npos);
  CHECK(state_dump(lab).find(k_password_canary) == std::string::npos);
  CHECK(state_dump(lab).find("protectedSettings") == std::string::npos);

  SECTION("a second reset updates the extension: 200")
  {
    auto again = lab.send("PUT", path, k_compute_version,
                          vmaccess_windows("azureadmin", "Other-" + k_password_canary));
    CHECK(again.status == 200);
    CHECK(body_of(again)["properties"]["provisioningState"] == "Updating");
    CHECK(runtime(lab, k_vm1).password_resets.size() == 2);
    CHECK(state_dump(lab).find(k_password_canary) == std::string::npos);
  }
  SECTION("Linux takes the username from protectedSettings and keeps only it")
  {
    auto linux_reset = lab.send(
        "PUT", k_vm2 + "/extensions/enablevmaccess", k_compute_version,
        Json{
            {"location", "westeurope"},
            {"properties",
             {{"publisher", "Microsoft.OSTCExtensions"},
              {"type", "VMAccessForLinux"},
              {"typeHandlerVersion", "1.5"},
              {"protectedSettings", {{"username", "azureuser"}, {"password", k_password_canary}}}}}}
            .dump());
    CHECK(linux_reset.status == 201);
    CHECK(linux_reset.body.find(k_password_canary) == std::string::npos);
    REQUIRE(runtime(lab, k_vm2).password_resets.size() == 1);
    CHECK(runtime(lab, k_vm2).password_resets[0]["username"] == "azureuser");
    CHECK(state_dump(lab).find(k_password_canary) == std::string::npos);
  }
  SECTION("the Linux handler on a Windows VM and a body without a publisher are refused")
  {
    auto wrong = lab.send("PUT", path, k_compute_version, R"({"location":"westeurope","properties":{
      "publisher":"Microsoft.OSTCExtensions","type":"VMAccessForLinux","typeHandlerVersion":"1.5",
      "protectedSettings":{"username":"u","password":"p"}}})");
    CHECK(wrong.status == 409);
    CHECK(error_code_of(wrong) == "OperationNotAllowed");
    CHECK(error_code_of(lab.send("PUT", path, k_compute_version,
                                 R"({"location":"westeurope","properties":{}})")) ==
          "InvalidParameter");
    CHECK(runtime(lab, k_vm1).password_resets.size() == 1);
  }
}

TEST_CASE("lab VM DELETE is long-running and frees the NIC", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  auto r = lab.send("DELETE", k_vm1, k_compute_version);
  REQUIRE(r.status == 202);
  CHECK(poll_location(lab, r).status == 200);
  CHECK(lab.send("GET", k_vm1, k_compute_version).status == 404);
  CHECK(!body_of(lab.send("GET", k_nic1, k_network_version))["properties"].contains(
      "virtualMachine"));
  CHECK(lab.send("DELETE", k_vm1, k_compute_version).status == 204);
  lab.tenant.state().config.page_size = 10;
  CHECK(names_of(body_of(lab.send("GET", k_rg1 + "/providers/Microsoft.Compute/virtualMachines",
                                  k_compute_version))) == std::vector<std::string>{"vm2"});
}

namespace {

const Query k_disks_version{{"api-version", "2025-01-02"}};

std::string os_disk_id(LabFixture& lab, const std::string& vm)
{
  return body_of(lab.send(
      "GET", vm, k_compute_version))["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"];
}

std::string patch_body(const Json& delete_option, const Json& create_option = "FromImage")
{
  Json os_disk{{"deleteOption", delete_option}};
  if (!create_option.is_null()) {
    os_disk["createOption"] = create_option;
  }
  return Json{{"properties", {{"storageProfile", {{"osDisk", os_disk}}}}}}.dump();
}

} // namespace

TEST_CASE("lab VM PATCH sets the OS disk's deleteOption as Compute checks it", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  auto r = lab.send("PATCH", k_vm1, k_compute_version, patch_body("detach"));
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["properties"]["provisioningState"] == "Updating");
  CHECK(r.header("Azure-AsyncOperation"));
  CHECK(!r.header("Location"));
  CHECK(poll_async(lab, r).back() == "Succeeded");
  const auto vm = body_of(lab.send("GET", k_vm1, k_compute_version));
  CHECK(vm["properties"]["storageProfile"]["osDisk"]["deleteOption"] == "Detach");
  CHECK(vm["properties"]["provisioningState"] == "Succeeded");

  auto bad = lab.send("PATCH", k_vm1, k_compute_version, patch_body("Keep"));
  CHECK(bad.status == 400);
  CHECK(error_code_of(bad) == "InvalidParameter");
  CHECK(body_of(bad)["error"]["target"] == "properties.storageProfile.osDisk.deleteOption");
  CHECK(body_of(bad)["error"]["message"] ==
        "The value 'Keep' of parameter 'properties.storageProfile.osDisk.deleteOption' is not "
        "allowed. "
        "Allowed values are 'Delete' and 'Detach'.");
  CHECK(lab.send("PATCH", k_vm1, k_compute_version, patch_body(true)).status == 400);
  // The spec requires osDisk.createOption, and it cannot change.
  auto bare = lab.send("PATCH", k_vm1, k_compute_version, patch_body("Delete", nullptr));
  CHECK(bare.status == 400);
  CHECK(body_of(bare)["error"]["target"] == "osDisk.createOption");
  auto moved = lab.send("PATCH", k_vm1, k_compute_version, patch_body("Delete", "Attach"));
  CHECK(moved.status == 409);
  CHECK(error_code_of(moved) == "PropertyChangeNotAllowed");
  auto other = lab.send("PATCH", k_vm1, k_compute_version,
                        R"({"properties":{"hardwareProfile":{"vmSize":"Standard_B1s"}}})");
  CHECK(other.status == 400);
  CHECK(body_of(other)["error"]["target"] == "properties.hardwareProfile");
  // Nothing of a refused PATCH is kept.
  CHECK(body_of(lab.send("GET", k_vm1, k_compute_version))["properties"]["storageProfile"]["osDisk"]
                                                          ["deleteOption"] == "Detach");
  auto tags = lab.send("PATCH", k_vm1, k_compute_version, R"({"tags":{"case":"42"}})");
  CHECK(tags.status == 200);
  CHECK(body_of(lab.send("GET", k_vm1, k_compute_version))["tags"] == Json{{"case", "42"}});

  auto& stored =
      lab.tenant.state()
          .resources[dftriage::lab::lower(k_vm2)]["properties"]["storageProfile"]["osDisk"];
  stored["diffDiskSettings"] = {{"option", "Local"}};
  auto ephemeral = lab.send("PATCH", k_vm2, k_compute_version, patch_body("Detach"));
  CHECK(ephemeral.status == 400);
  CHECK_THAT(body_of(ephemeral)["error"]["message"].get<std::string>(),
             Catch::StartsWith("Ephemeral OS disks"));
  CHECK(lab.send("PATCH", k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope",
                 k_compute_version, patch_body("Detach"))
            .status == 404);
}

TEST_CASE("lab VM restart is a long-running POST refused on a deallocated VM", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  auto busy = lab.send("POST", k_vm1 + "/runCommand", k_compute_version,
                       run_body("RunPowerShellScript", {"Write-Output 'x'"}));
  REQUIRE(busy.status == 202);
  auto r = lab.send("POST", k_vm1 + "/restart", k_compute_version);
  REQUIRE(r.status == 202);
  CHECK(poll_async(lab, r).back() == "Succeeded");
  CHECK(poll_location(lab, r).status == 200);
  CHECK(runtime(lab, k_vm1).restarts == 1);
  CHECK(runtime(lab, k_vm1).last_restart == lab.tenant.state().now_iso());
  // The run command in flight ended with the VM: another may start.
  CHECK(lab.send("POST", k_vm1 + "/runCommand", k_compute_version,
                 run_body("RunPowerShellScript", {"hostname"}))
            .status == 202);
  lab.tenant.state().vms[dftriage::lab::lower(k_vm2)].power_state = "deallocated";
  auto refused = lab.send("POST", k_vm2 + "/restart", k_compute_version);
  CHECK(refused.status == 409);
  CHECK(error_code_of(refused) == "OperationNotAllowed");
  CHECK(runtime(lab, k_vm2).restarts == 0);
}

TEST_CASE("lab reimage and VM DELETE keep or delete the OS disk as its deleteOption says",
          "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string kept = os_disk_id(lab, k_vm1);
  const std::string dropped = os_disk_id(lab, k_vm2);
  CHECK(body_of(lab.send("GET", kept, k_disks_version))["properties"]["diskState"] == "Attached");
  REQUIRE(lab.send("PATCH", k_vm1, k_compute_version, patch_body("Detach")).status == 200);

  SECTION("reimage")
  {
    REQUIRE(lab.send("POST", k_vm1 + "/reimage", k_compute_version).status == 202);
    REQUIRE(lab.send("POST", k_vm2 + "/reimage", k_compute_version).status == 202);
    const auto old = body_of(lab.send("GET", kept, k_disks_version));
    CHECK(old["properties"]["diskState"] == "Unattached");
    CHECK(!old.contains("managedBy"));
    CHECK(os_disk_id(lab, k_vm1) != kept);
    CHECK(body_of(lab.send("GET", os_disk_id(lab, k_vm1), k_disks_version))["managedBy"] == k_vm1);
    CHECK(lab.send("GET", dropped, k_disks_version).status == 404);
    CHECK(error_code_of(lab.send("GET", dropped, k_disks_version)) == "ResourceNotFound");
    // The view of the VM names its new disk.
    CHECK(
        body_of(lab.send("GET", k_vm1 + "/instanceView", k_compute_version))["disks"][0]["name"] ==
        os_disk_id(lab, k_vm1).substr(os_disk_id(lab, k_vm1).rfind('/') + 1));
  }
  SECTION("delete")
  {
    auto attached = lab.send("DELETE", kept, k_disks_version);
    CHECK(attached.status == 409);
    CHECK(error_code_of(attached) == "OperationNotAllowed");
    REQUIRE(lab.send("DELETE", k_vm1, k_compute_version).status == 202);
    REQUIRE(lab.send("DELETE", k_vm2, k_compute_version).status == 202);
    CHECK(body_of(lab.send("GET", kept, k_disks_version))["properties"]["diskState"] ==
          "Unattached");
    CHECK(lab.send("GET", dropped, k_disks_version).status == 404);
    auto gone = lab.send("DELETE", kept, k_disks_version);
    CHECK(gone.status == 202);
    CHECK(poll_location(lab, gone).status == 200);
    CHECK(lab.send("DELETE", kept, k_disks_version).status == 204);
  }
}

TEST_CASE("lab run command returns no output when the NIC's NSG keeps the VM from AzureCloud:443",
          "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  // vm1's NSG allows RDP in; each section adds outbound rules before Azure's defaults.
  const auto reports = [&](const Json& rules) {
    Json all = Json::array({{{"name", "RDP"},
                             {"properties",
                              {{"priority", 300},
                               {"direction", "Inbound"},
                               {"access", "Allow"},
                               {"protocol", "Tcp"},
                               {"sourceAddressPrefix", "*"},
                               {"sourcePortRange", "*"},
                               {"destinationAddressPrefix", "*"},
                               {"destinationPortRange", "3389"}}}}});
    int priority = 100;
    for (const auto& r : rules) {
      Json properties{{"priority", priority++},
                      {"direction", "Outbound"},
                      {"access", r.at(0)},
                      {"protocol", r.at(1)},
                      {"sourceAddressPrefix", r.at(2)},
                      {"sourcePortRange", "*"},
                      {"destinationAddressPrefix", r.at(3)},
                      {"destinationPortRange", r.at(4)}};
      all.push_back({{"name", "out-" + std::to_string(priority)}, {"properties", properties}});
    }
    REQUIRE(
        lab.send("PUT", k_nsg1, k_network_version,
                 Json{{"location", "westeurope"}, {"properties", {{"securityRules", all}}}}.dump())
            .status < 300);
    auto started = lab.send("POST", k_vm1 + "/runCommand", k_compute_version,
                            run_body("RunPowerShellScript", {"Write-Output 'out'"}));
    REQUIRE(started.status == 202);
    poll_async(lab, started);
    const auto value = body_of(poll_location(lab, started))["value"];
    CHECK(value[0]["code"] == "ComponentStatus/StdOut/succeeded");
    CHECK(runtime(lab, k_vm1).run_commands.back()["reported"] == (value[0]["message"] == "out\n"));
    return value[0]["message"] == "out\n";
  };
  const Json deny_all = Json::array({"Deny", "*", "*", "*", "*"});
  CHECK(reports(Json::array()));
  CHECK_FALSE(reports(Json::array({deny_all})));
  CHECK(reports(Json::array({{"Allow", "Tcp", "*", "AzureCloud", "443"}, deny_all})));
  CHECK(reports(Json::array({{"Allow", "Tcp", "*", "AzureCloud.westeurope", "443"}, deny_all})));
  CHECK_FALSE(reports(Json::array({{"Allow", "Tcp", "*", "AzureCloud.eastus", "443"}, deny_all})));
  CHECK(reports(Json::array({{"Allow", "*", "VirtualNetwork", "Internet", "*"}, deny_all})));
  CHECK(reports(Json::array({{"Allow", "Tcp", "*", "0.0.0.0/0", "400-500"}, deny_all})));
  CHECK_FALSE(reports(Json::array({{"Allow", "Tcp", "*", "AzureCloud", "80"}, deny_all})));
  CHECK_FALSE(reports(Json::array({{"Allow", "Udp", "*", "AzureCloud", "443"}, deny_all})));
  CHECK_FALSE(reports(Json::array({{"Deny", "Tcp", "10.0.0.4/32", "*", "443"}})));
  CHECK(reports(Json::array({{"Deny", "Tcp", "10.9.0.0/16", "*", "443"}})));
  CHECK(reports(Json::array({{"Deny", "*", "*", "VirtualNetwork", "*"}})));
  // A deny of the Internet tag comes before Azure's AllowInternetOutBound (65001).
  CHECK_FALSE(reports(Json::array({{"Deny", "*", "*", "Internet", "*"}})));
}
