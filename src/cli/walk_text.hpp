#pragma once

// Internal to src/cli: how `run` shows a step and records what happened to it.

#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/util/terminal.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// What became of one visited step during a run.
struct StepOutcome
{
  std::size_t step_index = 0; // into Plan::steps
  std::string outcome;        // done, confirmed, declined, awaiting-confirmation, refused, skipped,
                              // and when executing: no-op, done-earlier, failed, rolled-back, ...
  std::string message;        // why it failed, was refused or was a no-op
};

// Returns `en` or `zh` for the walk's language: every word the walk shows goes through
// this, so that --lang zh-CN shows no English of ours.
inline std::string tr(playbook::Lang lang, std::string_view en, std::string_view zh)
{
  return std::string(lang == playbook::Lang::zh_cn ? zh : en);
}

using terminal::display_width; // the walk lays text out in terminal columns

// Returns the columns prose may take on this terminal (stdout's width less the indent and
// a margin, at most 96), or 88 off a terminal.
std::size_t text_width();

// Returns `text` wrapped at `width` display columns, each line starting with `indent`:
// lines break at spaces and between wide (CJK) characters, never inside a word and
// never before closing punctuation.
std::string wrap(const std::string& text, std::size_t width, const std::string& indent);

// Returns a message of the executor's about a step ("already in place: nothing to
// change", ...) in `lang`: the known ones in Chinese, any other as it is.
std::string message_word(const std::string& message, playbook::Lang lang);

// Returns an outcome word ("done", "awaiting-confirmation", ...) in `lang`.
std::string outcome_word(const std::string& outcome, playbook::Lang lang);

// Returns the phase's name in `lang`.
std::string phase_word(playbook::Phase phase, playbook::Lang lang);

// Returns "[mitigate 2/5] Title" (coloured when `colour`).
std::string step_heading(const engine::Plan& plan, std::size_t step_index, playbook::Lang lang,
                         bool colour);

// Returns the step's guidance, its note and the requests it would send (as curl
// commands, pre-image reads first: step_requests.hpp), indented, every alert-derived
// value sanitized. `cloud` (may be null) gives the token audiences and a lab's CA.
std::string step_details(const engine::PlannedStep& step, playbook::Lang lang, bool colour,
                         bool dry_run, const azure::Cloud* cloud = nullptr);

// Whether the step changes anything in Azure.
bool is_mutating(const engine::PlannedStep& step);

// Returns the record of a run: {alertId, alertType, playbook, dryRun, status, steps:
// [{phase, id, position, title, outcome, note, mutating, requests}], awaitingConfirmation}.
nlohmann::ordered_json run_record(const engine::Plan& plan,
                                  const std::vector<StepOutcome>& outcomes,
                                  const std::string& status, bool dry_run, playbook::Lang lang);

// Returns a short text summary of the outcomes, one line per step.
std::string run_summary(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                        playbook::Lang lang, bool colour);

} // namespace dftriage::cli
