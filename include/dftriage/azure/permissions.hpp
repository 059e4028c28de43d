#pragma once

// What a principal may do: Azure RBAC operations with their wildcards, the built-in roles
// that grant them (data/builtin-roles.json), the Microsoft Graph permissions that imply
// one another (data/graph-permissions.json), and what a Key Vault data-plane request
// needs from a vault's access policies. Shared by the preflight (which asks Azure what the
// signed-in principal holds) and the lab (which refuses as Azure does).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// Returns true when `pattern` (an RBAC action such as "Microsoft.KeyVault/*/read" or "*")
// matches `operation`, case-insensitively: each '*' stands for any run of characters,
// '/' included, as ARM treats it.
bool operation_matches(std::string_view pattern, std::string_view operation);

// A control-plane action (the ARM API) or a data action (a data plane under RBAC, such as
// Key Vault's secrets).
enum class OperationKind { control, data };

// One entry of a role definition's `permissions`, or of what the permissions API returns.
struct Permission
{
  std::vector<std::string> actions;
  std::vector<std::string> not_actions;
  std::vector<std::string> data_actions;
  std::vector<std::string> not_data_actions;

  // Reads {actions, notActions, dataActions, notDataActions} (each optional, arrays of
  // strings). Throws Error (ExitStatus::input_rejected) naming `where` and the member that
  // is not an array of strings.
  static Permission from_json(const nlohmann::json& value, std::string_view where);
  nlohmann::ordered_json to_json() const;

  // True when an action of the kind matches `operation` and none of that entry's
  // not-actions does (a not-action subtracts only from its own entry, as in Azure).
  bool grants(std::string_view operation, OperationKind kind) const;
};

// True when any entry of `held` grants `operation`.
bool grants(const std::vector<Permission>& held, std::string_view operation, OperationKind kind);

// A built-in Azure role as data/builtin-roles.json records it.
struct BuiltInRole
{
  std::string name;        // "Key Vault Contributor"
  std::string id;          // the role definition's GUID, the same in every tenant
  std::string description; // one line
  std::string source;      // where its permissions were taken from
  std::vector<Permission> permissions;
};

// Returns the built-in roles table, in the file's order. Throws Error (failure) if the
// embedded table is malformed (a test keeps it well-formed).
const std::vector<BuiltInRole>& builtin_roles();

// Parses a roles table (the format of data/builtin-roles.json; a role's `name` is its
// definition's GUID). Throws Error (input_rejected) naming `source` and the JSON pointer of
// the first bad member, or saying the text is not JSON.
std::vector<BuiltInRole> parse_roles_table(std::string_view text, std::string_view source);

// Returns the built-in role with this name or GUID (case-insensitive), or nullptr.
const BuiltInRole* find_builtin_role(std::string_view name_or_id);

// Returns the built-in roles that grant `operation`, narrowest first: ordered by how many
// of the operations the table names explicitly each role grants, then by name.
std::vector<const BuiltInRole*> roles_granting(std::string_view operation, OperationKind kind);

// Which Microsoft Graph token holds a permission: an application token (its `roles`) or a
// delegated one (its `scp`). Some broader permissions allow an operation in one kind only;
// `any` counts those of both kinds.
enum class GraphTokenKind { any, delegated, application };

// Returns the Microsoft Graph permissions that allow what `needed` allows in a token of
// `kind`: `needed` itself first, then the broader ones data/graph-permissions.json lists
// for it (grantedBy, and grantedByDelegated or grantedByApplication for that kind).
std::vector<std::string> graph_permissions_granting(std::string_view needed,
                                                    GraphTokenKind kind = GraphTokenKind::any);

// True when one of `held` (a token's roles or scopes) is among
// graph_permissions_granting(needed, kind), case-insensitively.
bool graph_permission_held(std::string_view needed, const std::vector<std::string>& held,
                           GraphTokenKind kind = GraphTokenKind::any);

// Returns the Microsoft Graph permissions data/graph-permissions.json describes, sorted.
std::vector<std::string> known_graph_permissions();

// What a Key Vault data-plane request needs from an access policy: the category
// ("secrets", "keys", "certificates") and the permission in it ("list", "get", ...).
struct AccessPolicyNeed
{
  std::string category;
  std::string permission;
};

// Returns the access-policy permission that `method` on `path` (a vault URL's path, such as
// "/secrets/name/version") needs, or nullopt when the path is not a data-plane operation
// this knows.
std::optional<AccessPolicyNeed> access_policy_need(std::string_view method, std::string_view path);

// True when an access policy's `permissions` object ({"secrets": ["get", "list"], ...})
// grants `need`, case-insensitively; "all" grants every permission of its category.
bool access_policy_grants(const nlohmann::json& permissions, const AccessPolicyNeed& need);

} // namespace dftriage::azure
