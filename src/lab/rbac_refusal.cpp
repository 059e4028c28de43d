// Restricted mode's one gate: whether the caller holds what each request needs
// (rbac_operations.cpp names it; Key Vault access policies, Log Analytics' query right)
// and the 403 each service answers when it does not, in that service's words.

#include "dftriage/util/text.hpp"
#include "keyvault_plane.hpp"
#include "rbac.hpp"
#include "token.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace dftriage::lab {

namespace {

using azure::OperationKind;

// ARM requests every principal may send: the lists that ARM filters by access rather
// than refuses, and the permissions API (a principal may always read its own rights).
bool arm_needs_no_right(const LabRequest& request)
{
  static const std::regex k_free(
      "/+(subscriptions|tenants)/?|.*/providers/Microsoft\\.Authorization/permissions/?",
      std::regex::icase | std::regex::ECMAScript);
  return request.method == "GET" && std::regex_match(request.path, k_free);
}

std::string caller_text(const State& state, const LabRequest& request, const std::string& object_id)
{
  return "appid=" + request.caller + ";oid=" + object_id + ";iss=https://sts.windows.net/" +
         state.config.tenant_id + "/";
}

// ARM's linked access check: a NIC or subnet written with an NSG also needs the right to
// join that NSG, over the NSG.
std::optional<LabResponse> linked_refusal(const State& state, const LabRequest& request,
                                          const std::string& object_id, const ArmOperation& op)
{
  static const std::regex k_joins(
      "Microsoft\\.Network/(networkInterfaces|virtualNetworks/subnets)/write",
      std::regex::icase | std::regex::ECMAScript);
  if (!std::regex_match(op.operation, k_joins)) {
    return std::nullopt;
  }
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  const auto* properties =
      body.is_object() && body.contains("properties") ? &body["properties"] : nullptr;
  if (properties == nullptr || !properties->is_object() ||
      !properties->contains("networkSecurityGroup") ||
      !(*properties)["networkSecurityGroup"].is_object()) {
    return std::nullopt;
  }
  const std::string nsg = (*properties)["networkSecurityGroup"].value("id", "");
  const std::string join = "Microsoft.Network/networkSecurityGroups/join/action";
  if (nsg.empty() ||
      azure::grants(permissions_at(state, object_id, nsg), join, OperationKind::control)) {
    return std::nullopt;
  }
  LabResponse response = LabResponse::arm_error(
      403, "LinkedAuthorizationFailed",
      "The client '" + request.caller + "' with object id '" + object_id +
          "' has permission to perform action '" + op.operation + "' on scope '" + op.scope +
          "'; however, it does not have permission to perform action '" + join +
          "' on the linked scope(s) '" + nsg + "' or the linked scope(s) are invalid.");
  response.with_header("x-ms-failure-cause", "gateway");
  return response;
}

std::optional<LabResponse> arm_refusal(const State& state, const LabRequest& request,
                                       const std::string& object_id)
{
  if (arm_needs_no_right(request)) {
    return std::nullopt;
  }
  const ArmOperation op = arm_operation(request.method, request.path);
  if (azure::grants(permissions_at(state, object_id, op.scope), op.operation,
                    OperationKind::control)) {
    return linked_refusal(state, request, object_id, op);
  }
  LabResponse response = LabResponse::arm_error(
      403, "AuthorizationFailed",
      "The client '" + request.caller + "' with object id '" + object_id +
          "' does not have authorization to perform action '" + op.operation + "' over scope '" +
          op.scope +
          "' or the scope is invalid. If access was recently granted, please refresh your "
          "credentials.");
  response.with_header("x-ms-failure-cause", "gateway");
  return response;
}

// Key Vault's name for a data-plane call in its audit log ("SecretList", "KeyGet", ...).
std::string audit_operation(std::string_view method, const std::vector<std::string>& parts)
{
  std::string root = lower(parts.empty() ? "" : parts[0]);
  const bool deleted = root.rfind("deleted", 0) == 0;
  if (deleted) {
    root = root.substr(7);
  }
  std::string kind = root == "keys" ? "Key" : root == "certificates" ? "Certificate" : "Secret";
  const std::string last = lower(parts.empty() ? "" : parts.back());
  const std::size_t n = parts.size();
  if (deleted) {
    return kind + (method == "DELETE"  ? "Purge"
                   : last == "recover" ? "Recover"
                   : n == 1            ? "ListDeleted"
                                       : "GetDeleted");
  }
  if (method == "GET") {
    return kind + (n == 1               ? "List"
                   : last == "versions" ? "ListVersions"
                   : last == "policy"   ? "PolicyGet"
                   : last == "pending"  ? "PendingGet"
                                        : "Get");
  }
  if (method == "POST" && n >= 3) {
    std::string verb = parts.back();
    verb[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(verb[0])));
    return kind + verb;
  }
  return kind + (method == "PUT"      ? (root == "secrets" ? "Set" : "Import")
                 : method == "PATCH"  ? "Update"
                 : method == "DELETE" ? "Delete"
                                      : "Restore");
}

std::optional<LabResponse> keyvault_refusal(State& state, const LabRequest& request,
                                            const std::string& object_id)
{
  const std::string name = keyvault::vault_of(request);
  const Json* vault = keyvault::vault_resource(state, name);
  // An unknown vault is the handler's 404; a caller the firewall keeps out hears that first.
  if (state.vaults.count(name) == 0 || vault == nullptr ||
      keyvault::firewall_refusal(state, request, name)) {
    return std::nullopt;
  }
  const auto parts = text::split_path(request.path);
  const Json properties = vault->value("properties", Json::object());
  const std::string where = "Vault: " + name + ";location=" + vault->value("location", "");
  const std::string caller = caller_text(state, request, object_id);
  std::optional<ArmFault> refused;
  if (properties.value("enableRbacAuthorization", false)) {
    const std::string action = keyvault_data_action(request.method, request.path);
    std::string resource = vault->value("id", "");
    if (parts.size() >= 2) {
      const std::string root = lower(parts[0]);
      resource += "/" + (root.rfind("deleted", 0) == 0 ? root.substr(7) : root) + "/" + parts[1];
    }
    resource = lower(resource);
    if (action.empty() ||
        azure::grants(permissions_at(state, object_id, resource), action, OperationKind::data)) {
      return std::nullopt;
    }
    refused = keyvault::keyvault_forbidden(
        "ForbiddenByRbac",
        "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny "
        "assignments or role definitions were changed recently, please observe propagation "
        "time.\r\nCaller: " +
            caller + "\r\nAction: '" + action + "'\r\nResource: '" + resource +
            "'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: "
            "'DeniedWithNoValidRBAC' \r\n" +
            where + "\r\n");
  } else {
    const auto need = azure::access_policy_need(request.method, request.path);
    if (!need) {
      return std::nullopt;
    }
    const auto& denied = state.config.denied.access_policy;
    const bool taken = std::any_of(denied.begin(), denied.end(), [&](const auto& d) {
      return d.first == lower(need->category) && d.second == lower(need->permission);
    });
    const Json policies = properties.value("accessPolicies", Json::array());
    const bool granted = std::any_of(policies.begin(), policies.end(), [&](const Json& p) {
      return p.is_object() && lower(p.value("objectId", "")) == lower(object_id) &&
             azure::access_policy_grants(
                 nlohmann::json::parse(p.value("permissions", Json::object()).dump()), *need);
    });
    if (granted && !taken) {
      return std::nullopt;
    }
    refused = keyvault::keyvault_forbidden(
        "AccessDenied", "The user, group or application '" + caller + "' does not have " +
                            need->category + " " + need->permission + " permission on key vault '" +
                            name + ";location=" + vault->value("location", "") +
                            "'. For help resolving this issue, please see "
                            "https://go.microsoft.com/fwlink/?linkid=2125287");
  }
  keyvault::audit(state, request, audit_operation(request.method, parts), 403);
  return LabResponse::json(403, *refused->body);
}

std::optional<LabResponse> graph_refusal(const State& state, const LabRequest& request,
                                         const TokenInfo& token)
{
  const std::string needed = graph_permission_needed(request.method, request.path, request.body);
  std::vector<std::string> held;
  const auto& denied = state.config.denied.graph;
  for (const auto& role : token.roles) {
    if (std::none_of(denied.begin(), denied.end(),
                     [&](const std::string& d) { return text::iequals(d, role); })) {
      held.push_back(role);
    }
  }
  if (needed.empty() ||
      azure::graph_permission_held(needed, held, azure::GraphTokenKind::application)) {
    return std::nullopt;
  }
  const std::string request_id = random_guid();
  return LabResponse::json(403,
                           Json{{"error",
                                 {{"code", "Authorization_RequestDenied"},
                                  {"message", "Insufficient privileges to complete the operation."},
                                  {"innerError",
                                   {{"date", state.now_iso().substr(0, 19)},
                                    {"request-id", request_id},
                                    {"client-request-id",
                                     request.header("client-request-id").value_or(request_id)}}}}}})
      .with_header("request-id", request_id);
}

std::optional<LabResponse> log_analytics_refusal(State& state, const LabRequest& request,
                                                 const std::string& object_id)
{
  const auto parts = text::split_path(request.path);
  const std::string workspace = parts.size() >= 3 ? lower(parts[2]) : "";
  // A workspace the lab holds as an ARM resource is checked there; one it knows only by
  // its customer ID (seeded Key Vault audit logs), at the lab's subscription.
  std::string scope = "/subscriptions/" + state.config.subscription_id;
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) == "microsoft.operationalinsights/workspaces" &&
        lower(resource.value("properties", Json::object()).value("customerId", "")) == workspace) {
      scope = resource.value("id", scope);
    }
  }
  if (azure::grants(permissions_at(state, object_id, scope),
                    "Microsoft.OperationalInsights/workspaces/query/read",
                    OperationKind::control)) {
    return std::nullopt;
  }
  return LabResponse::json(
      403, Json{{"error",
                 {{"message", "The provided credentials have insufficient access to perform "
                              "the requested operation"},
                  {"code", "InsufficientAccessError"},
                  {"correlationId", random_guid()}}}});
}

} // namespace

std::optional<LabResponse> refusal(State& state, const LabRequest& request,
                                   std::string_view audience)
{
  const TokenInfo* token = bearer_token(state, request);
  if (!state.config.restricted || token == nullptr || token->object_id.empty() ||
      lower(token->object_id) != lower(state.config.object_id)) {
    return std::nullopt;
  }
  LabRequest asked = request;
  asked.caller = token->client_id;
  const std::string object_id = token->object_id;
  if (audience == "arm") {
    return arm_refusal(state, asked, object_id);
  }
  if (audience == "keyvault") {
    return keyvault_refusal(state, asked, object_id);
  }
  if (audience == "graph") {
    return graph_refusal(state, asked, *token);
  }
  if (audience == "loganalytics") {
    return log_analytics_refusal(state, asked, object_id);
  }
  return std::nullopt;
}

} // namespace dftriage::lab
