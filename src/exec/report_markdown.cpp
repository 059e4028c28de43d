// The incident record as Markdown for a ticket, in English or Chinese. Everything from
// the alert, Azure or a person goes through markdown_code (identifiers, paths,
// commands, values) or markdown_text (prose).

#include "dftriage/exec/messages.hpp"
#include "dftriage/exec/report.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/json_field.hpp"
#include "report_detail.hpp"

#include <algorithm>
#include <map>

namespace dftriage::exec {

namespace {

using json = nlohmann::ordered_json;
using detail::Labels;

using json_field::str;

const char* lookup(const std::map<std::string, const char*>& map, const std::string& key)
{
  const auto it = map.find(key);
  return it != map.end() ? it->second : nullptr;
}

// Replaces each of `keys` ("%s", "%1", ...) in `pattern` by its value.
std::string fill(const std::string& pattern,
                 const std::vector<std::pair<std::string, std::string>>& values)
{
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    bool replaced = false;
    for (const auto& [key, value] : values) {
      if (pattern.compare(i, key.size(), key) == 0) {
        out += value;
        i += key.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += pattern[i];
    }
  }
  return out;
}

class Renderer
{
public:
  Renderer(const json& report, const Labels& l, playbook::Lang lang)
      : m_report(report)
      , m_l(l)
      , m_lang(lang)
  {
  }

  std::string render()
  {
    summary();
    alert();
    indicators();
    timeline();
    permissions();
    answers();
    decisions(m_l.confirmed, "decisions");
    checklist();
    actions();
    decisions(m_l.declined, "declined");
    undone();
    evidence();
    follow_ups();
    return m_out;
  }

private:
  // A value as a code span ("—" when empty); JSON values other than strings as JSON.
  static std::string code(const json& v, bool in_table = false)
  {
    std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
    if (v.is_string() && s.empty()) {
      s = "\"\"";
    }
    const std::string span = markdown_code(s, in_table);
    return span.empty() ? "—" : span;
  }
  static std::string text(const std::string& s, bool in_table = false)
  {
    const std::string t = markdown_text(s, in_table);
    return t.empty() ? "—" : t;
  }
  std::string status(const std::string& s) const
  {
    const char* label = lookup(m_l.statuses, s);
    return label != nullptr ? label : markdown_text(s);
  }
  std::string duration(long long seconds) const
  {
    const long long h = seconds / 3600;
    const long long m = seconds % 3600 / 60;
    const long long s = seconds % 60;
    const auto two = [](long long n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    if (h > 0) {
      return std::to_string(h) + m_l.hours + m_l.unit_sep + two(m) + m_l.minutes + m_l.unit_sep +
             two(s) + m_l.seconds;
    }
    if (m > 0) {
      return std::to_string(m) + m_l.minutes + m_l.unit_sep + two(s) + m_l.seconds;
    }
    return std::to_string(s) + m_l.seconds;
  }
  // Who: the user; their credential's principal is listed once, under Operators.
  static std::string by(const json& who, bool in_table) { return code(str(who, "user"), in_table); }
  void item(const char* label, const std::string& value)
  {
    m_out += std::string("- **") + label + "**" + m_l.sep + value + "\n";
  }
  void heading(const char* title) { m_out += std::string("\n## ") + title + "\n\n"; }
  void table(std::initializer_list<const char*> columns)
  {
    std::string head = "|";
    std::string rule = "|";
    for (const char* c : columns) {
      head += std::string(" ") + c + " |";
      rule += "---|";
    }
    m_out += head + "\n" + rule + "\n";
  }
  void row(std::initializer_list<std::string> cells)
  {
    m_out += "|";
    for (const auto& c : cells) {
      m_out += " " + c + " |";
    }
    m_out += "\n";
  }
  void none() { m_out += std::string(m_l.none) + "\n"; }
  // What the record is about: the alert's type; an incident's ID, as triage lists it
  // (highest severity, how many alerts), and its alerts' types.
  std::string title() const
  {
    const auto& incident = m_report["incident"];
    if (!incident.is_object()) {
      return code(str(m_report["alert"], "type"));
    }
    const auto& alerts = incident.value("alerts", json::array());
    std::vector<std::string> types; // each once, in the alerts' order
    for (const auto& each : alerts) {
      if (std::find(types.begin(), types.end(), str(each, "type")) == types.end()) {
        types.push_back(str(each, "type"));
      }
    }
    std::string out = code(str(incident, "id")) + m_l.open_paren + text(str(incident, "severity")) +
                      m_l.comma +
                      fill(alerts.size() == 1 ? m_l.incident_one_alert : m_l.incident_alerts,
                           {{"%1", std::to_string(alerts.size())}}) +
                      m_l.sep;
    for (std::size_t i = 0; i < types.size() && i < 4; ++i) {
      out += (i == 0 ? "" : m_l.comma) + (i < 3 ? code(types[i]) : "…");
    }
    return out + m_l.close_paren;
  }

  void summary();
  void alert();
  void indicators();
  void timeline();
  void permissions();
  void answers();
  void decisions(const char* title, const char* key);
  void checklist();
  void actions();
  void undone();
  void evidence();
  void follow_ups();

  // A sentence dftriage wrote (an outcome's reason, who confirmed), in the record's language.
  std::string said(const std::string& message, bool in_table = false) const
  {
    return text(message_in(message, m_lang), in_table);
  }

  const json& m_report;
  const Labels& m_l;
  playbook::Lang m_lang;
  std::string m_out;
};

void Renderer::summary()
{
  m_out = "# " + std::string(m_l.title) + m_l.sep + title() + "\n\n";
  item(m_l.case_, code(str(m_report, "case")));
  if (str(m_report, "playbook").empty()) {
    item(m_l.playbook, m_l.not_chosen);
  } else {
    std::string p = code(str(m_report, "playbook"));
    if (!str(m_report, "playbookVersion").empty()) {
      p += " " + text(str(m_report, "playbookVersion"));
    }
    if (!str(m_report, "mode").empty()) {
      p += m_l.open_paren + text(str(m_report, "mode")) + m_l.close_paren;
    }
    item(m_l.playbook, p);
  }
  item(m_l.opened, text(str(m_report, "opened")));
  item(m_l.last_entry, text(str(m_report, "lastEntry")));
  std::string state = m_l.still_open;
  if (m_report.value("closed", false)) {
    state = m_l.closed;
    if (!str(m_report, "outcome").empty()) {
      state += m_l.sep + status(str(m_report, "outcome"));
    }
  }
  item(m_l.state, state);
  const auto& d = m_report["durations"];
  const auto& fc = d["toFirstContainment"];
  item(m_l.first_containment, fc.is_object() ? duration(fc.value("seconds", 0LL)) + m_l.open_paren +
                                                   code(str(fc, "step")) + m_l.close_paren
                                             : std::string(m_l.no_containment));
  item(m_l.total_time, d["total"].is_object() ? duration(d["total"].value("seconds", 0LL)) : "—");
  const auto& o = m_report["owner"];
  if (o.value("found", false)) {
    item(m_l.owner,
         code(o["value"]) + m_l.open_paren +
             fill(m_l.owner_tag, {{"%1", code(str(o, "tag"))}, {"%2", code(str(o, "step"))}}) +
             m_l.close_paren);
  } else {
    item(m_l.owner, std::string(m_l.owner_not_found) +
                        (o.value("tagsRead", json::array()).empty()
                             ? m_l.open_paren + std::string(m_l.owner_no_tags) + m_l.close_paren
                             : ""));
  }
  std::string ops;
  for (const auto& op : m_report["operators"]) {
    ops += (ops.empty() ? "" : m_l.comma) + by(op, false);
    if (!str(op, "principal").empty()) {
      ops += m_l.open_paren + said(str(op, "principal")) + m_l.close_paren;
    }
  }
  item(m_l.operators, ops.empty() ? "—" : ops);
  const auto& j = m_report["journal"];
  std::string journal = j.value("chainIntact", false) ? m_l.chain_intact
                                                      : std::string("**") + m_l.chain_broken + "**";
  journal += m_l.comma + std::to_string(j.value("entries", 0)) + " " + m_l.entries;
  if (j.contains("breaksAt")) {
    journal += m_l.comma + std::string(m_l.line) + " " + std::to_string(j.value("breaksAt", 0)) +
               m_l.sep + text(str(j, "problem"));
  }
  journal += m_l.comma + std::string(m_l.last_hash) + " " + code(str(j, "lastHash"));
  item(m_l.journal, journal);
}

void Renderer::alert()
{
  heading(m_l.alert);
  const auto& a = m_report["alert"];
  const char* keys[] = {"id",        "type",     "displayName",  "severity",
                        "status",    "resource", "subscription", "compromisedEntity",
                        "startTime", "endTime",  "uri",          "description"};
  const bool as_code[] = {true, true, false, false, false, true,
                          true, true, false, false, true,  false};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    const std::string v = str(a, keys[i]);
    if (!v.empty()) {
      item(m_l.alert_fields[i], as_code[i] ? code(v) : text(v));
    }
  }
  const auto& incident = m_report["incident"];
  if (!incident.is_object()) {
    return;
  }
  m_out += std::string("\n## ") + m_l.incident + m_l.sep + code(str(incident, "id")) + "\n\n";
  for (const auto& each : incident.value("alerts", json::array())) {
    m_out += "- " + code(str(each, "id")) + " " + code(str(each, "type")) + m_l.sep +
             text(str(each, "status")) + m_l.comma + text(str(each, "startTime")) + "\n";
  }
  m_out += "\n";
}

void Renderer::indicators()
{
  heading(m_l.indicators);
  const auto& ind = m_report["indicators"];
  const auto from = [&](const json& item) {
    std::string out;
    for (const auto& f : item.value("from", json::array())) {
      out += (out.empty() ? "" : m_l.comma) +
             (f == "alert" ? std::string(m_l.from_alert) : code(f, true));
    }
    return out.empty() ? "—" : out;
  };
  bool any = false;
  const auto start = [&] {
    if (!any) {
      table({m_l.kind, m_l.value, m_l.details, m_l.from});
      any = true;
    }
  };
  for (const auto& ip : ind.value("ips", json::array())) {
    start();
    std::vector<std::string> details;
    const auto& rep = ip.value("reputation", json::object());
    const auto& loc = rep.value("location", json::object());
    std::string where;
    for (const char* key :
         {"city", "state", "countryName", "countryCode", "organization", "carrier", "asn"}) {
      if (loc.contains(key)) {
        const std::string v = loc[key].is_string() ? loc[key].get<std::string>() : loc[key].dump();
        where +=
            (where.empty() ? "" : m_l.comma) + text(std::string(key) == "asn" ? "AS" + v : v, true);
      }
    }
    if (!where.empty()) {
      details.push_back(where);
    }
    for (const auto& t : rep.value("threatIntelligence", json::array())) {
      std::string threat;
      for (const char* key : {"threatName", "threatType", "providerName", "confidence"}) {
        if (t.contains(key)) {
          threat += (threat.empty() ? "" : m_l.comma) +
                    text(t[key].is_string() ? t[key].get<std::string>() : t[key].dump(), true);
        }
      }
      details.push_back(std::string(m_l.threat) + m_l.sep + threat);
    }
    for (const auto& n : rep.value("notes", json::array())) {
      details.push_back(text(n.is_string() ? n.get<std::string>() : n.dump(), true));
    }
    std::string d;
    for (const auto& x : details) {
      d += (d.empty() ? "" : "; ") + x;
    }
    row({m_l.ip, code(ip["address"], true), d.empty() ? "—" : d, from(ip)});
  }
  for (const auto& p : ind.value("principals", json::array())) {
    start();
    const char* main_key = p.contains("upn")        ? "upn"
                           : p.contains("objectId") ? "objectId"
                           : p.contains("appId")    ? "appId"
                                                    : "name";
    std::string d;
    const std::pair<const char*, const char*> parts[] = {{"upn", m_l.upn},
                                                         {"objectId", m_l.object_id},
                                                         {"appId", m_l.application},
                                                         {"displayName", m_l.display_name}};
    for (const auto& [key, label] : parts) {
      if (p.contains(key) && std::string(key) != main_key) {
        d += (d.empty() ? "" : m_l.comma) + std::string(label) + " " +
             (std::string(key) == "displayName" ? text(str(p, key), true) : code(p[key], true));
      }
    }
    row({m_l.principal, code(p.value(main_key, json("")), true), d.empty() ? "—" : d, from(p)});
  }
  for (const auto& dom : ind.value("domains", json::array())) {
    start();
    row({m_l.domain, code(dom["name"], true), "—", from(dom)});
  }
  for (const auto& r : ind.value("resources", json::array())) {
    start();
    const char* role = lookup(m_l.roles, str(r, "role"));
    std::string d = role != nullptr ? role : "—";
    if (r.contains("name")) {
      d += m_l.comma + code(r["name"], true);
    }
    row({m_l.resource, code(r["id"], true), d, from(r)});
  }
  if (!any) {
    none();
  }
}

void Renderer::timeline()
{
  heading(m_l.timeline);
  for (const auto& t : m_report["timeline"]) {
    const std::string event = str(t, "event");
    std::string key = event;
    std::string one;
    if (event == journal::event::case_opened) {
      one = text(str(t, "mode"));
      if (!str(t, "playbook").empty()) {
        one += m_l.comma + std::string(m_l.playbook_word) + " " + code(str(t, "playbook")) + " " +
               text(str(t, "playbookVersion"));
      }
    } else if (event == journal::event::case_resumed) {
      one = text(str(t, "mode"));
    } else if (event == journal::event::case_closed) {
      one = status(str(t, "outcome"));
    } else if (event == journal::event::step_done && !str(t, "checked").empty() &&
               str(t, "checked") != "notice" && str(t, "checked") != "answered") {
      key = "step.checked";
      one = status(str(t, "checked"));
    } else if (event == "preflight") {
      const json summary = t.value("summary", json::object());
      for (const char* word : {"granted", "missing", "unknown"}) {
        const char* label = lookup(m_l.events, std::string("preflight.") + word);
        one += (one.empty() ? "" : m_l.comma) + std::to_string(summary.value(word, 0)) + " " +
               (label != nullptr ? label : word);
      }
      for (const auto& s : summary.value("notPermitted", json::array())) {
        one += m_l.comma + code(s);
      }
    } else if (event == journal::event::undo_requested ||
               event == journal::event::assessment_waived) {
      for (const auto& s : t.value("steps", json::array())) {
        one += (one.empty() ? "" : m_l.comma) + code(s);
      }
    }
    const char* pattern = lookup(m_l.events, key);
    std::string line =
        fill(pattern != nullptr ? pattern : event, {{"%s", code(str(t, "step"))}, {"%1", one}});
    for (const char* detail : {"reason", "why", "note"}) {
      if (!str(t, detail).empty()) {
        line += m_l.sep +
                (std::string_view(detail) == "note" ? text(str(t, detail)) : said(str(t, detail)));
      }
    }
    m_out += "- " + text(str(t, "time")) + " — " + line + " — " + by(t["by"], false) + "\n";
  }
}

void Renderer::answers()
{
  heading(m_l.answers);
  if (m_report["answers"].empty()) {
    none();
    return;
  }
  table({m_l.question, m_l.answer, m_l.source, m_l.by, m_l.time});
  for (const auto& a : m_report["answers"]) {
    const char* source = lookup(m_l.sources, str(a, "source"));
    row({code(str(a, "question"), true), code(a["value"], true),
         source != nullptr ? source : text(str(a, "source"), true), by(a["by"], true),
         text(str(a, "time"), true)});
  }
}

// Changes confirmed and changes declined: who decided, when, and why.
void Renderer::decisions(const char* title, const char* key)
{
  heading(title);
  if (m_report[key].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.reason, m_l.by, m_l.time});
  for (const auto& d : m_report[key]) {
    row({code(str(d, "step"), true), code(str(d, "action"), true), said(str(d, "reason"), true),
         by(d["by"], true), text(str(d, "time"), true)});
  }
}

void Renderer::checklist()
{
  if (m_report.value("checklist", json::array()).empty()) {
    return;
  }
  heading(m_l.checklist);
  table({m_l.step, m_l.checked, m_l.note, m_l.by, m_l.time});
  for (const auto& c : m_report["checklist"]) {
    row({code(str(c, "step"), true), status(str(c, "status")), text(str(c, "note"), true),
         by(c["by"], true), text(str(c, "time"), true)});
  }
}

void Renderer::actions()
{
  heading(m_l.actions);
  if (m_report["actions"].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.status, m_l.undo, m_l.request_ids});
  for (const auto& act : m_report["actions"]) {
    std::string ids;
    for (const auto& id : act["requestIds"]) {
      ids += (ids.empty() ? "" : " ") + code(id, true);
    }
    std::string status_cell = status(str(act, "status"));
    if (!str(act, "message").empty()) {
      status_cell += m_l.sep + said(str(act, "message"), true);
    }
    row({code(str(act, "step"), true),
         code(str(act, "action"), true) + m_l.open_paren +
             (str(act, "reversibility") == "inspection" ? m_l.inspection
              : act.value("mutating", false)            ? m_l.change
                                                        : m_l.read) +
             m_l.close_paren,
         status_cell, str(act, "undo").empty() ? "—" : status(str(act, "undo")),
         ids.empty() ? "—" : ids});
  }
}

void Renderer::undone()
{
  heading(m_l.undone);
  if (m_report["undone"].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.result, m_l.reason, m_l.by, m_l.time});
  for (const auto& u : m_report["undone"]) {
    std::string result = status(str(u, "status") == "no-op" ? "done" : str(u, "status"));
    if (!str(u, "why").empty()) {
      result += m_l.sep + said(str(u, "why"), true);
    }
    row({code(str(u, "step"), true), code(str(u, "action"), true), result,
         said(str(u, "reason"), true), by(u["by"], true), text(str(u, "time"), true)});
  }
}

void Renderer::evidence()
{
  heading(m_l.evidence);
  if (m_report["evidence"].empty()) {
    none();
    return;
  }
  for (const auto& e : m_report["evidence"]) {
    m_out += "- " + code(str(e, "file")) + " — " + code(str(e, "step"));
    if (str(e, "kind") == "pre-image") {
      m_out += m_l.comma + std::string(m_l.pre_image) + " " + code(str(e, "sha256"));
    } else if (!str(e, "sha256").empty()) {
      m_out += std::string(m_l.comma) + "SHA-256 " + code(str(e, "sha256"));
    }
    m_out += "\n";
  }
}

void Renderer::permissions()
{
  if (m_report.value("permissions", json::array()).empty()) {
    return;
  }
  const char* title = lookup(m_l.events, "preflight.heading");
  heading(title != nullptr ? title : "Permissions");
  for (const auto& p : m_report["permissions"]) {
    const json summary = p.value("summary", json::object());
    std::string counts;
    for (const char* word : {"granted", "missing", "unknown"}) {
      const char* label = lookup(m_l.events, std::string("preflight.") + word);
      counts += (counts.empty() ? "" : m_l.comma) + std::to_string(summary.value(word, 0)) + " " +
                (label != nullptr ? label : word);
    }
    const json principal = p.value("principal", json::object());
    const std::string who = !str(principal, "upn").empty()     ? str(principal, "upn")
                            : !str(principal, "appId").empty() ? str(principal, "appId")
                                                               : str(principal, "objectId");
    m_out += "- " + text(str(p, "time")) + " — " + counts + " — " + by(p["by"], false) +
             (who.empty() ? "" : m_l.open_paren + code(who) + m_l.close_paren) + "\n";
    for (const auto& c : p.value("notGranted", json::array())) {
      std::string line = "  - " + code(str(c, "step")) + m_l.sep + code(str(c, "permission")) +
                         " " + code(str(c, "scope")) + " — " + status(str(c, "result"));
      const auto remedies = c.value("remedies", json::array());
      if (!remedies.empty()) {
        line += m_l.sep + code(remedies[0]);
      } else if (!str(c, "note").empty()) {
        line += m_l.sep + said(str(c, "note"));
      }
      m_out += line + "\n";
    }
  }
}

void Renderer::follow_ups()
{
  heading(m_l.follow_ups);
  if (m_report["followUps"].empty()) {
    none();
    return;
  }
  for (const auto& f : m_report["followUps"]) {
    std::string subject = code(str(f, "step"));
    if (!str(f, "action").empty()) {
      subject += m_l.open_paren + code(str(f, "action")) + m_l.close_paren;
    }
    const char* pattern = lookup(m_l.follow, str(f, "kind"));
    const std::string detail =
        str(f, "detail").empty() ? "" : m_l.open_paren + said(str(f, "detail")) + m_l.close_paren;
    const std::string line =
        fill(pattern != nullptr ? pattern : "%s%d", {{"%s", subject},
                                                     {"%d", detail},
                                                     {"%c", code(str(m_report, "resumeCommand"))},
                                                     {"%u", code(str(m_report, "undoCommand"))}});
    m_out += "- [ ] " + line + "\n";
  }
}

} // namespace

std::string report_markdown(const json& report, playbook::Lang lang)
{
  return Renderer(report, detail::labels(lang), lang).render();
}

} // namespace dftriage::exec
