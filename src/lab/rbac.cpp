// Restricted mode: `--role` and `--deny` turned into the state (role assignments, access
// policies, what is denied), the permission entries a principal holds at a scope, and
// ARM's permissions API that tells a principal what it holds.

#include "rbac.hpp"

#include "arm.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "resources.hpp"
#include "token.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_permission_versions = {"2022-04-01", "2018-07-01",
                                                        "2018-01-01-preview", "2015-07-01"};

// Every access-policy permission of each category, as the portal grants "all".
const std::vector<std::pair<std::string, std::vector<std::string>>>& full_access_policy()
{
  static const std::vector<std::pair<std::string, std::vector<std::string>>> k_all = {
      {"keys",
       {"get",
        "list",
        "update",
        "create",
        "import",
        "delete",
        "recover",
        "backup",
        "restore",
        "decrypt",
        "encrypt",
        "unwrapKey",
        "wrapKey",
        "verify",
        "sign",
        "purge",
        "release",
        "rotate",
        "getrotationpolicy",
        "setrotationpolicy"}},
      {"secrets", {"get", "list", "set", "delete", "recover", "backup", "restore", "purge"}},
      {"certificates",
       {"get", "list", "update", "create", "import", "delete", "recover", "backup", "restore",
        "managecontacts", "manageissuers", "getissuers", "listissuers", "setissuers",
        "deleteissuers", "purge"}}};
  return k_all;
}

std::string rbac_trimmed_scope(std::string scope)
{
  while (!scope.empty() && scope.back() == '/') {
    scope.pop_back();
  }
  return lower(scope);
}

// True when `ancestor` (trimmed, lower case) is `scope` or above it.
bool rbac_scope_covers(const std::string& ancestor, const std::string& scope)
{
  return ancestor.empty() || scope == ancestor || scope.rfind(ancestor + "/", 0) == 0;
}

bool contains_ci(const std::vector<std::string>& items, std::string_view value)
{
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& item) { return text::iequals(item, value); });
}

// `permission` with the denied RBAC operations among its notActions and notDataActions.
azure::Permission with_denials(azure::Permission permission, const Denials& denied)
{
  for (const auto& operation : denied.rbac) {
    if (!contains_ci(permission.not_actions, operation)) {
      permission.not_actions.push_back(operation);
    }
    if (!contains_ci(permission.not_data_actions, operation)) {
      permission.not_data_actions.push_back(operation);
    }
  }
  return permission;
}

// The permissions of the role definition `definition_id` (an ID or a GUID).
std::vector<azure::Permission> definition_permissions(const State& state,
                                                      const std::string& definition_id)
{
  const std::string guid = definition_id.substr(definition_id.rfind('/') + 1);
  if (const auto* role = azure::find_builtin_role(guid)) {
    return role->permissions;
  }
  std::vector<azure::Permission> out;
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) != "microsoft.authorization/roledefinitions" ||
        lower(resource.value("name", "")) != lower(guid)) {
      continue;
    }
    const Json entries =
        resource.value("properties", Json::object()).value("permissions", Json::array());
    for (const auto& entry : entries) {
      try {
        out.push_back(azure::Permission::from_json(nlohmann::json::parse(entry.dump()), key));
      } catch (const Error&) {
        // A malformed custom role grants nothing, as ARM would not have stored it.
      }
    }
  }
  return out;
}

LabResponse list_permissions(State& state, const LabRequest& request, const std::string& scope)
{
  // The subscription and group the scope names must exist, as ARM checks them.
  const auto segments = text::split_path(scope);
  if (segments.size() >= 2 && text::iequals(segments[0], "subscriptions")) {
    const bool grouped = segments.size() >= 4 && text::iequals(segments[2], "resourceGroups");
    require_scope(state, segments[1], grouped ? segments[3] : "");
  }
  const TokenInfo* token = bearer_token(state, request);
  const std::string object_id =
      token != nullptr ? token->object_id : state.object_id_of(request.caller);
  Json value = Json::array();
  for (const auto& p : permissions_at(state, object_id, scope)) {
    value.push_back(p.to_json());
  }
  return LabResponse::json(200, Json{{"value", value}});
}

} // namespace

Json builtin_role_definition(const std::string& subscription, const azure::BuiltInRole& role)
{
  const std::string prefix = subscription.empty() ? "" : "/subscriptions/" + subscription;
  Json permissions = Json::array();
  for (const auto& p : role.permissions) {
    permissions.push_back(p.to_json());
  }
  return Json{{"id", prefix + "/providers/Microsoft.Authorization/roleDefinitions/" + role.id},
              {"name", role.id},
              {"type", "Microsoft.Authorization/roleDefinitions"},
              {"properties",
               {{"roleName", role.name},
                {"type", "BuiltInRole"},
                {"description", role.description},
                {"assignableScopes", {"/"}},
                {"permissions", permissions}}}};
}

const azure::BuiltInRole& role_for_option(std::string_view name_or_id)
{
  if (const auto* role = azure::find_builtin_role(name_or_id)) {
    return *role;
  }
  std::vector<std::string> names;
  for (const auto& role : azure::builtin_roles()) {
    names.push_back(role.name);
  }
  std::string choices;
  for (const auto& name : names) {
    choices += (choices.empty() ? "" : ", ") + text::quote(name);
  }
  const std::string hint = text::did_you_mean(name_or_id, names);
  throw UsageError("--role: unknown built-in role " + text::quote(name_or_id) + hint +
                   (hint.empty() ? "; expected" : " Expected") + " one of " + choices +
                   ", or a role's GUID");
}

Denials parse_denials(const std::vector<std::string>& operations)
{
  Denials out;
  for (const auto& raw : operations) {
    const std::string operation(text::trim(raw));
    const auto slash = operation.find('/');
    if (slash == std::string::npos) {
      // No Graph permission is named after a provider namespace (Microsoft.KeyVault).
      if (operation.find('.') == std::string::npos || operation.find(' ') != std::string::npos ||
          text::istarts_with(operation, "Microsoft.")) {
        throw UsageError("--deny: " + text::quote(raw) +
                         " is not an operation; expected an RBAC action "
                         "(Microsoft.KeyVault/vaults/write), a Key Vault access-policy "
                         "permission (secrets/list) or a Graph permission (User.ReadWrite.All)");
      }
      out.graph.push_back(operation);
      continue;
    }
    const std::string category = lower(operation.substr(0, slash));
    const std::string rest = operation.substr(slash + 1);
    if ((category == "keys" || category == "secrets" || category == "certificates") &&
        !rest.empty() && rest.find('/') == std::string::npos) {
      out.access_policy.emplace_back(category, lower(rest));
      continue;
    }
    if (category.empty() || rest.empty() ||
        (category != "*" && category.find('.') == std::string::npos)) {
      throw UsageError("--deny: " + text::quote(raw) +
                       " is neither an RBAC operation (a provider namespace or '*' first, as in "
                       "Microsoft.KeyVault/vaults/write) nor an access-policy permission "
                       "(keys/, secrets/ or certificates/ and one permission, as in secrets/list)");
    }
    out.rbac.push_back(operation);
  }
  return out;
}

void apply_principal_rights(State& state, const std::vector<std::string>& roles,
                            const std::vector<std::string>& deny)
{
  std::vector<const azure::BuiltInRole*> chosen;
  chosen.reserve(roles.size());
  for (const auto& name : roles) {
    chosen.push_back(&role_for_option(name));
  }
  state.config.denied = parse_denials(deny);
  state.config.restricted = !roles.empty() || !deny.empty();
  state.config.base_rights = roles.empty();
  const std::string& object_id = state.config.object_id;
  const std::string& subscription = state.config.subscription_id;
  if (!chosen.empty()) {
    ensure_subscription(state, subscription);
  }
  for (const auto* role : chosen) {
    const std::string name = stable_guid("lab-principal/" + object_id + "/" + role->id);
    put_resource(state, make_role_assignment(state, "/subscriptions/" + subscription, name,
                                             role->id, object_id, "ServicePrincipal"));
  }
  // The principal administers the lab's vaults: an access-policy entry of its own on each
  // that uses them, which is what a preflight reads to know it may list their secrets.
  Json permissions = Json::object();
  for (const auto& [kind, all] : full_access_policy()) {
    const std::string& category = kind;
    Json granted = Json::array();
    for (const auto& permission : all) {
      const auto& denied = state.config.denied.access_policy;
      const bool taken = std::any_of(denied.begin(), denied.end(), [&](const auto& d) {
        return d.first == category && d.second == lower(permission);
      });
      if (!taken) {
        granted.push_back(permission);
      }
    }
    permissions[category] = granted;
  }
  for (auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) != "microsoft.keyvault/vaults" ||
        !resource.contains("properties") ||
        resource["properties"].value("enableRbacAuthorization", false)) {
      continue;
    }
    auto& policies = resource["properties"]["accessPolicies"];
    if (!policies.is_array()) {
      policies = Json::array();
    }
    // First, as the entry of whoever made the vault is.
    policies.insert(policies.begin(), Json{{"tenantId", state.config.tenant_id},
                                           {"objectId", object_id},
                                           {"permissions", permissions}});
  }
}

std::vector<azure::Permission> permissions_at(const State& state, const std::string& object_id,
                                              const std::string& scope)
{
  const azure::Permission everything{{"*"}, {}, {"*"}, {}};
  const bool restricted = state.config.restricted && !object_id.empty() &&
                          lower(object_id) == lower(state.config.object_id);
  if (!restricted) {
    return {everything};
  }
  if (state.config.base_rights) {
    return {with_denials(everything, state.config.denied)};
  }
  const std::string at = rbac_trimmed_scope(scope);
  std::vector<azure::Permission> out;
  std::vector<std::string> seen;
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) != "microsoft.authorization/roleassignments") {
      continue;
    }
    const Json properties = resource.value("properties", Json::object());
    if (lower(properties.value("principalId", "")) != lower(object_id) ||
        !rbac_scope_covers(rbac_trimmed_scope(properties.value("scope", "")), at)) {
      continue;
    }
    for (auto& p : definition_permissions(state, properties.value("roleDefinitionId", ""))) {
      auto entry = with_denials(std::move(p), state.config.denied);
      const std::string text = entry.to_json().dump();
      if (std::find(seen.begin(), seen.end(), text) == seen.end()) {
        seen.push_back(text);
        out.push_back(std::move(entry));
      }
    }
  }
  return out;
}

Json role_definition(const State& state, const std::string& subscription, const std::string& guid)
{
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) == "microsoft.authorization/roledefinitions" &&
        lower(resource.value("name", "")) == lower(guid)) {
      return resource;
    }
  }
  if (const auto* role = azure::find_builtin_role(guid)) {
    if (lower(role->id) == lower(guid)) {
      return builtin_role_definition(subscription, *role);
    }
  }
  return nullptr;
}

void add_permission_routes(Router& router, State& state)
{
  router.add("GET", "(.*)/providers/Microsoft\\.Authorization/permissions",
             RouteOptions{k_permission_versions, "arm", ""},
             [&state](const LabRequest& request, const Captures& c) {
               return list_permissions(state, request, c[1]);
             });
}

} // namespace dftriage::lab
