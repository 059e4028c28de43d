// An incident of the queue as JSON (docs/OUTPUT.md "Incident").

#include "dftriage/queue/triage.hpp"

namespace dftriage::queue {

namespace {

using Json = nlohmann::ordered_json;

Json or_null(const std::string& s)
{
  return s.empty() ? Json(nullptr) : Json(s);
}

Json alert_json(const QueuedAlert& a)
{
  return Json{{"id", a.id},
              {"alertType", a.alert_type},
              {"displayName", a.display_name},
              {"severity", alert::to_string(a.severity)},
              {"status", or_null(a.status)},
              {"startTime", or_null(a.start_time)},
              {"simulated", a.simulated},
              {"resourceId", or_null(a.resource_id)},
              {"copies", a.copies},
              {"source", Json{{"file", a.file}, {"index", a.index}}}};
}

} // namespace

Json to_json(const Incident& incident, std::int64_t window_s)
{
  Json ties = Json::array();
  for (const auto& t : incident.ties) {
    ties.push_back(Json{{"key", t.key}, {"value", t.value}, {"alerts", t.alerts}});
  }
  Json alerts = Json::array();
  for (const auto& a : incident.alerts) {
    alerts.push_back(alert_json(a));
  }
  return Json{{"incident", incident.id},
              {"rank", incident.rank},
              {"family", alert::to_string(incident.family)},
              {"severity", alert::to_string(incident.severity)},
              {"status", or_null(incident.status)},
              {"simulated", incident.simulated},
              {"playbook", incident.playbook},
              {"subscriptionId", or_null(incident.subscription_id)},
              {"firstSeen", or_null(incident.first_seen)},
              {"lastSeen", or_null(incident.last_seen)},
              {"alertCount", incident.alerts.size()},
              {"duplicates", incident.duplicates},
              {"resources", incident.resources},
              {"grouping", Json{{"groupBy", incident.group_by},
                                {"linkBy", incident.link_by},
                                {"windowSeconds", window_s},
                                {"ties", std::move(ties)}}},
              {"alerts", std::move(alerts)}};
}

} // namespace dftriage::queue
