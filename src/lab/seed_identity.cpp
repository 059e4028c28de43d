// Seeding of the identity side of an incident: for Resource Manager alerts, the
// persistence an intruder with a foothold leaves beyond its role assignment and runbook
// (seed_compute.cpp): an Authenticator registered on the compromised account, a client
// secret added to an app registration, a custom role granting */write, an eligible Owner
// assignment, and a webhook and a job schedule that start its runbook; beside each, a
// legitimate one to tell it from. Scenarios state the same things directly.

#include "arm.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "graph_support.hpp"
#include "resources.hpp"
#include "seed.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

constexpr int k_day = 86400;

// An activity-log event of the attacker's write of `resource_id`.
Json attacker_event(const State& state, const std::string& upn, const std::string& attacker,
                    const std::string& ip, const std::string& when, const std::string& resource_id,
                    const std::string& operation)
{
  const auto id = alert::parse_resource_id(resource_id);
  const std::string correlation =
      stable_guid("correlation/" + resource_id + "/" + operation + "/" + when);
  return Json{{"caller", upn},
              {"channels", "Operation"},
              {"category", {{"value", "Administrative"}, {"localizedValue", "Administrative"}}},
              {"correlationId", correlation},
              {"eventDataId", stable_guid("event-data/" + correlation)},
              {"eventTimestamp", when},
              {"submissionTimestamp", shifted(when, 15)},
              {"level", "Informational"},
              {"operationName", {{"value", operation}, {"localizedValue", operation}}},
              {"resourceGroupName", id ? id->resource_group : ""},
              {"resourceId", resource_id},
              {"status", {{"value", "Succeeded"}, {"localizedValue", "Succeeded"}}},
              {"subscriptionId", id ? lower(id->subscription_id) : ""},
              {"tenantId", state.config.tenant_id},
              {"httpRequest", {{"clientIpAddress", ip}, {"method", "PUT"}}},
              {"claims",
               {{"http://schemas.microsoft.com/identity/claims/objectidentifier", attacker},
                {"ipaddr", ip}}}};
}

Json custom_role(const std::string& subscription, const std::string& name,
                 const std::string& description, const Json& actions, const std::string& by,
                 const std::string& when)
{
  const std::string guid = stable_guid("custom-role/" + subscription + "/" + name);
  return Json{{"id", "/subscriptions/" + subscription +
                         "/providers/Microsoft.Authorization/roleDefinitions/" + guid},
              {"name", guid},
              {"type", "Microsoft.Authorization/roleDefinitions"},
              {"properties",
               {{"roleName", name},
                {"type", "CustomRole"},
                {"description", description},
                {"assignableScopes", {"/subscriptions/" + subscription}},
                {"permissions",
                 {{{"actions", actions},
                   {"notActions", Json::array()},
                   {"dataActions", Json::array()},
                   {"notDataActions", Json::array()}}}},
                {"createdOn", when},
                {"updatedOn", when},
                {"createdBy", by},
                {"updatedBy", by}}}};
}

Json password_credential(const std::string& name, const std::string& hint,
                         const std::string& key_id, const std::string& start,
                         const std::string& end)
{
  return Json{{"customKeyIdentifier", nullptr},
              {"displayName", name},
              {"endDateTime", end},
              {"hint", hint},
              {"keyId", key_id},
              {"secretText", nullptr},
              {"startDateTime", start}};
}

// The app registration (and its service principal) the attacker added a client secret to.
void seed_application(State& state, const std::string& subscription, const std::string& start)
{
  const std::string app_id = stable_guid("app/ops-deploy/" + subscription);
  const std::string object_id = stable_guid("application/ops-deploy/" + subscription);
  state.applications[lower(object_id)] =
      Json{{"id", object_id},
           {"appId", app_id},
           {"displayName", "ops-deploy"},
           {"createdDateTime", shifted(start, -400 * k_day)},
           {"keyCredentials", Json::array()},
           {"passwordCredentials",
            {password_credential("azure-devops-pipeline", "Qm~",
                                 stable_guid("secret/pipeline/" + app_id),
                                 shifted(start, -200 * k_day), shifted(start, 165 * k_day)),
             password_credential("backup", "8Xa", stable_guid("secret/attacker/" + app_id),
                                 shifted(start, 6 * 60), shifted(start, 730 * k_day))}}};
  const std::string sp = stable_guid("service-principal/ops-deploy/" + subscription);
  state.service_principals[lower(sp)] = Json{{"id", sp},
                                             {"appId", app_id},
                                             {"displayName", "ops-deploy"},
                                             {"accountEnabled", true},
                                             {"servicePrincipalType", "Application"},
                                             {"appOwnerOrganizationId", state.config.tenant_id}};
}

// A webhook and a job schedule on each runbook `upn` last modified, and a nightly job
// schedule on the other runbooks of the same accounts.
void seed_runbook_triggers(State& state, const std::string& subscription, const std::string& start,
                           const std::string& attacker, const std::string& upn,
                           const std::string& ip)
{
  std::vector<Json> runbooks;
  for (const auto& r : resources_under(state, "/subscriptions/" + subscription + "/", "")) {
    if (lower(r.value("type", "")) == "microsoft.automation/automationaccounts/runbooks") {
      runbooks.push_back(r);
    }
  }
  const auto planted = [&](const Json& runbook) {
    const Json::json_pointer by("/properties/lastModifiedBy");
    return runbook.contains(by) && runbook[by].is_string() &&
           lower(runbook[by].get<std::string>()) == lower(upn);
  };
  for (const auto& runbook : runbooks) {
    const std::string id = runbook["id"].get<std::string>();
    const std::string account = id.substr(0, id.rfind("/runbooks/"));
    const std::string name = runbook.value("name", "");
    const bool ours = planted(runbook);
    if (!ours && std::none_of(runbooks.begin(), runbooks.end(), [&](const Json& other) {
          return planted(other) && other["id"].get<std::string>().rfind(account + "/", 0) == 0;
        })) {
      continue;
    }
    const std::string schedule_id = stable_guid("job-schedule/" + lower(id));
    const std::string when = ours ? shifted(start, 7 * 60) : shifted(start, -150 * k_day);
    const std::string job_schedule = account + "/jobSchedules/" + schedule_id;
    state.job_schedules[lower(job_schedule)] =
        Json{{"id", job_schedule},
             {"name", schedule_id},
             {"type", "Microsoft.Automation/AutomationAccounts/JobSchedules"},
             {"properties",
              {{"jobScheduleId", schedule_id},
               {"runbook", {{"name", name}}},
               {"schedule", {{"name", ours ? "Every-30-Minutes" : "Nightly-2300"}}},
               {"runOn", nullptr},
               {"parameters", ours ? Json{{"Mode", "Refresh"}} : Json::object()}}}};
    if (!ours) {
      continue;
    }
    state.activity_log.push_back(
        attacker_event(state, upn, attacker, ip, when, job_schedule,
                       "Microsoft.Automation/automationAccounts/jobSchedules/write"));
    const std::string webhook = account + "/webhooks/" + name + "-Trigger";
    const std::string made = shifted(start, 6 * 60);
    state.webhooks[lower(webhook)] =
        Json{{"id", webhook},
             {"name", name + "-Trigger"},
             {"type", "Microsoft.Automation/AutomationAccounts/Webhooks"},
             {"properties",
              {{"isEnabled", true},
               {"uri", ""},
               {"expiryTime", shifted(start, 3650 * k_day)},
               {"lastInvokedTime", shifted(start, 40 * 60)},
               {"runOn", nullptr},
               {"parameters", nullptr},
               {"runbook", {{"name", name}}},
               {"creationTime", made},
               {"lastModifiedBy", upn},
               {"lastModifiedTime", made},
               {"description", ""}}}};
    state.activity_log.push_back(
        attacker_event(state, upn, attacker, ip, made, webhook,
                       "Microsoft.Automation/automationAccounts/webhooks/write"));
  }
}

} // namespace

void seed_identity_incident(State& state, const alert::Alert& a, const std::string& attacker,
                            const std::string& upn, const std::string& ip)
{
  if (a.family != alert::Family::resourcemanager) {
    return;
  }
  const std::string subscription =
      lower(a.subscription_id.empty() ? state.config.subscription_id : a.subscription_id);
  const std::string start = a.start_time;
  Json backdoor =
      custom_role(subscription, "Module Cache Operator", "Maintains the PowerShell module cache.",
                  Json{"*/read", "*/write"}, attacker, shifted(start, 4 * 60));
  if (find_resource(state, backdoor["id"])) {
    return; // seeded before
  }
  state.activity_log.push_back(attacker_event(state, upn, attacker, ip, shifted(start, 4 * 60),
                                              backdoor["id"],
                                              "Microsoft.Authorization/roleDefinitions/write"));
  put_resource(state, std::move(backdoor));
  put_resource(state, custom_role(subscription, "VM Operator", "Starts, restarts and stops VMs.",
                                  Json{"Microsoft.Compute/virtualMachines/read",
                                       "Microsoft.Compute/virtualMachines/start/action",
                                       "Microsoft.Compute/virtualMachines/restart/action",
                                       "Microsoft.Compute/virtualMachines/deallocate/action"},
                                  state.config.client_id, shifted(start, -300 * k_day)));

  // Eligible for Owner: it can take the role back whenever its assignment is deleted.
  const std::string scope = "/subscriptions/" + subscription;
  const std::string eligibility = stable_guid("eligibility/owner/" + scope + "/" + lower(attacker));
  state.role_eligibilities.push_back(
      Json{{"id", scope + "/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/" +
                      eligibility},
           {"name", eligibility},
           {"type", "Microsoft.Authorization/roleEligibilityScheduleInstances"},
           {"properties",
            {{"scope", scope},
             {"roleDefinitionId", role_definition_id(subscription, "Owner")},
             {"principalId", attacker},
             {"principalType", state.principal_type(attacker)},
             {"roleEligibilityScheduleId",
              scope + "/providers/Microsoft.Authorization/roleEligibilitySchedules/" +
                  stable_guid("schedule/" + eligibility)},
             {"status", "Provisioned"},
             {"startDateTime", shifted(start, 4 * 60)},
             {"endDateTime", shifted(start, 365 * k_day)},
             {"memberType", "Direct"},
             {"createdOn", shifted(start, 4 * 60)},
             {"condition", nullptr},
             {"conditionVersion", nullptr}}}});
  state.activity_log.push_back(attacker_event(
      state, upn, attacker, ip, shifted(start, 4 * 60),
      scope + "/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/" + eligibility,
      "Microsoft.Authorization/roleEligibilityScheduleRequests/write"));

  // An Authenticator on a phone the attacker holds, next to the user's own methods.
  if (const auto user = state.users.find(lower(attacker)); user != state.users.end()) {
    auth_methods_of(state, user->second)
        .push_back(
            Json{{"@odata.type", "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"},
                 {"id", stable_guid("authenticator/attacker/" + lower(attacker))},
                 {"displayName", "SM-A536B"},
                 {"deviceTag", "SoftwareTokenActivated"},
                 {"phoneAppVersion", "6.2401.0119"},
                 {"createdDateTime", shifted(start, 3 * 60)}});
  }
  seed_application(state, subscription, start);
  seed_runbook_triggers(state, subscription, start, attacker, upn, ip);
}

void apply_identity_scenario(State& state, const Json& doc)
{
  const auto each = [&doc](const char* key, const auto& add) {
    if (doc.contains(key) && doc[key].is_array()) {
      for (const auto& item : doc[key]) {
        if (item.is_object() && item.contains("id") && item["id"].is_string()) {
          add(item);
        }
      }
    }
  };
  each("groups", [&](const Json& g) { state.groups[lower(g["id"].get<std::string>())] = g; });
  each("applications",
       [&](const Json& app) { state.applications[lower(app["id"].get<std::string>())] = app; });
  each("roleEligibilities", [&](const Json& e) { state.role_eligibilities.push_back(e); });
  each("webhooks", [&](const Json& w) { state.webhooks[lower(w["id"].get<std::string>())] = w; });
  each("jobSchedules",
       [&](const Json& j) { state.job_schedules[lower(j["id"].get<std::string>())] = j; });
  // Methods are added to the user's default set (a user the scenario does not list keeps
  // only the methods it gives).
  if (doc.contains("authenticationMethods") && doc["authenticationMethods"].is_object()) {
    for (const auto& [user_id, methods] : doc["authenticationMethods"].items()) {
      const auto user = state.users.find(lower(user_id));
      auto& list = user != state.users.end() ? auth_methods_of(state, user->second)
                                             : state.auth_methods[lower(user_id)];
      for (const auto& method : methods) {
        list.push_back(method);
      }
    }
  }
}

} // namespace dftriage::lab
