// Azure RBAC (Microsoft.Authorization) actions: role assignments, eligible (PIM) role
// assignments and custom role definitions.

#include "dftriage/util/text.hpp"
#include "families.hpp"

namespace dftriage::azure::actions {

// Returns a GET of the role assignments at `scope`: those of `principal_id` at, above
// or below it when given, else those at or above it (`at_scope_only`) or all of them.
// Also used by keyvault.cpp.
Request role_assignments_list(const alert::ResourceId& scope, const std::string& principal_id,
                              bool at_scope_only, const Cloud& cloud)
{
  const std::initializer_list<std::string_view> suffix = {"providers", "Microsoft.Authorization",
                                                          "roleAssignments"};
  if (!principal_id.empty()) {
    return arm_query("GET", scope, suffix, api_version::k_authorization,
                     {{"$filter", "principalId eq " + odata_string(principal_id)}}, cloud);
  }
  if (at_scope_only) {
    return arm_query("GET", scope, suffix, api_version::k_authorization, {{"$filter", "atScope()"}},
                     cloud);
  }
  return arm("GET", scope, suffix, api_version::k_authorization, cloud);
}

namespace {

const char* k_role_assignments_read = "Microsoft.Authorization/roleAssignments/read";
const char* k_role_assignments_write = "Microsoft.Authorization/roleAssignments/write";
// Privileged Identity Management's schedule instances have only this stable version
// [TODO: move to api_versions.hpp, which this file does not own].
const char* k_role_eligibility_version = "2020-10-01";

ParamSpec scope_param()
{
  return ParamSpec{"scope", ParamType::resource_id,
                   true,    {},
                   {},      "A subscription, resource group or resource ID"};
}

// True when `id` ends in /providers/Microsoft.Authorization/roleAssignments/{name}.
bool is_role_assignment(const alert::ResourceId& id)
{
  std::string_view s = id.canonical;
  std::string_view parts[4];
  for (int i = 3; i >= 0; --i) {
    const std::size_t slash = s.rfind('/');
    if (slash == std::string_view::npos) {
      return false;
    }
    parts[i] = s.substr(slash + 1);
    s = s.substr(0, slash);
  }
  return text::iequals(parts[0], "providers") &&
         text::iequals(parts[1], "Microsoft.Authorization") &&
         text::iequals(parts[2], "roleAssignments");
}

ActionSpec list_role_assignments()
{
  ActionSpec spec{
      "authorization.role_assignments.list",
      "List role assignments at a scope (subscription, resource group or resource) and below it, "
      "or only one principal's assignments at, above and below it",
      {scope_param(),
       {"principalId", ParamType::guid, false, {}, {}, "Only this principal's assignments"}},
      false,
      Reversibility::read_only,
      "",
      k_role_assignments_read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = role_assignments_list(args.resource("scope"), args.text("principalId"), false, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_role_assignment()
{
  ActionSpec spec{
      "authorization.role_assignment.delete",
      "Delete one role assignment by its ID (inherited ones must be deleted at their own scope)",
      {{"roleAssignmentId",
        ParamType::resource_id,
        true,
        {},
        {},
        "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"}},
      true,
      Reversibility::reversible,
      "PUT the assignment back at the same ID with roleDefinitionId, principalId, principalType, "
      "description, condition and conditionVersion from the pre-image",
      "Microsoft.Authorization/roleAssignments/delete",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh =
      "用更改前记录的 roleDefinitionId、principalId、principalType、description、condition 和 "
      "conditionVersion，以相同 ID 重新 PUT 该角色分配";
  spec.needs = {own_need(spec.permission), pre_image_need(k_role_assignments_read),
                undo_need(k_role_assignments_write)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& id = args.resource("roleAssignmentId");
    if (!is_role_assignment(id)) {
      throw ActionError("parameter roleAssignmentId: expected "
                        "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}, got " +
                        text::quote(id.canonical));
    }
    ActionRequests out;
    auto before = arm("GET", id, {}, api_version::k_authorization, cloud);
    out.pre_image.push_back(as_pre_image(before, k_role_assignments_read));
    auto r = arm("DELETE", id, {}, api_version::k_authorization, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const auto& before = pre_body(pre);
    if (absent(pre) || !before.is_object()) {
      return out;
    }
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    for (const char* key : {"roleDefinitionId", "principalId", "principalType", "description",
                            "condition", "conditionVersion"}) {
      const auto* value = select(before, std::string("/properties/") + key);
      if (value != nullptr && !value->is_null()) {
        properties[key] = *value;
      }
    }
    auto r = arm("PUT", args.resource("roleAssignmentId"), {}, api_version::k_authorization, cloud);
    r.body = nlohmann::ordered_json{{"properties", std::move(properties)}};
    out.push_back(as_undo(r, spec));
    out.back().permission = k_role_assignments_write;
    return out;
  };
  return spec;
}

ActionSpec list_role_eligibilities()
{
  // An eligible assignment is persistence a role-assignment list does not show: its holder
  // can activate the role (Owner, say) whenever it likes.
  ActionSpec spec{
      "authorization.role_eligibility.list",
      "List eligible (Privileged Identity Management) role assignments at a scope, or only those a "
      "principal holds: roles that can be activated at any time without appearing among role "
      "assignments until then",
      {scope_param(),
       {"principalId", ParamType::guid, false, {}, {}, "Only this principal's eligibilities"}},
      false,
      Reversibility::read_only,
      "",
      "Microsoft.Authorization/roleEligibilityScheduleInstances/read",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::initializer_list<std::string_view> suffix = {"providers", "Microsoft.Authorization",
                                                            "roleEligibilityScheduleInstances"};
    const auto& scope = args.resource("scope");
    const std::string& principal = args.text("principalId");
    auto r = principal.empty()
                 ? arm("GET", scope, suffix, k_role_eligibility_version, cloud)
                 : arm_query("GET", scope, suffix, k_role_eligibility_version,
                             {{"$filter", "assignedTo(" + odata_string(principal) + ")"}}, cloud);
    ActionRequests out;
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec list_custom_roles()
{
  ActionSpec spec{"authorization.role_definitions.list",
                  "List the custom role definitions usable at a scope, with their actions and "
                  "assignable scopes "
                  "(an attacker may define a role granting */write under a harmless name)",
                  {scope_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  "Microsoft.Authorization/roleDefinitions/read",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm_query("GET", args.resource("scope"),
                       {"providers", "Microsoft.Authorization", "roleDefinitions"},
                       api_version::k_authorization, {{"$filter", "type eq 'CustomRole'"}}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

void add_authorization(std::vector<ActionSpec>& out)
{
  out.push_back(list_role_assignments());
  out.push_back(delete_role_assignment());
  out.push_back(list_role_eligibilities());
  out.push_back(list_custom_roles());
}

} // namespace dftriage::azure::actions
