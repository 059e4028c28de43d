#include "nsg_flow.hpp"

#include "arm.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>

namespace dftriage::lab {

namespace {

constexpr int k_https = 443;

// Azure's default outbound rules, which every NSG has after its own.
const Json& default_outbound()
{
  static const Json rules = Json::parse(R"([
    {"name": "AllowVnetOutBound", "properties": {"priority": 65000, "direction": "Outbound", "access": "Allow",
     "protocol": "*", "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
     "destinationAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"}},
    {"name": "AllowInternetOutBound", "properties": {"priority": 65001, "direction": "Outbound", "access": "Allow",
     "protocol": "*", "sourceAddressPrefix": "*", "sourcePortRange": "*",
     "destinationAddressPrefix": "Internet", "destinationPortRange": "*"}},
    {"name": "DenyAllOutBound", "properties": {"priority": 65500, "direction": "Outbound", "access": "Deny",
     "protocol": "*", "sourceAddressPrefix": "*", "sourcePortRange": "*",
     "destinationAddressPrefix": "*", "destinationPortRange": "*"}}])");
  return rules;
}

// The values of `single` and of the list `plural` in a rule's properties.
std::vector<std::string> values_of(const Json& properties, const char* single, const char* plural)
{
  std::vector<std::string> out;
  if (properties.contains(single) && properties[single].is_string() &&
      !properties[single].get<std::string>().empty()) {
    out.push_back(properties[single].get<std::string>());
  }
  if (properties.contains(plural) && properties[plural].is_array()) {
    for (const auto& v : properties[plural]) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

std::optional<std::uint32_t> ipv4(const std::string& s)
{
  std::uint32_t out = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t end = s.find('.', i);
    const std::string part = s.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string::npos || std::stoi(part) > 255) {
      return std::nullopt;
    }
    out = (out << 8) | static_cast<std::uint32_t>(std::stoi(part));
    ++parts;
    if (end == std::string::npos) {
      break;
    }
    i = end + 1;
  }
  return parts == 4 ? std::optional<std::uint32_t>(out) : std::nullopt;
}

// True when the IPv4 `prefix` ("10.0.0.0/16" or "10.0.0.4") holds `address`.
bool holds(const std::string& prefix, const std::string& address)
{
  const auto slash = prefix.find('/');
  const auto net = ipv4(prefix.substr(0, slash));
  const auto ip = ipv4(address);
  const std::string bits_text = slash == std::string::npos ? "32" : prefix.substr(slash + 1);
  if (!net || !ip || bits_text.empty() || bits_text.size() > 2 ||
      bits_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const int bits = std::stoi(bits_text);
  if (bits > 32) {
    return false;
  }
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t(0) << (32 - bits);
  return (*net & mask) == (*ip & mask);
}

bool any_of(const std::vector<std::string>& values,
            const std::function<bool(const std::string&)>& match)
{
  return std::any_of(values.begin(), values.end(), match);
}

bool port_matches(const std::string& range)
{
  if (range == "*") {
    return true;
  }
  const auto dash = range.find('-');
  try {
    if (dash == std::string::npos) {
      return std::stoi(range) == k_https;
    }
    return std::stoi(range.substr(0, dash)) <= k_https &&
           k_https <= std::stoi(range.substr(dash + 1));
  } catch (const std::exception&) {
    return false;
  }
}

// True when `rule` (outbound) matches TCP from `address` (any port) to AzureCloud:443.
bool matches(const Json& rule, const std::string& address, const std::string& region)
{
  const Json& p =
      rule.contains("properties") && rule["properties"].is_object() ? rule["properties"] : rule;
  if (lower(p.value("direction", "")) != "outbound") {
    return false;
  }
  const std::string protocol = lower(p.value("protocol", ""));
  if (protocol != "*" && protocol != "tcp") {
    return false;
  }
  const auto source = values_of(p, "sourceAddressPrefix", "sourceAddressPrefixes");
  const bool from_vm = any_of(source, [&](const std::string& s) {
    const std::string l = lower(s);
    return l == "*" || l == "virtualnetwork" || l == "0.0.0.0/0" || holds(s, address);
  });
  const auto source_ports = values_of(p, "sourcePortRange", "sourcePortRanges");
  const bool any_source_port = any_of(source_ports, [](const std::string& s) { return s == "*"; });
  const bool to_port =
      any_of(values_of(p, "destinationPortRange", "destinationPortRanges"), port_matches);
  const bool to_azure =
      any_of(values_of(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
             [&](const std::string& d) {
               const std::string l = lower(d);
               return l == "azurecloud" || l == "azurecloud." + region || l == "internet" ||
                      l == "*" || l == "0.0.0.0/0";
             });
  return from_vm && any_source_port && to_port && to_azure;
}

// The VM's primary NIC as stored (the first it names when none says primary), or nullptr.
const Json* primary_nic(State& state, const Json& vm)
{
  const Json& nics =
      member(member(member(vm, "properties"), "networkProfile"), "networkInterfaces");
  const Json* first = nullptr;
  for (const auto& ref : nics.is_array() ? nics : Json::array()) {
    const Json& id = member(ref, "id");
    const Json* nic = id.is_string() ? find_resource(state, id.get<std::string>()) : nullptr;
    const Json& primary = member(member(ref, "properties"), "primary");
    if (nic != nullptr && primary.is_boolean() && primary.get<bool>()) {
      return nic;
    }
    first = first == nullptr ? nic : first;
  }
  return first;
}

} // namespace

bool reaches_azure_cloud(State& state, const Json& vm)
{
  const Json* nic = primary_nic(state, vm);
  static const Json none;
  const Json& nic_properties = nic == nullptr ? none : member(*nic, "properties");
  const Json* nsg =
      find_resource(state, member(member(nic_properties, "networkSecurityGroup"), "id").is_string()
                               ? nic_properties["networkSecurityGroup"]["id"].get<std::string>()
                               : std::string());
  if (nsg == nullptr) {
    return true;
  }
  std::string address;
  const Json& configs = member(nic_properties, "ipConfigurations");
  if (configs.is_array() && !configs.empty()) {
    const Json& ip = member(member(configs[0], "properties"), "privateIPAddress");
    address = ip.is_string() ? ip.get<std::string>() : "";
  }
  std::vector<const Json*> rules;
  for (const Json* list :
       {&member(member(*nsg, "properties"), "securityRules"), &default_outbound()}) {
    if (list->is_array()) {
      for (const auto& rule : *list) {
        rules.push_back(&rule);
      }
    }
  }
  const auto priority = [](const Json* rule) {
    const Json& p = member(*rule, "priority").is_null()
                        ? member(member(*rule, "properties"), "priority")
                        : member(*rule, "priority");
    return p.is_number_integer() ? p.get<int>() : 65535;
  };
  std::stable_sort(rules.begin(), rules.end(),
                   [&](const Json* a, const Json* b) { return priority(a) < priority(b); });
  const std::string region = region_of(vm);
  for (const Json* rule : rules) {
    if (matches(*rule, address, region)) {
      const Json& access = member(member(*rule, "properties"), "access");
      return access.is_string() && lower(access.get<std::string>()) == "allow";
    }
  }
  return false;
}

} // namespace dftriage::lab
