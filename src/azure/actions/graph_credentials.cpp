// Microsoft Graph credentials and principals: password reset, MFA methods, application
// secrets, service principals.

#include "dftriage/util/text.hpp"
#include "families.hpp"
#include "graph_support.hpp"

#include <algorithm>

namespace dftriage::azure::actions {

namespace {

const char* k_app_read = "Application.Read.All";
const char* k_app_write = "Application.ReadWrite.All";
const char* k_methods_read = "UserAuthenticationMethod.Read.All";

ParamSpec app_id_param()
{
  return ParamSpec{"appId", ParamType::guid,
                   true,    {},
                   {},      "The application's appId (client ID), not its object ID"};
}

// True for a value that can only ever be one URL path segment: 1-256 bytes, no '/',
// '\' or control characters, not "." or "..".
bool is_one_segment(std::string_view s)
{
  return !s.empty() && s.size() <= 256 && s != "." && s != ".." &&
         std::none_of(s.begin(), s.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u < 0x20 || u == 0x7F || c == '/' || c == '\\';
         });
}

// Returns {graph}/v1.0/applications(appId='{appId}'): the application by its alternate
// key. The key's parentheses and quotes are Graph's syntax; the value inside is an OData
// string (quotes doubled) and percent-encoded, so it cannot end the key or the segment.
UrlBuilder application_url(const std::string& app_id, const Cloud& cloud)
{
  const std::string literal = odata_string(app_id);
  return UrlBuilder(graph_url(cloud).str() + "/applications(appId='" +
                    encode_segment(std::string_view(literal).substr(1, literal.size() - 2)) + "')");
}

// Returns the pre-image read of an application's credentials (never their secret text:
// Graph returns only a hint).
Request application_read(const std::string& app_id, const Cloud& cloud)
{
  return graph_request(
      "GET", application_url(app_id, cloud)
                 .query("$select", "id,appId,displayName,passwordCredentials,keyCredentials"));
}

ActionSpec disable_service_principal()
{
  ActionSpec spec{"graph.service_principal.disable",
                  "Disable a service principal (accountEnabled false): the app or managed identity "
                  "can no longer "
                  "sign in or get tokens in this tenant, whatever credential it holds; tokens "
                  "already issued stay "
                  "valid until they expire",
                  {{"principalId",
                    ParamType::guid,
                    true,
                    {},
                    {},
                    "The service principal's object ID (not its appId)"}},
                  true,
                  Reversibility::reversible,
                  "PATCH accountEnabled back to true when the pre-image shows it enabled",
                  k_app_write,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.undo_zh = "若更改前为启用状态，用 PATCH 把 accountEnabled 恢复为 true";
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                pre_image_need(k_app_read, PermissionPlane::graph),
                undo_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& id = args.text("principalId");
    ActionRequests out;
    auto before = graph_request(
        "GET", graph_url(cloud)
                   .segment("servicePrincipals")
                   .segment(id)
                   .query("$select", "id,appId,displayName,servicePrincipalType,accountEnabled"));
    out.pre_image.push_back(as_pre_image(before, k_app_read));
    auto r = graph_request("PATCH", graph_url(cloud).segment("servicePrincipals").segment(id));
    r.body = nlohmann::ordered_json{{"accountEnabled", false}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    return absent(pre)
               ? "no service principal has object ID " + text::quote(args.text("principalId")) +
                     " (a user's ID? disable users with graph.user.disable)"
               : std::string();
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) {
    const auto* enabled = select(pre_body(pre), "/accountEnabled");
    return enabled != nullptr && *enabled == false;
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const auto* enabled = select(pre_body(pre), "/accountEnabled");
    if (enabled != nullptr && *enabled == true) {
      auto r = graph_request(
          "PATCH", graph_url(cloud).segment("servicePrincipals").segment(args.text("principalId")));
      r.body = nlohmann::ordered_json{{"accountEnabled", true}};
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

ActionSpec reset_user_password()
{
  ActionSpec spec{
      "graph.user.reset_password",
      "Reset an Entra ID user's password to a random one made at run time, shown once at a "
      "terminal "
      "and kept nowhere (change forced at next sign-in): the attacker is locked out, and so is the "
      "user "
      "until they get it through a channel the attacker cannot read, or the help desk issues "
      "another; "
      "sessions stay valid (revoke them too); refused for accounts synced from on-premises Active "
      "Directory",
      {user_param()},
      true,
      Reversibility::irreversible,
      "",
      "User-PasswordProfile.ReadWrite.All",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                pre_image_need(k_user_read, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& user = user_arg(args);
    ActionRequests out;
    auto before = graph_request(
        "GET", graph_url(cloud).segment("users").segment(user).query(
                   "$select", "id,userPrincipalName,accountEnabled,onPremisesSyncEnabled"));
    out.pre_image.push_back(as_pre_image(before, k_user_read));
    auto r = graph_request("PATCH", graph_url(cloud).segment("users").segment(user));
    r.body = nlohmann::ordered_json{
        {"passwordProfile",
         {{"forceChangePasswordNextSignIn", true}, {"password", k_generated_secret}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    if (absent(pre)) {
      return "no user " + text::quote(args.text("user")) + " in this tenant";
    }
    const auto* synced = select(pre_body(pre), "/onPremisesSyncEnabled");
    if (synced != nullptr && *synced == true) {
      const std::string upn = text_at(pre_body(pre), "/userPrincipalName");
      return text::quote(upn.empty() ? args.text("user") : upn) +
             " is synced from on-premises Active Directory: reset it in on-premises Active "
             "Directory (a "
             "password set in Entra ID would be refused or overwritten by the next sync)";
    }
    return std::string();
  };
  return spec;
}

ActionSpec list_auth_methods()
{
  ActionSpec spec{
      "graph.user.auth_methods.list",
      "List a user's authentication methods (password, phone, Authenticator, FIDO2, e-mail, "
      "temporary access pass, …) with their IDs and registration details, to find one an attacker "
      "added",
      {user_param()},
      false,
      Reversibility::read_only,
      "",
      k_methods_read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = graph_request("GET", graph_url(cloud)
                                      .segment("users")
                                      .segment(user_arg(args))
                                      .segment("authentication")
                                      .segment("methods"));
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_auth_method()
{
  ActionSpec spec{"graph.user.auth_method.delete",
                  "Delete one of a user's authentication methods (one an attacker registered); the "
                  "pre-image keeps "
                  "what it was, but only the user can register it again",
                  {user_param(),
                   {"methodType",
                    ParamType::choice,
                    true,
                    {},
                    {"phone", "email", "fido2", "microsoftAuthenticator", "softwareOath",
                     "temporaryAccessPass", "windowsHelloForBusiness"},
                    "The method's kind, as its @odata.type names it"},
                   {"methodId",
                    ParamType::string,
                    true,
                    {},
                    {},
                    "The method's ID from graph.user.auth_methods.list"}},
                  true,
                  Reversibility::irreversible,
                  "",
                  "UserAuthenticationMethod.ReadWrite.All",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                pre_image_need(k_methods_read, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& id = args.text("methodId");
    if (!is_one_segment(id)) {
      throw ActionError(
          "parameter methodId: expected one authentication method ID (no '/', '\\' or control "
          "characters), got " +
          text::quote(id));
    }
    const auto url = graph_url(cloud)
                         .segment("users")
                         .segment(user_arg(args))
                         .segment("authentication")
                         .segment(args.text("methodType") + "Methods")
                         .segment(id);
    ActionRequests out;
    auto before = graph_request("GET", url);
    out.pre_image.push_back(as_pre_image(before, k_methods_read));
    auto r = graph_request("DELETE", url);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  return spec;
}

ActionSpec list_application_credentials()
{
  ActionSpec spec{"graph.application.credentials.list",
                  "List an app registration's client secrets (keyId, name, hint, start and end) "
                  "and certificates, "
                  "to find one an attacker added; secret values are never returned",
                  {app_id_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  k_app_read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = application_read(args.text("appId"), cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec remove_application_password()
{
  ActionSpec spec{"graph.application.remove_password",
                  "Remove one client secret from an app registration by its keyId: whoever holds "
                  "it can no longer "
                  "get tokens with it; a removed secret cannot be restored",
                  {app_id_param(), {"keyId", ParamType::guid, true, {}, {}, "The secret's keyId"}},
                  true,
                  Reversibility::irreversible,
                  "",
                  k_app_write,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, PermissionPlane::graph),
                pre_image_need(k_app_read, PermissionPlane::graph)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& app_id = args.text("appId");
    ActionRequests out;
    auto before = application_read(app_id, cloud);
    out.pre_image.push_back(as_pre_image(before, k_app_read));
    auto r = graph_request("POST", application_url(app_id, cloud).segment("removePassword"));
    r.body = nlohmann::ordered_json{{"keyId", args.text("keyId")}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    return absent(pre) ? "no app registration has appId " + text::quote(args.text("appId")) +
                             " in this tenant (an app of another tenant is contained by disabling "
                             "its service "
                             "principal here)"
                       : std::string();
  };
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    const auto* credentials = select(pre_body(pre), "/passwordCredentials");
    if (absent(pre) || credentials == nullptr || !credentials->is_array()) {
      return false;
    }
    return std::none_of(credentials->begin(), credentials->end(),
                        [&](const nlohmann::ordered_json& c) {
                          return text::iequals(text_at(c, "/keyId"), args.text("keyId"));
                        });
  };
  return spec;
}

} // namespace

void add_graph_credentials(std::vector<ActionSpec>& out)
{
  out.push_back(disable_service_principal());
  out.push_back(reset_user_password());
  out.push_back(list_auth_methods());
  out.push_back(delete_auth_method());
  out.push_back(list_application_credentials());
  out.push_back(remove_application_password());
}

} // namespace dftriage::azure::actions
