#include "resources.hpp"

#include "arm.hpp"
#include "dftriage/azure/permissions.hpp"

namespace dftriage::lab {

Json& ensure_subscription(State& state, const std::string& subscription)
{
  const std::string id = "/subscriptions/" + subscription;
  if (Json* found = find_resource(state, id)) {
    return *found;
  }
  return put_resource(state, Json{{"id", id},
                                  {"type", "Microsoft.Resources/subscriptions"},
                                  {"authorizationSource", "RoleBased"},
                                  {"subscriptionId", subscription},
                                  {"tenantId", state.config.tenant_id},
                                  {"displayName", "Lab subscription"},
                                  {"state", "Enabled"},
                                  {"subscriptionPolicies",
                                   {{"locationPlacementId", "Public_2014-09-01"},
                                    {"quotaId", "PayAsYouGo_2014-09-01"},
                                    {"spendingLimit", "Off"}}}});
}

Json& ensure_group(State& state, const std::string& subscription, const std::string& group,
                   const std::string& location)
{
  ensure_subscription(state, subscription);
  const std::string id = group_id(subscription, group);
  if (Json* found = find_resource(state, id)) {
    return *found;
  }
  return put_resource(state, Json{{"id", id},
                                  {"name", group},
                                  {"type", "Microsoft.Resources/resourceGroups"},
                                  {"location", location},
                                  {"tags", Json::object()},
                                  {"properties", {{"provisioningState", "Succeeded"}}}});
}

Json make_vault(State& state, const std::string& subscription, const std::string& group,
                const std::string& name, const std::string& location)
{
  const std::string uri = state.config.scheme + "://" + lower(name) +
                          ".vault.localhost:" + std::to_string(state.config.port) + "/";
  return Json{
      {"id", group_id(subscription, group) + "/providers/Microsoft.KeyVault/vaults/" + name},
      {"name", name},
      {"type", "Microsoft.KeyVault/vaults"},
      {"location", location},
      {"tags", Json::object()},
      {"properties",
       {{"sku", {{"family", "A"}, {"name", "standard"}}},
        {"tenantId", state.config.tenant_id},
        {"accessPolicies", Json::array()},
        {"enabledForDeployment", false},
        {"enabledForDiskEncryption", false},
        {"enabledForTemplateDeployment", false},
        {"enableSoftDelete", true},
        {"softDeleteRetentionInDays", 90},
        {"enableRbacAuthorization", false},
        {"vaultUri", uri},
        {"provisioningState", "Succeeded"},
        {"publicNetworkAccess", "Enabled"},
        {"networkAcls",
         {{"bypass", "AzureServices"},
          {"defaultAction", "Allow"},
          {"ipRules", Json::array()},
          {"virtualNetworkRules", Json::array()}}}}}};
}

std::string role_definition_id(const std::string& subscription, const std::string& role)
{
  const auto* builtin = azure::find_builtin_role(role);
  return "/subscriptions/" + subscription + "/providers/Microsoft.Authorization/roleDefinitions/" +
         (builtin != nullptr ? builtin->id : role);
}

std::string role_name(const std::string& guid)
{
  const auto* builtin = azure::find_builtin_role(guid);
  return builtin != nullptr && lower(builtin->id) == lower(guid) ? builtin->name : std::string();
}

Json make_role_assignment(State& state, const std::string& scope, const std::string& name,
                          const std::string& role, const std::string& principal,
                          const std::string& principal_type)
{
  const std::string subscription = scope.substr(
      15, scope.find('/', 15) == std::string::npos ? std::string::npos : scope.find('/', 15) - 15);
  const std::string now = state.now_iso();
  return Json{{"id", scope + "/providers/Microsoft.Authorization/roleAssignments/" + name},
              {"name", name},
              {"type", "Microsoft.Authorization/roleAssignments"},
              {"properties",
               {{"roleDefinitionId", role_definition_id(subscription, role)},
                {"principalId", principal},
                {"principalType", principal_type},
                {"scope", scope},
                {"condition", nullptr},
                {"conditionVersion", nullptr},
                {"createdOn", now},
                {"updatedOn", now},
                {"createdBy", state.config.client_id},
                {"updatedBy", state.config.client_id},
                {"delegatedManagedIdentityResourceId", nullptr},
                {"description", nullptr}}}};
}

} // namespace dftriage::lab
