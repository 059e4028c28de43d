#include "resources_compute.hpp"

#include "arm.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "disks.hpp"

#include <algorithm>
#include <map>

namespace dftriage::lab {

namespace {

struct DefaultRule
{
  const char* name;
  const char* description;
  const char* access;
  const char* direction;
  int priority;
  const char* source;
  const char* destination;
};

const DefaultRule k_default_rules[] = {
    {"AllowVnetInBound", "Allow inbound traffic from all VMs in VNET", "Allow", "Inbound", 65000,
     "VirtualNetwork", "VirtualNetwork"},
    {"AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer", "Allow",
     "Inbound", 65001, "AzureLoadBalancer", "*"},
    {"DenyAllInBound", "Deny all inbound traffic", "Deny", "Inbound", 65500, "*", "*"},
    {"AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET", "Allow",
     "Outbound", 65000, "VirtualNetwork", "VirtualNetwork"},
    {"AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet", "Allow",
     "Outbound", 65001, "*", "Internet"},
    {"DenyAllOutBound", "Deny all outbound traffic", "Deny", "Outbound", 65500, "*", "*"},
};

std::string group_prefix(const std::string& id)
{
  const auto parsed = alert::parse_resource_id(id);
  return parsed ? group_id(parsed->subscription_id, parsed->resource_group) : std::string();
}

ArmFault rule_fault(const std::string& code, const std::string& message)
{
  return ArmFault{400, code, message, std::nullopt, {}};
}

} // namespace

std::string new_etag(State& state)
{
  return "W/\"" + state.next_guid("etag") + "\"";
}

void stamp_etag(Json& resource, const std::string& etag)
{
  resource["etag"] = etag;
  if (!resource.contains("properties") || !resource["properties"].is_object()) {
    return;
  }
  Json& properties = resource["properties"];
  for (const char* key : {"securityRules", "defaultSecurityRules", "ipConfigurations"}) {
    if (!properties.contains(key) || !properties[key].is_array()) {
      continue;
    }
    for (auto& child : properties[key]) {
      if (child.is_object()) {
        child["etag"] = etag;
      }
    }
  }
}

Json security_rules(State& state, const std::string& nsg_id, const Json& rules)
{
  Json out = Json::array();
  if (rules.is_null()) {
    return out;
  }
  if (!rules.is_array()) {
    throw rule_fault("InvalidRequestFormat",
                     "Cannot parse the request: properties.securityRules must be an array.");
  }
  std::map<std::pair<std::string, int>, std::string> owner;
  for (const auto& rule : rules) {
    const std::string name = rule.is_object() ? rule.value("name", "") : "";
    if (name.empty()) {
      throw rule_fault("InvalidRequestFormat",
                       "Cannot parse the request: every security rule needs a name.");
    }
    Json properties = rule.value("properties", Json::object());
    const int priority =
        properties.contains("priority") && properties["priority"].is_number_integer()
            ? properties["priority"].get<int>()
            : 0;
    if (priority < 100 || priority > 4096) {
      throw rule_fault("SecurityRuleInvalidPriority",
                       "Security rule " + name + " has invalid Priority. Value provided: " +
                           std::to_string(priority) + " Allowed range 100-4096.");
    }
    // The enumerations ARM checks (case-insensitively), as it names them in its error.
    const std::pair<const char*, std::vector<std::string>> k_enums[] = {
        {"direction", {"Inbound", "Outbound"}},
        {"access", {"Allow", "Deny"}},
        {"protocol", {"Tcp", "Udp", "Icmp", "Esp", "Ah", "*"}}};
    for (const auto& [field, allowed] : k_enums) {
      const Json& value = properties.contains(field) ? properties[field] : Json();
      const bool ok = value.is_string() &&
                      std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
                        return lower(a) == lower(value.get<std::string>());
                      });
      if (!ok) {
        std::string list;
        for (const auto& a : allowed) {
          list += (list.empty() ? "" : ", ") + a;
        }
        throw rule_fault("InvalidRequestFormat",
                         "Cannot parse the request: security rule " + name + ": " + field + " " +
                             (value.is_null() ? std::string("is missing") : value.dump()) +
                             "; expected one of " + list + ".");
      }
    }
    const std::string direction = properties.value("direction", "");
    const auto key = std::make_pair(lower(direction), priority);
    if (owner.count(key) != 0) {
      throw rule_fault("SecurityRuleConflict",
                       "Security rule " + owner[key] + " conflicts with rule " + name +
                           ". Rules cannot have the same Priority and Direction. To learn more, "
                           "see aka.ms/nsgrules.");
    }
    owner[key] = name;
    properties.erase("provisioningState");
    properties["provisioningState"] = "Succeeded";
    out.push_back(Json{{"name", name},
                       {"id", nsg_id + "/securityRules/" + name},
                       {"etag", new_etag(state)},
                       {"type", "Microsoft.Network/networkSecurityGroups/securityRules"},
                       {"properties", std::move(properties)}});
  }
  return out;
}

Json make_nsg(State& state, const std::string& id, const std::string& location, const Json& rules)
{
  Json defaults = Json::array();
  for (const auto& d : k_default_rules) {
    defaults.push_back(
        Json{{"name", d.name},
             {"id", id + "/defaultSecurityRules/" + d.name},
             {"etag", new_etag(state)},
             {"type", "Microsoft.Network/networkSecurityGroups/defaultSecurityRules"},
             {"properties",
              {{"description", d.description},
               {"protocol", "*"},
               {"sourcePortRange", "*"},
               {"destinationPortRange", "*"},
               {"sourceAddressPrefix", d.source},
               {"destinationAddressPrefix", d.destination},
               {"access", d.access},
               {"priority", d.priority},
               {"direction", d.direction},
               {"provisioningState", "Succeeded"}}}});
  }
  Json nsg{{"name", name_of(id)},
           {"id", id},
           {"etag", ""},
           {"type", "Microsoft.Network/networkSecurityGroups"},
           {"location", location},
           {"tags", Json::object()},
           {"properties",
            {{"resourceGuid", state.next_guid("nsg-guid")},
             {"securityRules", security_rules(state, id, rules)},
             {"defaultSecurityRules", std::move(defaults)},
             {"provisioningState", "Succeeded"}}}};
  stamp_etag(nsg, new_etag(state));
  return nsg;
}

Json make_nic(State& state, const std::string& id, const std::string& location,
              const std::string& private_ip)
{
  const std::string group = group_prefix(id);
  const auto parsed = alert::parse_resource_id(id);
  const std::string vnet = group + "/providers/Microsoft.Network/virtualNetworks/" +
                           (parsed ? parsed->resource_group : std::string("lab")) + "-vnet";
  const std::string guid = state.next_guid("nic-guid");
  std::string mac = "00-0D-3A-";
  for (std::size_t i = 0; i < 3; ++i) {
    mac += std::string(i ? "-" : "") + static_cast<char>(std::toupper(guid[i * 2])) +
           static_cast<char>(std::toupper(guid[i * 2 + 1]));
  }
  Json nic{{"name", name_of(id)},
           {"id", id},
           {"etag", ""},
           {"type", "Microsoft.Network/networkInterfaces"},
           {"location", location},
           {"tags", Json::object()},
           {"kind", "Regular"},
           {"properties",
            {{"provisioningState", "Succeeded"},
             {"resourceGuid", guid},
             {"ipConfigurations",
              Json::array({{{"name", "ipconfig1"},
                            {"id", id + "/ipConfigurations/ipconfig1"},
                            {"etag", new_etag(state)},
                            {"type", "Microsoft.Network/networkInterfaces/ipConfigurations"},
                            {"properties",
                             {{"provisioningState", "Succeeded"},
                              {"privateIPAddress", private_ip},
                              {"privateIPAllocationMethod", "Dynamic"},
                              {"subnet", {{"id", vnet + "/subnets/default"}}},
                              {"primary", true},
                              {"privateIPAddressVersion", "IPv4"}}}}})},
             {"dnsSettings",
              {{"dnsServers", Json::array()},
               {"appliedDnsServers", Json::array()},
               {"internalDomainNameSuffix", guid.substr(0, 12) + ".ax.internal.cloudapp.net"}}},
             {"macAddress", mac},
             {"primary", true},
             {"enableAcceleratedNetworking", false},
             {"vnetEncryptionSupported", false},
             {"enableIPForwarding", false},
             {"disableTcpStateTracking", false},
             {"hostedWorkloads", Json::array()},
             {"tapConfigurations", Json::array()},
             {"nicType", "Standard"},
             {"auxiliaryMode", "None"},
             {"auxiliarySku", "None"}}}};
  stamp_etag(nic, new_etag(state));
  return nic;
}

Json make_vm(State& state, const std::string& id, const std::string& location,
             const std::string& os, const std::vector<std::string>& nics)
{
  const bool windows = os != "Linux";
  const std::string name = name_of(id);
  Json image = windows ? Json{{"publisher", "MicrosoftWindowsServer"},
                              {"offer", "WindowsServer"},
                              {"sku", "2022-datacenter-azure-edition"},
                              {"version", "latest"},
                              {"exactVersion", "20348.2849.241107"}}
                       : Json{{"publisher", "Canonical"},
                              {"offer", "0001-com-ubuntu-server-jammy"},
                              {"sku", "22_04-lts-gen2"},
                              {"version", "latest"},
                              {"exactVersion", "22.04.202411150"}};
  const std::string disk =
      name + "_OsDisk_1_" + stable_guid(id).substr(0, 8) + stable_guid(name).substr(24);
  Json os_profile{{"computerName", name.substr(0, 15)}, {"adminUsername", "azureadmin"}};
  if (windows) {
    os_profile["windowsConfiguration"] = {
        {"provisionVMAgent", true},
        {"enableAutomaticUpdates", true},
        {"patchSettings", {{"patchMode", "AutomaticByOS"}, {"assessmentMode", "ImageDefault"}}}};
  } else {
    os_profile["linuxConfiguration"] = {
        {"disablePasswordAuthentication", false},
        {"provisionVMAgent", true},
        {"patchSettings", {{"patchMode", "ImageDefault"}, {"assessmentMode", "ImageDefault"}}}};
  }
  os_profile["secrets"] = Json::array();
  os_profile["allowExtensionOperations"] = true;
  os_profile["requireGuestProvisionSignal"] = true;
  Json interfaces = Json::array();
  for (std::size_t i = 0; i < nics.size(); ++i) {
    interfaces.push_back(Json{{"id", nics[i]}, {"properties", {{"primary", i == 0}}}});
  }
  return Json{{"name", name},
              {"id", id},
              {"type", "Microsoft.Compute/virtualMachines"},
              {"location", location},
              {"tags", Json::object()},
              {"properties",
               {{"vmId", stable_guid("vm/" + lower(id))},
                {"hardwareProfile", {{"vmSize", windows ? "Standard_D2s_v5" : "Standard_B2s"}}},
                {"storageProfile",
                 {{"imageReference", std::move(image)},
                  {"osDisk",
                   {{"osType", windows ? "Windows" : "Linux"},
                    {"name", disk},
                    {"createOption", "FromImage"},
                    {"caching", "ReadWrite"},
                    {"managedDisk",
                     {{"storageAccountType", "Premium_LRS"},
                      {"id", group_prefix(id) + "/providers/Microsoft.Compute/disks/" + disk}}},
                    {"deleteOption", "Delete"},
                    {"diskSizeGB", windows ? 127 : 30}}},
                  {"dataDisks", Json::array()}}},
                {"osProfile", std::move(os_profile)},
                {"networkProfile", {{"networkInterfaces", std::move(interfaces)}}},
                {"diagnosticsProfile", {{"bootDiagnostics", {{"enabled", true}}}}},
                {"provisioningState", "Succeeded"},
                {"timeCreated", state.now_iso()}}}};
}

Json make_automation_account(State& state, const std::string& id, const std::string& location)
{
  const std::string now = state.now_iso();
  return Json{{"name", name_of(id)},
              {"id", id},
              {"type", "Microsoft.Automation/AutomationAccounts"},
              {"location", location},
              {"tags", Json::object()},
              {"identity",
               {{"type", "SystemAssigned"},
                {"principalId", stable_guid("automation-identity/" + lower(id))},
                {"tenantId", state.config.tenant_id}}},
              {"properties",
               {{"sku", {{"name", "Basic"}}},
                {"state", "Ok"},
                {"creationTime", now},
                {"lastModifiedBy", ""},
                {"lastModifiedTime", now},
                {"encryption", {{"keySource", "Microsoft.Automation"}}},
                {"publicNetworkAccess", true},
                {"disableLocalAuth", false}}}};
}

Json make_runbook(State& state, const std::string& account_id, const std::string& name,
                  const std::string& location, const Json& properties)
{
  const std::string now = state.now_iso();
  Json runbook{{"id", account_id + "/runbooks/" + name},
               {"name", name},
               {"type", "Microsoft.Automation/AutomationAccounts/Runbooks"},
               {"location", location},
               {"tags", Json::object()},
               {"etag", "\"" + std::to_string(++state.sequence + 638000000000000000ULL) + "\""},
               {"properties",
                {{"description", ""},
                 {"logVerbose", false},
                 {"logProgress", false},
                 {"logActivityTrace", 0},
                 {"runbookType", "PowerShell"},
                 {"parameters", Json::object()},
                 {"state", "Published"},
                 {"jobCount", 0},
                 {"provisioningState", "Succeeded"},
                 {"outputTypes", Json::array()},
                 {"creationTime", now},
                 {"lastModifiedBy", ""},
                 {"lastModifiedTime", now}}}};
  if (properties.is_object()) {
    for (const auto& [key, value] : properties.items()) {
      runbook["properties"][key] = value;
    }
  }
  return runbook;
}

Json& put_vm(State& state, Json vm, const std::string& os)
{
  const std::string id = vm.at("id").get<std::string>();
  for (const auto& nic : vm["properties"]["networkProfile"]["networkInterfaces"]) {
    if (Json* stored = find_resource(state, nic.value("id", ""))) {
      (*stored)["properties"]["virtualMachine"] = {{"id", id}};
    }
  }
  state.vms[lower(id)].os = os == "Linux" ? "Linux" : "Windows";
  ensure_os_disk(state, vm);
  return put_resource(state, std::move(vm));
}

} // namespace dftriage::lab
