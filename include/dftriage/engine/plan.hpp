#pragma once

#include "dftriage/alert/alert.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::engine {

// Answers given for a playbook's questions (from --answers FILE and --set k=v).
using Answers = std::map<std::string, nlohmann::ordered_json>;

// Parses an answers file: a JSON object of input id → value. Throws InputError with
// the file, line and column when it is not one.
Answers parse_answers(std::string_view text, std::string_view source);

// Adds "k=v" to `answers` (v parsed as JSON when it is JSON, else as a string; a
// comma-separated string for list inputs is split later). Throws UsageError.
void add_answer(Answers& answers, std::string_view assignment);

struct PlannedAnswer
{
  std::string id;
  nlohmann::ordered_json value; // null when there is none
  std::string source;           // "given", "default" or "none"
};

struct PlannedStep
{
  playbook::Phase phase = playbook::Phase::contact;
  const playbook::Step* step = nullptr;
  // "planned"; "needs-answer" (reached, but a question asked here that is neither
  // optional nor defaulted has no answer: no requests are built); "skipped";
  // "refused" (its action cannot be built from these values); "not-reached".
  std::string status;
  std::string note; // why skipped or refused
  const azure::ActionSpec* action = nullptr;
  nlohmann::ordered_json params; // the checked values
  azure::ActionRequests requests;
  // What the action says the responder should know before confirming (ActionSpec::caution).
  std::string caution;
  std::string caution_zh;
};

// The resolved walk of one alert through its playbook, without sending anything.
struct Plan
{
  Plan() = default;
  Plan(const Plan&) = delete; // steps point into `playbook`
  Plan& operator=(const Plan&) = delete;
  Plan(Plan&&) = default;
  Plan& operator=(Plan&&) = default;

  const alert::Alert* alert = nullptr; // the alert walked; an incident's first alert
  // An incident's alerts, oldest first (alert is the first); empty for one alert.
  std::vector<const alert::Alert*> incident;
  std::string incident_id; // "INC-…" (queue::Incident::id); empty for one alert
  MatchResult match;
  playbook::Playbook playbook; // a copy: the generic one is built per alert
  std::vector<PlannedAnswer> answers;
  std::vector<std::string> missing; // requirements the alert does not meet
  std::vector<PlannedStep> steps;

  bool refused() const { return !missing.empty(); }
  // The alert that `step` acts for (an incident's steps may act for any of its alerts).
  const alert::Alert& alert_of(const PlannedStep& step) const;
  // Returns the plan as JSON, guidance in `lang`. Deterministic: same input, same bytes.
  nlohmann::ordered_json to_json(playbook::Lang lang) const;
  // One step as plan, run, apply and report show it: phase, id, position (fixed for the
  // walk), title, guidance, status, note, asks, and its action with its pre-image reads
  // and requests (null for a step without one).
  nlohmann::ordered_json step_json(std::size_t index, playbook::Lang lang) const;
};

// Resolves `playbook` for `alert` with `answers`: checks its requirements, settles
// each question (given, else its default), walks the phases (conditions, gotos,
// stops) and builds each action's requests for `cloud`. An action whose parameters
// fail their checks is refused with the reason; nothing is ever sent. `results` holds
// what read-only steps already answered ({step id: body}) when the walk is carried out,
// for defaults written {{results.<step id>.<path>}}; offline they resolve to null.
Plan build_plan(const alert::Alert& alert, const MatchResult& match,
                const playbook::Playbook& playbook, const Answers& answers,
                const azure::Cloud& cloud,
                const nlohmann::ordered_json& results = nlohmann::ordered_json::object());

// The plan of an incident: `alerts` (oldest first, at least one, all matched to
// `playbook`) walked as one. Questions are asked once, their defaults from the first
// alert, whose entities are those of every alert (callers, hosts, domains) and whose
// names and review window (the widest: it is the oldest) are every alert's. A step with
// an action runs once for the first alert, and again ("<id>@<n>", n the alert's 1-based
// position) for each alert whose values the step reads (its parameters and condition,
// but not the alert's ID, which only labels what a step makes) would send something no
// copy before it sends: an incident's three alerts on one vault change its firewall once,
// blocking every caller, and resolve each alert. Which copies there are depends on the
// alerts alone, so step positions stay fixed through the walk. A goto or stop takes
// effect after the last copy.
Plan build_incident_plan(const std::vector<const alert::Alert*>& alerts,
                         const std::string& incident_id, const MatchResult& match,
                         const playbook::Playbook& playbook, const Answers& answers,
                         const azure::Cloud& cloud,
                         const nlohmann::ordered_json& results = nlohmann::ordered_json::object());

// Returns the playbook an incident of `alerts` walks: `playbook` with the per-alert
// copies of its steps described at build_incident_plan, each with its Step::alert.
playbook::Playbook incident_playbook(const playbook::Playbook& playbook,
                                     const std::vector<nlohmann::ordered_json>& alert_forms);

} // namespace dftriage::engine
