// Microsoft.Security alerts (2022-01-01): lists, GET, and the status POSTs; assessments
// (recommendations) of the lab's VMs at any scope, worked out from their current state.

#include "arm.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "modules.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_alert_versions = {"2022-01-01", "2021-01-01", "2020-01-01",
                                                   "2019-01-01"};
const std::string k_scope =
    std::string(k_sub) + "(?:/resourceGroups/([^/]+))?/providers/Microsoft\\.Security";

std::string scope_of(const Captures& c)
{
  return c[2].empty() ? "/subscriptions/" + c[1] : group_id(c[1], c[2]);
}

std::vector<Json> alerts_under(State& state, const std::string& scope, const std::string& location)
{
  std::vector<Json> out;
  for (auto& alert : resources_under(state, scope + "/", "Microsoft.Security/Locations/alerts")) {
    const std::string id = lower(alert.value("id", ""));
    if (location.empty() || id.find("/locations/" + lower(location) + "/") != std::string::npos) {
      out.push_back(std::move(alert));
    }
  }
  return out;
}

const std::vector<std::string> k_assessment_versions = {"2021-06-01", "2020-01-01",
                                                        "2019-01-01-preview"};

// Returns the strings of `p`'s `single` member and of its `plural` list.
std::vector<std::string> one_or_many(const Json& p, const char* single, const char* plural)
{
  std::vector<std::string> out;
  if (p.contains(single) && p[single].is_string()) {
    out.push_back(p[single].get<std::string>());
  }
  if (p.contains(plural) && p[plural].is_array()) {
    for (const auto& v : p[plural]) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

// Whether a destination port range ("*", "22", "3380-3390") holds 22 or 3389.
bool holds_management_port(const std::string& range)
{
  if (range == "*") {
    return true;
  }
  const auto dash = range.find('-');
  const auto number = [](const std::string& s) {
    return !s.empty() && s.size() < 6 && s.find_first_not_of("0123456789") == std::string::npos
               ? std::stoi(s)
               : -1;
  };
  const int low = number(range.substr(0, dash));
  const int high = dash == std::string::npos ? low : number(range.substr(dash + 1));
  return low >= 0 && ((low <= 22 && 22 <= high) || (low <= 3389 && 3389 <= high));
}

bool open_to_internet(const Json& rule)
{
  const Json& p = rule.value("properties", Json::object());
  if (p.value("direction", "") != "Inbound" || p.value("access", "") != "Allow") {
    return false;
  }
  const auto sources = one_or_many(p, "sourceAddressPrefix", "sourceAddressPrefixes");
  const bool from_internet = std::any_of(sources.begin(), sources.end(), [](const std::string& s) {
    return s == "*" || s == "Internet" || s == "0.0.0.0/0";
  });
  const auto ports = one_or_many(p, "destinationPortRange", "destinationPortRanges");
  return from_internet && std::any_of(ports.begin(), ports.end(), holds_management_port);
}

// Returns whether `nsg` lets the internet reach a management port (an allow rule for it).
bool nsg_lets_in(const Json& nsg)
{
  const Json& properties = nsg.value("properties", Json::object());
  const Json rules = properties.value("securityRules", Json::array());
  return std::any_of(rules.begin(), rules.end(), open_to_internet);
}

// Returns the NSG of the subnet `subnet_id` names (a subnet resource, or one of its virtual
// network's subnets), or null.
const Json* subnet_nsg(State& state, const std::string& subnet_id)
{
  const auto at = lower(subnet_id).rfind("/subnets/");
  if (subnet_id.empty() || at == std::string::npos) {
    return nullptr;
  }
  const Json* subnet = find_resource(state, subnet_id);
  if (subnet == nullptr) {
    const std::string name = lower(subnet_id.substr(at + 9));
    const Json* vnet = find_resource(state, subnet_id.substr(0, at));
    const Json* subnets =
        vnet != nullptr && vnet->contains("properties") && (*vnet)["properties"].contains("subnets")
            ? &(*vnet)["properties"]["subnets"]
            : nullptr;
    for (std::size_t i = 0; subnets != nullptr && subnets->is_array() && i < subnets->size(); ++i) {
      if (lower((*subnets)[i].value("name", "")) == name) {
        subnet = &(*subnets)[i];
      }
    }
  }
  if (subnet == nullptr || !subnet->contains("properties")) {
    return nullptr;
  }
  const Json& ref = (*subnet)["properties"].value("networkSecurityGroup", Json::object());
  return find_resource(state, ref.value("id", ""));
}

// Returns why the internet reaches `vm`'s management ports (22, 3389), "" when it does not:
// the finding Defender reports on most compromised VMs. Traffic to a NIC passes its
// subnet's NSG and its own; with neither, nothing stops it (Azure reports such a VM
// Unhealthy too).
std::string management_ports_open(State& state, const Json& vm)
{
  const Json& profile = vm["properties"].value("networkProfile", Json::object());
  for (const auto& ref : profile.value("networkInterfaces", Json::array())) {
    const Json* nic = find_resource(state, ref.value("id", ""));
    if (nic == nullptr || !nic->contains("properties")) {
      continue;
    }
    const Json& nsg_ref = (*nic)["properties"].value("networkSecurityGroup", Json::object());
    const Json* nic_nsg = find_resource(state, nsg_ref.value("id", ""));
    const Json* net_nsg = nullptr;
    for (const auto& config : (*nic)["properties"].value("ipConfigurations", Json::array())) {
      const Json& subnet = config.value("properties", Json::object()).value("subnet", Json());
      if (net_nsg == nullptr && subnet.is_object()) {
        net_nsg = subnet_nsg(state, subnet.value("id", ""));
      }
    }
    if (nic_nsg == nullptr && net_nsg == nullptr) {
      return "No network security group protects the virtual machine: the internet reaches "
             "ports 22 and 3389.";
    }
    if ((nic_nsg == nullptr || nsg_lets_in(*nic_nsg)) &&
        (net_nsg == nullptr || nsg_lets_in(*net_nsg))) {
      return "A network security group lets the internet reach port 22 or 3389.";
    }
  }
  return "";
}

Json assessment(const std::string& resource_id, const std::string& key, const std::string& display,
                bool healthy, const std::string& cause, const std::string& description)
{
  const std::string name = stable_guid("assessment/" + key);
  Json status{{"code", healthy ? "Healthy" : "Unhealthy"}};
  if (!healthy) {
    status["cause"] = cause;
    status["description"] = description;
  }
  return Json{{"id", resource_id + "/providers/Microsoft.Security/assessments/" + name},
              {"name", name},
              {"type", "Microsoft.Security/assessments"},
              {"properties",
               {{"resourceDetails", {{"Source", "Azure"}, {"Id", resource_id}}},
                {"displayName", display},
                {"status", status}}}};
}

// The assessments of every VM at or under `scope`.
std::vector<Json> assessments_under(State& state, const std::string& scope)
{
  std::vector<Json> out;
  std::vector<Json> vms = resources_under(state, scope + "/", "Microsoft.Compute/virtualMachines");
  if (Json* self = find_resource(state, scope);
      self != nullptr && lower(self->value("type", "")) == "microsoft.compute/virtualmachines") {
    vms = {*self};
  }
  for (const auto& vm : vms) {
    const std::string id = vm.value("id", "");
    const std::string open = management_ports_open(state, vm);
    out.push_back(assessment(id, "management-ports",
                             "Management ports should be closed on your virtual machines",
                             open.empty(), "OffByPolicy", open));
    out.push_back(assessment(id, "system-updates",
                             "System updates should be installed on your machines", false, "",
                             "Security and critical updates are missing."));
    out.push_back(assessment(id, "endpoint-protection",
                             "Endpoint protection should be installed on your machines", true, "",
                             ""));
  }
  return out;
}

} // namespace

void add_security_routes(Router& router, State& state)
{
  const RouteOptions options{k_alert_versions, "arm", ""};
  router.add("GET", k_scope + "/alerts", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return page(state, request, alerts_under(state, scope_of(c), ""));
             });
  router.add("GET", k_scope + "/locations/([^/]+)/alerts", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return page(state, request, alerts_under(state, scope_of(c), c[3]));
             });
  router.add("GET", k_scope + "/locations/([^/]+)/alerts/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return LabResponse::json(200, require_resource(state, c[0]));
             });
  const RouteOptions assessment_options{k_assessment_versions, "arm", ""};
  router.add("GET", "(/subscriptions/[^/]+(?:/.+?)?)/providers/Microsoft\\.Security/assessments",
             assessment_options, [&state](const LabRequest& request, const Captures& c) {
               const auto scope = alert::parse_resource_id(c[1]);
               if (!scope) {
                 throw ArmFault{
                     400, "InvalidResourceId", "The scope is not a resource ID.", std::nullopt, {}};
               }
               if (scope->resource_group.empty() && scope->types.empty()) {
                 require_scope(state, scope->subscription_id, "");
               } else if (scope->types.empty()) {
                 require_scope(state, scope->subscription_id, scope->resource_group);
               } else {
                 require_resource(state, c[1]);
               }
               return page(state, request, assessments_under(state, c[1]));
             });
  router.add(
      "POST", k_scope + "/locations/([^/]+)/alerts/([^/]+)/(dismiss|resolve|activate|inProgress)",
      options, [&state](const LabRequest&, const Captures& c) {
        require_scope(state, c[1], c[2]);
        Json& alert =
            require_resource(state, scope_of(c) + "/providers/Microsoft.Security/locations/" +
                                        c[3] + "/alerts/" + c[4]);
        const std::string verb = lower(c[5]);
        alert["properties"]["status"] = verb == "dismiss"    ? "Dismissed"
                                        : verb == "resolve"  ? "Resolved"
                                        : verb == "activate" ? "Active"
                                                             : "InProgress";
        return LabResponse::empty(204);
      });
}

} // namespace dftriage::lab
