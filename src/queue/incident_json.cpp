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

namespace {

void key(std::string& out, std::string_view name, bool first = false)
{
  if (!first) {
    out += ',';
  }
  out += '"';
  out += name;
  out += "\":";
}

void string_or_null(std::string& out, const std::string& s)
{
  if (s.empty()) {
    out += "null";
  } else {
    alert::append_json_string(s, out);
  }
}

void strings(std::string& out, const std::vector<std::string>& list)
{
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    out += i == 0 ? "" : ",";
    alert::append_json_string(list[i], out);
  }
  out += ']';
}

} // namespace

void append_json(const Incident& incident, std::int64_t window_s, std::string& out)
{
  out += '{';
  key(out, "incident", true);
  alert::append_json_string(incident.id, out);
  key(out, "rank");
  out += std::to_string(incident.rank);
  key(out, "family");
  alert::append_json_string(alert::to_string(incident.family), out);
  key(out, "severity");
  alert::append_json_string(alert::to_string(incident.severity), out);
  key(out, "status");
  string_or_null(out, incident.status);
  key(out, "simulated");
  out += incident.simulated ? "true" : "false";
  key(out, "playbook");
  alert::append_json_string(incident.playbook, out);
  key(out, "subscriptionId");
  string_or_null(out, incident.subscription_id);
  key(out, "firstSeen");
  string_or_null(out, incident.first_seen);
  key(out, "lastSeen");
  string_or_null(out, incident.last_seen);
  key(out, "alertCount");
  out += std::to_string(incident.alerts.size());
  key(out, "duplicates");
  out += std::to_string(incident.duplicates);
  key(out, "resources");
  strings(out, incident.resources);
  key(out, "grouping");
  out += '{';
  key(out, "groupBy", true);
  strings(out, incident.group_by);
  key(out, "linkBy");
  strings(out, incident.link_by);
  key(out, "windowSeconds");
  out += std::to_string(window_s);
  key(out, "ties");
  out += '[';
  for (std::size_t i = 0; i < incident.ties.size(); ++i) {
    const auto& t = incident.ties[i];
    out += i == 0 ? "{" : ",{";
    key(out, "key", true);
    alert::append_json_string(t.key, out);
    key(out, "value");
    alert::append_json_string(t.value, out);
    key(out, "alerts");
    out += std::to_string(t.alerts);
    out += '}';
  }
  out += "]}";
  key(out, "alerts");
  out += '[';
  for (std::size_t i = 0; i < incident.alerts.size(); ++i) {
    const auto& a = incident.alerts[i];
    out += i == 0 ? "{" : ",{";
    key(out, "id", true);
    alert::append_json_string(a.id, out);
    key(out, "alertType");
    alert::append_json_string(a.alert_type, out);
    key(out, "displayName");
    alert::append_json_string(a.display_name, out);
    key(out, "severity");
    alert::append_json_string(alert::to_string(a.severity), out);
    key(out, "status");
    string_or_null(out, a.status);
    key(out, "startTime");
    string_or_null(out, a.start_time);
    key(out, "simulated");
    out += a.simulated ? "true" : "false";
    key(out, "resourceId");
    string_or_null(out, a.resource_id);
    key(out, "copies");
    out += std::to_string(a.copies);
    key(out, "source");
    out += '{';
    key(out, "file", true);
    alert::append_json_string(a.file, out);
    key(out, "index");
    out += std::to_string(a.index);
    out += "}}";
  }
  out += "]}";
}

} // namespace dftriage::queue
