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

  const alert::Alert* alert = nullptr;
  MatchResult match;
  playbook::Playbook playbook; // a copy: the generic one is built per alert
  std::vector<PlannedAnswer> answers;
  std::vector<std::string> missing; // requirements the alert does not meet
  std::vector<PlannedStep> steps;

  bool refused() const { return !missing.empty(); }
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

} // namespace dftriage::engine
