// Microsoft Graph (v1.0) identity actions: read, disable, revoke, delete users; read any
// principal; directory roles.

#include "dftriage/util/text.hpp"
#include "families.hpp"
#include "graph_support.hpp"

namespace dftriage::azure::actions {

namespace {

const char* k_user_select = "id,userPrincipalName,accountEnabled";

bool is_hex_guid(std::string_view s)
{
  if (s.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok =
        i == 8 || i == 13 || i == 18 || i == 23
            ? c == '-'
            : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) {
      return false;
    }
  }
  return true;
}

// True for a user principal name as Entra ID allows it: local@domain, at most 113
// characters, the local part of letters, digits and ' . - _ ! # ^ ~ (guests' #EXT#).
bool is_upn(std::string_view s)
{
  const std::size_t at = s.find('@');
  if (s.size() > 113 || at == 0 || at == std::string_view::npos || at + 1 == s.size() ||
      s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const std::string_view extra = i < at ? std::string_view("'.-_!#^~") : std::string_view(".-");
    if (i != at && !alnum && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

} // namespace

ParamSpec user_param()
{
  return ParamSpec{
      "user", ParamType::string, true, {}, {}, "The user's object ID or user principal name"};
}

const std::string& user_arg(const ActionArgs& args)
{
  const std::string& user = args.text("user");
  if (!is_hex_guid(user) && !is_upn(user)) {
    throw ActionError(
        "parameter user: expected an object ID (GUID) or a user principal name, got " +
        text::quote(user));
  }
  return user;
}

UrlBuilder graph_url(const Cloud& cloud)
{
  UrlBuilder url(cloud.graph);
  url.segment(api_version::k_graph);
  return url;
}

Request graph_request(std::string method, const UrlBuilder& url)
{
  Request r;
  r.method = std::move(method);
  r.url = url.str();
  r.audience = "graph";
  return r;
}

namespace {

// Reads any directory object, and a principal's transitive memberships.
const char* k_directory_read = "Directory.Read.All";

// Returns the pre-image read of the user: its ID, UPN and whether it is enabled.
Request user_pre_image(const std::string& user, const Cloud& cloud)
{
  auto r = graph_request(
      "GET", graph_url(cloud).segment("users").segment(user).query("$select", k_user_select));
  return as_pre_image(r, k_user_read);
}

ActionSpec get_user()
{
  ActionSpec spec{"graph.user.get",
                  "Read an Entra ID user: UPN, enabled, type, creation and last password change",
                  {user_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  k_user_read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = graph_request(
        "GET",
        graph_url(cloud)
            .segment("users")
            .segment(user_arg(args))
            .query("$select", "id,displayName,userPrincipalName,mail,accountEnabled,userType,"
                              "createdDateTime,lastPasswordChangeDateTime,onPremisesSyncEnabled"));
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec disable_user()
{
  ActionSpec spec{
      "graph.user.disable",
      "Block an Entra ID user's sign-in (accountEnabled false); existing tokens stay valid until "
      "they expire",
      {user_param()},
      true,
      Reversibility::reversible,
      "PATCH accountEnabled back to its pre-image value",
      "User.EnableDisableAccount.All",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "用 PATCH 把 accountEnabled 恢复为更改前的值";
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                pre_image_need(k_user_read, PermissionPlane::graph),
                undo_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& user = user_arg(args);
    ActionRequests out;
    out.pre_image.push_back(user_pre_image(user, cloud));
    auto r = graph_request("PATCH", graph_url(cloud).segment("users").segment(user));
    r.body = nlohmann::ordered_json{{"accountEnabled", false}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) {
    const auto* enabled = select(pre_body(pre), "/accountEnabled");
    return enabled != nullptr && *enabled == false;
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const auto* enabled = select(pre_body(pre), "/accountEnabled");
    if (enabled != nullptr && *enabled == true) {
      auto r = graph_request("PATCH", graph_url(cloud).segment("users").segment(user_arg(args)));
      r.body = nlohmann::ordered_json{{"accountEnabled", true}};
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

ActionSpec revoke_sessions()
{
  ActionSpec spec{
      "graph.user.revoke_sessions",
      "Revoke an Entra ID user's refresh tokens and session cookies (takes a few minutes to apply)",
      {user_param()},
      true,
      Reversibility::irreversible,
      "",
      "User.RevokeSessions.All",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = graph_request(
        "POST",
        graph_url(cloud).segment("users").segment(user_arg(args)).segment("revokeSignInSessions"));
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_user()
{
  ActionSpec spec{
      "graph.user.delete",
      "Delete an Entra ID user (soft delete: restorable for 30 days)",
      {user_param()},
      true,
      Reversibility::reversible,
      "Within 30 days: POST /directory/deletedItems/{id}/restore with the id from the pre-image",
      "User.ReadWrite.All",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "30 天内：用更改前记录的 ID 调用 POST /directory/deletedItems/{id}/restore";
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                pre_image_need(k_user_read, PermissionPlane::graph),
                undo_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& user = user_arg(args);
    ActionRequests out;
    out.pre_image.push_back(user_pre_image(user, cloud));
    auto r = graph_request("DELETE", graph_url(cloud).segment("users").segment(user));
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  spec.revert = [spec](const ActionArgs&, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const std::string id = text_at(pre_body(pre), "/id");
    if (!absent(pre) && !id.empty()) {
      auto r = graph_request("POST", graph_url(cloud)
                                         .segment("directory")
                                         .segment("deletedItems")
                                         .segment(id)
                                         .segment("restore"));
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

ActionSpec directory_roles()
{
  ActionSpec spec{"graph.principal.directory_roles",
                  "List a user's or service principal's Entra ID directory roles: direct "
                  "assignments (with role "
                  "definitions) and transitive memberships (groups, roles)",
                  {{"principalId", ParamType::guid, true, {}, {}, "The principal's object ID"},
                   {"principalType",
                    ParamType::choice,
                    false,
                    {},
                    {"User", "ServicePrincipal"},
                    "Default User"}},
                  false,
                  Reversibility::read_only,
                  "",
                  "RoleManagement.Read.Directory",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                own_need(k_directory_read, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& id = args.text("principalId");
    ActionRequests out;
    auto assignments =
        graph_request("GET", graph_url(cloud)
                                 .segment("roleManagement")
                                 .segment("directory")
                                 .segment("roleAssignments")
                                 .query("$filter", "principalId eq " + odata_string(id))
                                 .query("$expand", "roleDefinition"));
    out.requests.push_back(as_action(assignments, spec));
    const bool sp = args.text("principalType") == "ServicePrincipal";
    auto member_of = graph_request("GET", graph_url(cloud)
                                              .segment(sp ? "servicePrincipals" : "users")
                                              .segment(id)
                                              .segment("transitiveMemberOf"));
    as_action(member_of, spec).permission = k_directory_read;
    out.requests.push_back(member_of);
    return out;
  };
  return spec;
}

ActionSpec get_principal()
{
  // Any directory object by ID: an alert's object ID may be a user, a service principal
  // (an app or a managed identity) or a group, and each is contained differently.
  ActionSpec spec{
      "graph.principal.get",
      "Read any Entra ID principal by object ID: whether it is a user, a service principal or a "
      "group "
      "(@odata.type), its name, UPN or appId, whether it is enabled and synced from on-premises",
      {{"principalId", ParamType::guid, true, {}, {}, "The principal's object ID"}},
      false,
      Reversibility::read_only,
      "",
      k_directory_read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = graph_request(
        "GET", graph_url(cloud)
                   .segment("directoryObjects")
                   .segment(args.text("principalId"))
                   .query("$select", "id,displayName,userPrincipalName,appId,servicePrincipalType,"
                                     "accountEnabled,onPremisesSyncEnabled"));
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

void add_graph(std::vector<ActionSpec>& out)
{
  out.push_back(get_principal());
  out.push_back(get_user());
  out.push_back(disable_user());
  out.push_back(revoke_sessions());
  out.push_back(delete_user());
  out.push_back(directory_roles());
}

} // namespace dftriage::azure::actions
