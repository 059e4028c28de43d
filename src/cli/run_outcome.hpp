#pragma once

// Internal to src/cli: what a carried-out run comes to (run_live.cpp): the case's status
// and exit status from the steps' outcomes, and what earlier runs of a case read.

#include "dftriage/engine/plan.hpp"
#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/util/exit_status.hpp"
#include "walk_text.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// The outcome of a run, in the words of the case's status and the exit status.
struct RunStatus
{
  std::string word;               // completed, needs-human, refused, failed
  std::vector<std::string> needs; // what is left for a person, one line each
  ExitStatus exit = ExitStatus::success;
};

// Returns the run's status: failed (4) over refused (6) over not-permitted (9: steps the
// preflight found not permitted were left out) over needs-human (5: changes
// awaiting confirmation, open tasks, a walk `stopped` before its end) over completed (0).
RunStatus status_of(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                    bool stopped, playbook::Lang lang);

// Returns a case status for people: the word itself in English (scripts read it from
// -o json), with its meaning in Chinese.
std::string status_word(const std::string& word, playbook::Lang lang);

// Returns the stderr line (with "dftriage: ", without the newline) saying that `count`
// questions need an answer, in `lang`: for the case in `case_dir` ("" : none), before
// step `step` ("" : before the walk); `before_case`: a case would be opened once answered.
std::string open_questions_message(std::size_t count, const std::string& case_dir,
                                   const std::string& step, playbook::Lang lang,
                                   bool before_case = false);

// Returns the stderr text after Ctrl-C stopped a run of the case in `dir`, naming the
// command that resumes it.
std::string interrupted_message(const std::string& dir, const std::string& resume_command,
                                playbook::Lang lang);

// Returns the last stderr line of a run (without the newline): the case, its status, and
// the commands that report, undo and (unless completed) resume it.
std::string case_end_message(const std::string& dir, const std::string& word,
                             const std::string& resume_command, playbook::Lang lang);

// Returns what earlier runs of the case read, by step ID (for {{results...}} defaults
// and to show again): what each done step saved since it was last entered.
nlohmann::ordered_json results_from_case(const journal::CaseFolder& folder,
                                         const exec::CaseState& state);

} // namespace dftriage::cli
