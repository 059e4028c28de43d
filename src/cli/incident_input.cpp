#include "incident_input.hpp"

#include "dftriage/exec/report.hpp"
#include "dftriage/queue/triage.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "inputs.hpp"
#include "walk_text.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace dftriage::cli {

namespace {

// "INC-a, INC-b, … (12 in all)": the incidents there are, for a message.
std::string incident_list(const std::vector<queue::Incident>& incidents)
{
  constexpr std::size_t k_shown = 8;
  std::string out;
  for (std::size_t i = 0; i < incidents.size() && i < k_shown; ++i) {
    out += (i == 0 ? "" : ", ") + incidents[i].id;
  }
  if (incidents.size() > k_shown) {
    out += ", … (" + std::to_string(incidents.size()) + " in all)";
  }
  return out;
}

std::string read_whole(const std::string& file)
{
  std::ostringstream s;
  if (file == "-") {
    s << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      throw InputError(file + ": cannot read the file");
    }
    s << in.rdbuf();
  }
  return s.str();
}

// Parses `text` (from `source`), keeping each alert's text; diagnostics go to stderr.
// Several alerts are only taken when all of the input was read.
std::vector<alert::Alert> parse_kept(const std::string& text, const std::string& source,
                                     alert::ReadOptions options)
{
  options.keep_text = true;
  auto parsed = alert::parse_alerts(text, source, options);
  for (const auto& d : parsed.diagnostics) {
    std::fprintf(stderr, "%s\n", terminal::sanitize(d.to_string()).c_str());
  }
  if (!parsed.diagnostics.empty() && parsed.alerts.size() > 1) {
    throw InputError(source + ": could not all be read: an incident is walked only when all of "
                              "its alerts are known");
  }
  return std::move(parsed.alerts);
}

} // namespace

std::vector<const alert::Alert*> alert_pointers(const std::vector<alert::Alert>& alerts)
{
  std::vector<const alert::Alert*> out;
  out.reserve(alerts.size());
  for (const auto& a : alerts) {
    out.push_back(&a);
  }
  return out;
}

std::vector<const alert::Alert*> IncidentAlerts::pointers() const
{
  return alert_pointers(alerts);
}

std::vector<const alert::Alert*> RunAlerts::incident() const
{
  return incident_id.empty() ? std::vector<const alert::Alert*>{} : alert_pointers(alerts);
}

RunAlerts alerts_for_run(const WalkInputs& inputs, const std::string& given_text,
                         const engine::Library& library)
{
  RunAlerts out;
  out.source = "alert.json";
  if (!given_text.empty() || inputs.files.size() == 1) {
    out.text = !given_text.empty() ? given_text : read_whole(inputs.files.front());
    out.source = given_text.empty() ? inputs.files.front() : out.source;
    out.alerts = parse_kept(out.text, out.source, read_options_for(inputs.format));
  } else if (inputs.files.empty()) {
    throw UsageError("run needs an alert FILE (or --case DIR to resume a case)");
  } else {
    out.source = text::join(inputs.files, ", ");
    out.alerts = read_alerts_whole(inputs.files, inputs.format);
  }
  if (!inputs.incident.empty() || out.alerts.size() > 1) {
    // Several alerts are one case only as one incident.
    auto incident =
        pick_incident(std::move(out.alerts), inputs.incident, inputs.window, library, out.source);
    out.alerts = std::move(incident.alerts);
    out.text = std::move(incident.text);
    out.incident_id = incident.id;
  }
  if (out.alerts.empty()) {
    throw InputError(out.source + ": holds no alert; run takes one alert, or one incident");
  }
  return out;
}

RunAlerts case_alerts(const std::string& alert_json, const std::string& journal_text)
{
  RunAlerts out;
  out.source = "alert.json";
  out.text = alert_json;
  out.alerts = parse_kept(alert_json, out.source, {});
  const auto first = nlohmann::ordered_json::parse(journal_text.substr(0, journal_text.find('\n')),
                                                   nullptr, false);
  if (first.is_object() && first.contains("incident") && first["incident"].is_object()) {
    out.incident_id = first["incident"].value("id", "");
    exec::apply_recorded_statuses(out.alerts, first);
  }
  if (out.alerts.empty() || (out.alerts.size() > 1 && out.incident_id.empty())) {
    throw InputError("alert.json: holds " + std::to_string(out.alerts.size()) +
                     " alerts; a case is opened for one alert or one incident");
  }
  return out;
}

nlohmann::ordered_json incident_record(const std::string& id,
                                       const std::vector<const alert::Alert*>& alerts)
{
  auto list = nlohmann::ordered_json::array();
  for (const auto* a : alerts) {
    // The status as triage shows it (the furthest along of the alert's copies): the alert
    // text kept in alert.json is one copy, as it was received.
    list.push_back({{"id", a->id}, {"alertType", a->alert_type}, {"status", a->status}});
  }
  return {{"id", id}, {"alerts", std::move(list)}};
}

std::vector<alert::Alert> read_alerts_whole(const std::vector<std::string>& files,
                                            const std::string& format)
{
  auto options = read_options_for(format);
  options.keep_text = true;
  std::vector<alert::Alert> out;
  const std::size_t problems =
      for_each_alert(files, options, [&](alert::Alert& a, bool) { out.push_back(std::move(a)); });
  if (problems > 0) {
    throw InputError("the input could not all be read (" + std::to_string(problems) +
                     (problems == 1 ? " problem" : " problems") +
                     " above): an incident is walked only when all of its alerts are known");
  }
  return out;
}

IncidentAlerts pick_incident(std::vector<alert::Alert> alerts, const std::string& id,
                             const std::string& window, const engine::Library& library,
                             const std::string& where)
{
  queue::TriageOptions options;
  const auto window_s = queue::parse_window(window);
  if (!window_s || *window_s <= 0) {
    throw UsageError("--window: expected a time span such as 24h, 90m, 7d or 3600s, got " +
                     text::quote(window));
  }
  options.window_s = *window_s;
  queue::Triage triage(library, options);
  for (const auto& a : alerts) {
    triage.add(a);
  }
  auto incidents = triage.finish();
  if (incidents.empty()) {
    throw InputError(where + ": holds no alert");
  }
  const auto chosen = std::find_if(incidents.begin(), incidents.end(), [&](const auto& inc) {
    return text::to_lower(inc.id) == text::to_lower(text::trim(id));
  });
  if (!id.empty() && chosen == incidents.end()) {
    throw UsageError("--incident " + terminal::sanitize(id) + ": " + where +
                     " holds no such incident (with --window " + window + "); it holds " +
                     incident_list(incidents));
  }
  if (id.empty() && incidents.size() > 1) {
    throw UsageError(where + ": the alerts make " + std::to_string(incidents.size()) +
                     " incidents, and a case takes one; say which with --incident ID (" +
                     incident_list(incidents) + "; dftriage triage lists them)");
  }
  const queue::Incident& incident = id.empty() ? incidents.front() : *chosen;
  IncidentAlerts out;
  out.id = incident.id;
  out.text = "[\n";
  for (const auto& queued : incident.alerts) {
    const auto it = std::find_if(alerts.begin(), alerts.end(), [&](const alert::Alert& a) {
      return a.source.file == queued.file && a.source.index == queued.index;
    });
    if (it == alerts.end()) {
      throw std::logic_error("pick_incident: a queued alert was not read");
    }
    out.text += (out.alerts.empty() ? "" : ",\n") + it->source.text;
    if (!queued.status.empty()) {
      it->status = queued.status; // its copies' furthest along, as triage shows it
    }
    out.alerts.push_back(std::move(*it));
  }
  out.text += "\n]\n";
  return out;
}

std::string incident_overview(const std::vector<const alert::Alert*>& alerts, const std::string& id,
                              playbook::Lang lang, bool colour)
{
  using terminal::sanitize;
  std::string out =
      terminal::paint(tr(lang, "Incident ", "事件 ") + id, terminal::Colour::bold, colour) +
      tr(lang, ": ", "：") + std::to_string(alerts.size()) +
      tr(lang, " alerts, one response (each change once; each alert closed at the end)",
         " 条告警，一次响应（每项更改只做一次；最后逐条关闭告警）") +
      "\n";
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const auto& a = *alerts[i];
    std::string caller;
    if (!a.entities.ips.empty()) {
      caller = a.entities.ips.front().address;
    } else if (!a.entities.accounts.empty()) {
      const auto& account = a.entities.accounts.front();
      caller = !account.upn.empty() ? account.upn : account.object_id;
    }
    out += "  " + std::to_string(i + 1) + ". " + sanitize(a.start_time) + "  " +
           sanitize(a.alert_type) + "  " + sanitize(a.status) +
           (caller.empty() ? "" : tr(lang, "  caller ", "  调用方 ") + sanitize(caller)) + "\n";
  }
  return out;
}

} // namespace dftriage::cli
