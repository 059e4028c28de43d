// Microsoft.Compute virtual machines: GET (also $expand=instanceView and /instanceView),
// lists, PATCH (tags, the OS disk's deleteOption), DELETE, runCommand, reimage and restart
// (LROs with Azure-AsyncOperation and Location), and VM extensions such as VMAccess.
// protectedSettings (passwords) are read, never kept and never echoed. A run command on a
// VM whose NSG keeps it from Azure ends Succeeded without output.

#include "arm.hpp"
#include "disks.hpp"
#include "modules.hpp"
#include "nsg_flow.hpp"
#include "resources_compute.hpp"
#include "run_command.hpp"
#include "vm_update.hpp"

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_compute_versions = {
    "2025-04-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-09-01", "2023-07-01",
    "2023-03-01", "2022-11-01", "2022-08-01", "2022-03-01", "2021-11-01"};
const std::string k_vm =
    std::string(k_sub) + k_rg + "/providers/Microsoft\\.Compute/virtualMachines/([^/]+)";
const char* k_extension_type = "Microsoft.Compute/virtualMachines/extensions";

std::string vm_id(const Captures& c)
{
  return id_of(c, k_vm_type);
}

std::string version_of(const LabRequest& request)
{
  return request.query_ci("api-version").value_or("");
}

// The VM's runtime entry, made from its OS disk on first use (VMs a scenario stated as
// plain resources have none yet).
VmRuntime& runtime(State& state, const Json& vm)
{
  const std::string key = lower(vm.value("id", ""));
  auto it = state.vms.find(key);
  if (it == state.vms.end()) {
    VmRuntime fresh;
    const Json* os_disk = nullptr;
    if (vm.contains("properties") && vm["properties"].contains("storageProfile")) {
      os_disk = &vm["properties"]["storageProfile"]["osDisk"];
    }
    fresh.os = os_disk && os_disk->value("osType", "") == "Linux" ? "Linux" : "Windows";
    it = state.vms.emplace(key, fresh).first;
  }
  return it->second;
}

std::vector<Json> extensions_of(const State& state, const std::string& vm)
{
  return resources_under(state, vm + "/extensions/", k_extension_type);
}

Json status(const std::string& code, const std::string& display, const std::string& time = "")
{
  Json s{{"code", code}, {"level", "Info"}, {"displayStatus", display}};
  if (!time.empty()) {
    s["time"] = time;
  }
  return s;
}

Json instance_view(State& state, const Json& vm)
{
  const VmRuntime& rt = runtime(state, vm);
  const bool windows = rt.os == "Windows";
  const std::string now = state.now_iso();
  const Json& properties = vm["properties"];
  const std::string created = properties.value("timeCreated", now);
  Json handlers = Json::array();
  Json extensions = Json::array();
  for (const auto& e : extensions_of(state, vm.value("id", ""))) {
    const Json& p = e["properties"];
    const std::string type = p.value("publisher", "") + "." + p.value("type", "");
    handlers.push_back({{"type", type},
                        {"typeHandlerVersion", p.value("typeHandlerVersion", "")},
                        {"status", status("ProvisioningState/succeeded", "Ready")}});
    extensions.push_back({{"name", e.value("name", "")},
                          {"type", type},
                          {"typeHandlerVersion", p.value("typeHandlerVersion", "")},
                          {"statuses", Json::array({status("ProvisioningState/succeeded",
                                                           "Provisioning succeeded", now)})}});
  }
  const std::string power = rt.power_state;
  return Json{
      {"computerName", properties["osProfile"].value("computerName", vm.value("name", ""))},
      {"osName", windows ? "Windows Server 2022 Datacenter Azure Edition" : "ubuntu"},
      {"osVersion", windows ? "10.0.20348.2849" : "22.04"},
      {"vmAgent",
       {{"vmAgentVersion", windows ? "2.7.41491.1102" : "2.2.46"},
        {"statuses",
         Json::array({{{"code", "ProvisioningState/succeeded"},
                       {"level", "Info"},
                       {"displayStatus", "Ready"},
                       {"message", "GuestAgent is running and processing the extensions."},
                       {"time", now}}})},
        {"extensionHandlers", std::move(handlers)}}},
      {"disks",
       Json::array({{{"name", properties["storageProfile"]["osDisk"].value("name", "")},
                     {"statuses", Json::array({status(
                                      "ProvisioningState/succeeded", "Provisioning succeeded",
                                      rt.last_reimage.empty() ? created : rt.last_reimage)})}}})},
      {"extensions", std::move(extensions)},
      {"hyperVGeneration", "V2"},
      {"statuses", Json::array({status("ProvisioningState/succeeded", "Provisioning succeeded",
                                       rt.last_reimage.empty() ? created : rt.last_reimage),
                                status("PowerState/" + power, "VM " + power)})}};
}

// The VM as a GET shows it: its extensions under "resources".
Json vm_view(const State& state, Json vm)
{
  const auto extensions = extensions_of(state, vm.value("id", ""));
  if (!extensions.empty()) {
    vm["resources"] = Json(extensions);
  }
  return vm;
}

// Returns the operation ID at the end of an Azure-AsyncOperation URL.
std::string operation_id(const LabResponse& response)
{
  const std::string url = response.header("Azure-AsyncOperation").value_or("");
  const auto end = url.find('?');
  const auto start = url.rfind('/', end);
  return start == std::string::npos ? std::string() : url.substr(start + 1, end - start - 1);
}

LabResponse run_command(State& state, const LabRequest& request, const Captures& c)
{
  const Json& vm = require_resource(state, vm_id(c));
  VmRuntime& rt = runtime(state, vm);
  const Json body = request.json_body();
  const std::string command = body.is_object() ? body.value("commandId", "") : "";
  if (command.empty()) {
    throw ArmFault{400,
                   "InvalidParameter",
                   "Required parameter 'commandId' is missing (null).",
                   std::nullopt,
                   {}};
  }
  const std::string lc = lower(command);
  const bool linux_command = lc == "runshellscript" || lc == "ifconfig";
  const bool windows_command = lc == "runpowershellscript" || lc == "ipconfig";
  if (!(rt.os == "Linux" ? linux_command : windows_command)) {
    throw ArmFault{400,
                   "InvalidParameter",
                   "The command ID '" + command + "' is not available for " + rt.os +
                       " virtual machines.",
                   std::nullopt,
                   {}};
  }
  std::vector<std::string> script;
  if (body.contains("script") && body["script"].is_array()) {
    for (const auto& line : body["script"]) {
      if (!line.is_string()) {
        throw ArmFault{
            400, "InvalidParameter", "Each line of 'script' must be a string.", std::nullopt, {}};
      }
      script.push_back(line.get<std::string>());
    }
  }
  if (rt.power_state != "running") {
    throw ArmFault{409,
                   "OperationNotAllowed",
                   "Cannot run commands on the VM because it is not running (PowerState/" +
                       rt.power_state + ").",
                   std::nullopt,
                   {}};
  }
  // Busy until a poll has answered the previous run command's end: a client that last saw
  // it InProgress gets what Azure answers then. Code and message as Azure gives them
  // (quoted in Azure/azure-cli#32305, `az vm run-command invoke`: "(Conflict) Run command
  // extension execution is in progress. Please wait for completion before invoking a run
  // command.").
  const auto busy = state.operations.find(rt.run_command_operation);
  if (!rt.run_command_operation.empty() && busy != state.operations.end() && !busy->second.ended) {
    throw ArmFault{409,
                   "Conflict",
                   "Run command extension execution is in progress. Please wait for completion "
                   "before invoking a run command.",
                   std::nullopt,
                   {}};
  }
  rt.run_commands.push_back(
      {{"commandId", command}, {"script", script}, {"time", state.now_iso()}});
  // The script runs either way; without HTTPS to Azure its output never comes back.
  const bool reports = reaches_azure_cloud(state, vm);
  rt.run_commands.back()["reported"] = reports;
  LabResponse response = start_operation(
      state, LabResponse::empty(202), c[1], "Microsoft.Compute", region_of(vm),
      reports ? run_command_result(rt.os, command, script, state.config.clock(), rt.outputs)
              : run_command_unreported(rt.os),
      version_of(request));
  rt.run_command_operation = operation_id(response);
  return response;
}

LabResponse reimage(State& state, const LabRequest& request, const Captures& c)
{
  Json& vm = require_resource(state, vm_id(c));
  VmRuntime& rt = runtime(state, vm);
  if (!request.body.empty()) {
    request.json_body(); // only checked: it may carry osProfile.adminPassword, which is never kept
  }
  reimage_os_disk(state, vm);
  rt.reimages += 1;
  rt.last_reimage = state.now_iso();
  rt.run_command_operation.clear();
  return start_operation(state, LabResponse::empty(202), c[1], "Microsoft.Compute", region_of(vm),
                         Json(), version_of(request));
}

LabResponse restart(State& state, const LabRequest& request, const Captures& c)
{
  const Json& vm = require_resource(state, vm_id(c));
  VmRuntime& rt = runtime(state, vm);
  if (rt.power_state == "deallocated") {
    throw ArmFault{409,
                   "OperationNotAllowed",
                   "Operation 'restart' is not allowed on VM '" + vm.value("name", c[3]) +
                       "' since the VM is deallocated or marked to be deallocated.",
                   std::nullopt,
                   {}};
  }
  // Memory and open connections are gone; a run command in flight ends with the VM.
  rt.power_state = "running";
  rt.restarts += 1;
  rt.last_restart = state.now_iso();
  rt.run_command_operation.clear();
  return start_operation(state, LabResponse::empty(202), c[1], "Microsoft.Compute", region_of(vm),
                         Json(), version_of(request));
}

// A VM update: 200 with provisioningState Updating and an Azure-AsyncOperation to poll.
LabResponse patch_vm(State& state, const LabRequest& request, const Captures& c)
{
  Json& vm = require_resource(state, vm_id(c));
  Json updated = vm;
  apply_vm_update(updated, request.json_body());
  vm = std::move(updated);
  Json shown = vm_view(state, vm);
  shown["properties"]["provisioningState"] = "Updating";
  LabResponse response =
      start_operation(state, LabResponse::json(200, shown), c[1], "Microsoft.Compute",
                      region_of(vm), Json(), version_of(request));
  auto& headers = response.headers;
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [](const auto& h) { return lower(h.first) == "location"; }),
                headers.end());
  return response;
}

// The VM's OS a VMAccess extension is made for, or "" for other extensions.
std::string vmaccess_os(const std::string& publisher, const std::string& type)
{
  if (lower(publisher) == "microsoft.compute" && lower(type) == "vmaccessagent") {
    return "Windows";
  }
  if (lower(publisher) == "microsoft.ostcextensions" && lower(type) == "vmaccessforlinux") {
    return "Linux";
  }
  return {};
}

LabResponse put_extension(State& state, const LabRequest& request, const Captures& c)
{
  const Json& vm = require_resource(state, vm_id(c));
  VmRuntime& rt = runtime(state, vm);
  const Json body = request.json_body();
  const Json wanted =
      body.is_object() && body.contains("properties") && body["properties"].is_object()
          ? body["properties"]
          : Json::object();
  for (const char* key : {"publisher", "type", "typeHandlerVersion"}) {
    if (!wanted.contains(key) || !wanted[key].is_string() ||
        wanted[key].get<std::string>().empty()) {
      throw ArmFault{400,
                     "InvalidParameter",
                     std::string("Required parameter 'properties.") + key + "' is missing (null).",
                     std::nullopt,
                     {}};
    }
  }
  const std::string location = body.value("location", vm.value("location", ""));
  if (region(location) != region_of(vm)) {
    throw ArmFault{400,
                   "InvalidParameter",
                   "The extension's location '" + location +
                       "' differs from the virtual machine's location '" +
                       vm.value("location", "") + "'.",
                   std::nullopt,
                   {}};
  }
  const std::string publisher = wanted["publisher"].get<std::string>();
  const std::string type = wanted["type"].get<std::string>();
  const std::string access = vmaccess_os(publisher, type);
  if (!access.empty() && access != rt.os) {
    throw ArmFault{409,
                   "OperationNotAllowed",
                   "The extension " + publisher + "." + type + " is made for " + access +
                       " and cannot be installed on a " + rt.os + " virtual machine.",
                   std::nullopt,
                   {}};
  }
  const std::string id = vm.value("id", vm_id(c)) + "/extensions/" + c[4];
  const Json* existing = find_resource(state, id);
  Json properties{{"autoUpgradeMinorVersion", wanted.value("autoUpgradeMinorVersion", false)},
                  {"provisioningState", "Succeeded"},
                  {"publisher", publisher},
                  {"type", type},
                  {"typeHandlerVersion", wanted["typeHandlerVersion"]}};
  // settings are public; protectedSettings (passwords, keys) are write-only and never kept.
  if (wanted.contains("settings")) {
    properties["settings"] = wanted["settings"];
  }
  if (wanted.contains("forceUpdateTag")) {
    properties["forceUpdateTag"] = wanted["forceUpdateTag"];
  }
  Json extension{{"name", c[4]},
                 {"id", id},
                 {"type", k_extension_type},
                 {"location", vm.value("location", "")},
                 {"properties", std::move(properties)}};
  if (!access.empty()) {
    const Json& open = wanted.value("settings", Json::object());
    const Json& sealed = wanted.value("protectedSettings", Json::object());
    std::string user = open.is_object() ? open.value("UserName", "") : "";
    if (user.empty() && sealed.is_object()) {
      user = sealed.value("username", "");
    }
    rt.password_resets.push_back(
        {{"username", user}, {"extension", c[4]}, {"time", state.now_iso()}});
  }
  const bool created = existing == nullptr;
  Json shown = put_resource(state, std::move(extension));
  shown["properties"]["provisioningState"] = created ? "Creating" : "Updating";
  LabResponse response =
      start_operation(state, LabResponse::json(created ? 201 : 200, shown), c[1],
                      "Microsoft.Compute", region_of(vm), Json(), version_of(request));
  auto& headers = response.headers;
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [](const auto& h) { return lower(h.first) == "location"; }),
                headers.end());
  return response;
}

LabResponse delete_vm(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const Json* vm = find_resource(state, vm_id(c));
  if (!vm) {
    return LabResponse::empty(204);
  }
  const Json deleted = *vm;
  const std::string id = lower(deleted.value("id", ""));
  release_os_disk(state, deleted);
  for (const auto& e : extensions_of(state, deleted.value("id", ""))) {
    state.resources.erase(lower(e.value("id", "")));
  }
  for (auto& [key, resource] : state.resources) {
    if (resource.contains("properties") && resource["properties"].is_object() &&
        resource["properties"].contains("virtualMachine") &&
        lower(resource["properties"]["virtualMachine"].value("id", "")) == id) {
      resource["properties"].erase("virtualMachine");
    }
  }
  state.resources.erase(id);
  state.vms.erase(id);
  return start_operation(state, LabResponse::empty(202), c[1], "Microsoft.Compute",
                         region_of(deleted), Json(), version_of(request));
}

void add_vm_lists(Router& router, State& state, const RouteOptions& options)
{
  router.add("GET", std::string(k_sub) + "/providers/Microsoft\\.Compute/virtualMachines", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return page(state, request,
                           resources_under(state, "/subscriptions/" + c[1] + "/", k_vm_type));
             });
  router.add("GET", std::string(k_sub) + k_rg + "/providers/Microsoft\\.Compute/virtualMachines",
             options, [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return page(state, request,
                           resources_under(state, group_id(c[1], c[2]) + "/", k_vm_type));
             });
}

} // namespace

void add_compute_routes(Router& router, State& state)
{
  const RouteOptions options{k_compute_versions, "arm", ""};
  router.add("GET", k_vm, options, [&state](const LabRequest& request, const Captures& c) {
    const Json& vm = require_resource(state, vm_id(c));
    Json shown = vm_view(state, vm);
    if (lower(request.query_value("$expand").value_or("")) == "instanceview") {
      shown["properties"]["instanceView"] = instance_view(state, vm);
    }
    return LabResponse::json(200, shown);
  });
  router.add(
      "GET", k_vm + "/instanceView", options, [&state](const LabRequest&, const Captures& c) {
        return LabResponse::json(200, instance_view(state, require_resource(state, vm_id(c))));
      });
  router.add("DELETE", k_vm, options,
             [&state](const LabRequest& r, const Captures& c) { return delete_vm(state, r, c); });
  router.add("POST", k_vm + "/runCommand", options,
             [&state](const LabRequest& r, const Captures& c) { return run_command(state, r, c); });
  router.add("POST", k_vm + "/reimage", options,
             [&state](const LabRequest& r, const Captures& c) { return reimage(state, r, c); });
  router.add("POST", k_vm + "/restart", options,
             [&state](const LabRequest& r, const Captures& c) { return restart(state, r, c); });
  router.add("PATCH", k_vm, options,
             [&state](const LabRequest& r, const Captures& c) { return patch_vm(state, r, c); });
  router.add("GET", k_vm + "/extensions", options, [&state](const LabRequest&, const Captures& c) {
    const Json& vm = require_resource(state, vm_id(c));
    return LabResponse::json(200, Json{{"value", Json(extensions_of(state, vm.value("id", "")))}});
  });
  router.add("GET", k_vm + "/extensions/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) {
               const Json& vm = require_resource(state, vm_id(c));
               return LabResponse::json(
                   200, require_resource(state, vm.value("id", "") + "/extensions/" + c[4]));
             });
  router.add(
      "PUT", k_vm + "/extensions/([^/]+)", options,
      [&state](const LabRequest& r, const Captures& c) { return put_extension(state, r, c); });
  router.add("DELETE", k_vm + "/extensions/([^/]+)", options,
             [&state](const LabRequest& request, const Captures& c) {
               const Json& vm = require_resource(state, vm_id(c));
               const std::string id = lower(vm.value("id", "") + "/extensions/" + c[4]);
               if (state.resources.erase(id) == 0) {
                 return LabResponse::empty(204);
               }
               return start_operation(state, LabResponse::empty(202), c[1], "Microsoft.Compute",
                                      region_of(vm), Json(), version_of(request));
             });
  add_vm_lists(router, state, options);
  add_disk_routes(router, state);
}

} // namespace dftriage::lab
