// Azure Monitor actions: the subscription's activity log.

#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "families.hpp"

namespace dftriage::azure::actions {

// Shared ARM helpers, defined in resources.cpp (to move to families.hpp).
Request arm_query(std::string method, const alert::ResourceId& id,
                  std::initializer_list<std::string_view> suffix, const char* api_version,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> queries,
                  const Cloud& cloud);
std::string odata_string(std::string_view value);
const alert::ResourceId& subscription_arg(const ActionArgs& args, std::string_view name);
ParamSpec subscription_param();

namespace {

// Returns the ISO 8601 time argument `name` normalised to UTC, or throws.
std::string iso_time_arg(const ActionArgs& args, std::string_view name)
{
  const std::string& value = args.text(name);
  // normalise_utc also takes Defender's US form; a filter wants ISO 8601 only.
  const bool iso_shape = value.size() >= 10 && value[4] == '-' && value[7] == '-';
  const auto utc = iso_shape ? time::normalise_utc(value) : std::nullopt;
  if (!utc) {
    throw ActionError("parameter " + std::string(name)
                      + ": expected an ISO 8601 time like 2026-01-31T08:00:00Z, got " + text::quote(value));
  }
  return *utc;
}

// Returns `value` of parameter `name` as an OData literal, naming the parameter when it
// cannot be one.
std::string odata_arg(std::string_view name, std::string_view value)
{
  try {
    return odata_string(value);
  } catch (const ActionError& e) {
    throw ActionError("parameter " + std::string(name) + ": " + e.what());
  }
}

ActionSpec list_activity_log()
{
  ActionSpec spec{"monitor.activity_log.list",
                  "List the subscription's activity log events between two times, optionally of one caller and/or one resource",
                  {subscription_param(),
                   {"start", ParamType::string, true, {}, {}, "ISO 8601 start time (at most 90 days back)"},
                   {"end", ParamType::string, true, {}, {}, "ISO 8601 end time"},
                   {"caller", ParamType::string, false, {}, {}, "UPN or object ID of the caller"},
                   {"resourceId", ParamType::resource_id, false, {}, {}, "Only events of this resource"}},
                  false, Reversibility::read_only, "", "Microsoft.Insights/eventtypes/values/read", {}};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string start = iso_time_arg(args, "start");
    const std::string end = iso_time_arg(args, "end");
    // Both are "YYYY-MM-DDThh:mm:ss…Z" now; the first 19 characters order them.
    if (start.compare(0, 19, end, 0, 19) > 0) {
      throw ActionError("parameter start: " + text::quote(start) + " is after end " + text::quote(end));
    }
    std::string filter = "eventTimestamp ge " + odata_arg("start", start) + " and eventTimestamp le "
                         + odata_arg("end", end);
    if (args.has("caller")) {
      filter += " and caller eq " + odata_arg("caller", args.text("caller"));
    }
    if (args.has("resourceId")) {
      filter += " and resourceUri eq " + odata_arg("resourceId", args.resource("resourceId").canonical);
    }
    ActionRequests out;
    auto r = arm_query("GET", subscription_arg(args, "subscription"),
                       {"providers", "Microsoft.Insights", "eventtypes", "management", "values"},
                       api_version::k_monitor_activity_log, {{"$filter", filter}}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

void add_monitor(std::vector<ActionSpec>& out) { out.push_back(list_activity_log()); }

} // namespace dftriage::azure::actions
