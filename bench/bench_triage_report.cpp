// The printed table of the triage benchmark.

#include "bench_triage_report.hpp"

#include <algorithm>

namespace dftriage::bench {

namespace {

// Returns `m`'s median wall time (or CPU time) over show's on the same input, 0 without
// show.
double time_over_show(const QueueInput& input, const Measurement& m, bool cpu = false)
{
  const Measurement* show = input.find(k_tool_show);
  if (show == nullptr) {
    return 0;
  }
  const double show_seconds = cpu ? show->median_cpu_seconds() : show->median_seconds();
  return show_seconds > 0 ? (cpu ? m.median_cpu_seconds() : m.median_seconds()) / show_seconds : 0;
}

// Returns true when the runs of some measurement differ by more than 15%.
bool runs_differ(const TriageReport& report)
{
  for (const auto& input : report.inputs) {
    for (const auto& m : input.rows) {
      if (m.median_seconds() > m.best_seconds() * 1.15) {
        return true;
      }
    }
  }
  return false;
}

// Returns peak RSS in kB (10^3 bytes) per alert triage kept, 0 when it kept none.
double rss_per_alert_kb(const QueueInput& input, const Measurement& m)
{
  return input.kept > 0 ? m.peak_rss_mb() * 1e3 / static_cast<double>(input.kept) : 0;
}

// Returns the most triage may take at `input`: show's peak RSS plus twice the budget.
double rss_limit_mb(const QueueInput& input)
{
  const Measurement* show = input.find(k_tool_show);
  return (show != nullptr ? show->peak_rss_mb() : 0) + k_triage_budget_times * k_triage_budget_mb;
}

// Returns true when triage's RSS at `input` stayed within its limit.
bool is_bounded(const QueueInput& input)
{
  const Measurement* triage = input.find(k_tool_triage);
  return triage == nullptr || triage->peak_rss_mb() <= rss_limit_mb(input);
}

void print_inputs(const TriageReport& report, std::FILE* out)
{
  std::fprintf(out, "%-6s %10s %9s %11s %8s %8s %10s %13s %11s\n", "input", "documents", "size MB",
               "distinct", "dropped", "kept", "incidents", "open at once", "spilled MB");
  for (const auto& input : report.inputs) {
    std::fprintf(
        out, "%-6s %10llu %9.1f %11llu %8llu %8llu %10llu %13llu %11.1f\n", input.name.c_str(),
        static_cast<unsigned long long>(input.documents), static_cast<double>(input.bytes) / 1e6,
        static_cast<unsigned long long>(input.distinct_written),
        static_cast<unsigned long long>(input.dropped), static_cast<unsigned long long>(input.kept),
        static_cast<unsigned long long>(input.incidents),
        static_cast<unsigned long long>(input.peak_open), input.spilled_mb);
  }
  std::fputs("(distinct: alerts the generator wrote, each once or twice; dropped and kept: what "
             "triage counted as copies and as alerts of its incidents; open at once: incidents "
             "begun and not yet 24 h past their last alert, the most at any time; spilled: what "
             "triage wrote to spill files past its memory budget, 0 when it all fit)\n",
             out);
  for (const auto& input : report.inputs) {
    if (input.kept != input.distinct_written) {
      std::fprintf(out,
                   "NOTE %s: triage kept %llu alerts where the generator wrote %llu distinct: "
                   "%lld copies were not recognised as duplicates\n",
                   input.name.c_str(), static_cast<unsigned long long>(input.kept),
                   static_cast<unsigned long long>(input.distinct_written),
                   static_cast<long long>(input.kept) -
                       static_cast<long long>(input.distinct_written));
    }
  }
}

void print_times(const TriageReport& report, std::FILE* out)
{
  std::fprintf(out, "\n%-6s %-17s %5s %9s %8s %8s %12s %8s %8s %9s\n", "input", "command", "runs",
               "median s", "best s", "cpu s", "peak RSS MB", "vs show", "cpu vs", "kB/alert");
  for (const auto& input : report.inputs) {
    for (const auto& m : input.rows) {
      std::fprintf(out, "%-6s %-17s %5zu %9.2f %8.2f %8.2f %12.1f %7.2fx %7.2fx %9.2f\n",
                   input.name.c_str(), m.tool.c_str(), m.runs.size(), m.median_seconds(),
                   m.best_seconds(), m.median_cpu_seconds(), m.peak_rss_mb(),
                   time_over_show(input, m), time_over_show(input, m, true),
                   rss_per_alert_kb(input, m));
    }
  }
  std::fputs("(vs show, cpu vs: median wall and CPU time over show's on the same input; "
             "kB/alert: peak RSS over the alerts triage kept)\n",
             out);
  if (runs_differ(report)) {
    std::fputs("NOTE: repeated runs differ by more than 15%: other work competed for the CPU; "
               "the CPU ratios are the steadier figures.\n",
               out);
  }
  if (!report.have_jq) {
    std::fputs("(jq is not on PATH: no comparison)\n", out);
  } else if (!report.jq_large && report.inputs.size() > 1) {
    std::fputs("(jq at the smallest size only: it would take minutes at the larger ones; "
               "--jq-large runs it on every size)\n",
               out);
  }
}

void print_growth(const TriageReport& report, std::FILE* out)
{
  if (report.inputs.size() < 2) {
    return;
  }
  const QueueInput& small = report.inputs.front();
  const QueueInput& large = report.inputs.back();
  const Measurement* a = small.find(k_tool_triage);
  const Measurement* b = large.find(k_tool_triage);
  if (a == nullptr || b == nullptr || large.kept <= small.kept) {
    return;
  }
  const double added_mb = b->peak_rss_mb() - a->peak_rss_mb();
  std::fprintf(out,
               "\nMemory growth of triage from %s to %s: %+.1f MB for %llu more alerts kept, "
               "%.0f bytes per added alert; open incidents at once: %llu and %llu\n",
               small.name.c_str(), large.name.c_str(), added_mb,
               static_cast<unsigned long long>(large.kept - small.kept),
               added_mb * 1e6 / static_cast<double>(large.kept - small.kept),
               static_cast<unsigned long long>(small.peak_open),
               static_cast<unsigned long long>(large.peak_open));
}

void print_targets(const TriageReport& report, std::FILE* out)
{
  std::fputs("\nTargets (issue #17):\n", out);
  for (const auto& input : report.inputs) {
    const Measurement* triage = input.find(k_tool_triage);
    if (triage == nullptr) {
      continue;
    }
    const double ratio = time_over_show(input, *triage);
    std::fprintf(out, "  triage <= %.0fx show, median wall (%s):%*s %7.2fx  %s\n",
                 k_triage_time_limit, input.name.c_str(),
                 static_cast<int>(6 - std::min<std::size_t>(input.name.size(), 6)), "", ratio,
                 ratio <= k_triage_time_limit ? "PASS" : "FAIL");
  }
  for (const auto& input : report.inputs) {
    const Measurement* triage = input.find(k_tool_triage);
    if (triage == nullptr) {
      continue;
    }
    std::fprintf(out,
                 "  triage RSS bounded, not growing with alerts (%s: at most show's + %.0fx the "
                 "%.1f MB budget = %.1f MB):%*s %6.1f MB  %s\n",
                 input.name.c_str(), k_triage_budget_times, k_triage_budget_mb, rss_limit_mb(input),
                 static_cast<int>(6 - std::min<std::size_t>(input.name.size(), 6)), "",
                 triage->peak_rss_mb(), is_bounded(input) ? "PASS" : "FAIL");
  }
}

} // namespace

const Measurement* QueueInput::find(const std::string& tool) const
{
  for (const auto& row : rows) {
    if (row.tool == tool) {
      return &row;
    }
  }
  return nullptr;
}

void print_triage_report(const TriageReport& report, std::FILE* out)
{
  std::fprintf(out,
               "\ndftriage triage vs show over a tenant's alert queue (dftriage_gen_alerts "
               "--profile queue, NDJSON); %u run(s) at the smallest size, %u at larger ones; "
               "warm page cache, stdout to /dev/null\n"
               "MB = 10^6 bytes; peak RSS = wait4 ru_maxrss (largest run); cpu s = median "
               "user+sys time\n"
               "1-minute load average: %.2f before, %.2f after (2 cores: a figure well above 1 "
               "means other work competed)\n\n",
               report.runs, report.large_runs, report.load_before, report.load_after);
  print_inputs(report, out);
  print_times(report, out);
  print_growth(report, out);
  print_targets(report, out);
}

bool triage_meets_targets(const TriageReport& report)
{
  for (const auto& input : report.inputs) {
    const Measurement* triage = input.find(k_tool_triage);
    if (triage != nullptr &&
        (time_over_show(input, *triage) > k_triage_time_limit || !is_bounded(input))) {
      return false;
    }
  }
  return true;
}

} // namespace dftriage::bench
