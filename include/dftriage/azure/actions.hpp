#pragma once

#include "dftriage/alert/resource_id.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/azure/request.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::azure {

// The type of an action parameter; values are checked against it before any request
// is built, so an alert's text can only ever be the value itself.
enum class ParamType {
  string,      // free text (sent only inside JSON bodies or encoded query values)
  name,        // one Azure resource name: no '/', no control characters
  guid,        // 8-4-4-4-12 hex
  resource_id, // a checked Azure resource ID, optionally of a given type
  ip_list,     // IPv4/IPv6 addresses
  cidr_list,   // IPv4/IPv6 addresses or CIDR ranges
  boolean,
  integer,
  choice, // one of ParamSpec::choices
  string_list,
};
std::string_view to_string(ParamType type);

struct ParamSpec
{
  std::string name;
  ParamType type = ParamType::string;
  bool required = true;
  std::string resource_type;        // for resource_id: e.g. "microsoft.keyvault/vaults"
  std::vector<std::string> choices; // for choice
  std::string description;
};

// Checked parameter values of one action call.
class ActionArgs
{
public:
  // Returns the value of `name` (a string parameter); "" when optional and absent.
  const std::string& text(std::string_view name) const;
  // Returns the parsed resource ID of `name`.
  const alert::ResourceId& resource(std::string_view name) const;
  // Returns the list value of `name` (ip_list, cidr_list, string_list); empty when absent.
  const std::vector<std::string>& list(std::string_view name) const;
  bool flag(std::string_view name) const;
  long long number(std::string_view name) const;
  bool has(std::string_view name) const;

  // Returns the checked values as JSON (for plans and journals).
  const nlohmann::ordered_json& json() const { return m_json; }

private:
  friend struct ArgsBuilder;
  std::map<std::string, std::string, std::less<>> m_text;
  std::map<std::string, alert::ResourceId, std::less<>> m_resources;
  std::map<std::string, std::vector<std::string>, std::less<>> m_lists;
  std::map<std::string, bool, std::less<>> m_flags;
  std::map<std::string, long long, std::less<>> m_numbers;
  nlohmann::ordered_json m_json = nlohmann::ordered_json::object();
};

// What an action call resolves to: the reads taken before it (its pre-image, for undo
// and idempotence) and the requests that carry it out.
struct ActionRequests
{
  std::vector<Request> pre_image;
  std::vector<Request> requests;
};

// What one pre-image read found: its HTTP status (404: the target does not exist) and
// its body (null for a 404).
struct Observed
{
  int status = 0;
  nlohmann::ordered_json body;
};
using PreImage = std::vector<Observed>;

// Where Azure checks a permission: an Azure RBAC action (the ARM API, Log Analytics
// queries), an RBAC data action (Key Vault's data plane) or a Microsoft Graph permission.
enum class PermissionPlane { control, data, graph };
std::string_view to_string(PermissionPlane plane);

// Returns where `r.permission` is checked, from the request's audience.
PermissionPlane permission_plane(const Request& r);

// The placeholder in a permission that stands for a resource type known only from the
// arguments: resources.delete needs "<provider>/<type>/delete".
inline constexpr std::string_view k_resource_type_placeholder = "<provider>/<type>";

// Returns `permission` with k_resource_type_placeholder replaced by `resource`'s provider
// and types ("Microsoft.Compute/virtualMachines"); `permission` itself when it has none.
std::string with_resource_type(std::string_view permission, const alert::ResourceId& resource);

// One permission an action may need, where it is checked and which requests need it.
struct NeededPermission
{
  enum class Use {
    action,    // the action's own requests
    pre_image, // a read taken before the change
    undo,      // a request of its undo
    linked,    // ARM's check on a resource a request body references (a NIC's NSG, subnet)
  };
  std::string permission; // may hold k_resource_type_placeholder
  PermissionPlane plane = PermissionPlane::control;
  Use use = Use::action;
};
std::string_view to_string(NeededPermission::Use use);

struct ActionSpec
{
  std::string name;    // "keyvault.firewall.enable"
  std::string summary; // one line, for listings
  std::vector<ParamSpec> params;
  bool mutating = false;
  Reversibility reversibility = Reversibility::read_only;
  std::string undo;       // how it is undone, in words ("" when read-only)
  std::string permission; // the main RBAC action it needs
  std::function<ActionRequests(const ActionArgs&, const Cloud&)> build;
  // Mutating actions: true when the pre-image shows the effect already in place, so the
  // action is recorded as a no-op instead of being sent again. Empty: never.
  std::function<bool(const ActionArgs&, const PreImage&)> satisfied;
  // Mutating actions: a reason not to go ahead that the pre-image shows (a name taken by
  // something else), or "" to go ahead. Empty: none.
  std::function<std::string(const ActionArgs&, const PreImage&)> refuse;
  // Reversible actions: the requests that put back what the pre-image shows, in order
  // (empty when there is nothing to put back). Empty function: cannot be undone.
  std::function<std::vector<Request>(const ActionArgs&, const PreImage&, const Cloud&)> revert;
  std::string undo_zh; // `undo` in Chinese (zh-CN), for the walk
  // True for an action that preserves evidence (a disk snapshot): `undo` leaves what it
  // made in place unless asked to remove evidence too.
  bool evidence = false;
  // What the responder should know before confirming these values, in English and
  // Chinese ({"", ""}: nothing): a change that goes ahead but may cut off what follows.
  std::function<std::pair<std::string, std::string>(const ActionArgs&)> caution = nullptr;
  // Every permission the action's requests can need, once per use: its own (`permission`
  // among them, the one listings show), its pre-image reads, its undo's requests and the
  // linked checks ARM makes, each with where it is checked. A test keeps it complete.
  std::vector<NeededPermission> needs = {};
};

// Returns every action, sorted by name.
const std::vector<ActionSpec>& action_catalogue();

// Returns the action named `name`, or nullptr.
const ActionSpec* find_action(std::string_view name);

// Returns the names of every action, for "did you mean" hints.
std::vector<std::string> action_names();

// Checks `values` (an object of parameter name → JSON value) against `spec`.
// Returns the checked arguments, or throws ActionError naming the parameter, the
// expected type and the offending value (quoted and escaped).
ActionArgs check_args(const ActionSpec& spec, const nlohmann::ordered_json& values);

// Returns `body` with each "$(pre-image N POINTER)" value replaced by what POINTER
// selects in pre-image N's body. A POINTER segment "[key=value]" selects the first array
// element whose `key` equals `value` (case-insensitive). A key whose pointer selects
// nothing is left out. Throws ActionError when pre-image N was not read.
nlohmann::ordered_json resolve_pre_image(const nlohmann::ordered_json& body, const PreImage& pre);

// Returns `value` without the members ARM reports but never accepts in a request (etag,
// provisioningState, resourceGuid, appliedDnsServers, ...), at any depth. A marker
// "$(pre-image N POINTER writable)" resolves to this of what POINTER selects.
nlohmann::ordered_json without_read_only(const nlohmann::ordered_json& value);

// Returns what `pointer` (with the "[key=value]" segments above) selects in `doc`, or
// nullptr when it selects nothing.
const nlohmann::ordered_json* select(const nlohmann::ordered_json& doc, std::string_view pointer);

class ActionError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace dftriage::azure
