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

// Writes JSON as nlohmann's dump(indent) does: on one line without spaces when `indent`
// is negative, else a member or element a line, "key": value, an empty array or object
// as [] or {}.
class JsonWriter
{
public:
  JsonWriter(std::string& out, int indent, int depth)
      : m_out(out)
      , m_indent(indent)
      , m_depth(depth)
  {
  }

  void open(char bracket)
  {
    m_out += bracket;
    ++m_depth;
    m_first = true;
  }
  void close(char bracket)
  {
    --m_depth;
    if (!m_first) {
      newline();
    }
    m_out += bracket;
    m_first = false;
  }
  // Starts a member of the open object: its value comes next.
  void key(std::string_view name)
  {
    item();
    m_out += '"';
    m_out += name;
    m_out += m_indent >= 0 ? "\": " : "\":";
  }
  // Starts an element of the open array.
  void item()
  {
    if (!m_first) {
      m_out += ',';
    }
    m_first = false;
    newline();
  }

  void string(std::string_view s) { alert::append_json_string(s, m_out); }
  void string_or_null(const std::string& s)
  {
    if (s.empty()) {
      m_out += "null";
    } else {
      string(s);
    }
  }
  void number(std::uint64_t n) { m_out += std::to_string(n); }
  void number(std::int64_t n) { m_out += std::to_string(n); }
  void boolean(bool b) { m_out += b ? "true" : "false"; }
  void strings(const std::vector<std::string>& list)
  {
    open('[');
    for (const auto& s : list) {
      item();
      string(s);
    }
    close(']');
  }

private:
  void newline()
  {
    if (m_indent >= 0) {
      m_out += '\n';
      m_out.append(static_cast<std::size_t>(m_indent) * static_cast<std::size_t>(m_depth), ' ');
    }
  }

  std::string& m_out;
  int m_indent;
  int m_depth;
  bool m_first = true;
};

void write_alert(JsonWriter& w, const QueuedAlert& a)
{
  w.open('{');
  w.key("id");
  w.string(a.id);
  w.key("alertType");
  w.string(a.alert_type);
  w.key("displayName");
  w.string(a.display_name);
  w.key("severity");
  w.string(alert::to_string(a.severity));
  w.key("status");
  w.string_or_null(a.status);
  w.key("startTime");
  w.string_or_null(a.start_time);
  w.key("simulated");
  w.boolean(a.simulated);
  w.key("resourceId");
  w.string_or_null(a.resource_id);
  w.key("copies");
  w.number(std::uint64_t{a.copies});
  w.key("source");
  w.open('{');
  w.key("file");
  w.string(a.file);
  w.key("index");
  w.number(a.index);
  w.close('}');
  w.close('}');
}

} // namespace

void append_json(const Incident& incident, std::int64_t window_s, std::string& out, int indent,
                 int depth)
{
  JsonWriter w(out, indent, depth);
  w.open('{');
  w.key("incident");
  w.string(incident.id);
  w.key("rank");
  w.number(std::uint64_t{incident.rank});
  w.key("family");
  w.string(alert::to_string(incident.family));
  w.key("severity");
  w.string(alert::to_string(incident.severity));
  w.key("status");
  w.string_or_null(incident.status);
  w.key("simulated");
  w.boolean(incident.simulated);
  w.key("playbook");
  w.string(incident.playbook);
  w.key("subscriptionId");
  w.string_or_null(incident.subscription_id);
  w.key("firstSeen");
  w.string_or_null(incident.first_seen);
  w.key("lastSeen");
  w.string_or_null(incident.last_seen);
  w.key("alertCount");
  w.number(std::uint64_t{incident.alerts.size()});
  w.key("duplicates");
  w.number(std::uint64_t{incident.duplicates});
  w.key("resources");
  w.strings(incident.resources);
  w.key("grouping");
  w.open('{');
  w.key("groupBy");
  w.strings(incident.group_by);
  w.key("linkBy");
  w.strings(incident.link_by);
  w.key("windowSeconds");
  w.number(window_s);
  w.key("ties");
  w.open('[');
  for (const auto& t : incident.ties) {
    w.item();
    w.open('{');
    w.key("key");
    w.string(t.key);
    w.key("value");
    w.string(t.value);
    w.key("alerts");
    w.number(std::uint64_t{t.alerts});
    w.close('}');
  }
  w.close(']');
  w.close('}');
  w.key("alerts");
  w.open('[');
  for (const auto& a : incident.alerts) {
    w.item();
    write_alert(w, a);
  }
  w.close(']');
  w.close('}');
}

} // namespace dftriage::queue
