#include "dftriage/exec/report.hpp"

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/json_field.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "report_detail.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace dftriage::exec {

namespace {

using json = nlohmann::ordered_json;

using json_field::str;

json or_null(const std::string& s)
{
  return s.empty() ? json(nullptr) : json(s);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d)
{
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// Milliseconds since the epoch of an ISO-8601 time.
std::optional<long long> epoch_ms(std::string_view s)
{
  const auto utc = time::normalise_utc(s);
  if (!utc || utc->size() < 20) {
    return std::nullopt;
  }
  const std::string& t = *utc; // YYYY-MM-DDThh:mm:ss[.fraction]Z
  const auto num = [&](std::size_t at, std::size_t n) { return std::stoll(t.substr(at, n)); };
  long long ms = 0;
  if (t[19] == '.') {
    const std::string fraction = (t.substr(20, t.size() - 21) + "000").substr(0, 3);
    ms = std::stoll(fraction);
  }
  const long long days = days_from_civil(num(0, 4), static_cast<unsigned>(num(5, 2)),
                                         static_cast<unsigned>(num(8, 2)));
  return ((days * 24 + num(11, 2)) * 60 + num(14, 2)) * 60000 + num(17, 2) * 1000 + ms;
}

json by_of(const json& e)
{
  const json& op = e.contains("operator") ? e["operator"] : json::object();
  return {{"user", str(op, "user")}, {"principal", str(op, "principal")}};
}

json alert_summary(const alert::Alert* a, const json& opened)
{
  if (a == nullptr) {
    // A case applied from a plan keeps no alert: the journal names it.
    return {{"id", str(opened, "alertId")},
            {"type", str(opened, "alertType")},
            {"resource", str(opened, "resource")}};
  }
  return {{"id", a->id},
          {"type", a->alert_type},
          {"displayName", a->display_name},
          {"severity", std::string(alert::to_string(a->severity))},
          {"status", a->status},
          {"resource", a->resource_id},
          {"subscription", a->subscription_id},
          {"compromisedEntity", a->compromised_entity},
          {"startTime", a->start_time},
          {"endTime", a->end_time},
          {"uri", a->alert_uri},
          {"description", a->description}};
}

// Members of a journal entry the timeline keeps beside time, event, step and operator.
constexpr const char* k_timeline_details[] = {
    "mode",   "playbook", "playbookVersion", "outcome", "checked", "note", "why",
    "reason", "to",       "steps",           "summary"};

bool on_timeline(const std::string& event)
{
  static const std::set<std::string> k_events = {
      journal::event::case_opened,        journal::event::case_resumed,
      journal::event::case_closed,        journal::event::step_done,
      journal::event::step_no_op,         journal::event::step_refused,
      journal::event::step_not_permitted, "preflight",
      journal::event::step_failed,        journal::event::step_declined,
      journal::event::step_open,          journal::event::step_left,
      journal::event::confirmation,       journal::event::assessment_waived,
      journal::event::undo_requested,     journal::event::undo_done,
      journal::event::undo_no_op,         journal::event::undo_failed,
      journal::event::undo_irreversible};
  return k_events.count(event) != 0;
}

// The steps of the plan a person does by hand (no action, no question), by id, with
// their title, in plan order. A notice that only routes the walk is left out when the
// built-in playbook says so (plan.json does not carry gotos).
std::vector<std::pair<std::string, std::string>> manual_plan_steps(const json& plan)
{
  const playbook::Playbook* playbook = nullptr;
  const auto library = engine::load_library();
  if (const auto* p = library.find(str(plan, "playbook"));
      p != nullptr && p->version == str(plan, "playbookVersion")) {
    playbook = p;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& step : plan.value("steps", json::array())) {
    if (!step.value("action", json()).is_null() || !step.value("asks", json::array()).empty() ||
        str(step, "status") != "planned") {
      continue;
    }
    bool checklist = true;
    if (playbook != nullptr) {
      for (const auto ph : playbook::k_phases) {
        for (const auto& s : playbook->steps(ph)) {
          if (s.id == str(step, "id")) {
            checklist = engine::is_checklist(s);
          }
        }
      }
    }
    if (checklist) {
      out.emplace_back(str(step, "id"), str(step, "title"));
    }
  }
  return out;
}

json follow_up(const char* kind, const StepRecord* r, const std::string& detail)
{
  return {{"kind", kind},
          {"step", r != nullptr ? json(r->id) : json(nullptr)},
          {"action", r != nullptr ? or_null(r->action) : json(nullptr)},
          {"detail", or_null(detail)}};
}

// Returns `s` quoted for a POSIX shell when it needs it, so a command copies whole.
std::string shell_quote(const std::string& s)
{
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("-_./:@%+=,").find(c) != std::string_view::npos;
  });
  if (plain) {
    return s;
  }
  std::string out = "'";
  for (const char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::vector<detail::EvidenceFile> read_evidence(const journal::CaseFolder& folder,
                                                const CaseState& state)
{
  std::vector<detail::EvidenceFile> out;
  for (const auto& id : state.order()) {
    const auto& r = *state.step(id);
    auto paths = r.evidence;
    if (!r.pre_image.empty()) {
      paths.push_back(r.pre_image);
    }
    for (const auto& path : paths) {
      try {
        auto content = json::parse(folder.read_file(path), nullptr, false);
        if (!content.is_discarded()) {
          out.push_back({id, path, std::move(content)});
        }
      } catch (const Error&) {
        // A missing evidence file is the verifier's finding; the report goes on.
      }
    }
  }
  return out;
}

} // namespace

std::optional<long long> milliseconds_between(std::string_view from, std::string_view to)
{
  const auto a = epoch_ms(from);
  const auto b = epoch_ms(to);
  if (!a || !b) {
    return std::nullopt;
  }
  return *b - *a;
}

void apply_recorded_statuses(std::vector<alert::Alert>& alerts, const json& opened)
{
  if (!opened.is_object() || !opened.contains("incident") || !opened["incident"].is_object()) {
    return;
  }
  for (const auto& recorded : opened["incident"].value("alerts", json::array())) {
    const std::string status = str(recorded, "status");
    for (auto& a : alerts) {
      if (!status.empty() && a.id == str(recorded, "id")) {
        a.status = status;
      }
    }
  }
}

json case_report(const journal::CaseFolder& folder, std::optional<playbook::Lang> lang)
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
  const auto& opened = state.opened();

  std::string alert_text;
  try {
    alert_text = folder.read_file("alert.json");
  } catch (const Error&) {
    alert_text.clear();
  }
  auto parsed = alert::parse_alerts(alert_text, "alert.json");
  apply_recorded_statuses(parsed.alerts, opened);
  const alert::Alert* the_alert = parsed.alerts.empty() ? nullptr : &parsed.alerts.front();

  json report;
  report["case"] = folder.dir();
  report["alert"] = alert_summary(the_alert, opened);
  // An incident's case: every alert it was opened for, oldest first.
  report["incident"] = nullptr;
  if (opened.contains("incident") && opened["incident"].is_object()) {
    auto alerts = json::array();
    auto highest = alert::Severity::unknown; // the enum runs from high down, as triage ranks
    for (const auto& a : parsed.alerts) {
      alerts.push_back(alert_summary(&a, opened));
      highest = std::min(highest, a.severity);
    }
    report["incident"] = {{"id", str(opened["incident"], "id")},
                          {"severity", std::string(alert::to_string(highest))},
                          {"alerts", std::move(alerts)}};
  }
  report["playbook"] = or_null(str(opened, "playbook"));
  report["playbookVersion"] = or_null(str(opened, "playbookVersion"));
  report["mode"] = or_null(str(opened, "mode"));
  report["cloud"] = or_null(str(opened, "cloud"));
  // The record's language: the one asked for, else the case's; caseLang: the walk's.
  const auto case_lang = playbook::lang_from_string(str(opened, "lang"));
  report["lang"] = lang.value_or(case_lang.value_or(playbook::Lang::en)) == playbook::Lang::zh_cn
                       ? "zh-CN"
                       : "en";
  report["caseLang"] = or_null(str(opened, "lang"));
  report["opened"] = or_null(str(opened, "time"));
  report["lastEntry"] = entries.empty() ? json(nullptr) : or_null(str(entries.back(), "time"));
  report["closed"] = state.closed();
  report["resumeCommand"] = "dftriage run --case " + shell_quote(folder.dir());
  report["undoCommand"] = "dftriage undo " + shell_quote(folder.dir());
  report["journal"] = {
      {"entries", entries.size()}, {"chainIntact", check.ok}, {"lastHash", check.last_hash}};
  if (!check.ok) {
    report["journal"]["breaksAt"] = check.line;
    report["journal"]["problem"] = check.problem;
  }

  std::vector<std::pair<std::string, std::string>> operators;
  std::map<std::string, std::pair<std::string, bool>> phase_of; // step → (phase, mutating)
  json first_containment;
  std::string outcome;
  json undo_request; // the latest undo.requested
  std::map<std::string, json> undo_of;
  std::vector<std::string> undo_order;
  auto timeline = json::array();
  auto answers = json::array();
  auto decisions = json::array();
  auto declined = json::array();
  std::map<std::string, std::string> declined_reason;
  auto checklist = json::array();
  auto permissions = json::array(); // each preflight: who, the summary, what was not granted
  for (const auto& e : entries) {
    const std::string event = str(e, "event");
    const std::string step = str(e, "step");
    const json by = by_of(e);
    const std::pair<std::string, std::string> who{str(by, "user"), str(by, "principal")};
    if (!who.first.empty() &&
        std::find(operators.begin(), operators.end(), who) == operators.end()) {
      operators.push_back(who);
    }
    if (on_timeline(event)) {
      json t{{"time", str(e, "time")}, {"event", event}, {"step", or_null(step)}};
      for (const char* key : k_timeline_details) {
        if (e.contains(key) && !(e[key].is_string() && e[key].get<std::string>().empty())) {
          t[key] = e[key];
        }
      }
      t["by"] = by;
      timeline.push_back(std::move(t));
    }
    if (event == "preflight") {
      // What the principal was found to lack, when the walk (or undo) began.
      json not_granted = json::array();
      for (const auto& c : e.value("checks", json::array())) {
        if (str(c, "result") != "granted") {
          not_granted.push_back({{"step", c.value("step", json())},
                                 {"permission", c.value("permission", json())},
                                 {"scope", c.value("scope", json())},
                                 {"result", c.value("result", json())},
                                 {"remedies", c.value("remedies", json::array())},
                                 {"note", c.value("note", json())}});
        }
      }
      permissions.push_back({{"time", str(e, "time")},
                             {"by", by},
                             {"principal", e.value("principal", json::object())},
                             {"summary", e.value("summary", json::object())},
                             {"allowMissing", e.value("allowMissing", false)},
                             {"notGranted", std::move(not_granted)}});
    }
    if (event == journal::event::case_closed) {
      outcome = str(e, "outcome");
    } else if (event == journal::event::step_entered && e.contains("phase")) {
      phase_of[step] = {str(e, "phase"), e.value("mutating", false)};
    } else if (event == journal::event::step_done && first_containment.is_null() &&
               phase_of[step].first == "mitigate" && phase_of[step].second) {
      first_containment = {{"step", step}, {"at", str(e, "time")}};
    } else if (event == journal::event::question_answered) {
      answers.push_back({{"time", str(e, "time")},
                         {"question", str(e, "question")},
                         {"value", e.value("value", json())},
                         {"source", or_null(str(e, "source"))},
                         {"by", by}});
    } else if (event == journal::event::confirmation) {
      const auto* r = state.step(step);
      decisions.push_back({{"time", str(e, "time")},
                           {"step", step},
                           {"action", r != nullptr ? r->action : ""},
                           {"decision", "carry out the change"},
                           {"reason", str(e, "reason")},
                           {"by", by}});
    } else if (event == journal::event::step_declined) {
      declined_reason[step] = str(e, "reason");
      const auto* r = state.step(step);
      declined.push_back({{"time", str(e, "time")},
                          {"step", step},
                          {"action", r != nullptr ? r->action : ""},
                          {"reason", or_null(str(e, "reason"))},
                          {"by", by}});
    } else if (event == journal::event::undo_requested) {
      undo_request = e;
    } else if (event.rfind("undo.", 0) == 0 && !step.empty()) {
      // One line per step undone: its latest undo event, and why the undo was asked for.
      const auto& listed = undo_request.value("steps", json::array());
      std::string reason = str(e, "reason");
      if (reason.empty() &&
          (listed.empty() || std::find(listed.begin(), listed.end(), json(step)) != listed.end())) {
        reason = str(undo_request, "reason");
      }
      if (undo_of.count(step) == 0) {
        undo_order.push_back(step);
      }
      auto& u = undo_of[step];
      if (reason.empty()) {
        reason = str(u, "reason"); // the undo.started before this one said why
      }
      const auto* r = state.step(step);
      u = {{"step", step},
           {"action", r != nullptr ? r->action : ""},
           {"status", event.substr(5)},
           {"time", str(e, "time")},
           {"why", or_null(str(e, "why"))},
           {"reason", or_null(reason)},
           {"by", undo_request.is_null() ? by : by_of(undo_request)}};
    }
    if ((event == journal::event::step_done && e.value("manual", false) &&
         !str(e, "checked").empty() && str(e, "checked") != "notice" &&
         str(e, "checked") != "answered") ||
        (event == journal::event::step_open && e.value("manual", false))) {
      json item{{"time", str(e, "time")},
                {"step", step},
                {"status", event == journal::event::step_done ? str(e, "checked") : "open"},
                {"note", or_null(str(e, "note"))},
                {"by", by}};
      const auto it = std::find_if(checklist.begin(), checklist.end(),
                                   [&](const json& c) { return c["step"] == step; });
      if (it != checklist.end()) {
        *it = std::move(item);
      } else {
        checklist.push_back(std::move(item));
      }
    }
  }
  report["outcome"] = or_null(outcome);

  json durations = {{"toFirstContainment", nullptr}, {"total", nullptr}};
  if (!first_containment.is_null()) {
    if (const auto ms = milliseconds_between(str(opened, "time"), str(first_containment, "at"))) {
      first_containment["seconds"] = *ms / 1000;
      durations["toFirstContainment"] = first_containment;
    }
  }
  if (!entries.empty()) {
    if (const auto ms = milliseconds_between(str(opened, "time"), str(entries.back(), "time"))) {
      durations["total"] = {{"seconds", *ms / 1000}, {"until", str(entries.back(), "time")}};
    }
  }
  report["durations"] = std::move(durations);
  report["operators"] = json::array();
  for (const auto& [user, principal] : operators) {
    report["operators"].push_back({{"user", user}, {"principal", principal}});
  }

  const auto evidence_files = read_evidence(folder, state);
  report["owner"] = detail::find_owner(
      the_alert != nullptr ? the_alert->resource_id : str(opened, "resource"), evidence_files);
  report["indicators"] =
      detail::find_indicators(the_alert, json::parse(alert_text, nullptr, false), evidence_files);
  report["timeline"] = std::move(timeline);
  report["permissions"] = std::move(permissions);
  report["answers"] = std::move(answers);
  report["decisions"] = std::move(decisions);

  auto actions = json::array();
  auto evidence = json::array();
  auto follow_ups = json::array();
  for (const auto& id : state.order()) {
    const auto& r = *state.step(id);
    for (const auto& [path, sha256] : r.pre_images) {
      evidence.push_back({{"step", id}, {"file", path}, {"kind", "pre-image"}, {"sha256", sha256}});
    }
    for (std::size_t i = 0; i < r.evidence.size(); ++i) {
      json item{{"step", id}, {"file", r.evidence[i]}, {"kind", "result"}};
      if (i < r.evidence_sha256.size() && !r.evidence_sha256[i].empty()) {
        item["sha256"] = r.evidence_sha256[i];
      }
      evidence.push_back(std::move(item));
    }
    if (r.status == "failed") {
      follow_ups.push_back(follow_up("failed", &r, r.message));
    } else if (r.status == "declined") {
      follow_ups.push_back(follow_up("declined", &r, declined_reason[id]));
    } else if (r.status == "refused") {
      follow_ups.push_back(follow_up("refused", &r, r.message));
    } else if (r.status == "not-permitted") {
      follow_ups.push_back(follow_up("not-permitted", &r, r.message));
    } else if (r.status == "open") {
      const auto it = std::find_if(checklist.begin(), checklist.end(),
                                   [&](const json& c) { return c["step"] == id; });
      const std::string note = it != checklist.end() ? str(*it, "note") : "";
      follow_ups.push_back(follow_up("open", &r, note));
    } else if (r.status == "entered") {
      follow_ups.push_back(follow_up("awaiting", &r, r.message));
    }
    if (r.request_pending) {
      follow_ups.push_back(follow_up("unanswered", &r, ""));
    }
    if (r.changed && r.reversibility == "irreversible") {
      follow_ups.push_back(follow_up("irreversible", &r, ""));
    }
    if (r.undo_status == "failed") {
      follow_ups.push_back(follow_up("undo-failed", &r, r.message));
    } else if (r.undo_status == "started") {
      follow_ups.push_back(follow_up("undo-unfinished", &r, ""));
    }
    if (r.action.empty()) {
      continue;
    }
    json action{{"step", id},
                {"action", r.action},
                {"mutating", r.mutating},
                {"reversibility", r.reversibility},
                {"status", r.status},
                {"requestIds", r.request_ids}};
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
  }
  if (!state.closed()) {
    // The plan's manual tasks the walk never came to are still to be done.
    json plan;
    try {
      plan = json::parse(folder.read_file("plan.json"), nullptr, false);
    } catch (const Error&) {
      plan = json();
    }
    if (plan.is_object()) {
      for (const auto& [id, title] : manual_plan_steps(plan)) {
        if (state.step(id) == nullptr) {
          auto f = follow_up("not-reached", nullptr, title);
          f["step"] = id;
          follow_ups.push_back(std::move(f));
        }
      }
    }
    follow_ups.push_back(follow_up("unfinished", nullptr, ""));
  }
  report["actions"] = std::move(actions);
  report["checklist"] = std::move(checklist);
  report["declined"] = std::move(declined);
  auto undone = json::array();
  for (const auto& id : undo_order) {
    undone.push_back(std::move(undo_of[id]));
  }
  report["undone"] = std::move(undone);
  report["evidence"] = std::move(evidence);
  report["followUps"] = std::move(follow_ups);
  return report;
}

} // namespace dftriage::exec
