#pragma once

// Internal to src/azure/actions: each family file adds its actions to the catalogue,
// using the helpers below so that every request is built the same way.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/api_versions.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::azure::actions {

void add_keyvault(std::vector<ActionSpec>& out);
void add_network(std::vector<ActionSpec>& out);
void add_compute(std::vector<ActionSpec>& out);
void add_authorization(std::vector<ActionSpec>& out);
void add_monitor(std::vector<ActionSpec>& out);
void add_security(std::vector<ActionSpec>& out);
void add_automation(std::vector<ActionSpec>& out);
void add_resources(std::vector<ActionSpec>& out);
void add_graph(std::vector<ActionSpec>& out);
// Evidence and recovery on VMs: disk snapshots, keeping the OS disk (compute_disks.cpp).
void add_compute_disks(std::vector<ActionSpec>& out);
// Volatile evidence from a VM: connections, sign-ins, persistence (compute_inspect.cpp).
void add_compute_inspections(std::vector<ActionSpec>& out);
// Key Vault keys and certificates: rotation, re-issue, versions (keyvault_objects.cpp).
void add_keyvault_objects(std::vector<ActionSpec>& out);
// Graph credentials and principals: password reset, MFA methods, app secrets, service
// principals (graph_credentials.cpp).
void add_graph_credentials(std::vector<ActionSpec>& out);

// Stands in a planned body for a secret made at run time (the executor substitutes it,
// exec/executor_detail.hpp); never stored anywhere.
inline constexpr const char* k_generated_secret = "$(generated secret)";
// The tag that names the alert a resource was made or changed for (NSGs, snapshots).
inline constexpr const char* k_alert_tag = "dftriageAlert";

// A value that is only known once the pre-image has been read, written where it goes
// in a planned body: "$(pre-image <n> <json-pointer>)", n the index of the pre-image
// request. The execution engine substitutes it; plans show it as is.
std::string from_pre_image(std::size_t index, std::string_view pointer);

// Returns an ARM request to `id` (+ `suffix` segments) with `api_version`.
Request arm(std::string method, const alert::ResourceId& id,
            std::initializer_list<std::string_view> suffix, const char* api_version,
            const Cloud& cloud);

// The entries of ActionSpec::needs: a permission the action's own requests, its pre-image
// reads, its undo or ARM's linked checks need.
inline NeededPermission own_need(std::string permission,
                                 PermissionPlane plane = PermissionPlane::control)
{
  return {std::move(permission), plane, NeededPermission::Use::action};
}
inline NeededPermission pre_image_need(std::string permission,
                                       PermissionPlane plane = PermissionPlane::control)
{
  return {std::move(permission), plane, NeededPermission::Use::pre_image};
}
inline NeededPermission undo_need(std::string permission,
                                  PermissionPlane plane = PermissionPlane::control)
{
  return {std::move(permission), plane, NeededPermission::Use::undo};
}
inline NeededPermission linked_need(std::string permission)
{
  return {std::move(permission), PermissionPlane::control, NeededPermission::Use::linked};
}

// Marks `r` as the action's own request with the action's permission and effect.
Request& as_action(Request& r, const ActionSpec& spec);
// Marks `r` as a read taken before the change.
Request& as_pre_image(Request& r, std::string permission);

// Marks `r` as a request of the action's undo (mutating, with the action's permission).
Request& as_undo(Request& r, const ActionSpec& spec);

// True when pre-image `index` was read and the target did not exist (404).
bool absent(const PreImage& pre, std::size_t index = 0);
// Returns pre-image `index`'s body (null when it was not read or was a 404).
const nlohmann::ordered_json& pre_body(const PreImage& pre, std::size_t index = 0);
// Returns the string at `pointer` in `doc`, or "" when there is none.
std::string text_at(const nlohmann::ordered_json& doc, std::string_view pointer);

// Returns an ARM request like arm(), with `queries` (each value encoded) after api-version.
Request arm_query(std::string method, const alert::ResourceId& id,
                  std::initializer_list<std::string_view> suffix, const char* api_version,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> queries,
                  const Cloud& cloud);

// True for an Azure region name such as "westeurope" or "eastus2euap".
bool is_location(std::string_view s);

// Returns `value` as an OData string literal ('…', quotes doubled) for $filter.
std::string odata_string(std::string_view value);

// Returns `value` as a KQL string literal; throws ActionError for control characters,
// invalid UTF-8 or more than 1024 bytes.
std::string kql_string(std::string_view value);

// The subscription parameter shared by subscription-scoped actions, and its checked value.
ParamSpec subscription_param();
const alert::ResourceId& subscription_arg(const ActionArgs& args, std::string_view name);

// Returns a GET of the role assignments at `scope`: those of `principal_id` at, above or
// below it when given, else those at or above it (`at_scope_only`) or all of them.
Request role_assignments_list(const alert::ResourceId& scope, const std::string& principal_id,
                              bool at_scope_only, const Cloud& cloud);

} // namespace dftriage::azure::actions
