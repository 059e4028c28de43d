// Microsoft.Security alerts (2022-01-01): lists, GET, and the status POSTs.

#include "arm.hpp"
#include "modules.hpp"

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_versions = {"2022-01-01", "2021-01-01", "2020-01-01", "2019-01-01"};
const std::string k_scope = std::string(k_sub) + "(?:/resourceGroups/([^/]+))?/providers/Microsoft\\.Security";

std::string scope_of(const Captures& c)
{
  return c[2].empty() ? "/subscriptions/" + c[1] : group_id(c[1], c[2]);
}

std::vector<Json> alerts_under(State& state, const std::string& scope, const std::string& location)
{
  std::vector<Json> out;
  for (auto& alert : resources_under(state, scope + "/", "Microsoft.Security/Locations/alerts")) {
    const std::string id = lower(alert.value("id", ""));
    if (location.empty() || id.find("/locations/" + lower(location) + "/") != std::string::npos) {
      out.push_back(std::move(alert));
    }
  }
  return out;
}

} // namespace

void add_security_routes(Router& router, State& state)
{
  const RouteOptions options{k_versions, "arm", ""};
  router.add("GET", k_scope + "/alerts", options, [&state](const LabRequest& request, const Captures& c) {
    require_scope(state, c[1], c[2]);
    return page(state, request, alerts_under(state, scope_of(c), ""));
  });
  router.add("GET", k_scope + "/locations/([^/]+)/alerts", options, [&state](const LabRequest& request, const Captures& c) {
    require_scope(state, c[1], c[2]);
    return page(state, request, alerts_under(state, scope_of(c), c[3]));
  });
  router.add("GET", k_scope + "/locations/([^/]+)/alerts/([^/]+)", options, [&state](const LabRequest&, const Captures& c) {
    require_scope(state, c[1], c[2]);
    return LabResponse::json(200, require_resource(state, c[0]));
  });
  router.add("POST", k_scope + "/locations/([^/]+)/alerts/([^/]+)/(dismiss|resolve|activate|inProgress)", options,
             [&state](const LabRequest&, const Captures& c) {
               require_scope(state, c[1], c[2]);
               Json& alert = require_resource(state, scope_of(c) + "/providers/Microsoft.Security/locations/" + c[3]
                                                       + "/alerts/" + c[4]);
               const std::string verb = lower(c[5]);
               alert["properties"]["status"] = verb == "dismiss"    ? "Dismissed"
                                               : verb == "resolve"  ? "Resolved"
                                               : verb == "activate" ? "Active"
                                                                    : "InProgress";
               return LabResponse::empty(204);
             });
}

} // namespace dftriage::lab
