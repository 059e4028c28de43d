#pragma once

// What the lab's principal may do, and refusing what it may not, as Azure does (README,
// "Restricted mode"). `lab serve --role` gives the principal role assignments at the
// subscription, `--deny` takes one right away everywhere; with neither the lab lets it do
// everything, as it always has. rbac.cpp: the options, the rights and the permissions
// API; rbac_operations.cpp: the right each request needs; rbac_refusal.cpp: the 403s.

#include "dftriage/azure/permissions.hpp"
#include "router.hpp"
#include "state.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::lab {

// Returns the built-in role `name_or_id` names (a name or GUID of builtin_roles(), any
// case). Throws UsageError naming every built-in role when there is none.
const azure::BuiltInRole& role_for_option(std::string_view name_or_id);

// Sorts `--deny` operations by kind: an RBAC action or data action ("Microsoft.X/.../write",
// "*/delete"), a Key Vault access-policy permission ("secrets/list") or a Graph permission
// ("User.ReadWrite.All"). Throws UsageError for one that is none of these.
Denials parse_denials(const std::vector<std::string>& operations);

// Gives the lab's principal its rights; call after seeding. Every vault that uses access
// policies gets an entry for it with every key, secret and certificate permission but the
// denied ones (so that a preflight reading the vault sees what it may do). With `roles` or
// `deny` the lab is then in restricted mode: each role becomes an assignment to the
// principal at the subscription, and `deny` is kept for every later check. Throws
// UsageError as role_for_option and parse_denials do.
void apply_principal_rights(State& state, const std::vector<std::string>& roles,
                            const std::vector<std::string>& deny);

// Returns the permission entries the principal `object_id` holds at `scope` (an ARM ID):
// the definitions of its role assignments at or above the scope, each with the denied
// RBAC operations among its notActions and notDataActions. Unrestricted, or restricted by
// --deny alone, the principal holds one entry of every action and data action (less the
// denied ones); another principal is unrestricted.
std::vector<azure::Permission> permissions_at(const State& state, const std::string& object_id,
                                              const std::string& scope);

// Returns a built-in role as ARM serves its definition in `subscription` ("" none: at the
// tenant), with its permissions from data/builtin-roles.json.
Json builtin_role_definition(const std::string& subscription, const azure::BuiltInRole& role);

// Returns the Microsoft.Authorization role definition with this GUID (built-in or in the
// state), or null.
Json role_definition(const State& state, const std::string& subscription, const std::string& guid);

// Adds GET {scope}/providers/Microsoft.Authorization/permissions (2022-04-01, 2018-07-01,
// 2018-01-01-preview, 2015-07-01): {"value": permissions_at(caller, scope)}.
void add_permission_routes(Router& router, State& state);

// Returns the 403 Azure answers when restricted mode does not let the request's caller do
// what it asks of `audience`'s service ("arm", "keyvault", "graph", "loganalytics"), or
// nullopt. Key Vault refusals are audited as the data plane audits its calls.
std::optional<LabResponse> refusal(State& state, const LabRequest& request,
                                   std::string_view audience);

// Returns the RBAC operation ARM checks for `method` on `path` ("Microsoft.KeyVault/vaults/write")
// and the scope it checks it over (the path less a trailing collection or action).
struct ArmOperation
{
  std::string operation;
  std::string scope;
};
ArmOperation arm_operation(std::string_view method, const std::string& path);

// Returns the data action Key Vault checks on an RBAC vault for `method` on `path` (a vault
// URL's path), or "" for a path it does not know.
std::string keyvault_data_action(std::string_view method, std::string_view path);

// Returns the Graph application permission the lab requires for `method` on `path` with
// `body` (PATCH /users: what the body changes decides).
std::string graph_permission_needed(std::string_view method, const std::string& path,
                                    const std::string& body);

} // namespace dftriage::lab
