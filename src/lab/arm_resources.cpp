// Microsoft.Resources (subscriptions, resource groups, resources) and the activity log.

#include "arm.hpp"
#include "modules.hpp"

namespace dftriage::lab {

namespace {

// Among the versions Microsoft.Resources serves; 2021-01-01 is the subscriptions API's
// (azure-mgmt-resource's SubscriptionClient default).
const std::vector<std::string> k_resources_versions = {"2025-04-01", "2022-12-01", "2022-09-01",
                                                       "2021-04-01", "2021-01-01", "2020-01-01",
                                                       "2019-11-01", "2016-06-01"};
const std::vector<std::string> k_activity_versions = {"2015-04-01"};

// The value of `field` in an OData clause "field op 'value'" / "field op value", or "".
std::string clause_value(const std::string& filter, const std::string& field, const std::string& op)
{
  const std::string lf = lower(filter);
  const auto at = lf.find(lower(field) + " " + op + " ");
  if (at == std::string::npos) {
    return {};
  }
  std::size_t i = at + field.size() + op.size() + 2;
  if (i < filter.size() && filter[i] == '\'') {
    std::string out;
    for (++i; i < filter.size(); ++i) {
      if (filter[i] == '\'' && i + 1 < filter.size() && filter[i + 1] == '\'') {
        out += '\'';
        ++i;
      } else if (filter[i] == '\'') {
        break;
      } else {
        out += filter[i];
      }
    }
    return out;
  }
  const auto end = filter.find(' ', i);
  return filter.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

LabResponse list_activity(State& state, const LabRequest& request, const std::string& subscription)
{
  require_scope(state, subscription, "");
  const std::string filter = request.query_value("$filter").value_or("");
  Clock::time_point from;
  if (!parse_iso_time(clause_value(filter, "eventTimestamp", "ge"), from)) {
    throw ArmFault{
        400,
        "BadRequest",
        "The $filter parameter must include 'eventTimestamp ge' with a valid date time: '" +
            filter + "'.",
        Json{{"code", "BadRequest"},
             {"message",
              "The $filter parameter must include 'eventTimestamp ge' with a valid date time."}},
        {}};
  }
  Clock::time_point to = state.config.clock() + std::chrono::hours(24);
  const std::string le = clause_value(filter, "eventTimestamp", "le");
  if (!le.empty()) {
    parse_iso_time(le, to);
  }
  const std::string caller = clause_value(filter, "caller", "eq");
  const std::string group = clause_value(filter, "resourceGroupName", "eq");
  const std::string uri = clause_value(filter, "resourceUri", "eq");
  const std::string correlation = clause_value(filter, "correlationId", "eq");
  std::vector<std::string> select;
  for (std::string rest = request.query_value("$select").value_or(""); !rest.empty();) {
    const auto comma = rest.find(',');
    const std::string field(text_trim(rest.substr(0, comma)));
    if (!field.empty()) {
      select.push_back(field);
    }
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  // Newest first, as Azure lists events, whatever order the seeds stated them in.
  std::vector<std::pair<Clock::time_point, Json>> found;
  for (auto it = state.activity_log.rbegin(); it != state.activity_log.rend(); ++it) {
    const Json& e = *it;
    Clock::time_point t;
    if (lower(e.value("subscriptionId", "")) != lower(subscription) ||
        !parse_iso_time(e.value("eventTimestamp", ""), t) || t < from || t > to ||
        (!caller.empty() && lower(e.value("caller", "")) != lower(caller)) ||
        (!group.empty() && lower(e.value("resourceGroupName", "")) != lower(group)) ||
        (!uri.empty() && lower(e.value("resourceId", "")) != lower(uri)) ||
        (!correlation.empty() && lower(e.value("correlationId", "")) != lower(correlation))) {
      continue;
    }
    if (select.empty()) {
      found.emplace_back(t, e);
      continue;
    }
    Json picked = Json::object();
    for (const auto& field : select) {
      if (e.contains(field)) {
        picked[field] = e[field];
      }
    }
    found.emplace_back(t, std::move(picked));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Json> items;
  items.reserve(found.size());
  for (auto& [t, e] : found) {
    items.push_back(std::move(e));
  }
  return page(state, request, items);
}

// Adds what $expand asks for of createdTime and changedTime: the time the resource states
// itself (a VM's timeCreated, a runbook's creationTime), else when the lab stored it;
// changedTime is the lab's last write of it, or createdTime when none came after.
void add_times(const State& state, Json& resource, const std::string& expand)
{
  const auto times = state.resource_times.find(lower(resource.value("id", "")));
  std::string created = times == state.resource_times.end() ? "" : times->second.first;
  std::string changed = times == state.resource_times.end() ? "" : times->second.second;
  if (resource.contains("properties") && resource["properties"].is_object()) {
    const Json& p = resource["properties"];
    for (const char* key : {"timeCreated", "creationTime", "createdTime"}) {
      if (p.contains(key) && p[key].is_string()) {
        created = p[key].get<std::string>();
        break;
      }
    }
    for (const char* key : {"lastModifiedTime", "changedTime"}) {
      if (p.contains(key) && p[key].is_string()) {
        changed = p[key].get<std::string>();
        break;
      }
    }
  }
  // Never written since the lab stored it (seeded): it changed when it was made.
  const bool rewritten =
      times != state.resource_times.end() && times->second.second != times->second.first;
  if (!rewritten || changed < created) {
    changed = created;
  }
  if (expand.find("createdtime") != std::string::npos && !created.empty()) {
    resource["createdTime"] = created;
  }
  if (expand.find("changedtime") != std::string::npos && !changed.empty()) {
    resource["changedTime"] = changed;
  }
}

} // namespace

std::string_view text_trim(std::string_view s)
{
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

void add_resource_routes(Router& router, State& state)
{
  const RouteOptions options{k_resources_versions, "arm", ""};
  router.add(
      "GET", "/subscriptions", options, [&state](const LabRequest& request, const Captures&) {
        return page(state, request,
                    resources_under(state, "/subscriptions/", "Microsoft.Resources/subscriptions"));
      });
  router.add("GET", k_sub, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_resource(state, "/subscriptions/" + c[1]));
  });
  router.add("GET", std::string(k_sub) + "/resourcegroups", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return page(state, request,
                           resources_under(state, "/subscriptions/" + c[1] + "/resourceGroups/",
                                           "Microsoft.Resources/resourceGroups"));
             });
  router.add("GET", std::string(k_sub) + k_rg, options,
             [&state](const LabRequest&, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return LabResponse::json(200, require_resource(state, group_id(c[1], c[2])));
             });
  const auto list = [&state](const LabRequest& request, const std::string& prefix) {
    const std::string filter = request.query_value("$filter").value_or("");
    const std::string expand = lower(request.query_value("$expand").value_or(""));
    const std::string type = clause_value(filter, "resourceType", "eq");
    std::vector<Json> items;
    for (auto& r : resources_under(state, prefix, type)) {
      const std::string t = lower(r.value("type", ""));
      if (t == "microsoft.resources/subscriptions" || t == "microsoft.resources/resourcegroups" ||
          t.find("/roleassignments") != std::string::npos || t.find("microsoft.security/") == 0 ||
          r.value("id", "").find("/providers/", r.value("id", "").find("/providers/") + 1) !=
              std::string::npos) {
        continue; // resources lists show top-level tracked resources only
      }
      if (expand.find("createdtime") != std::string::npos ||
          expand.find("changedtime") != std::string::npos) {
        add_times(state, r, expand);
      }
      if (expand.find("provisioningstate") != std::string::npos && r.contains("properties") &&
          r["properties"].contains("provisioningState")) {
        r["provisioningState"] = r["properties"]["provisioningState"];
      }
      r.erase("properties");
      items.push_back(std::move(r));
    }
    return page(state, request, items);
  };
  router.add("GET", std::string(k_sub) + "/resources", options,
             [&state, list](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return list(request, "/subscriptions/" + c[1] + "/resourceGroups/");
             });
  router.add("GET", std::string(k_sub) + k_rg + "/resources", options,
             [&state, list](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return list(request, group_id(c[1], c[2]) + "/");
             });
  router.add("GET",
             std::string(k_sub) + "/providers/Microsoft\\.Insights/eventtypes/management/values",
             RouteOptions{k_activity_versions, "arm", ""},
             [&state](const LabRequest& request, const Captures& c) {
               return list_activity(state, request, c[1]);
             });
}

} // namespace dftriage::lab
