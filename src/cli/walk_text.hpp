#pragma once

// Internal to src/cli: how `run` shows a step and records what happened to it.

#include "dftriage/engine/walk.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dftriage::cli {

// What became of one visited step during a run.
struct StepOutcome
{
  std::size_t step_index = 0;  // into Plan::steps
  std::string outcome;  // done, confirmed, declined, awaiting-confirmation, refused, skipped,
                        // and when executing: no-op, done-earlier, failed, rolled-back, ...
  std::string message;  // why it failed, was refused or was a no-op
};

// Returns "[mitigate 2/5] Title" (coloured when `colour`).
std::string step_heading(const engine::Plan& plan, std::size_t step_index, playbook::Lang lang, bool colour);

// Returns the step's guidance, its note and the requests it would send (as curl
// commands, pre-image reads first), indented, every alert-derived value sanitized.
std::string step_details(const engine::PlannedStep& step, playbook::Lang lang, bool colour, bool dry_run);

// Whether the step changes anything in Azure.
bool is_mutating(const engine::PlannedStep& step);

// Returns the record of a run: {alertId, alertType, playbook, dryRun, status, steps:
// [{phase, id, position, title, outcome, note, mutating, requests}], awaitingConfirmation}.
nlohmann::ordered_json run_record(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                                  const std::string& status, bool dry_run, playbook::Lang lang);

// Returns a short text summary of the outcomes, one line per step.
std::string run_summary(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                        playbook::Lang lang, bool colour);

} // namespace dftriage::cli
