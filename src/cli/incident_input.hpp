#pragma once

// Internal to src/cli: the alerts a walk takes as one incident (run and plan --incident,
// or a live run given several alerts), grouped as `dftriage triage` groups them.

#include "dftriage/alert/alert.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/playbook/playbook.hpp"
#include "walk_inputs.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// Pointers to `alerts`, in order (valid while the vector lives and is not changed).
std::vector<const alert::Alert*> alert_pointers(const std::vector<alert::Alert>& alerts);

struct IncidentAlerts
{
  std::string id;                   // "INC-…"
  std::vector<alert::Alert> alerts; // oldest first; the first leads the walk
  // The case's alert.json: a JSON array of the alerts as they were read.
  std::string text;

  // Pointers to `alerts`, in order (valid while this object lives and is not moved).
  std::vector<const alert::Alert*> pointers() const;
};

// Reads every alert of `files` ("-" is stdin), keeping each one's text; `format` as
// --format. Throws InputError when any input could not be read whole: an incident is
// only walked from all of its alerts.
std::vector<alert::Alert> read_alerts_whole(const std::vector<std::string>& files,
                                            const std::string& format);

// Groups `alerts` into incidents as triage does (`window` as triage --window) and returns
// incident `id` (any case), or with `id` empty the one incident they make. Throws
// UsageError naming the incidents there are when there is no such incident, or when
// `id` is empty and there are several. `where` names the input in messages.
IncidentAlerts pick_incident(std::vector<alert::Alert> alerts, const std::string& id,
                             const std::string& window, const engine::Library& library,
                             const std::string& where);

// What a run walks: one alert, or one incident of several.
struct RunAlerts
{
  std::vector<alert::Alert> alerts; // one, or an incident's, oldest first
  std::string text;                 // the case's alert.json
  std::string source;               // where they were read, for messages
  std::string incident_id;          // "" : one alert

  // An incident's alerts in order; empty for one alert.
  std::vector<const alert::Alert*> incident() const;
};

// The alerts a new run walks: `given_text` (the alert as text: training) or the FILEs of
// `inputs` ("-" is stdin). One FILE keeps its text whole as alert.json; several alerts,
// or --incident, are grouped as triage groups them and must make one incident (or name
// one). Throws UsageError or InputError saying what to do otherwise.
RunAlerts alerts_for_run(const WalkInputs& inputs, const std::string& given_text,
                         const engine::Library& library);

// The alerts of a case being resumed: its alert.json and, for an incident, the ID its
// journal's case.opened records.
RunAlerts case_alerts(const std::string& alert_json, const std::string& journal_text);

// case.opened's "incident": {id, alerts: [{id, alertType}]}.
nlohmann::ordered_json incident_record(const std::string& id,
                                       const std::vector<const alert::Alert*>& alerts);

// The walk's opening lines for an incident: its ID and each alert (time, type, status,
// caller), safe for a terminal.
std::string incident_overview(const std::vector<const alert::Alert*>& alerts, const std::string& id,
                              playbook::Lang lang, bool colour);

} // namespace dftriage::cli
