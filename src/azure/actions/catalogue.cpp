#include "dftriage/util/text.hpp"
#include "families.hpp"

#include <algorithm>

namespace dftriage::azure {

namespace actions {

// True for an Azure region name such as "westeurope" or "eastus2euap".
bool is_location(std::string_view s)
{
  if (s.empty() || s.size() > 40) {
    return false;
  }
  for (const char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

std::string from_pre_image(std::size_t index, std::string_view pointer)
{
  return "$(pre-image " + std::to_string(index) + " " + std::string(pointer) + ")";
}

Request arm_query(std::string method, const alert::ResourceId& id,
                  std::initializer_list<std::string_view> suffix, const char* api_version,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> queries,
                  const Cloud& cloud)
{
  UrlBuilder url(cloud.resource_manager);
  url.resource(id);
  for (const auto segment : suffix) {
    url.segment(segment);
  }
  url.query("api-version", api_version);
  for (const auto& [name, value] : queries) {
    url.query(name, value);
  }
  Request r;
  r.method = std::move(method);
  r.url = url.str();
  r.audience = "arm";
  return r;
}

Request arm(std::string method, const alert::ResourceId& id,
            std::initializer_list<std::string_view> suffix, const char* api_version,
            const Cloud& cloud)
{
  return arm_query(std::move(method), id, suffix, api_version, {}, cloud);
}

Request& as_action(Request& r, const ActionSpec& spec)
{
  r.purpose = "action";
  r.mutating = spec.mutating;
  r.reversibility = spec.reversibility;
  r.permission = spec.permission;
  return r;
}

Request& as_undo(Request& r, const ActionSpec& spec)
{
  r.purpose = "undo";
  r.mutating = true;
  r.reversibility = Reversibility::reversible;
  r.permission = spec.permission;
  return r;
}

bool absent(const PreImage& pre, std::size_t index)
{
  return index < pre.size() && pre[index].status == 404;
}

const nlohmann::ordered_json& pre_body(const PreImage& pre, std::size_t index)
{
  static const nlohmann::ordered_json null_json;
  return index < pre.size() ? pre[index].body : null_json;
}

std::string text_at(const nlohmann::ordered_json& doc, std::string_view pointer)
{
  const auto* node = select(doc, pointer);
  return node != nullptr && node->is_string() ? node->get<std::string>() : std::string();
}

Request& as_pre_image(Request& r, std::string permission)
{
  r.purpose = "pre-image";
  r.mutating = false;
  r.reversibility = Reversibility::read_only;
  r.permission = std::move(permission);
  return r;
}

} // namespace actions

std::string_view to_string(PermissionPlane plane)
{
  switch (plane) {
  case PermissionPlane::control:
    return "control";
  case PermissionPlane::data:
    return "data";
  case PermissionPlane::graph:
    return "graph";
  }
  return "control";
}

std::string_view to_string(NeededPermission::Use use)
{
  switch (use) {
  case NeededPermission::Use::action:
    return "action";
  case NeededPermission::Use::pre_image:
    return "pre-image";
  case NeededPermission::Use::undo:
    return "undo";
  case NeededPermission::Use::linked:
    return "linked";
  }
  return "action";
}

PermissionPlane permission_plane(const Request& r)
{
  if (r.audience == "graph") {
    return PermissionPlane::graph;
  }
  return r.audience == "keyvault" ? PermissionPlane::data : PermissionPlane::control;
}

std::string with_resource_type(std::string_view permission, const alert::ResourceId& resource)
{
  const auto at = permission.find(k_resource_type_placeholder);
  if (at == std::string_view::npos) {
    return std::string(permission);
  }
  std::string type = resource.provider;
  for (const auto& t : resource.types) {
    type += "/" + t;
  }
  return std::string(permission.substr(0, at)) + type +
         std::string(permission.substr(at + k_resource_type_placeholder.size()));
}

const std::vector<ActionSpec>& action_catalogue()
{
  static const std::vector<ActionSpec> catalogue = [] {
    std::vector<ActionSpec> all;
    actions::add_keyvault(all);
    actions::add_network(all);
    actions::add_compute(all);
    actions::add_authorization(all);
    actions::add_monitor(all);
    actions::add_security(all);
    actions::add_automation(all);
    actions::add_resources(all);
    actions::add_graph(all);
    actions::add_compute_disks(all);
    actions::add_compute_inspections(all);
    actions::add_keyvault_objects(all);
    actions::add_graph_credentials(all);
    std::sort(all.begin(), all.end(),
              [](const ActionSpec& a, const ActionSpec& b) { return a.name < b.name; });
    return all;
  }();
  return catalogue;
}

const ActionSpec* find_action(std::string_view name)
{
  const auto& all = action_catalogue();
  const auto it =
      std::lower_bound(all.begin(), all.end(), name,
                       [](const ActionSpec& a, std::string_view n) { return a.name < n; });
  return it != all.end() && it->name == name ? &*it : nullptr;
}

std::vector<std::string> action_names()
{
  std::vector<std::string> names;
  for (const auto& action : action_catalogue()) {
    names.push_back(action.name);
  }
  return names;
}

} // namespace dftriage::azure
