// Microsoft.Authorization role assignments at any scope, eligible (PIM) role assignments
// (schedule instances, 2020-10-01), built-in role definitions and the custom ones the
// state holds (resources of type Microsoft.Authorization/roleDefinitions).

#include "arm.hpp"
#include "dftriage/util/error.hpp"
#include "modules.hpp"
#include "rbac.hpp"
#include "resources.hpp"
#include "token.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_authorization_versions = {
    "2022-04-01",         "2022-01-01-preview", "2020-10-01-preview", "2020-08-01-preview",
    "2020-04-01-preview", "2018-09-01-preview", "2018-01-01-preview", "2015-07-01"};
const std::string k_assignments = "(.*)/providers/Microsoft\\.Authorization/roleAssignments";
const std::string k_definitions = "(.*)/providers/Microsoft\\.Authorization/roleDefinitions";

std::string trim_scope(std::string scope)
{
  while (!scope.empty() && scope.back() == '/') {
    scope.pop_back();
  }
  return lower(scope);
}

// True when `ancestor` is `scope` or one of the scopes above it.
bool covers(const std::string& ancestor, const std::string& scope)
{
  return ancestor.empty() || scope == ancestor || scope.rfind(ancestor + "/", 0) == 0;
}

// The quoted argument after `marker` in `filter` ("principalId eq '" or "assignedTo('").
std::string quoted_after(const std::string& filter, const std::string& marker)
{
  const auto at = lower(filter).find(lower(marker));
  if (at == std::string::npos) {
    return {};
  }
  const auto start = at + marker.size();
  const auto end = filter.find('\'', start);
  return end == std::string::npos ? std::string() : filter.substr(start, end - start);
}

LabResponse list_assignments(State& state, const LabRequest& request, const std::string& raw_scope)
{
  const std::string scope = trim_scope(raw_scope);
  const std::string filter = request.query_value("$filter").value_or("");
  const bool at_scope = lower(filter).find("atscope()") != std::string::npos;
  std::string principal = quoted_after(filter, "principalId eq '");
  if (principal.empty()) {
    principal = quoted_after(filter, "assignedTo('");
  }
  if (!filter.empty() && !at_scope && principal.empty()) {
    throw ArmFault{400,
                   "UnsupportedQuery",
                   "The filter '" + filter +
                       "' is not supported. Supported filters are "
                       "atScope(), principalId eq '{id}' and assignedTo('{id}').",
                   std::nullopt,
                   {}};
  }
  std::vector<Json> items;
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) != "microsoft.authorization/roleassignments") {
      continue;
    }
    const std::string where = trim_scope(resource["properties"].value("scope", ""));
    const bool above = covers(where, scope);
    const bool below = covers(scope, where);
    if ((at_scope && !above) || (!at_scope && !above && !below) ||
        (!principal.empty() &&
         lower(resource["properties"].value("principalId", "")) != lower(principal))) {
      continue;
    }
    items.push_back(resource);
  }
  return page(state, request, items);
}

// Lists the eligibility schedule instances at, above or below `raw_scope` (atScope():
// at or above only), of one principal with assignedTo('{id}') or principalId eq '{id}'.
LabResponse list_eligibilities(State& state, const LabRequest& request,
                               const std::string& raw_scope)
{
  const std::string scope = trim_scope(raw_scope);
  const std::string filter = request.query_value("$filter").value_or("");
  const bool at_scope = lower(filter).find("atscope()") != std::string::npos;
  std::string principal = quoted_after(filter, "assignedTo('");
  if (principal.empty()) {
    principal = quoted_after(filter, "principalId eq '");
  }
  if (!filter.empty() && !at_scope && principal.empty()) {
    throw ArmFault{400,
                   "InvalidFilter",
                   "The filter '" + filter +
                       "' is not supported. Supported filters are "
                       "atScope(), principalId eq '{id}' and assignedTo('{id}').",
                   std::nullopt,
                   {}};
  }
  std::vector<Json> items;
  for (const auto& instance : state.role_eligibilities) {
    const Json properties = instance.value("properties", Json::object());
    const std::string where = trim_scope(properties.value("scope", ""));
    const bool above = covers(where, scope);
    if ((at_scope && !above) || (!above && !covers(scope, where)) ||
        (!principal.empty() && lower(properties.value("principalId", "")) != lower(principal))) {
      continue;
    }
    items.push_back(instance);
  }
  return page(state, request, items);
}

// Lists the role definitions usable at `raw_scope`: the built-in ones the lab knows and
// the custom ones assignable at or above it; $filter type eq 'CustomRole' (or
// 'BuiltInRole') and roleName eq '{name}' narrow it.
LabResponse list_definitions(State& state, const LabRequest& request, const std::string& raw_scope)
{
  const std::string scope = trim_scope(raw_scope);
  const std::string filter = request.query_value("$filter").value_or("");
  const std::string type = quoted_after(filter, "type eq '");
  const std::string name = quoted_after(filter, "roleName eq '");
  if (!filter.empty() && type.empty() && name.empty()) {
    throw ArmFault{400,
                   "InvalidFilter",
                   "The filter '" + filter +
                       "' is not supported. Supported filters are "
                       "type eq '{type}' and roleName eq '{name}'.",
                   std::nullopt,
                   {}};
  }
  std::vector<Json> items;
  const auto keep = [&](const Json& definition) {
    const Json properties = definition.value("properties", Json::object());
    if ((type.empty() || lower(properties.value("type", "")) == lower(type)) &&
        (name.empty() || lower(properties.value("roleName", "")) == lower(name))) {
      items.push_back(definition);
    }
  };
  const std::string subscription =
      scope.rfind("/subscriptions/", 0) == 0 ? scope.substr(15, scope.find('/', 15) - 15) : "";
  for (const auto& role : azure::builtin_roles()) {
    keep(builtin_role_definition(subscription, role));
  }
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) != "microsoft.authorization/roledefinitions") {
      continue;
    }
    const Json scopes =
        resource.value("properties", Json::object()).value("assignableScopes", Json::array());
    const bool usable = std::any_of(scopes.begin(), scopes.end(), [&](const Json& s) {
      return s.is_string() && covers(trim_scope(s.get<std::string>()), scope);
    });
    if (usable) {
      keep(resource);
    }
  }
  return page(state, request, items);
}

// The subscription GUID of `scope` ("" when it names none).
std::string subscription_of(const std::string& scope)
{
  const std::string s = trim_scope(scope);
  if (s.rfind("/subscriptions/", 0) != 0) {
    return {};
  }
  return s.substr(15,
                  s.find('/', 15) == std::string::npos ? std::string::npos : s.find('/', 15) - 15);
}

[[noreturn]] void invalid_definition(const std::string& message)
{
  throw ArmFault{400, "InvalidRoleDefinition", message, std::nullopt, {}};
}

// PUT {scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}: a custom role, as
// `az role definition create` sends it (its first assignable scope as the scope).
LabResponse put_definition(State& state, const LabRequest& request, const std::string& scope,
                           const std::string& guid)
{
  if (azure::find_builtin_role(guid) != nullptr) {
    invalid_definition("The role definition '" + guid +
                       "' is a built-in role and cannot be changed.");
  }
  const Json body = request.json_body();
  const Json properties = body.is_object() ? body.value("properties", Json::object()) : Json();
  const std::string name = properties.is_object() ? properties.value("roleName", "") : "";
  if (name.empty()) {
    invalid_definition("The role definition must have a roleName.");
  }
  const Json scopes = properties.value("assignableScopes", Json::array());
  if (!scopes.is_array() || scopes.empty() ||
      !std::all_of(scopes.begin(), scopes.end(), [](const Json& s) { return s.is_string(); })) {
    invalid_definition("The role definition must have at least one assignable scope.");
  }
  Json permissions = Json::array();
  try {
    for (const auto& entry : properties.value("permissions", Json::array())) {
      permissions.push_back(
          azure::Permission::from_json(nlohmann::json::parse(entry.dump()), "permissions")
              .to_json());
    }
  } catch (const Error& e) {
    invalid_definition(std::string("The role definition's permissions are invalid: ") + e.what());
  }
  Json* existing = nullptr;
  for (auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) != "microsoft.authorization/roledefinitions") {
      continue;
    }
    if (lower(resource.value("name", "")) == lower(guid)) {
      existing = &resource;
    } else if (lower(resource["properties"].value("roleName", "")) == lower(name)) {
      throw ArmFault{409,
                     "RoleDefinitionWithSameNameExists",
                     "A custom role with the same name already exists in this directory. Use a "
                     "different name.",
                     std::nullopt,
                     {}};
    }
  }
  const std::string now = state.now_iso();
  const TokenInfo* token = bearer_token(state, request);
  const std::string by = token != nullptr ? token->object_id : request.caller;
  Json definition{
      {"id", "/subscriptions/" + subscription_of(scope) +
                 "/providers/Microsoft.Authorization/roleDefinitions/" + lower(guid)},
      {"name", lower(guid)},
      {"type", "Microsoft.Authorization/roleDefinitions"},
      {"properties",
       {{"roleName", name},
        {"type", "CustomRole"},
        {"description", properties.value("description", Json())},
        {"assignableScopes", scopes},
        {"permissions", permissions},
        {"createdOn", existing ? (*existing)["properties"].value("createdOn", now) : now},
        {"updatedOn", now},
        {"createdBy", existing ? (*existing)["properties"].value("createdBy", by) : by},
        {"updatedBy", by}}}};
  const int status = existing ? 200 : 201;
  return LabResponse::json(status, put_resource(state, std::move(definition)));
}

// DELETE of a custom role: refused while an assignment still names it, as ARM does.
LabResponse delete_definition(State& state, const std::string& guid)
{
  auto found = state.resources.end();
  for (auto it = state.resources.begin(); it != state.resources.end(); ++it) {
    const Json& resource = it->second;
    const std::string type = lower(resource.value("type", ""));
    if (type == "microsoft.authorization/roledefinitions" &&
        lower(resource.value("name", "")) == lower(guid)) {
      found = it;
    }
    if (type != "microsoft.authorization/roleassignments" || !resource.contains("properties")) {
      continue;
    }
    const std::string role = lower(resource["properties"].value("roleDefinitionId", ""));
    if (role.substr(role.rfind('/') + 1) == lower(guid)) {
      throw ArmFault{409,
                     "RoleDefinitionHasAssignments",
                     "There are existing role assignments referencing role (code: "
                     "RoleDefinitionHasAssignments).",
                     std::nullopt,
                     {}};
    }
  }
  if (found == state.resources.end()) {
    return LabResponse::empty(204);
  }
  Json deleted = found->second;
  state.resources.erase(found);
  return LabResponse::json(200, deleted);
}

std::string assignment_id(const Captures& c)
{
  return c[1] + "/providers/Microsoft.Authorization/roleAssignments/" + c[2];
}

} // namespace

void add_authorization_routes(Router& router, State& state)
{
  const RouteOptions options{k_authorization_versions, "arm", ""};
  router.add("GET", k_assignments, options, [&state](const LabRequest& request, const Captures& c) {
    return list_assignments(state, request, c[1]);
  });
  router.add("GET", k_assignments + "/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) {
               const Json* found = find_resource(state, assignment_id(c));
               if (!found) {
                 throw ArmFault{404,
                                "RoleAssignmentNotFound",
                                "The role assignment '" + c[2] + "' is not found.",
                                std::nullopt,
                                {}};
               }
               return LabResponse::json(200, *found);
             });
  router.add(
      "PUT", k_assignments + "/([^/]+)", options,
      [&state](const LabRequest& request, const Captures& c) {
        const Json body = request.json_body();
        const Json properties = body.value("properties", Json::object());
        if (!properties.contains("roleDefinitionId") || !properties.contains("principalId")) {
          throw ArmFault{400,
                         "InvalidRequestContent",
                         "properties.roleDefinitionId and properties.principalId are required.",
                         std::nullopt,
                         {}};
        }
        if (const Json* found = find_resource(state, assignment_id(c))) {
          if (lower((*found)["properties"].value("principalId", "")) ==
              lower(properties.value("principalId", ""))) {
            throw ArmFault{409,
                           "RoleAssignmentExists",
                           "The role assignment already exists.",
                           std::nullopt,
                           {}};
          }
        }
        const std::string role = properties["roleDefinitionId"].get<std::string>();
        Json assignment = make_role_assignment(state, c[1], c[2], role.substr(role.rfind('/') + 1),
                                               properties["principalId"].get<std::string>(),
                                               properties.value("principalType", "User"));
        for (const char* key : {"description", "condition", "conditionVersion"}) {
          if (properties.contains(key)) {
            assignment["properties"][key] = properties[key];
          }
        }
        assignment["properties"]["roleDefinitionId"] = role;
        return LabResponse::json(201, put_resource(state, std::move(assignment)));
      });
  router.add("DELETE", k_assignments + "/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) {
               auto it = state.resources.find(lower(assignment_id(c)));
               if (it == state.resources.end()) {
                 return LabResponse::empty(204);
               }
               Json deleted = it->second;
               state.resources.erase(it);
               return LabResponse::json(200, deleted);
             });
  router.add("GET", "(.*)/providers/Microsoft\\.Authorization/roleEligibilityScheduleInstances",
             RouteOptions{{"2020-10-01"}, "arm", ""},
             [&state](const LabRequest& request, const Captures& c) {
               return list_eligibilities(state, request, c[1]);
             });
  router.add("GET", k_definitions, options, [&state](const LabRequest& request, const Captures& c) {
    return list_definitions(state, request, c[1]);
  });
  router.add(
      "GET", k_definitions + "/([^/]+)", options, [&state](const LabRequest&, const Captures& c) {
        const Json found = role_definition(state, subscription_of(c[1]), c[2]);
        if (found.is_null()) {
          throw ArmFault{404,
                         "RoleDefinitionDoesNotExist",
                         "The specified role definition with ID '" + c[2] + "' does not exist.",
                         std::nullopt,
                         {}};
        }
        return LabResponse::json(200, found);
      });
  router.add("PUT", k_definitions + "/([^/]+)", options,
             [&state](const LabRequest& request, const Captures& c) {
               return put_definition(state, request, c[1], c[2]);
             });
  router.add(
      "DELETE", k_definitions + "/([^/]+)", options,
      [&state](const LabRequest&, const Captures& c) { return delete_definition(state, c[2]); });
}

} // namespace dftriage::lab
