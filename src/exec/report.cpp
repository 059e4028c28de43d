#include "dftriage/exec/report.hpp"

#include "dftriage/alert/reader.hpp"
#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <map>

namespace dftriage::exec {

namespace {

using json = nlohmann::ordered_json;

std::string str(const json& j, const char* key)
{
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One line of the timeline for a journal entry, or "" for entries that only detail
// another (requests, answers: they appear under actions and decisions).
std::string timeline_text(const json& e)
{
  const std::string event = str(e, "event");
  const std::string step = str(e, "step");
  if (event == "case.opened") {
    return "Case opened (" + str(e, "mode") + ", playbook " + str(e, "playbook") + " " + str(e, "playbookVersion") + ")";
  }
  if (event == "case.resumed") {
    return "Case resumed";
  }
  if (event == "case.closed") {
    return "Case closed: " + str(e, "outcome");
  }
  if (event == "step.done") {
    return step + ": done";
  }
  if (event == "step.no-op" || event == "step.refused" || event == "step.failed") {
    return step + ": " + event.substr(5) + (str(e, "why").empty() ? "" : " (" + str(e, "why") + ")");
  }
  if (event == "step.declined") {
    return step + ": declined";
  }
  if (event == "confirmation") {
    return step + ": confirmed by " + str(e["operator"], "user") + ": " + str(e, "reason");
  }
  if (event == "undo.done" || event == "undo.no-op" || event == "undo.failed" || event == "undo.irreversible") {
    return step + ": " + event + (str(e, "why").empty() ? "" : " (" + str(e, "why") + ")");
  }
  return {};
}

json alert_summary(const std::string& text)
{
  const auto parsed = alert::parse_alerts(text, "alert.json");
  if (parsed.alerts.empty()) {
    return json::object();
  }
  const auto& a = parsed.alerts.front();
  return {{"id", a.id},
          {"type", a.alert_type},
          {"displayName", a.display_name},
          {"severity", std::string(alert::to_string(a.severity))},
          {"status", a.status},
          {"resource", a.resource_id},
          {"subscription", a.subscription_id},
          {"compromisedEntity", a.compromised_entity},
          {"startTime", a.start_time},
          {"endTime", a.end_time},
          {"description", a.description}};
}

} // namespace

json case_report(const journal::CaseFolder& folder)
{
  const std::string journal_text = folder.read_file("journal.jsonl");
  const auto check = journal::verify(journal_text);
  std::vector<json> entries;
  for (const auto& line : text::split_lines(journal_text)) {
    auto e = json::parse(line, nullptr, false);
    if (e.is_object()) {
      entries.push_back(std::move(e));
    }
  }
  const auto state = CaseState::replay(entries);

  json report;
  report["case"] = folder.dir();
  report["alert"] = alert_summary(folder.read_file("alert.json"));
  const auto& opened = state.opened();
  report["playbook"] = str(opened, "playbook");
  report["playbookVersion"] = str(opened, "playbookVersion");
  report["mode"] = str(opened, "mode");
  report["opened"] = str(opened, "time");
  report["closed"] = state.closed();
  report["journal"] = {{"entries", entries.size()}, {"chainIntact", check.ok}, {"lastHash", check.last_hash}};
  if (!check.ok) {
    report["journal"]["breaksAt"] = check.line;
    report["journal"]["problem"] = check.problem;
  }
  std::map<std::string, std::string> operators;
  auto timeline = json::array();
  auto decisions = json::array();
  for (const auto& e : entries) {
    const auto& op = e.value("operator", json::object());
    operators[str(op, "user")] = str(op, "principal");
    if (const auto text = timeline_text(e); !text.empty()) {
      timeline.push_back({{"time", str(e, "time")}, {"event", str(e, "event")}, {"text", text}});
    }
    if (str(e, "event") == "question.answered") {
      decisions.push_back({{"time", str(e, "time")},
                           {"question", str(e, "question")},
                           {"answer", e.value("value", json())},
                           {"source", str(e, "source")},
                           {"by", str(op, "user")}});
    } else if (str(e, "event") == "confirmation") {
      decisions.push_back({{"time", str(e, "time")},
                           {"step", str(e, "step")},
                           {"decision", "carry out the change"},
                           {"reason", str(e, "reason")},
                           {"by", str(op, "user")}});
    }
  }
  report["operators"] = json::array();
  for (const auto& [user, principal] : operators) {
    report["operators"].push_back({{"user", user}, {"principal", principal}});
  }
  report["timeline"] = std::move(timeline);
  report["decisions"] = std::move(decisions);

  auto actions = json::array();
  auto evidence = json::array();
  auto undone = json::array();
  auto follow_ups = json::array();
  for (const auto& id : state.order()) {
    const auto& r = *state.step(id);
    for (const auto& path : r.evidence) {
      evidence.push_back({{"step", id}, {"file", path}, {"kind", "result"}});
    }
    if (!r.pre_image.empty()) {
      evidence.push_back({{"step", id}, {"file", r.pre_image}, {"kind", "pre-image"}, {"sha256", r.pre_image_sha256}});
    }
    if (r.action.empty()) {
      continue;
    }
    json action{{"step", id},         {"action", r.action},       {"mutating", r.mutating},
                {"reversibility", r.reversibility}, {"status", r.status}, {"requestIds", r.request_ids}};
    if (!r.message.empty()) {
      action["message"] = r.message;
    }
    if (!r.reason.empty()) {
      action["reason"] = r.reason;
    }
    if (!r.undo_status.empty()) {
      action["undo"] = r.undo_status;
    }
    actions.push_back(std::move(action));
    if (r.undo_status == "done") {
      undone.push_back(id);
    }
    if (r.status == "failed") {
      follow_ups.push_back(id + " failed: " + r.message + ". Retry with dftriage run --case, or undo the case.");
    } else if (r.status == "declined" || r.status == "entered") {
      follow_ups.push_back(id + " (" + r.action + ") was not carried out: decide on it, then resume the case.");
    } else if (r.status == "refused") {
      follow_ups.push_back(id + " was refused: " + r.message);
    }
    if (r.changed && r.reversibility == "irreversible") {
      follow_ups.push_back(id + " (" + r.action + ") cannot be undone by dftriage; record it in the ticket.");
    }
    if (r.undo_status == "failed") {
      follow_ups.push_back(id + ": undo failed: " + r.message);
    }
  }
  if (!state.closed()) {
    follow_ups.push_back("The walk did not reach its end: resume with dftriage run --case " + folder.dir() + ".");
  }
  report["actions"] = std::move(actions);
  report["evidence"] = std::move(evidence);
  report["undone"] = std::move(undone);
  report["followUps"] = std::move(follow_ups);
  return report;
}

namespace {

// Escapes text for a Markdown table cell or paragraph: control characters removed,
// newlines flattened, and the characters Markdown gives meaning escaped.
std::string md(const std::string& raw)
{
  std::string out;
  for (const char c : terminal::sanitize(raw)) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (std::string_view("\\`*_{}[]<>()#+!|~").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string md_value(const json& v)
{
  return md(v.is_string() ? v.get<std::string>() : v.dump());
}

struct Headings
{
  const char* title;
  const char* alert;
  const char* timeline;
  const char* decisions;
  const char* actions;
  const char* evidence;
  const char* undone;
  const char* follow_ups;
  const char* none;
  const char* journal_ok;
  const char* journal_broken;
};

const Headings k_en{"Incident record",    "Alert",     "Timeline", "Decisions", "Actions", "Evidence",
                    "Undone",             "Open follow-ups", "None.", "Journal chain intact",
                    "JOURNAL CHAIN BROKEN"};
const Headings k_zh{"事件记录", "警报", "时间线", "决定", "操作", "证据", "已撤销", "待跟进事项", "无。",
                    "日志哈希链完整", "日志哈希链已损坏"};

} // namespace

std::string report_markdown(const json& report, playbook::Lang lang)
{
  const Headings& h = lang == playbook::Lang::zh_cn ? k_zh : k_en;
  const auto& a = report["alert"];
  std::string out = "# " + std::string(h.title) + ": " + md(str(a, "type")) + "\n\n";
  out += "- Case: " + md(str(report, "case")) + "\n";
  out += "- Playbook: " + md(str(report, "playbook")) + " " + md(str(report, "playbookVersion")) + " (" +
         md(str(report, "mode")) + ")\n";
  const auto& j = report["journal"];
  out += "- " + std::string(j.value("chainIntact", false) ? h.journal_ok : h.journal_broken) + ": "
         + std::to_string(j.value("entries", 0)) + " entries, last " + md(str(j, "lastHash")) + "\n";
  for (const auto& op : report["operators"]) {
    out += "- Operator: " + md(str(op, "user")) + (str(op, "principal").empty() ? "" : " as " + md(str(op, "principal")))
           + "\n";
  }
  out += "\n## " + std::string(h.alert) + "\n\n| | |\n|---|---|\n";
  for (const char* key : {"id", "type", "displayName", "severity", "status", "resource", "compromisedEntity",
                          "startTime", "endTime"}) {
    out += "| " + std::string(key) + " | " + md(str(a, key)) + " |\n";
  }
  out += "\n## " + std::string(h.timeline) + "\n\n";
  for (const auto& t : report["timeline"]) {
    out += "- " + md(str(t, "time")) + " " + md(str(t, "text")) + "\n";
  }
  out += "\n## " + std::string(h.decisions) + "\n\n";
  if (report["decisions"].empty()) {
    out += std::string(h.none) + "\n";
  }
  for (const auto& d : report["decisions"]) {
    if (d.contains("question")) {
      out += "- " + md(str(d, "question")) + " = " + md_value(d["answer"]) + " (" + md(str(d, "source")) + ")\n";
    } else {
      out += "- " + md(str(d, "step")) + ": " + md(str(d, "decision")) + ", by " + md(str(d, "by")) + ": "
             + md(str(d, "reason")) + "\n";
    }
  }
  out += "\n## " + std::string(h.actions) + "\n\n| Step | Action | Status | Undo | Request IDs |\n|---|---|---|---|---|\n";
  for (const auto& act : report["actions"]) {
    std::string ids;
    for (const auto& id : act["requestIds"]) {
      ids += (ids.empty() ? "" : " ") + md_value(id);
    }
    out += "| " + md(str(act, "step")) + " | " + md(str(act, "action")) + (act.value("mutating", false) ? " (change)" : "")
           + " | " + md(str(act, "status")) + " | " + md(str(act, "undo")) + " | " + ids + " |\n";
  }
  out += "\n## " + std::string(h.evidence) + "\n\n";
  for (const auto& e : report["evidence"]) {
    out += "- " + md(str(e, "file")) + " (" + md(str(e, "step")) + ", " + md(str(e, "kind")) + ")\n";
  }
  out += "\n## " + std::string(h.undone) + "\n\n";
  if (report["undone"].empty()) {
    out += std::string(h.none) + "\n";
  }
  for (const auto& u : report["undone"]) {
    out += "- " + md_value(u) + "\n";
  }
  out += "\n## " + std::string(h.follow_ups) + "\n\n";
  if (report["followUps"].empty()) {
    out += std::string(h.none) + "\n";
  }
  for (const auto& f : report["followUps"]) {
    out += "- " + md_value(f) + "\n";
  }
  return out;
}

} // namespace dftriage::exec
