#include "dftriage/exec/preflight.hpp"

#include "dftriage/azure/api_versions.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace dftriage::exec {

namespace {

using azure::OperationKind;
using text::iequals;

// "https://host:port/a/b?x=y" → {"https://host:port", "/a/b"}.
std::pair<std::string, std::string> origin_and_path(const std::string& url)
{
  const auto scheme = url.find("://");
  const auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) {
    return {url, "/"};
  }
  const auto query = url.find('?', start);
  return {url.substr(0, start),
          url.substr(start, query == std::string::npos ? std::string::npos : query - start)};
}

// The first label of a vault URL's host: the vault's name.
std::string vault_name_of(const std::string& origin)
{
  const auto scheme = origin.find("://");
  const std::string host = origin.substr(scheme == std::string::npos ? 0 : scheme + 3);
  return text::to_lower(host.substr(0, host.find('.')));
}

std::vector<std::string> role_names(std::string_view operation, OperationKind kind)
{
  std::vector<std::string> out;
  for (const auto* role : azure::roles_granting(operation, kind)) {
    out.push_back(role->name);
  }
  return out;
}

// The audience a permission belongs to when no request says it (a step not built yet).
std::string audience_of_permission(const std::string& permission)
{
  if (permission.find('/') == std::string::npos) {
    return "graph";
  }
  const std::string p = text::to_lower(permission);
  for (const char* data : {"microsoft.keyvault/vaults/secrets/", "microsoft.keyvault/vaults/keys/",
                           "microsoft.keyvault/vaults/certificates/"}) {
    if (p.rfind(data, 0) == 0) {
      return "keyvault";
    }
  }
  return p.rfind("microsoft.operationalinsights/workspaces/query", 0) == 0 ? "loganalytics" : "arm";
}

// An access-policy entry's permissions for the principal (and the groups its token names).
nlohmann::json held_policies(const nlohmann::json& policies, const azure::TokenClaims& claims)
{
  nlohmann::json merged = nlohmann::json::object();
  for (const auto& entry : policies) {
    const std::string object = entry.value("objectId", "");
    const bool mine = iequals(object, claims.object_id) ||
                      std::any_of(claims.groups.begin(), claims.groups.end(),
                                  [&](const std::string& g) { return iequals(g, object); });
    if (!mine || !entry.contains("permissions") || !entry["permissions"].is_object()) {
      continue;
    }
    for (const auto& [category, list] : entry["permissions"].items()) {
      if (list.is_array()) {
        for (const auto& item : list) {
          merged[category].push_back(item);
        }
      }
    }
  }
  return merged;
}

// A data-plane request standing for a Key Vault data action, for a step whose requests are
// not built yet: what its access-policy permission is decided from.
std::pair<std::string, std::string> request_for_data_action(const std::string& permission)
{
  static const std::vector<std::pair<const char*, std::pair<const char*, const char*>>> k_table = {
      {"secrets/readmetadata/action", {"GET", "/secrets"}},
      {"secrets/getsecret/action", {"GET", "/secrets/x"}},
      {"secrets/setsecret/action", {"PUT", "/secrets/x"}},
      {"secrets/update/action", {"PATCH", "/secrets/x/v"}},
      {"secrets/delete", {"DELETE", "/secrets/x"}},
      {"secrets/recover/action", {"POST", "/deletedsecrets/x/recover"}},
      {"keys/read", {"GET", "/keys"}},
      {"keys/update/action", {"PATCH", "/keys/x/v"}},
      {"keys/rotate/action", {"POST", "/keys/x/rotate"}},
      {"certificates/read", {"GET", "/certificates"}},
      {"certificates/update/action", {"PATCH", "/certificates/x/v"}},
      {"certificates/create/action", {"POST", "/certificates/x/create"}}};
  const std::string p = text::to_lower(permission);
  for (const auto& [suffix, request] : k_table) {
    const std::string full = std::string("microsoft.keyvault/vaults/") + suffix;
    if (p == full) {
      return {request.first, request.second};
    }
  }
  return {"GET", "/"};
}

} // namespace

std::string_view to_string(Grant grant)
{
  switch (grant) {
  case Grant::granted:
    return "granted";
  case Grant::missing:
    return "missing";
  case Grant::unknown:
    break;
  }
  return "unknown";
}

std::string permission_scope(std::string_view path)
{
  const auto parts = text::split_path(path);
  if (parts.size() < 2 || !iequals(parts[0], "subscriptions")) {
    return "";
  }
  std::size_t keep = 2;
  if (parts.size() >= 4 && iequals(parts[2], "resourceGroups")) {
    keep = 4;
    if (parts.size() >= 8 && iequals(parts[4], "providers") && !iequals(parts[6], "locations")) {
      keep = 8;
    }
  }
  std::string out;
  for (std::size_t i = 0; i < keep; ++i) {
    out += "/" + parts[i];
  }
  return out;
}

nlohmann::ordered_json PermissionCheck::to_json() const
{
  return nlohmann::ordered_json{
      {"step", step},         {"action", action},     {"change", change},
      {"resolved", resolved}, {"audience", audience}, {"permission", permission},
      {"scope", scope},       {"via", via},           {"result", std::string(to_string(grant))},
      {"note", note},         {"remedies", remedies}};
}

std::vector<std::string> PreflightResult::not_permitted_steps() const
{
  std::vector<std::string> out;
  for (const auto& c : checks) {
    if (c.resolved && c.grant == Grant::missing &&
        std::find(out.begin(), out.end(), c.step) == out.end()) {
      out.push_back(c.step);
    }
  }
  return out;
}

bool PreflightResult::any_missing() const
{
  return !not_permitted_steps().empty();
}

std::size_t PreflightResult::count(Grant grant) const
{
  return static_cast<std::size_t>(std::count_if(
      checks.begin(), checks.end(), [&](const PermissionCheck& c) { return c.grant == grant; }));
}

nlohmann::ordered_json PreflightResult::to_json() const
{
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& c : checks) {
    list.push_back(c.to_json());
  }
  return nlohmann::ordered_json{{"alertId", alert_id},
                                {"playbook", playbook},
                                {"principal",
                                 {{"objectId", principal.object_id},
                                  {"appId", principal.app_id},
                                  {"upn", principal.upn},
                                  {"tenantId", principal.tenant_id},
                                  {"credential", principal.description}}},
                                {"summary",
                                 {{"granted", count(Grant::granted)},
                                  {"missing", count(Grant::missing)},
                                  {"unknown", count(Grant::unknown)},
                                  {"notPermitted", not_permitted_steps()}}},
                                {"checks", std::move(list)}};
}

Preflight::Preflight(azure::Client& client, azure::TokenCredential& credential,
                     const azure::Cloud& cloud)
    : m_client(client)
    , m_credential(credential)
    , m_cloud(cloud)
{
}

const azure::TokenClaims& Preflight::claims(const std::string& audience)
{
  auto found = m_claims.find(audience);
  if (found != m_claims.end()) {
    return found->second;
  }
  azure::TokenClaims read;
  try {
    read = azure::read_token_claims(m_credential.get_token(m_cloud.audience(audience)).token);
    if (!read.jwt) {
      m_claim_failures[audience] = "the token is not a JWT, so what it allows cannot be read";
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    m_claim_failures[audience] = std::string("no token: ") + e.what();
  }
  return m_claims.emplace(audience, std::move(read)).first->second;
}

const Preflight::Scope& Preflight::scope(const std::string& origin, const std::string& scope_path)
{
  const std::string key = text::to_lower(origin + scope_path);
  if (const auto found = m_scopes.find(key); found != m_scopes.end()) {
    return found->second;
  }
  Scope out;
  azure::Request request;
  request.method = "GET";
  request.url = origin + scope_path +
                "/providers/Microsoft.Authorization/permissions?api-version=" +
                azure::api_version::k_authorization;
  request.audience = "arm";
  request.purpose = "preflight";
  request.permission = "Microsoft.Authorization/permissions/read";
  try {
    std::vector<azure::Permission> held;
    for (const auto& item : m_client.list(request)) {
      held.push_back(azure::Permission::from_json(item, "permissions"));
    }
    out.held = std::move(held);
  } catch (const Interrupted&) {
    throw;
  } catch (const azure::AzureError& e) {
    out.failure = "the permissions API answered " + e.info().summary +
                  (e.code().empty() ? "" : ": " + e.code()) +
                  (e.request_id().empty() ? "" : " (request ID " + e.request_id() + ")");
  } catch (const Error& e) {
    out.failure = std::string("the permissions API could not be asked: ") + e.what();
  }
  return m_scopes.emplace(key, std::move(out)).first->second;
}

const Preflight::Vault& Preflight::vault(const std::string& vault_id)
{
  const std::string key = text::to_lower(vault_id);
  if (const auto found = m_vaults.find(key); found != m_vaults.end()) {
    return found->second;
  }
  Vault out;
  azure::Request request;
  request.method = "GET";
  request.url =
      m_cloud.resource_manager + vault_id + "?api-version=" + azure::api_version::k_keyvault;
  request.audience = "arm";
  request.purpose = "preflight";
  request.permission = "Microsoft.KeyVault/vaults/read";
  try {
    const auto response = m_client.send(request);
    const auto& properties = response.body.value("properties", nlohmann::ordered_json::object());
    out.readable = true;
    out.rbac = properties.value("enableRbacAuthorization", false);
    const auto policies = properties.find("accessPolicies");
    if (policies != properties.end() && policies->is_array()) {
      out.policies = nlohmann::json::parse(policies->dump());
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const azure::AzureError& e) {
    out.failure = "the vault could not be read (" + e.info().summary +
                  (e.code().empty() ? "" : ": " + e.code()) +
                  "), so its permission model is not known";
  } catch (const Error& e) {
    out.failure = std::string("the vault could not be read: ") + e.what();
  }
  return m_vaults.emplace(key, std::move(out)).first->second;
}

void Preflight::decide(PermissionCheck& check, const std::string& origin, const std::string& url,
                       const std::string& method, const std::string& vault_id)
{
  const auto rbac = [&](const std::string& at, OperationKind kind) {
    check.scope = at;
    check.via = kind == OperationKind::data ? "rbac-data" : "rbac";
    if (at.empty()) {
      check.grant = Grant::unknown;
      check.note = "no ARM scope to ask about";
      return;
    }
    const Scope& s = scope(origin, at);
    if (!s.held) {
      check.grant = Grant::unknown;
      check.note = s.failure + "; whether it is granted is not known";
      return;
    }
    check.grant = azure::grants(*s.held, check.permission, kind) ? Grant::granted : Grant::missing;
    if (check.grant == Grant::missing) {
      check.remedies = role_names(check.permission, kind);
    }
  };
  if (check.audience == "graph") {
    check.scope = "graph";
    check.via = "graph-token";
    const auto& c = claims("graph");
    const auto failure = m_claim_failures.find("graph");
    if (failure != m_claim_failures.end()) {
      check.note = failure->second;
      return;
    }
    std::vector<std::string> held = c.roles;
    held.insert(held.end(), c.scopes.begin(), c.scopes.end());
    if (held.empty()) {
      check.note = "the Graph token carries no application permissions (roles) or scopes (scp)";
      return;
    }
    // Some broader permissions allow an operation only in one kind of token.
    const auto kind =
        c.roles.empty() ? azure::GraphTokenKind::delegated : azure::GraphTokenKind::application;
    check.grant = azure::graph_permission_held(check.permission, held, kind) ? Grant::granted
                                                                             : Grant::missing;
    if (check.grant == Grant::missing) {
      check.remedies = azure::graph_permissions_granting(check.permission, kind);
    }
    check.note = c.roles.empty() ? "delegated scopes (scp)" : "application permissions (roles)";
    return;
  }
  if (check.audience == "loganalytics") {
    // The workspace's ARM ID is not in the query's URL: its subscription is asked, and a
    // grant on the workspace alone is not seen.
    rbac(check.scope, OperationKind::control);
    if (check.grant == Grant::missing) {
      check.grant = Grant::unknown;
      check.note = "not granted at the subscription; a grant on the workspace itself cannot be "
                   "seen from here";
    }
    return;
  }
  if (check.audience == "keyvault") {
    if (vault_id.empty()) {
      check.scope = vault_name_of(origin);
      check.note = "the vault's ARM ID is not known to this step";
      return;
    }
    const Vault& v = vault(vault_id);
    if (!v.readable) {
      check.scope = vault_id;
      check.via = "access-policy";
      check.note = v.failure;
      return;
    }
    if (v.rbac) {
      rbac(vault_id, OperationKind::data);
      return;
    }
    check.scope = vault_id;
    check.via = "access-policy";
    const auto need = azure::access_policy_need(method, origin_and_path(url).second);
    if (!need) {
      check.note = "no access-policy permission is known for this request";
      return;
    }
    const auto& c = claims("arm");
    if (c.object_id.empty()) {
      check.note = "the principal's object ID is not known (the token is not a JWT)";
      return;
    }
    check.grant = azure::access_policy_grants(held_policies(v.policies, c), *need) ? Grant::granted
                                                                                   : Grant::missing;
    check.note = need->category + " " + need->permission;
    if (check.grant == Grant::missing) {
      check.remedies = {"access policy: " + need->category + " " + need->permission};
      if (c.group_overage) {
        check.grant = Grant::unknown;
        check.note += "; the token does not list the principal's groups (too many), so a "
                      "group's access policy cannot be seen";
      }
    }
    return;
  }
  rbac(permission_scope(origin_and_path(url).second), OperationKind::control);
}

PreflightResult Preflight::check(const engine::Plan& plan)
{
  PreflightResult result;
  result.alert_id = plan.alert != nullptr ? plan.alert->id : "";
  result.playbook = plan.match.playbook_id();
  const auto& arm = claims("arm");
  result.principal = {arm.object_id, arm.app_id, arm.upn, arm.tenant_id,
                      m_credential.description()};
  const std::string resource = plan.alert != nullptr ? plan.alert->resource_id : "";
  const std::string subscription_scope =
      plan.alert != nullptr && !plan.alert->subscription_id.empty()
          ? "/subscriptions/" + plan.alert->subscription_id
          : "";
  std::set<std::string> seen;
  for (const auto& step : plan.steps) {
    if (step.step == nullptr || (step.action == nullptr && !step.step->action)) {
      continue;
    }
    // A step not built (skipped, not reached) still names its action in the playbook.
    const azure::ActionSpec* spec =
        step.action != nullptr ? step.action : azure::find_action(step.step->action->name);
    if (spec == nullptr) {
      continue;
    }
    std::string vault_id =
        step.params.is_object() && step.params.contains("vault") && step.params["vault"].is_string()
            ? step.params["vault"].get<std::string>()
            : "";
    if (vault_id.empty() && text::to_lower(resource).find(
                                "/providers/microsoft.keyvault/vaults/") != std::string::npos) {
      vault_id = resource; // a step not built yet acts on the alert's vault
    }
    const bool built = step.status == "planned" && !step.requests.requests.empty();
    const auto add = [&](PermissionCheck check, const std::string& url, const std::string& method) {
      const std::string key = check.step + "\n" + check.permission + "\n" + url + "\n" + method;
      if (check.permission.empty() || !seen.insert(key).second) {
        return;
      }
      const std::string origin = origin_and_path(url).first;
      if (check.audience == "loganalytics") {
        check.scope = subscription_scope;
      }
      decide(check,
             check.audience == "arm" || check.audience == "loganalytics" ? m_cloud.resource_manager
                                                                         : origin,
             url, method, vault_id);
      result.checks.push_back(std::move(check));
    };
    if (built) {
      std::vector<const azure::Request*> requests;
      for (const auto& r : step.requests.pre_image) {
        requests.push_back(&r);
      }
      for (const auto& r : step.requests.requests) {
        requests.push_back(&r);
      }
      for (const auto* r : requests) {
        PermissionCheck check;
        check.step = step.step->id;
        check.action = spec->name;
        check.change = r->mutating || spec->mutating;
        check.audience = r->audience;
        check.permission = r->permission;
        add(std::move(check), r->url, r->method);
      }
      continue;
    }
    // Not built: the action's own permission, at the alert's resource.
    const std::string& permission = spec->permission;
    if (permission.find('<') != std::string::npos) {
      continue; // depends on the target's type (resources.delete)
    }
    PermissionCheck check;
    check.step = step.step->id;
    check.action = spec->name;
    check.change = spec->mutating;
    check.resolved = false;
    check.audience = audience_of_permission(permission);
    check.permission = permission;
    if (check.audience == "keyvault") {
      const auto [method, path] = request_for_data_action(permission);
      add(std::move(check), "https://vault" + path, method);
      continue;
    }
    add(std::move(check), m_cloud.resource_manager + resource, spec->mutating ? "POST" : "GET");
  }
  return result;
}

} // namespace dftriage::exec
