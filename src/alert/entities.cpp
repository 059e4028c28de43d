#include "dftriage/util/text.hpp"
#include "normalise.hpp"

namespace dftriage::alert::detail {

namespace {

constexpr int k_max_entity_depth = 8;

void visit(element e, Entities& out, int depth);

void visit_entity(object source, Entities& out)
{
  const Members obj(source);
  const std::string type = obj.text("type");
  if (same_key(type, "ip")) {
    std::string address = obj.text("address");
    if (!address.empty()) {
      out.ips.push_back(IpEntity{std::move(address), false});
    }
  } else if (same_key(type, "account")) {
    AccountEntity account;
    account.object_id = obj.text("aadUserId");
    account.app_id = obj.text("applicationId");
    const std::string name = obj.text("name");
    const std::string suffix = obj.text("upnSuffix");
    if (!name.empty() && !suffix.empty()) {
      account.upn = name + "@" + suffix;
    } else if (name.find('@') != std::string::npos) {
      account.upn = name;
    } else {
      account.name = name;
    }
    if (!account.object_id.empty() || !account.upn.empty() || !account.name.empty() ||
        !account.app_id.empty()) {
      out.accounts.push_back(std::move(account));
    }
  } else if (same_key(type, "host")) {
    HostEntity host{obj.text("hostName"), obj.text("azureID")};
    if (!host.name.empty() || !host.resource_id.empty()) {
      out.hosts.push_back(std::move(host));
    }
  } else if (same_key(type, "azure-resource")) {
    std::string id = obj.text("resourceId");
    if (!id.empty()) {
      out.resources.push_back(std::move(id));
    }
  } else if (same_key(type, "dns")) {
    std::string domain = obj.text("domainName");
    if (!domain.empty()) {
      out.domains.push_back(std::move(domain));
    }
  }
}

void visit(element e, Entities& out, int depth)
{
  if (depth > k_max_entity_depth) {
    return;
  }
  if (e.is_array()) {
    for (const auto item : as_array(e)) {
      visit(item, out, depth + 1);
    }
    return;
  }
  if (!e.is_object()) {
    return;
  }
  const auto obj = as_object(e);
  visit_entity(obj, out);
  // Entities nest other entities inline (a host inside a process, an IP inside a
  // DNS record); `$ref`s point at ones listed elsewhere and are skipped.
  for (const auto field : obj) {
    if (field.value.is_object() || field.value.is_array()) {
      visit(field.value, out, depth + 1);
    }
  }
}

// A string-valued extended property, with the length of its folded key so that
// lookups compare lengths before letters.
struct Property
{
  std::string_view key;
  const std::string* value = nullptr;
  std::size_t folded_length = 0;
};

// Returns the length of text::fold_key(key), without building it.
std::size_t folded_length(std::string_view key)
{
  std::size_t length = 0;
  bool pending_space = false;
  for (const char c : key) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '_') {
      pending_space = length > 0;
      continue;
    }
    length += pending_space ? 2 : 1;
    pending_space = false;
  }
  return length;
}

// Returns the trimmed value of the first property whose folded key is in `keys` and
// whose value is not blank.
std::string property(const std::vector<Property>& properties,
                     std::initializer_list<std::string_view> keys)
{
  for (const auto& p : properties) {
    for (const auto wanted : keys) {
      if (p.folded_length == wanted.size() && folded_key_equals(p.key, wanted)) {
        const std::string_view value = text::trim(*p.value);
        if (!value.empty()) {
          return std::string(value);
        }
      }
    }
  }
  return {};
}

} // namespace

void collect_entities(element entities, Entities& out)
{
  visit(entities, out, 0);
}

void entities_from_extended_properties(const nlohmann::ordered_json& properties, Entities& out)
{
  if (!properties.is_object()) {
    return;
  }
  std::vector<Property> strings;
  for (const auto& [key, value] : properties.items()) {
    if (value.is_string()) {
      strings.push_back(Property{key, &value.get_ref<const std::string&>(), folded_length(key)});
    }
  }
  const std::string ips =
      property(strings, {"attacker ip address", "attacker ip", "client ip address", "ip address",
                         "source ip address", "caller ip address"});
  std::string_view rest = ips;
  while (!rest.empty()) {
    const std::size_t end = rest.find_first_of(",;");
    const std::string_view one = text::trim(rest.substr(0, end));
    if (!one.empty()) {
      out.ips.push_back(IpEntity{std::string(one), false});
    }
    if (end == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(end + 1);
  }

  AccountEntity account;
  account.object_id =
      property(strings, {"attacker object id", "principaloid", "principal object id"});
  account.app_id = property(strings, {"application id", "attacker application id"});
  const std::string name = property(strings, {"principal name", "username", "user name",
                                              "client principal name", "attacker upn"});
  if (name.find('@') != std::string::npos) {
    account.upn = name;
  } else {
    account.name = name;
  }
  if (!account.object_id.empty() || !account.app_id.empty() || !name.empty()) {
    out.accounts.push_back(std::move(account));
  }

  std::string domain = property(strings, {"domainname", "domain name"});
  if (!domain.empty()) {
    out.domains.push_back(std::move(domain));
  }
}

} // namespace dftriage::alert::detail
