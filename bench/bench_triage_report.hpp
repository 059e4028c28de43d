// Figures of the triage benchmark and the table that presents them.

#pragma once

#include "bench_report.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace dftriage::bench {

// The targets of issue #17.
constexpr double k_triage_time_limit = 2.0; // triage wall time / show wall time, each size
// Memory bounded, not growing with the alerts: triage's peak RSS at most show's plus twice
// its memory budget (TriageOptions::memory_budget_bytes: the rows, then merge buffers and
// the largest group on top), at every size.
constexpr double k_triage_budget_mb = 32 * 1.048576;
constexpr double k_triage_budget_times = 2.0;

// Names of the measured commands, as the table shows them.
inline const std::string k_tool_show = "show -o ndjson";
inline const std::string k_tool_triage = "triage -o ndjson";
inline const std::string k_tool_triage_json = "triage -o json";
inline const std::string k_tool_jq = "jq group_by";

// One queue input and what was measured on it.
struct QueueInput
{
  std::string name; // "60k", "600k"
  std::uint64_t documents = 0;
  std::uint64_t bytes = 0;
  // What the generator wrote (gen_queue.hpp).
  std::uint64_t distinct_written = 0;
  std::uint64_t copies_written = 0;
  std::uint64_t peak_open = 0; // episodes open at once, 24 h window
  // What triage made of it.
  std::uint64_t incidents = 0;
  std::uint64_t kept = 0;    // distinct alerts: the alerts of every incident
  std::uint64_t dropped = 0; // copies dropped as duplicates
  double spilled_mb = 0;     // written to spill files (0: triaged in memory)
  std::uint64_t spill_files = 0;
  std::vector<Measurement> rows;

  // Returns the row of `tool`, or nullptr when it was not measured.
  const Measurement* find(const std::string& tool) const;
};

// Everything print_triage_report needs.
struct TriageReport
{
  unsigned runs = 0;       // at the small size
  unsigned large_runs = 0; // at the large size
  bool have_jq = false;
  bool jq_large = false; // jq ran at the large size too
  double load_before = -1;
  double load_after = -1;
  std::vector<QueueInput> inputs; // smallest first
};

// Prints the inputs, the timing table, the memory growth and the target verdicts.
void print_triage_report(const TriageReport& report, std::FILE* out);

// Returns true when every target of issue #17 is met.
bool triage_meets_targets(const TriageReport& report);

} // namespace dftriage::bench
