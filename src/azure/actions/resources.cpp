// Resource Manager resources (Microsoft.Resources) actions, and the ARM helpers the
// other family files share (declared where they are used until families.hpp has them).

#include "dftriage/util/text.hpp"
#include "families.hpp"

#include <algorithm>
#include <utility>

namespace dftriage::azure::actions {

// Returns `value` as an OData string literal ('…' with ' doubled). Throws ActionError for
// control characters or more than 1024 bytes: no alert value of ours is like that.
std::string odata_string(std::string_view value)
{
  if (value.size() > 1024) {
    throw ActionError("too long for an OData filter (" + std::to_string(value.size()) +
                      " bytes, at most 1024): " + text::quote(value));
  }
  std::string out = "'";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      throw ActionError("control character in an OData filter value: " + text::quote(value));
    }
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  out += '\'';
  return out;
}

// Returns the subscription ID argument `name`, or throws when it names anything below
// a subscription.
const alert::ResourceId& subscription_arg(const ActionArgs& args, std::string_view name)
{
  const auto& id = args.resource(name);
  if (!id.resource_group.empty() || !id.provider.empty()) {
    throw ActionError("parameter " + std::string(name) +
                      ": expected a subscription ID (/subscriptions/{id}), got " +
                      text::quote(id.canonical));
  }
  return id;
}

ParamSpec subscription_param()
{
  return ParamSpec{"subscription",
                   ParamType::resource_id,
                   true,
                   "subscription",
                   {},
                   "The subscription: its ID, /subscriptions/{id}, or any resource ID inside it"};
}

namespace {

// The api-versions of resource types the catalogue knows, for a delete by ID.
const std::pair<const char*, const char*> k_known_types[] = {
    {"microsoft.keyvault/vaults", api_version::k_keyvault},
    {"microsoft.compute/virtualmachines", api_version::k_compute},
    {"microsoft.network/networksecuritygroups", api_version::k_network},
    {"microsoft.network/networkinterfaces", api_version::k_network},
    {"microsoft.automation/automationaccounts", api_version::k_automation},
    {"microsoft.automation/automationaccounts/runbooks", api_version::k_automation},
};

bool is_api_version(std::string_view s)
{
  if (s.size() < 10 || s.size() > 32) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = i < 10 ? (i == 4 || i == 7 ? c == '-' : c >= '0' && c <= '9')
                           : (i == 10 ? c == '-' : c >= 'a' && c <= 'z');
    if (!ok) {
      return false;
    }
  }
  return s.size() != 11;
}

ActionSpec list_resources()
{
  ActionSpec spec{"resources.list",
                  "List every resource of a subscription with its createdTime and changedTime "
                  "(find what an attacker created)",
                  {subscription_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  "Microsoft.Resources/subscriptions/resources/read",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm_query("GET", subscription_arg(args, "subscription"), {"resources"},
                       api_version::k_resources, {{"$expand", "createdTime,changedTime"}}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec get_tags()
{
  ActionSpec spec{"resources.get_tags",
                  "Read the tags of a resource, resource group or subscription (e.g. its Owner) "
                  "through the Tags API",
                  {{"resource", ParamType::resource_id, true, {}, {}, "Any resource ID"}},
                  false,
                  Reversibility::read_only,
                  "",
                  "Microsoft.Resources/tags/read",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    // Tags_GetAtScope works for every type with one api-version; a GET of the resource
    // itself would need its own provider's api-version.
    auto r = arm("GET", args.resource("resource"),
                 {"providers", "Microsoft.Resources", "tags", "default"}, api_version::k_resources,
                 cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_resource()
{
  ActionSpec spec{
      "resources.delete",
      "Delete one resource by ID (not a resource group or subscription); the pre-image keeps "
      "its last state as evidence",
      {{"resource", ParamType::resource_id, true, {}, {}, "The resource to delete"},
       {"apiVersion",
        ParamType::string,
        false,
        {},
        {},
        "Its provider's api-version; needed unless the catalogue knows the type"}},
      true,
      Reversibility::irreversible,
      "",
      "<provider>/<type>/delete (e.g. Microsoft.Compute/virtualMachines/delete)",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(std::string(k_resource_type_placeholder) + "/delete"),
                pre_image_need(std::string(k_resource_type_placeholder) + "/read")};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& id = args.resource("resource");
    const std::string type = id.type();
    if (type.empty()) {
      throw ActionError(
          "parameter resource: resources.delete deletes one resource, not a resource group "
          "or subscription: " +
          text::quote(id.canonical));
    }
    std::string version = args.text("apiVersion");
    if (version.empty()) {
      const auto* known = std::find_if(std::begin(k_known_types), std::end(k_known_types),
                                       [&](const auto& k) { return type == k.first; });
      if (known == std::end(k_known_types)) {
        throw ActionError("parameter apiVersion is required to delete a resource of type " +
                          text::quote(type));
      }
      version = known->second;
    } else if (!is_api_version(version)) {
      throw ActionError("parameter apiVersion: expected an api-version like 2025-04-01 or "
                        "2025-04-01-preview, got " +
                        text::quote(version));
    }
    const std::string operation_type = with_resource_type(k_resource_type_placeholder, id);
    ActionRequests out;
    auto before = arm("GET", id, {}, version.c_str(), cloud);
    out.pre_image.push_back(as_pre_image(before, operation_type + "/read"));
    auto r = arm("DELETE", id, {}, version.c_str(), cloud);
    as_action(r, spec).permission = operation_type + "/delete";
    out.requests.push_back(r);
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  return spec;
}

} // namespace

void add_resources(std::vector<ActionSpec>& out)
{
  out.push_back(list_resources());
  out.push_back(get_tags());
  out.push_back(delete_resource());
}

} // namespace dftriage::azure::actions
