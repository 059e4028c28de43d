#pragma once

// Internal to src/cli: a case folder in a few words (its alert, playbook, status and
// times), read through the journal's CaseState, for `case list`, `case show` and `last`.

#include "dftriage/exec/case_state.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// One case folder as `case list` shows it.
struct CaseSummary
{
  std::string dir;        // the folder, as found ("cases/kv-1-20240501T101112Z")
  std::string alert_id;   // case.opened's alertId ("" when not known)
  std::string alert_type; // case.opened's alertType
  std::string playbook;   // case.opened's playbook
  // What the case's walks came to: completed, needs-human, failed, refused, interrupted
  // (Ctrl-C, or cut short in the middle of a step), undone (every change it made was
  // undone), empty (no entry: the run stopped before the case was opened), in-use (a
  // run, apply or undo holds its lock now), damaged (the journal cannot be read or its
  // chain breaks).
  std::string status;
  std::string problem;           // why it is damaged, else ""
  std::string opened;            // case.opened's time (ISO 8601 UTC), or ""
  std::string last_entry;        // the last entry's time, else the journal file's time
  std::int64_t last_seconds = 0; // last_entry in seconds since the epoch (for ordering)
  std::size_t entries = 0;       // journal entries read
  bool chain_intact = false;     // the journal's hash chain holds
};

// Returns the status words of a case (CaseSummary::status) from its replayed journal:
// the precedence of the run's own status (failed over refused over needs-human over
// completed, cli/run_outcome.hpp), with undone and interrupted ahead of it.
std::string case_status(const exec::CaseState& state,
                        const std::vector<nlohmann::ordered_json>& entries);

// Returns the summary of the case in `dir`; a journal that cannot be read or whose
// chain breaks gives status "damaged" rather than an error. Throws Error
// (case_problem) when `dir` holds no journal.jsonl (not a case folder).
CaseSummary summarize_case(const std::string& dir);

// Returns the cases in the folders directly under `root` (hidden folders and folders
// without a journal.jsonl skipped), newest first: by the last entry's time, then the
// time opened, then the folder name. Returns an empty list when `root` does not exist;
// throws Error (case_problem) when it exists and cannot be read.
std::vector<CaseSummary> list_cases(const std::string& root);

// Returns `summary` as JSON: {case, alert{id, type}, playbook, status, problem (only
// when damaged), opened, lastEntry, entries, chainIntact}; unknown values are null.
nlohmann::ordered_json summary_json(const CaseSummary& summary);

} // namespace dftriage::cli
