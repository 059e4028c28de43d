// Microsoft.Automation accounts and runbooks (2024-10-23): lists, GET, DELETE (200, or
// 204 when already gone; not LROs), and a runbook's published content (text/powershell).

#include "arm.hpp"
#include "modules.hpp"

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_versions = {"2024-10-23", "2023-11-01", "2023-05-15-preview", "2022-08-08",
                                             "2020-01-13-preview", "2019-06-01", "2018-06-30", "2015-10-31"};
const std::string k_accounts = std::string(k_sub) + k_rg + "/providers/Microsoft\\.Automation/automationAccounts";
const std::string k_account = k_accounts + "/([^/]+)";
const std::string k_runbook = k_account + "/runbooks/([^/]+)";
const char* k_account_type = "Microsoft.Automation/AutomationAccounts";
const char* k_runbook_type = "Microsoft.Automation/AutomationAccounts/Runbooks";

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
  for (auto it = state.resources.lower_bound(id + "/"); it != state.resources.end() && it->first.rfind(id + "/", 0) == 0;) {
    state.runbook_contents.erase(it->first);
    it = state.resources.erase(it);
  }
  state.resources.erase(id);
  return LabResponse::empty(200);
}

} // namespace

void add_automation_routes(Router& router, State& state)
{
  const RouteOptions options{k_versions, "arm", ""};
  router.add("GET", std::string(k_sub) + "/providers/Microsoft\\.Automation/automationAccounts", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return page(state, request, resources_under(state, "/subscriptions/" + c[1] + "/", k_account_type));
             });
  router.add("GET", k_accounts, options, [&state](const LabRequest& request, const Captures& c) {
    require_scope(state, c[1], c[2]);
    return page(state, request, resources_under(state, group_id(c[1], c[2]) + "/", k_account_type));
  });
  router.add("GET", k_account, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_resource(state, account_id(c)));
  });
  router.add("DELETE", k_account, options, [&state](const LabRequest&, const Captures& c) { return delete_account(state, c); });
  router.add("GET", k_account + "/runbooks", options, [&state](const LabRequest& request, const Captures& c) {
    const Json& account = require_resource(state, account_id(c));
    return page(state, request, resources_under(state, account.value("id", "") + "/runbooks/", k_runbook_type));
  });
  router.add("GET", k_runbook, options,
             [&state](const LabRequest&, const Captures& c) { return LabResponse::json(200, require_runbook(state, c)); });
  router.add("GET", k_runbook + "/content", options, [&state](const LabRequest&, const Captures& c) {
    const Json& runbook = require_runbook(state, c);
    const auto content = state.runbook_contents.find(lower(runbook.value("id", "")));
    if (content == state.runbook_contents.end()) {
      throw ArmFault{404, "NotFound", "The Runbook '" + c[4] + "' has no published content.", std::nullopt, {}};
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
}

} // namespace dftriage::lab
