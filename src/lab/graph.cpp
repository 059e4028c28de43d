// Microsoft Graph v1.0: users (get by ID or UPN, update, delete to the recycle bin,
// restore, revoke sessions), service principals, directory role assignments and
// transitive memberships; Graph's own error shape and request-id header. Directory
// objects, authentication methods and applications are in graph_credentials.cpp.

#include "graph_support.hpp"
#include "modules.hpp"

namespace dftriage::lab {

[[noreturn]] void graph_fault(State& state, int status, const std::string& code,
                              const std::string& message)
{
  throw ArmFault{
      status,
      code,
      message,
      Json{{"error",
            {{"code", code},
             {"message", message},
             {"innerError",
              {{"date", state.now_iso().substr(0, 19)}, {"request-id", random_guid()}}}}}},
      {}};
}

Json* find_user(State& state, const std::string& key)
{
  const auto it = state.users.find(lower(key));
  if (it != state.users.end()) {
    return &it->second;
  }
  for (auto& [id, user] : state.users) {
    if (lower(user.value("userPrincipalName", "")) == lower(key)) {
      return &user;
    }
  }
  return nullptr;
}

void graph_not_found(State& state, const std::string& id)
{
  graph_fault(
      state, 404, "Request_ResourceNotFound",
      "Resource '" + id +
          "' does not exist or one of its queried reference-property objects are not present.");
}

Json& require_user(State& state, const std::string& key)
{
  if (Json* user = find_user(state, key)) {
    return *user;
  }
  graph_not_found(state, key);
}

Json selected(const Json& entity, const LabRequest& request)
{
  const auto select = request.query_value("$select");
  if (!select) {
    return entity;
  }
  Json out = Json::object();
  std::string fields = *select + ",";
  for (std::size_t start = 0, comma; (comma = fields.find(',', start)) != std::string::npos;
       start = comma + 1) {
    const std::string field(text_trim(std::string_view(fields).substr(start, comma - start)));
    if (entity.contains(field)) {
      out[field] = entity[field];
    }
  }
  if (entity.contains("id")) {
    out["id"] = entity["id"];
  }
  return out;
}

LabResponse graph_json(int status, Json body, const std::string& context)
{
  Json out{{"@odata.context", context}};
  for (auto& [key, value] : body.items()) {
    out[key] = value;
  }
  auto response = LabResponse::json(status, out);
  response.with_header("request-id", random_guid());
  return response;
}

namespace {

// A password set through passwordProfile: never kept, only when it changed. A user synced
// from on-premises Active Directory gets its password from there.
void set_password(State& state, Json& user, const Json& profile)
{
  if (!profile.is_object() || !profile.contains("password") || !profile["password"].is_string() ||
      profile["password"].get<std::string>().size() < 8) {
    graph_fault(state, 400, "Request_BadRequest",
                "passwordProfile.password must be a password of 8 characters or more.");
  }
  if (user.contains("onPremisesSyncEnabled") && user["onPremisesSyncEnabled"] == true) {
    graph_fault(
        state, 400, "Request_BadRequest",
        "Unable to update the password of a user synchronized from on-premises Active Directory.");
  }
  user["lastPasswordChangeDateTime"] = state.now_iso();
  user["passwordProfile"] = {
      {"forceChangePasswordNextSignIn", profile.contains("forceChangePasswordNextSignIn") &&
                                            profile["forceChangePasswordNextSignIn"] == true},
      {"password", nullptr}};
}

// The directory role assignments of `principal`, with roleDefinition expanded.
std::vector<Json> assignments_of(const State& state, const std::string& principal)
{
  std::vector<Json> out;
  for (const auto& a : state.directory_role_assignments) {
    if (lower(a.value("principalId", "")) == lower(principal)) {
      out.push_back(a);
    }
  }
  return out;
}

// Returns the principal ID of an OData filter "principalId eq '<id>'", or "".
std::string principal_filter(const std::string& filter)
{
  const std::string prefix = "principalid eq '";
  const std::string f = lower(filter);
  if (f.rfind(prefix, 0) != 0 || f.back() != '\'') {
    return {};
  }
  return filter.substr(prefix.size(), filter.size() - prefix.size() - 1);
}

LabResponse member_of(State& state, const LabRequest& request, const std::string& principal)
{
  Json value = Json::array();
  for (const auto& a : assignments_of(state, principal)) {
    const Json definition = a.value("roleDefinition", Json::object());
    value.push_back(
        {{"@odata.type", "#microsoft.graph.directoryRole"},
         {"id", stable_guid("directoryRole/" + definition.value("id", ""))},
         {"displayName", definition.value("displayName", "")},
         {"description", definition.value("description", "")},
         {"roleTemplateId", definition.value("templateId", definition.value("id", ""))}});
  }
  return graph_json(200, Json{{"value", value}},
                    state.config.origin(request) + "/v1.0/$metadata#directoryObjects");
}

} // namespace

void seed_directory_role(State& state, const std::string& principal, const std::string& role_name)
{
  const std::string definition_id = stable_guid("roleDefinition/" + role_name);
  const std::string id = stable_guid("roleAssignment/" + principal + "/" + role_name);
  // Alerts of one attack seed the same principal: one assignment, as in the directory.
  for (const auto& assignment : state.directory_role_assignments) {
    if (assignment.value("id", "") == id) {
      return;
    }
  }
  state.directory_role_assignments.push_back(
      Json{{"id", id},
           {"principalId", principal},
           {"roleDefinitionId", definition_id},
           {"directoryScopeId", "/"},
           {"roleDefinition",
            {{"id", definition_id},
             {"displayName", role_name},
             {"description", "Seeded by the lab for the incident"},
             {"isBuiltIn", true},
             {"templateId", definition_id}}}});
}

void add_graph_routes(Router& router, State& state)
{
  const RouteOptions options{{}, "graph", ""};
  router.add("GET", "/v1\\.0/users/" + k_graph_id, options,
             [&state](const LabRequest& r, const Captures& c) {
               return graph_json(200, selected(require_user(state, c[1]), r),
                                 state.config.origin(r) + "/v1.0/$metadata#users/$entity");
             });
  router.add("PATCH", "/v1\\.0/users/" + k_graph_id, options,
             [&state](const LabRequest& r, const Captures& c) {
               Json& user = require_user(state, c[1]);
               const Json body = r.json_body();
               if (!body.is_object()) {
                 graph_fault(state, 400, "BadRequest", "The request body must be a JSON object.");
               }
               for (const auto& [key, value] : body.items()) {
                 if (key == "id" || key == "userPrincipalName" || key == "createdDateTime") {
                   graph_fault(state, 400, "Request_BadRequest",
                               "Property '" + key + "' is read-only and cannot be set.");
                 }
                 if (key == "passwordProfile") {
                   set_password(state, user, value);
                   continue;
                 }
                 user[key] = value;
               }
               auto response = LabResponse::empty(204);
               response.with_header("request-id", random_guid());
               return response;
             });
  router.add("DELETE", "/v1\\.0/users/" + k_graph_id, options,
             [&state](const LabRequest&, const Captures& c) {
               Json user = require_user(state, c[1]);
               const std::string id = lower(user.value("id", ""));
               state.users.erase(id);
               user["deletedDateTime"] = state.now_iso();
               state.deleted_users[id] = std::move(user);
               auto response = LabResponse::empty(204);
               response.with_header("request-id", random_guid());
               return response;
             });
  router.add("POST", "/v1\\.0/directory/deletedItems/" + k_graph_id + "/restore", options,
             [&state](const LabRequest& r, const Captures& c) {
               const auto it = state.deleted_users.find(lower(c[1]));
               if (it == state.deleted_users.end()) {
                 graph_fault(state, 404, "Request_ResourceNotFound",
                             "Resource '" + c[1] + "' does not exist.");
               }
               Json user = std::move(it->second);
               state.deleted_users.erase(it);
               user.erase("deletedDateTime");
               state.users[lower(user.value("id", ""))] = user;
               return graph_json(
                   200, user, state.config.origin(r) + "/v1.0/$metadata#directoryObjects/$entity");
             });
  router.add("POST", "/v1\\.0/users/" + k_graph_id + "/revokeSignInSessions", options,
             [&state](const LabRequest& r, const Captures& c) {
               Json& user = require_user(state, c[1]);
               user["signInSessionsValidFromDateTime"] = state.now_iso();
               return graph_json(200, Json{{"value", true}},
                                 state.config.origin(r) + "/v1.0/$metadata#Edm.Boolean");
             });
  router.add("GET", "/v1\\.0/users/" + k_graph_id + "/(?:transitiveMemberOf|memberOf)", options,
             [&state](const LabRequest& r, const Captures& c) {
               const Json& user = require_user(state, c[1]);
               return member_of(state, r, user.value("id", ""));
             });
  router.add("GET", "/v1\\.0/servicePrincipals/" + k_graph_id, options,
             [&state](const LabRequest& r, const Captures& c) {
               const auto it = state.service_principals.find(lower(c[1]));
               if (it == state.service_principals.end()) {
                 graph_fault(state, 404, "Request_ResourceNotFound",
                             "Resource '" + c[1] + "' does not exist.");
               }
               return graph_json(200, selected(it->second, r),
                                 state.config.origin(r) +
                                     "/v1.0/$metadata#servicePrincipals/$entity");
             });
  router.add("GET", "/v1\\.0/servicePrincipals/" + k_graph_id + "/(?:transitiveMemberOf|memberOf)",
             options, [&state](const LabRequest& r, const Captures& c) {
               if (state.service_principals.count(lower(c[1])) == 0) {
                 graph_fault(state, 404, "Request_ResourceNotFound",
                             "Resource '" + c[1] + "' does not exist.");
               }
               return member_of(state, r, c[1]);
             });
  router.add(
      "GET", "/v1\\.0/roleManagement/directory/roleAssignments", options,
      [&state](const LabRequest& r, const Captures&) {
        const std::string principal = principal_filter(r.query_value("$filter").value_or(""));
        if (principal.empty()) {
          graph_fault(state, 400, "BadRequest",
                      "The lab supports $filter=principalId eq '<id>' on role assignments only.");
        }
        const bool expand = lower(r.query_value("$expand").value_or("")) == "roledefinition";
        Json value = Json::array();
        for (auto a : assignments_of(state, principal)) {
          if (!expand) {
            a.erase("roleDefinition");
          }
          value.push_back(std::move(a));
        }
        return graph_json(200, Json{{"value", value}},
                          state.config.origin(r) +
                              "/v1.0/$metadata#roleManagement/directory/roleAssignments");
      });
  add_graph_credential_routes(router, state);
}

} // namespace dftriage::lab
