#pragma once

// Internal to src/cli: the incidents `dftriage collect` works on. The input is read twice:
// once through queue::Triage (which keeps a small row per alert, not the alert), and once
// more for the alerts of this shard's incidents only, with their text for alert.json. A
// pipe (standard input, a FIFO) is kept in a private temporary file for the second pass.

#include "dftriage/alert/alert.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/queue/triage.hpp"
#include "queue_options.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace dftriage::cli {

// One incident to collect.
struct CollectIncident
{
  std::string id;                   // "INC-…"
  std::size_t rank = 0;             // in the whole queue
  std::vector<alert::Alert> alerts; // oldest first, each with its text as read
  std::string text;                 // the case's alert.json
};

struct CollectQueue
{
  std::vector<CollectIncident> incidents; // this shard's, in rank order
  queue::TriageCounts counts;
  std::size_t problems = 0; // unreadable files and rejected documents
  // Incidents not collected, each with a file of theirs that could not all be read (their
  // grouping may lack alerts).
  std::vector<std::pair<std::string, std::string>> left_out;
};

// Reads `files` ("-" is standard input) with --format `format`, groups them with
// `options`, and returns this shard's incidents with their alerts. Diagnostics go to
// stderr; an incident with an alert from a file that could not all be read is left out
// (its grouping may lack alerts) and listed in CollectQueue::left_out. Throws Interrupted on
// Ctrl-C, Error when a pipe cannot be kept for the second pass.
CollectQueue read_collect_queue(const std::vector<std::string>& files, const std::string& format,
                                const engine::Library& library,
                                const queue::TriageOptions& options);

// A private temporary folder (0700) holding copies of the inputs that cannot be read
// twice; removed with this object.
class SpooledInputs
{
public:
  // Copies "-" and every input that is not a regular file; throws Error when it cannot.
  explicit SpooledInputs(const std::vector<std::string>& files);
  ~SpooledInputs();
  SpooledInputs(const SpooledInputs&) = delete;
  SpooledInputs& operator=(const SpooledInputs&) = delete;

  // The files to read, in order: the given ones, a copy for each spooled one.
  const std::vector<std::string>& paths() const { return m_paths; }

private:
  std::string m_dir;
  std::vector<std::string> m_paths;
};

} // namespace dftriage::cli
