// Network (Microsoft.Network) actions: isolate a VM's NIC behind an NSG that denies all but
// the analysts and the HTTPS Run Command needs to report.

#include "dftriage/util/text.hpp"
#include "families.hpp"

namespace dftriage::azure::actions {

namespace {

const char* k_nic_type = "microsoft.network/networkinterfaces";
const char* k_nsg_type = "microsoft.network/networksecuritygroups";
const char* k_nic_read = "Microsoft.Network/networkInterfaces/read";
const char* k_nsg_read = "Microsoft.Network/networkSecurityGroups/read";
const char* k_nsg_write = "Microsoft.Network/networkSecurityGroups/write";
const char* k_nsg_delete = "Microsoft.Network/networkSecurityGroups/delete";
// What ARM's linked checks ask of the resources a NIC's PUT references: the NSG it joins,
// and the subnets and public IP addresses its IP configurations name.
const char* const k_nic_links[] = {"Microsoft.Network/networkSecurityGroups/join/action",
                                   "Microsoft.Network/virtualNetworks/subnets/join/action",
                                   "Microsoft.Network/publicIPAddresses/join/action"};
// The NIC properties a PUT sends back (everything writable the GET returns).
const char* const k_nic_writable[] = {"ipConfigurations",
                                      "dnsSettings",
                                      "enableAcceleratedNetworking",
                                      "enableIPForwarding",
                                      "disableTcpStateTracking",
                                      "nicType",
                                      "auxiliaryMode",
                                      "auxiliarySku",
                                      "workloadType"};

ParamSpec nic_param()
{
  return ParamSpec{"nic", ParamType::resource_id, true, k_nic_type, {}, "The network interface"};
}

ParamSpec optional_subscription()
{
  auto p = subscription_param();
  p.required = false;
  p.description += " (with resourceGroup and name)";
  return p;
}

ParamSpec nsg_param(bool required)
{
  return ParamSpec{"nsg", ParamType::resource_id,      required, k_nsg_type,
                   {},    "The network security group"};
}

// Returns the NSG's ID from `nsg` or from subscription, resourceGroup and name.
alert::ResourceId nsg_id(const ActionArgs& args)
{
  const bool parts = args.has("subscription") || args.has("resourceGroup") || args.has("name");
  if (args.has("nsg") == parts) {
    throw ActionError("give either nsg (the NSG's ID) or subscription, resourceGroup and name");
  }
  if (args.has("nsg")) {
    return args.resource("nsg");
  }
  if (!args.has("subscription") || !args.has("resourceGroup") || !args.has("name")) {
    throw ActionError(
        "parameters subscription, resourceGroup and name are all required when nsg is not given");
  }
  // Names are checked to hold no '/', so each lands in its own segment.
  const std::string id = subscription_arg(args, "subscription").canonical + "/resourceGroups/" +
                         args.text("resourceGroup") +
                         "/providers/Microsoft.Network/networkSecurityGroups/" + args.text("name");
  auto parsed = alert::parse_resource_id(id);
  if (!parsed) {
    throw ActionError("cannot form an NSG ID from " + text::quote(id));
  }
  return *parsed;
}

// One NSG rule: what it matches and what it does.
struct Rule
{
  const char* name;
  int priority;
  const char* direction;
  const char* access;
  const char* protocol = "*";
  std::vector<std::string> sources;      // empty: any
  std::vector<std::string> destinations; // empty: any; one: a prefix or service tag
  const char* port = "*";                // destination port range
};

nlohmann::ordered_json to_json(const Rule& rule)
{
  nlohmann::ordered_json properties{{"priority", rule.priority},
                                    {"direction", rule.direction},
                                    {"access", rule.access},
                                    {"protocol", rule.protocol}};
  if (rule.sources.empty()) {
    properties["sourceAddressPrefix"] = "*";
  } else {
    properties["sourceAddressPrefixes"] = rule.sources;
  }
  properties["sourcePortRange"] = "*";
  if (rule.destinations.empty()) {
    properties["destinationAddressPrefix"] = "*";
  } else if (rule.destinations.size() == 1 &&
             rule.destinations[0].find_first_of("./:") == std::string::npos) {
    properties["destinationAddressPrefix"] = rule.destinations[0]; // a service tag
  } else {
    properties["destinationAddressPrefixes"] = rule.destinations;
  }
  properties["destinationPortRange"] = rule.port;
  return {{"name", rule.name}, {"properties", std::move(properties)}};
}

// The isolation NSG's rules. Inbound: analysts first, then nothing. Outbound: HTTPS to
// Azure's public addresses, which Run Command and the VM agent need to report back
// (without it a run command succeeds and returns no output), then the analysts, then
// nothing. Azure accepts priorities 100-4096; Azure's own default rules (65000+) come
// after these.
nlohmann::ordered_json isolation_rules(const ActionArgs& args)
{
  const auto& analysts = args.list("allowFrom");
  std::vector<Rule> rules;
  if (!analysts.empty()) {
    rules.push_back({"triage-allow-analyst-in", 100, "Inbound", "Allow", "*", analysts, {}, "*"});
  }
  rules.push_back({"triage-deny-all-in", 110, "Inbound", "Deny", "*", {}, {}, "*"});
  rules.push_back(
      {"triage-allow-azurecloud-out", 100, "Outbound", "Allow", "Tcp", {}, {"AzureCloud"}, "443"});
  if (!analysts.empty()) {
    rules.push_back({"triage-allow-analyst-out", 110, "Outbound", "Allow", "*", {}, analysts, "*"});
  }
  rules.push_back({"triage-deny-all-out", 120, "Outbound", "Deny", "*", {}, {}, "*"});
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& rule : rules) {
    out.push_back(to_json(rule));
  }
  return out;
}

// True when `have` (as ARM shows it) is `want` (as sent): strings compared ignoring case.
bool same_value(const nlohmann::ordered_json& want, const nlohmann::ordered_json& have)
{
  if (want.is_string()) {
    return have.is_string() && text::iequals(want.get<std::string>(), have.get<std::string>());
  }
  if (want.is_array()) {
    if (!have.is_array() || have.size() != want.size()) {
      return false;
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (!same_value(want[i], have[i])) {
        return false;
      }
    }
    return true;
  }
  return want == have;
}

// True when the NSG in `nsg` (a GET) has exactly the rules `wanted`, matched by name, each
// with every property sent (ARM adds others: IDs, etags, empty prefix lists).
bool has_rules(const nlohmann::ordered_json& nsg, const nlohmann::ordered_json& wanted)
{
  const auto* have = select(nsg, "/properties/securityRules");
  if (have == nullptr || !have->is_array() || have->size() != wanted.size()) {
    return false;
  }
  for (const auto& rule : wanted) {
    const auto* found = select(*have, "/[name=" + rule["name"].get<std::string>() + "]/properties");
    if (found == nullptr) {
      return false;
    }
    for (const auto& [key, value] : rule["properties"].items()) {
      if (!found->contains(key) || !same_value(value, (*found)[key])) {
        return false;
      }
    }
  }
  return true;
}

// Returns a PUT of the NSG `before` (a GET) as it was: location, tags and rules, without
// what ARM only reports.
Request put_back(const nlohmann::ordered_json& before, const alert::ResourceId& id,
                 const ActionSpec& spec, const Cloud& cloud)
{
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  for (const char* key : {"location", "tags"}) {
    if (const auto* v = select(before, std::string("/") + key)) {
      body[key] = *v;
    }
  }
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  if (const auto* list = select(before, "/properties/securityRules");
      list != nullptr && list->is_array()) {
    for (const auto& rule : *list) {
      rules.push_back({{"name", text_at(rule, "/name")},
                       {"properties", rule.value("properties", nlohmann::ordered_json::object())}});
      rules.back()["properties"].erase("provisioningState");
    }
  }
  body["properties"] = {{"securityRules", std::move(rules)}};
  auto r = arm("PUT", id, {}, api_version::k_network, cloud);
  r.body = std::move(body);
  as_undo(r, spec);
  r.permission = k_nsg_write;
  return r;
}

ActionSpec get_nic()
{
  ActionSpec spec{"network.nic.get",
                  "Read a network interface: IP configurations, attached NSG, VM",
                  {nic_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  k_nic_read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm("GET", args.resource("nic"), {}, api_version::k_network, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec create_isolation_nsg()
{
  ActionSpec spec{"network.nsg.create_isolation",
                  "Create an NSG that isolates a VM yet keeps its automation working: inbound only "
                  "from allowFrom "
                  "(allow 100, then deny all 110); outbound TCP 443 to the AzureCloud service tag "
                  "(100: Run Command "
                  "and the VM agent report through it), to allowFrom (110), then deny all (120); "
                  "refused if an NSG "
                  "of that name exists that was not made for this alert",
                  {nsg_param(false),
                   optional_subscription(),
                   {"resourceGroup",
                    ParamType::name,
                    false,
                    {},
                    {},
                    "The NSG's resource group (with subscription and name)"},
                   {"name",
                    ParamType::name,
                    false,
                    {},
                    {},
                    "The NSG's name (with subscription and resourceGroup)"},
                   {"location",
                    ParamType::name,
                    true,
                    {},
                    {},
                    "The region, the same as the NIC's (e.g. westeurope)"},
                   {"allowFrom",
                    ParamType::cidr_list,
                    false,
                    {},
                    {},
                    "Analyst or Bastion ranges still allowed in and out"},
                   {"alertId",
                    ParamType::string,
                    false,
                    {},
                    {},
                    "The alert it isolates for (tag dftriageAlert)"}},
                  true,
                  Reversibility::reversible,
                  "DELETE the NSG once it is detached from every NIC (network.nsg.delete) when the "
                  "pre-image was a 404; "
                  "an NSG this alert had made before is PUT back as the pre-image shows",
                  k_nsg_write,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_nsg_read), undo_need(k_nsg_delete),
                undo_need(k_nsg_write)};
  spec.undo_zh =
      "若更改前读取结果为 404，则在该 NSG 与所有网卡解除关联后将其删除（network.nsg.delete）；"
      "若是此前为同一警报创建的 NSG，则按更改前读取的内容重新 PUT";
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto id = nsg_id(args);
    const std::string location = text::to_lower(args.text("location"));
    if (!is_location(location)) {
      throw ActionError("parameter location: expected a region name like westeurope, got " +
                        text::quote(args.text("location")));
    }
    ActionRequests out;
    auto before = arm("GET", id, {}, api_version::k_network, cloud);
    out.pre_image.push_back(as_pre_image(before, k_nsg_read));
    auto r = arm("PUT", id, {}, api_version::k_network, cloud);
    r.body = nlohmann::ordered_json{{"location", location}};
    if (args.has("alertId")) {
      // Tagged with the alert it isolates, so a rerun recognises its own NSG.
      r.body->emplace("tags", nlohmann::ordered_json{{k_alert_tag, args.text("alertId")},
                                                     {"createdBy", "dftriage"}});
    }
    r.body->emplace("properties", nlohmann::ordered_json{{"securityRules", isolation_rules(args)}});
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  // In place: made for this alert and holding today's rules (an older rule set, which
  // blinded Run Command, is replaced).
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    return !absent(pre) && args.has("alertId") &&
           text_at(pre_body(pre), std::string("/tags/") + k_alert_tag) == args.text("alertId") &&
           has_rules(pre_body(pre), isolation_rules(args));
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    if (absent(pre) ||
        (args.has("alertId") &&
         text_at(pre_body(pre), std::string("/tags/") + k_alert_tag) == args.text("alertId"))) {
      return std::string();
    }
    return std::string(
        "an NSG of that name already exists and was not made for this alert; pick another name");
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    if (absent(pre)) {
      auto r = arm("DELETE", nsg_id(args), {}, api_version::k_network, cloud);
      out.push_back(as_undo(r, spec));
      out.back().permission = k_nsg_delete;
    } else if (pre_body(pre).is_object()) {
      out.push_back(put_back(pre_body(pre), nsg_id(args), spec, cloud));
    }
    return out;
  };
  return spec;
}

ActionSpec attach_nsg()
{
  ActionSpec spec{
      "network.nic.attach_nsg",
      "Attach an NSG to a NIC (GET, then PUT the whole NIC with networkSecurityGroup set); "
      "also needs Microsoft.Network/networkSecurityGroups/join/action on the NSG",
      {nic_param(), nsg_param(true)},
      true,
      Reversibility::reversible,
      "PUT the NIC again with properties.networkSecurityGroup from the pre-image (absent: no NSG)",
      "Microsoft.Network/networkInterfaces/write",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh =
      "用更改前记录的 properties.networkSecurityGroup 重新 PUT 网卡（原来没有则不关联 NSG）";
  spec.needs = {own_need(spec.permission), pre_image_need(k_nic_read), undo_need(spec.permission)};
  for (const char* link : k_nic_links) {
    spec.needs.push_back(linked_need(link));
  }
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& nic = args.resource("nic");
    ActionRequests out;
    auto before = arm("GET", nic, {}, api_version::k_network, cloud);
    out.pre_image.push_back(as_pre_image(before, k_nic_read));
    // A PUT replaces the NIC: send back every writable property the GET returned
    // (a pointer absent from the pre-image leaves its key out), with the new NSG.
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    for (const char* key : k_nic_writable) {
      // The nested objects carry read-only members (etags, provisioningState) to leave out.
      const bool nested =
          std::string_view(key) == "ipConfigurations" || std::string_view(key) == "dnsSettings";
      properties[key] =
          from_pre_image(0, std::string("/properties/") + key + (nested ? " writable" : ""));
    }
    properties["networkSecurityGroup"] = {{"id", args.resource("nsg").canonical}};
    auto r = arm("PUT", nic, {}, api_version::k_network, cloud);
    r.body = nlohmann::ordered_json{{"location", from_pre_image(0, "/location")},
                                    {"extendedLocation", from_pre_image(0, "/extendedLocation")},
                                    {"tags", from_pre_image(0, "/tags")},
                                    {"properties", std::move(properties)}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    return text::iequals(text_at(pre_body(pre), "/properties/networkSecurityGroup/id"),
                         args.resource("nsg").canonical);
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    const auto& before = pre_body(pre);
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    for (const char* key : {"location", "extendedLocation", "tags"}) {
      if (const auto* v = select(before, std::string("/") + key)) {
        body[key] = *v;
      }
    }
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    for (const char* key : k_nic_writable) {
      if (const auto* v = select(before, std::string("/properties/") + key)) {
        properties[key] = without_read_only(*v);
      }
    }
    // Absent in the pre-image: the NIC had no NSG, and leaving the key out detaches it.
    if (const auto* nsg = select(before, "/properties/networkSecurityGroup")) {
      properties["networkSecurityGroup"] = *nsg;
    }
    body["properties"] = std::move(properties);
    auto r = arm("PUT", args.resource("nic"), {}, api_version::k_network, cloud);
    r.body = std::move(body);
    return std::vector<Request>{as_undo(r, spec)};
  };
  return spec;
}

ActionSpec delete_nsg()
{
  ActionSpec spec{"network.nsg.delete",
                  "Delete an NSG (Azure refuses while a NIC or subnet still uses it)",
                  {nsg_param(true)},
                  true,
                  Reversibility::reversible,
                  "PUT the NSG back with location, tags and securityRules from the pre-image",
                  k_nsg_delete,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_nsg_read), undo_need(k_nsg_write)};
  spec.undo_zh = "用更改前记录的 location、tags 和 securityRules 重新 PUT 该 NSG";
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& nsg = args.resource("nsg");
    ActionRequests out;
    auto before = arm("GET", nsg, {}, api_version::k_network, cloud);
    out.pre_image.push_back(as_pre_image(before, k_nsg_read));
    auto r = arm("DELETE", nsg, {}, api_version::k_network, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    if (!absent(pre) && pre_body(pre).is_object()) {
      out.push_back(put_back(pre_body(pre), args.resource("nsg"), spec, cloud));
    }
    return out;
  };
  return spec;
}

} // namespace

void add_network(std::vector<ActionSpec>& out)
{
  out.push_back(get_nic());
  out.push_back(create_isolation_nsg());
  out.push_back(attach_nsg());
  out.push_back(delete_nsg());
}

} // namespace dftriage::azure::actions
