#pragma once

// Internal to src/cli: one incident's case as `dftriage collect` fills it: opened (or
// resumed) as `run` opens one, so that `run --case DIR` continues it; the read-only steps
// of the incident's plan carried out, re-planned after each read; a closing entry saying
// collection finished. Nothing is changed in Azure and the case is not closed: a person
// has not acted yet.

#include "collect_queue.hpp"
#include "dftriage/azure/client.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/playbook/playbook.hpp"
#include "dftriage/util/exit_status.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace dftriage::cli {

// The journal event that ends a collection: {reads, failed}. A rerun skips a case whose
// last one says no read failed. (To move to journal/events.hpp as event::collect_finished.)
inline constexpr const char* k_collect_finished = journal::event::collect_finished;

// What every case of a collection shares. All of it is read-only while workers run.
struct CollectContext
{
  const engine::Library* library = nullptr;
  const azure::Cloud* cloud = nullptr;
  nlohmann::ordered_json connection; // connection_record() of the connection
  std::string mode;                  // "lab" or "live"
  std::string principal;             // who acts, for the journal
  std::string cases_root = "cases";  // --cases
  playbook::Lang lang = playbook::Lang::en;
};

// How one incident's collection ended.
struct CaseCollected
{
  std::string incident;
  std::string dir; // "" when no case was made
  std::size_t rank = 0;
  std::size_t alerts = 0;
  std::size_t reads = 0;  // read steps the case holds the answer of (this run's or earlier)
  std::size_t failed = 0; // read steps that failed
  // collected: every read reached answered; failed: some read failed; skipped: collected
  // before, or taken up by a person (run --case); busy: another process holds the case;
  // interrupted: Ctrl-C; refused: the alerts lack what the playbook requires (no case);
  // error: the case could not be made or used (`message` says why).
  std::string status;
  std::string message;
  ExitStatus exit = ExitStatus::success;
};

// Returns `cases_root`/<incident ID as a file name>.
std::string case_dir_for(const std::string& cases_root, const std::string& incident_id);

// Collects `incident` into its case under context.cases_root, sending through `client`.
// Never throws for a read that failed, a case in use or damaged (the result says so);
// Ctrl-C ends it as `interrupted` with case.interrupted journaled.
CaseCollected collect_case(const CollectIncident& incident, const CollectContext& context,
                           azure::Client& client);

} // namespace dftriage::cli
