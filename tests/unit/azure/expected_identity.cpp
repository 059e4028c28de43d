// What the Graph, authorization and automation actions added for incident-response practice must
// send.

#include "unit/azure/action_expectations.hpp"

namespace dftriage::azure::testing {

const std::vector<Expected> k_expected_identity = {
    {"graph.principal.get", R"({"principalId":"{oid}"})", "GET",
     "{graph}/directoryObjects/"
     "{oid}?$select=id%2CdisplayName%2CuserPrincipalName%2CappId%2CservicePrincipalType%2C"
     "accountEnabled%2ConPremisesSyncEnabled",
     "", "", Reversibility::read_only, "Directory.Read.All"},
    {"graph.service_principal.disable", R"({"principalId":"{oid}"})", "PATCH",
     "{graph}/servicePrincipals/{oid}", R"({"accountEnabled":false})",
     "{graph}/servicePrincipals/"
     "{oid}?$select=id%2CappId%2CdisplayName%2CservicePrincipalType%2CaccountEnabled",
     Reversibility::reversible, "Application.ReadWrite.All"},
    {"graph.user.reset_password", R"({"user":"alice@contoso.com"})", "PATCH",
     "{graph}/users/alice%40contoso.com",
     R"j({"passwordProfile":{"forceChangePasswordNextSignIn":true,"password":"$(generated secret)"}})j",
     "{graph}/users/"
     "alice%40contoso.com?$select=id%2CuserPrincipalName%2CaccountEnabled%2ConPremisesSyncEnabled",
     Reversibility::irreversible, "User-PasswordProfile.ReadWrite.All"},
    {"graph.user.auth_methods.list", R"({"user":"{oid}"})", "GET",
     "{graph}/users/{oid}/authentication/methods", "", "", Reversibility::read_only,
     "UserAuthenticationMethod.Read.All"},
    {"graph.user.auth_method.delete",
     R"({"user":"{oid}","methodType":"microsoftAuthenticator","methodId":"6e3c0a1f-2b4d-4e5f-8a9b-0c1d2e3f4a5b"})",
     "DELETE",
     "{graph}/users/{oid}/authentication/microsoftAuthenticatorMethods/"
     "6e3c0a1f-2b4d-4e5f-8a9b-0c1d2e3f4a5b",
     "",
     "{graph}/users/{oid}/authentication/microsoftAuthenticatorMethods/"
     "6e3c0a1f-2b4d-4e5f-8a9b-0c1d2e3f4a5b",
     Reversibility::irreversible, "UserAuthenticationMethod.ReadWrite.All"},
    {"graph.application.credentials.list", R"({"appId":"{oid}"})", "GET",
     "{graph}/"
     "applications(appId='{oid}')?$select=id%2CappId%2CdisplayName%2CpasswordCredentials%"
     "2CkeyCredentials",
     "", "", Reversibility::read_only, "Application.Read.All"},
    {"graph.application.remove_password",
     R"({"appId":"{oid}","keyId":"b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"})", "POST",
     "{graph}/applications(appId='{oid}')/removePassword",
     R"({"keyId":"b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"})",
     "{graph}/"
     "applications(appId='{oid}')?$select=id%2CappId%2CdisplayName%2CpasswordCredentials%"
     "2CkeyCredentials",
     Reversibility::irreversible, "Application.ReadWrite.All"},
    {"authorization.role_eligibility.list", R"({"scope":"{sub}","principalId":"{oid}"})", "GET",
     "{arm}{sub}/providers/Microsoft.Authorization/"
     "roleEligibilityScheduleInstances?api-version=2020-10-01"
     "&$filter=assignedTo%28%27{oid}%27%29",
     "", "", Reversibility::read_only,
     "Microsoft.Authorization/roleEligibilityScheduleInstances/read"},
    {"authorization.role_definitions.list", R"({"scope":"{sub}"})", "GET",
     "{arm}{sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01"
     "&$filter=type%20eq%20%27CustomRole%27",
     "", "", Reversibility::read_only, "Microsoft.Authorization/roleDefinitions/read"},
    {"automation.webhooks.list", R"({"account":"{aa}","runbook":"Update-ModuleCache"})", "GET",
     "{arm}{aa}/"
     "webhooks?api-version=2024-10-23&$filter=properties%2Frunbook%2Fname%20eq%20%27Update-"
     "ModuleCache%27",
     "", "", Reversibility::read_only, "Microsoft.Automation/automationAccounts/webhooks/read"},
    {"automation.webhook.delete", R"({"account":"{aa}","name":"ModuleCacheHook"})", "DELETE",
     "{arm}{aa}/webhooks/ModuleCacheHook?api-version=2024-10-23", "",
     "{arm}{aa}/webhooks/ModuleCacheHook?api-version=2024-10-23", Reversibility::irreversible,
     "Microsoft.Automation/automationAccounts/webhooks/delete"},
    {"automation.job_schedules.list", R"({"account":"{aa}"})", "GET",
     "{arm}{aa}/jobSchedules?api-version=2024-10-23", "", "", Reversibility::read_only,
     "Microsoft.Automation/automationAccounts/jobSchedules/read"},
    {"automation.job_schedule.delete", R"({"account":"{aa}","jobScheduleId":"{oid}"})", "DELETE",
     "{arm}{aa}/jobSchedules/{oid}?api-version=2024-10-23", "",
     "{arm}{aa}/jobSchedules/{oid}?api-version=2024-10-23", Reversibility::reversible,
     "Microsoft.Automation/automationAccounts/jobSchedules/delete"},
};

} // namespace dftriage::azure::testing
