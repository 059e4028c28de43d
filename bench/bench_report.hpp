// Figures of the show benchmark and the table that presents them.

#pragma once

#include "bench_process.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace dftriage::bench {

// The product targets the table is checked against.
constexpr double k_target_ratio = 4.0;  // dftriage throughput / jq throughput, every input
constexpr double k_rss_limit_mb = 32.0; // dftriage peak RSS, MB (10^6 bytes)
constexpr double k_flat_growth = 1.10;  // 4x input may cost at most 10% more RSS ...
constexpr double k_flat_slack_mb = 1.0; // ... plus 1 MB

// The runs of one tool over one input file.
struct Measurement
{
  std::string input; // "ndjson", "array" (mixed shapes) or "arm-rich"
  std::string tool;  // "dftriage" or "jq"
  std::uint64_t bytes = 0;
  std::uint64_t alerts = 0;
  std::vector<RunResult> runs;

  double best_seconds() const;       // the fastest run's wall time
  double median_seconds() const;     // the median wall time
  double median_cpu_seconds() const; // the median user + system CPU time
  double peak_rss_mb() const;        // the largest of the runs
  double mb_per_second() const;      // from the median
  double alerts_per_second() const;  // from the median
};

// Runs `spec` `runs` times (stdout as it says, normally /dev/null) and returns the
// measurement of `tool` on `input`, a file of `bytes` holding `alerts` alerts; prints each
// run to stderr. Throws std::runtime_error when a run fails.
Measurement measure(const RunSpec& spec, const std::string& input, const std::string& tool,
                    std::uint64_t bytes, std::uint64_t alerts, unsigned runs);

// Everything print_report needs.
struct Report
{
  std::uint64_t alerts = 0;      // per mixed input
  std::uint64_t rich_alerts = 0; // in the arm-rich input
  unsigned runs = 0;
  unsigned large_factor = 0;
  bool have_jq = false;
  double load_before = -1; // 1-minute load average around the whole benchmark
  double load_after = -1;
  std::vector<Measurement> rows;  // per input: dftriage, then jq when present
  std::vector<Measurement> large; // dftriage on the large_factor-times bigger inputs
};

// Prints the results table, the large-input RSS check and the target verdicts.
void print_report(const Report& report, std::FILE* out);

// Returns true when every measured figure meets the product targets.
bool report_meets_targets(const Report& report);

} // namespace dftriage::bench
