// Microsoft.Automation accounts and runbooks (2024-10-23): lists, GET, DELETE (200, or
// 204 when already gone; not LROs), and a runbook's published content (text/powershell);
// webhooks (list with a runbook filter, GET, DELETE) and job schedules (list, GET, PUT,
// DELETE), which ARM's resource lists do not show.

#include "arm.hpp"
#include "modules.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_automation_versions = {
    "2024-10-23",         "2023-11-01", "2023-05-15-preview", "2022-08-08",
    "2020-01-13-preview", "2019-06-01", "2018-06-30",         "2015-10-31"};
const std::string k_accounts =
    std::string(k_sub) + k_rg + "/providers/Microsoft\\.Automation/automationAccounts";
const std::string k_account = k_accounts + "/([^/]+)";
const std::string k_runbook = k_account + "/runbooks/([^/]+)";
const char* k_account_type = "Microsoft.Automation/AutomationAccounts";
const char* k_runbook_type = "Microsoft.Automation/AutomationAccounts/Runbooks";
const char* k_job_schedule_type = "Microsoft.Automation/AutomationAccounts/JobSchedules";

std::string account_id(const Captures& c)
{
  return group_id(c[1], c[2]) + "/providers/Microsoft.Automation/automationAccounts/" + c[3];
}

// Returns the stored runbook, or throws the 404 the service gives.
Json& require_runbook(State& state, const Captures& c)
{
  const Json& account = require_resource(state, account_id(c));
  Json* runbook = find_resource(state, account.value("id", "") + "/runbooks/" + c[4]);
  if (!runbook) {
    throw ArmFault{404, "NotFound", "The Runbook '" + c[4] + "' was not found.", std::nullopt, {}};
  }
  return *runbook;
}

LabResponse delete_account(State& state, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const Json* account = find_resource(state, account_id(c));
  if (!account) {
    return LabResponse::empty(204);
  }
  const std::string id = lower(account->value("id", ""));
  for (auto it = state.resources.lower_bound(id + "/");
       it != state.resources.end() && it->first.rfind(id + "/", 0) == 0;) {
    state.runbook_contents.erase(it->first);
    it = state.resources.erase(it);
  }
  state.resources.erase(id);
  for (auto* children : {&state.webhooks, &state.job_schedules}) {
    for (auto it = children->lower_bound(id + "/");
         it != children->end() && it->first.rfind(id + "/", 0) == 0;) {
      it = children->erase(it);
    }
  }
  return LabResponse::empty(200);
}

// Returns the string at `pointer` in `doc`, or "".
std::string text_at(const Json& doc, const char* pointer)
{
  const Json::json_pointer path(pointer);
  return doc.contains(path) && doc[path].is_string() ? doc[path].get<std::string>() : std::string();
}

// Returns the items of `children` (webhooks or job schedules) of the account `c` names,
// after checking that the account exists.
std::vector<Json> children_of(State& state, const std::map<std::string, Json>& children,
                              const Captures& c)
{
  const std::string prefix = lower(require_resource(state, account_id(c)).value("id", "")) + "/";
  std::vector<Json> out;
  for (auto it = children.lower_bound(prefix);
       it != children.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    out.push_back(it->second);
  }
  return out;
}

// Returns the runbook name of "properties/runbook/name eq '<name>'" (quotes doubled), or
// throws 400 for any other filter.
std::string runbook_filter(const std::string& filter)
{
  const std::string prefix = "properties/runbook/name eq '";
  if (lower(filter).rfind(prefix, 0) != 0 || filter.size() <= prefix.size() ||
      filter.back() != '\'') {
    throw ArmFault{400,
                   "BadRequest",
                   "The filter '" + filter +
                       "' is not supported; the lab supports "
                       "properties/runbook/name eq '{name}'.",
                   std::nullopt,
                   {}};
  }
  std::string name;
  for (std::size_t i = prefix.size(); i + 1 < filter.size(); ++i) {
    name += filter[i];
    i += filter[i] == '\'' && filter[i + 1] == '\'' ? 1 : 0;
  }
  return name;
}

void add_webhook_routes(Router& router, State& state, const RouteOptions& options)
{
  router.add("GET", k_account + "/webhooks", options,
             [&state](const LabRequest& request, const Captures& c) {
               std::vector<Json> items = children_of(state, state.webhooks, c);
               if (const auto filter = request.query_value("$filter")) {
                 const std::string runbook = lower(runbook_filter(*filter));
                 items.erase(std::remove_if(items.begin(), items.end(),
                                            [&](const Json& w) {
                                              return lower(text_at(
                                                         w, "/properties/runbook/name")) != runbook;
                                            }),
                             items.end());
               }
               return page(state, request, items);
             });
  router.add(
      "GET", k_account + "/webhooks/([^/]+)", options,
      [&state](const LabRequest&, const Captures& c) {
        require_resource(state, account_id(c));
        const auto it = state.webhooks.find(lower(account_id(c) + "/webhooks/" + c[4]));
        if (it == state.webhooks.end()) {
          throw ArmFault{
              404, "NotFound", "The webhook '" + c[4] + "' was not found.", std::nullopt, {}};
        }
        return LabResponse::json(200, it->second);
      });
  router.add("DELETE", k_account + "/webhooks/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) {
               require_resource(state, account_id(c));
               return LabResponse::empty(
                   state.webhooks.erase(lower(account_id(c) + "/webhooks/" + c[4])) == 0 ? 204
                                                                                         : 200);
             });
}

// Stores the job schedule a PUT asks for: 201 with it; 400 without a runbook and a
// schedule, 404 for a runbook the account does not have, 409 for an ID in use.
LabResponse put_job_schedule(State& state, const LabRequest& request, const Captures& c)
{
  const Json& account = require_resource(state, account_id(c));
  const std::string id = account.value("id", "") + "/jobSchedules/" + c[4];
  const Json body = request.json_body();
  const std::string runbook = text_at(body, "/properties/runbook/name");
  const std::string schedule = text_at(body, "/properties/schedule/name");
  if (runbook.empty() || schedule.empty()) {
    throw ArmFault{400,
                   "BadRequest",
                   "properties.runbook.name and properties.schedule.name are required.",
                   std::nullopt,
                   {}};
  }
  if (!find_resource(state, account.value("id", "") + "/runbooks/" + runbook)) {
    throw ArmFault{
        404, "NotFound", "The Runbook '" + runbook + "' was not found.", std::nullopt, {}};
  }
  if (state.job_schedules.count(lower(id)) != 0) {
    throw ArmFault{409,
                   "Conflict",
                   "A job schedule with the ID '" + c[4] + "' already exists.",
                   std::nullopt,
                   {}};
  }
  Json job_schedule{{"id", id},
                    {"name", c[4]},
                    {"type", k_job_schedule_type},
                    {"properties",
                     {{"jobScheduleId", c[4]},
                      {"runbook", {{"name", runbook}}},
                      {"schedule", {{"name", schedule}}},
                      {"runOn", body["properties"].value("runOn", Json())},
                      {"parameters", body["properties"].value("parameters", Json::object())}}}};
  state.job_schedules[lower(id)] = job_schedule;
  return LabResponse::json(201, job_schedule);
}

void add_job_schedule_routes(Router& router, State& state, const RouteOptions& options)
{
  router.add("GET", k_account + "/jobSchedules", options,
             [&state](const LabRequest& request, const Captures& c) {
               return page(state, request, children_of(state, state.job_schedules, c));
             });
  router.add(
      "GET", k_account + "/jobSchedules/([^/]+)", options,
      [&state](const LabRequest&, const Captures& c) {
        require_resource(state, account_id(c));
        const auto it = state.job_schedules.find(lower(account_id(c) + "/jobSchedules/" + c[4]));
        if (it == state.job_schedules.end()) {
          throw ArmFault{
              404, "NotFound", "The job schedule '" + c[4] + "' was not found.", std::nullopt, {}};
        }
        return LabResponse::json(200, it->second);
      });
  router.add("PUT", k_account + "/jobSchedules/([^/]+)", options,
             [&state](const LabRequest& request, const Captures& c) {
               return put_job_schedule(state, request, c);
             });
  router.add("DELETE", k_account + "/jobSchedules/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) {
               require_resource(state, account_id(c));
               return LabResponse::empty(
                   state.job_schedules.erase(lower(account_id(c) + "/jobSchedules/" + c[4])) == 0
                       ? 204
                       : 200);
             });
}

} // namespace

void add_automation_routes(Router& router, State& state)
{
  const RouteOptions options{k_automation_versions, "arm", ""};
  router.add("GET", std::string(k_sub) + "/providers/Microsoft\\.Automation/automationAccounts",
             options, [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return page(state, request,
                           resources_under(state, "/subscriptions/" + c[1] + "/", k_account_type));
             });
  router.add("GET", k_accounts, options, [&state](const LabRequest& request, const Captures& c) {
    require_scope(state, c[1], c[2]);
    return page(state, request, resources_under(state, group_id(c[1], c[2]) + "/", k_account_type));
  });
  router.add("GET", k_account, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_resource(state, account_id(c)));
  });
  router.add("DELETE", k_account, options,
             [&state](const LabRequest&, const Captures& c) { return delete_account(state, c); });
  router.add("GET", k_account + "/runbooks", options,
             [&state](const LabRequest& request, const Captures& c) {
               const Json& account = require_resource(state, account_id(c));
               return page(
                   state, request,
                   resources_under(state, account.value("id", "") + "/runbooks/", k_runbook_type));
             });
  router.add("GET", k_runbook, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_runbook(state, c));
  });
  router.add("GET", k_runbook + "/content", options,
             [&state](const LabRequest&, const Captures& c) {
               const Json& runbook = require_runbook(state, c);
               const auto content = state.runbook_contents.find(lower(runbook.value("id", "")));
               if (content == state.runbook_contents.end()) {
                 throw ArmFault{404,
                                "NotFound",
                                "The Runbook '" + c[4] + "' has no published content.",
                                std::nullopt,
                                {}};
               }
               LabResponse response;
               response.status = 200;
               response.body = content->second;
               response.content_type = "text/powershell";
               return response;
             });
  router.add("DELETE", k_runbook, options, [&state](const LabRequest&, const Captures& c) {
    require_resource(state, account_id(c));
    const std::string id = lower(account_id(c) + "/runbooks/" + c[4]);
    state.runbook_contents.erase(id);
    return LabResponse::empty(state.resources.erase(id) == 0 ? 204 : 200);
  });
  add_webhook_routes(router, state, options);
  add_job_schedule_routes(router, state, options);
}

} // namespace dftriage::lab
