// Microsoft Graph v1.0 for credential response: any directory object by ID (users,
// service principals, groups, with their @odata.type), service principals' updates
// (accountEnabled), users' authentication methods (list, get, delete) and applications'
// client secrets (by appId: read without secret text, removePassword).

#include "graph_support.hpp"
#include "modules.hpp"

namespace dftriage::lab {

namespace {

// Graph's well-known ID of every user's password method, and of a mobile phone.
const char* k_password_method_id = "28c10230-6103-485e-b985-444c60001490";
const char* k_mobile_phone_id = "3179e48a-750b-4051-897c-87b9720928f7";

// Returns the string member `key` of `doc`, or "" (absent, null or not a string).
std::string text_of(const Json& doc, const char* key)
{
  return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>()
                                                                      : std::string();
}

LabResponse no_content()
{
  auto response = LabResponse::empty(204);
  response.with_header("request-id", random_guid());
  return response;
}

Json& require_service_principal(State& state, const std::string& id)
{
  const auto it = state.service_principals.find(lower(id));
  if (it == state.service_principals.end()) {
    graph_not_found(state, id);
  }
  return it->second;
}

// Returns the @odata.type of the methods a collection segment ("phone" of phoneMethods) holds.
std::string method_type(const std::string& collection)
{
  return "#microsoft.graph." + collection + "AuthenticationMethod";
}

// Returns the application with this appId (any case), or throws Graph's 404.
Json& require_application(State& state, const std::string& app_id)
{
  for (auto& [id, app] : state.applications) {
    if (lower(text_of(app, "appId")) == lower(app_id)) {
      return app;
    }
  }
  graph_not_found(state, "appId='" + app_id + "'");
}

// Returns `app` as Graph reads it: a password credential's secretText is never returned.
Json readable(Json app)
{
  if (app.contains("passwordCredentials") && app["passwordCredentials"].is_array()) {
    for (auto& credential : app["passwordCredentials"]) {
      if (credential.is_object()) {
        credential["secretText"] = nullptr;
      }
    }
  }
  return app;
}

// Returns the alternate key's value: "'a''b'" is a''b in the path, a'b as the value.
std::string odata_value(const std::string& quoted)
{
  std::string out;
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    out += quoted[i];
    if (quoted[i] == '\'' && i + 1 < quoted.size() && quoted[i + 1] == '\'') {
      ++i;
    }
  }
  return out;
}

void add_directory_object_routes(Router& router, State& state, const RouteOptions& options)
{
  router.add("GET", "/v1\\.0/directoryObjects/" + k_graph_id, options,
             [&state](const LabRequest& r, const Captures& c) {
               const std::string key = lower(c[1]);
               Json found;
               if (const auto user = state.users.find(key); user != state.users.end()) {
                 found = selected(user->second, r);
                 found["@odata.type"] = "#microsoft.graph.user";
               } else if (const auto sp = state.service_principals.find(key);
                          sp != state.service_principals.end()) {
                 found = selected(sp->second, r);
                 found["@odata.type"] = "#microsoft.graph.servicePrincipal";
               } else if (const auto group = state.groups.find(key); group != state.groups.end()) {
                 found = selected(group->second, r);
                 found["@odata.type"] = "#microsoft.graph.group";
               } else {
                 graph_not_found(state, c[1]);
               }
               return graph_json(
                   200, found, state.config.origin(r) + "/v1.0/$metadata#directoryObjects/$entity");
             });
  router.add("PATCH", "/v1\\.0/servicePrincipals/" + k_graph_id, options,
             [&state](const LabRequest& r, const Captures& c) {
               Json& sp = require_service_principal(state, c[1]);
               const Json body = r.json_body();
               if (!body.is_object()) {
                 graph_fault(state, 400, "BadRequest", "The request body must be a JSON object.");
               }
               for (const auto& [key, value] : body.items()) {
                 if (key == "id" || key == "appId" || key == "servicePrincipalType" ||
                     key == "passwordCredentials") {
                   graph_fault(state, 400, "Request_BadRequest",
                               "Property '" + key + "' is read-only and cannot be set.");
                 }
                 sp[key] = value;
               }
               return no_content();
             });
}

void add_auth_method_routes(Router& router, State& state, const RouteOptions& options)
{
  const std::string base = "/v1\\.0/users/" + k_graph_id + "/authentication/";
  router.add("GET", base + "methods", options, [&state](const LabRequest& r, const Captures& c) {
    const Json& user = require_user(state, c[1]);
    Json value = Json::array();
    for (const auto& method : auth_methods_of(state, user)) {
      value.push_back(method);
    }
    return graph_json(200, Json{{"value", value}},
                      state.config.origin(r) + "/v1.0/$metadata#users('" + text_of(user, "id") +
                          "')/authentication/methods");
  });
  // One method through its own collection (phoneMethods/{id}, …) or through methods/{id}.
  const auto find = [&state](const Captures& c) -> std::pair<std::vector<Json>*, std::size_t> {
    Json& user = require_user(state, c[1]);
    auto& methods = auth_methods_of(state, user);
    const bool any = lower(c[2]) == "methods";
    const std::string type = any ? "" : lower(method_type(c[2].substr(0, c[2].size() - 7)));
    for (std::size_t i = 0; i < methods.size(); ++i) {
      if (lower(text_of(methods[i], "id")) == lower(c[3]) &&
          (any || lower(text_of(methods[i], "@odata.type")) == type)) {
        return {&methods, i};
      }
    }
    graph_not_found(state, c[3]);
  };
  const std::string one = base + "([A-Za-z0-9]+Methods|methods)/" + k_graph_id;
  router.add("GET", one, options, [&state, find](const LabRequest& r, const Captures& c) {
    const auto [methods, index] = find(c);
    return graph_json(200, (*methods)[index],
                      state.config.origin(r) + "/v1.0/$metadata#users('" + c[1] +
                          "')/authentication/" + c[2] + "/$entity");
  });
  router.add("DELETE", one, options, [&state, find](const LabRequest&, const Captures& c) {
    const auto [methods, index] = find(c);
    if (text_of((*methods)[index], "@odata.type") ==
        "#microsoft.graph.passwordAuthenticationMethod") {
      graph_fault(state, 400, "badRequest", "A user's password method cannot be deleted.");
    }
    methods->erase(methods->begin() + static_cast<std::ptrdiff_t>(index));
    return no_content();
  });
}

void add_application_routes(Router& router, State& state, const RouteOptions& options)
{
  const std::string by_app_id = "/v1\\.0/applications\\(appId='((?:[^']|'')*)'\\)";
  router.add("GET", by_app_id, options, [&state](const LabRequest& r, const Captures& c) {
    const Json& app = require_application(state, odata_value(c[1]));
    return graph_json(200, selected(readable(app), r),
                      state.config.origin(r) + "/v1.0/$metadata#applications/$entity");
  });
  router.add("GET", "/v1\\.0/applications/" + k_graph_id, options,
             [&state](const LabRequest& r, const Captures& c) {
               const auto it = state.applications.find(lower(c[1]));
               if (it == state.applications.end()) {
                 graph_not_found(state, c[1]);
               }
               return graph_json(200, selected(readable(it->second), r),
                                 state.config.origin(r) + "/v1.0/$metadata#applications/$entity");
             });
  router.add("POST", by_app_id + "/removePassword", options,
             [&state](const LabRequest& r, const Captures& c) {
               Json& app = require_application(state, odata_value(c[1]));
               const Json body = r.json_body();
               const std::string key_id =
                   body.is_object() && body.contains("keyId") && body["keyId"].is_string()
                       ? body["keyId"].get<std::string>()
                       : std::string();
               if (key_id.empty()) {
                 graph_fault(state, 400, "Request_BadRequest",
                             "The keyId of the password credential to remove is required.");
               }
               if (app.contains("passwordCredentials") && app["passwordCredentials"].is_array()) {
                 auto& credentials = app["passwordCredentials"];
                 for (auto it = credentials.begin(); it != credentials.end(); ++it) {
                   if (lower(text_of(*it, "keyId")) == lower(key_id)) {
                     credentials.erase(it);
                     return no_content();
                   }
                 }
               }
               graph_fault(state, 400, "Request_BadRequest",
                           "No password credential found with keyId '" + key_id + "'.");
             });
}

} // namespace

std::vector<Json>& auth_methods_of(State& state, const Json& user)
{
  const std::string id = lower(text_of(user, "id"));
  const auto it = state.auth_methods.find(id);
  if (it != state.auth_methods.end()) {
    return it->second;
  }
  const std::string created =
      text_of(user, "createdDateTime").empty() ? state.now_iso() : text_of(user, "createdDateTime");
  const std::string password_set = text_of(user, "lastPasswordChangeDateTime").empty()
                                       ? created
                                       : text_of(user, "lastPasswordChangeDateTime");
  // A number of the fictional 555-0100..0199 range, the same for the same user.
  const unsigned n =
      static_cast<unsigned>(std::stoul(stable_guid("phone/" + id).substr(0, 4), nullptr, 16) % 100);
  const std::string phone = std::string("+1 42555501") + static_cast<char>('0' + n / 10) +
                            static_cast<char>('0' + n % 10);
  return state.auth_methods[id] = {
             Json{{"@odata.type", "#microsoft.graph.passwordAuthenticationMethod"},
                  {"id", k_password_method_id},
                  {"password", nullptr},
                  {"createdDateTime", password_set}},
             Json{{"@odata.type", "#microsoft.graph.phoneAuthenticationMethod"},
                  {"id", k_mobile_phone_id},
                  {"phoneNumber", phone},
                  {"phoneType", "mobile"},
                  {"smsSignInState", "notAllowedByPolicy"}},
             Json{{"@odata.type", "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"},
                  {"id", stable_guid("authenticator/" + id)},
                  {"displayName", "iPhone 15"},
                  {"deviceTag", "SoftwareTokenActivated"},
                  {"phoneAppVersion", "6.8.14"},
                  {"createdDateTime", created}}};
}

void add_graph_credential_routes(Router& router, State& state)
{
  const RouteOptions options{{}, "graph", ""};
  add_directory_object_routes(router, state, options);
  add_auth_method_routes(router, state, options);
  add_application_routes(router, state, options);
}

} // namespace dftriage::lab
