// Statistics and the printed table of the show benchmark.

#include "bench_report.hpp"

#include <algorithm>

namespace dftriage::bench {

namespace {

// Returns the sorted wall times (or CPU times) of `m`'s runs.
std::vector<double> sorted_seconds(const Measurement& m, bool cpu)
{
  std::vector<double> seconds;
  for (const auto& run : m.runs) {
    seconds.push_back(cpu ? run.cpu_seconds : run.seconds);
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds;
}

// Returns the median of sorted `values`, 0 when there are none.
double median_of(const std::vector<double>& values)
{
  if (values.empty()) {
    return 0;
  }
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// Returns the measurement of `tool` on `input` among `rows`, or nullptr.
const Measurement* find_row(const std::vector<Measurement>& rows, const std::string& input,
                            const std::string& tool)
{
  for (const auto& row : rows) {
    if (row.input == input && row.tool == tool) {
      return &row;
    }
  }
  return nullptr;
}

// Returns the inputs measured, in the order of the rows.
std::vector<std::string> inputs_of(const Report& report)
{
  std::vector<std::string> inputs;
  for (const auto& row : report.rows) {
    if (std::find(inputs.begin(), inputs.end(), row.input) == inputs.end()) {
      inputs.push_back(row.input);
    }
  }
  return inputs;
}

// Which time a throughput ratio is computed from.
enum class Basis { median_wall, best_wall, median_cpu };

// Returns the time of `m` on `basis`.
double seconds_on(const Measurement& m, Basis basis)
{
  switch (basis) {
  case Basis::median_wall:
    return m.median_seconds();
  case Basis::best_wall:
    return m.best_seconds();
  case Basis::median_cpu:
    break;
  }
  return m.median_cpu_seconds();
}

// Returns dftriage's throughput divided by jq's on `input`, or 0 without jq.
double throughput_ratio(const Report& report, const std::string& input, Basis basis)
{
  const Measurement* ours = find_row(report.rows, input, "dftriage");
  const Measurement* jq = find_row(report.rows, input, "jq");
  if (ours == nullptr || jq == nullptr) {
    return 0;
  }
  const double our_seconds = seconds_on(*ours, basis);
  return our_seconds > 0 ? seconds_on(*jq, basis) / our_seconds : 0;
}

// Prints the dftriage/jq ratio line under the rows of `input`.
void print_ratio(const Report& report, const std::string& input, std::FILE* out)
{
  std::fprintf(out,
               "%-8s %9s  dftriage/jq throughput: %.2fx median wall, %.2fx best wall, "
               "%.2fx median cpu\n",
               input.c_str(), "", throughput_ratio(report, input, Basis::median_wall),
               throughput_ratio(report, input, Basis::best_wall),
               throughput_ratio(report, input, Basis::median_cpu));
}

// Returns true when the runs of some measurement differ by more than 15%.
bool is_noisy(const Report& report)
{
  for (const auto& row : report.rows) {
    if (row.median_seconds() > row.best_seconds() * 1.15) {
      return true;
    }
  }
  return false;
}

// Returns true when `large` used no more than the allowed growth over `small`.
bool is_flat(const Measurement& small, const Measurement& large)
{
  return large.peak_rss_mb() <= small.peak_rss_mb() * k_flat_growth + k_flat_slack_mb;
}

// Returns the largest dftriage peak RSS over all inputs.
double max_dftriage_rss(const Report& report)
{
  double peak = 0;
  for (const auto* rows : {&report.rows, &report.large}) {
    for (const auto& row : *rows) {
      if (row.tool == "dftriage") {
        peak = std::max(peak, row.peak_rss_mb());
      }
    }
  }
  return peak;
}

// Prints one table line for `m`.
void print_row(const Measurement& m, std::FILE* out)
{
  std::fprintf(out, "%-8s %9.1f  %-9s %8.1f %10.0f %12.1f %8.2f %9.2f %8.2f\n", m.input.c_str(),
               static_cast<double>(m.bytes) / 1e6, m.tool.c_str(), m.mb_per_second(),
               m.alerts_per_second(), m.peak_rss_mb(), m.best_seconds(), m.median_seconds(),
               m.median_cpu_seconds());
}

} // namespace

double Measurement::best_seconds() const
{
  const auto seconds = sorted_seconds(*this, false);
  return seconds.empty() ? 0 : seconds.front();
}

double Measurement::median_seconds() const
{
  return median_of(sorted_seconds(*this, false));
}

double Measurement::median_cpu_seconds() const
{
  return median_of(sorted_seconds(*this, true));
}

double Measurement::peak_rss_mb() const
{
  std::uint64_t peak = 0;
  for (const auto& run : runs) {
    peak = std::max(peak, run.peak_rss_kib);
  }
  return static_cast<double>(peak) * 1024 / 1e6;
}

double Measurement::mb_per_second() const
{
  const double seconds = median_seconds();
  return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0;
}

double Measurement::alerts_per_second() const
{
  const double seconds = median_seconds();
  return seconds > 0 ? static_cast<double>(alerts) / seconds : 0;
}

Measurement measure(const RunSpec& spec, const std::string& input, const std::string& tool,
                    std::uint64_t bytes, std::uint64_t alerts, unsigned runs)
{
  Measurement m;
  m.input = input;
  m.tool = tool;
  m.bytes = bytes;
  m.alerts = alerts;
  for (unsigned r = 0; r < runs; ++r) {
    m.runs.push_back(run_checked(spec, tool + " on " + input));
    std::fprintf(stderr, "  %s %s run %u: %.2f s, %.1f MB peak RSS\n", tool.c_str(), input.c_str(),
                 r + 1, m.runs.back().seconds,
                 static_cast<double>(m.runs.back().peak_rss_kib) * 1024 / 1e6);
  }
  return m;
}

void print_report(const Report& report, std::FILE* out)
{
  std::fprintf(out,
               "\ndftriage show -o ndjson vs jq -c (projection of 13 fields): %llu alerts of mixed "
               "shapes per ndjson/array file, %llu rich REST alerts in arm-rich; %u run(s) each, "
               "warm page cache, stdout to /dev/null\n"
               "MB = 10^6 bytes; MB/s and alerts/s from the median wall time; peak RSS = "
               "wait4 ru_maxrss (largest run); cpu s = median user+sys time\n"
               "1-minute load average: %.2f before, %.2f after (2 cores: a figure well above 1 "
               "means other work competed)\n\n",
               static_cast<unsigned long long>(report.alerts),
               static_cast<unsigned long long>(report.rich_alerts), report.runs, report.load_before,
               report.load_after);
  std::fprintf(out, "%-8s %9s  %-9s %8s %10s %12s %8s %9s %8s\n", "input", "size MB", "tool",
               "MB/s", "alerts/s", "peak RSS MB", "best s", "median s", "cpu s");
  std::string last_input;
  for (const auto& row : report.rows) {
    if (report.have_jq && !last_input.empty() && row.input != last_input) {
      print_ratio(report, last_input, out);
    }
    print_row(row, out);
    last_input = row.input;
  }
  if (report.have_jq && !last_input.empty()) {
    print_ratio(report, last_input, out);
  }
  if (!report.have_jq) {
    std::fputs("(jq is not on PATH: no comparison)\n", out);
  }

  bool flat = true;
  if (!report.large.empty()) {
    std::fprintf(out, "\nLarge input RSS check: dftriage on %ux the alerts (%llu), 1 run\n",
                 report.large_factor,
                 static_cast<unsigned long long>(report.alerts * report.large_factor));
    std::fprintf(out, "%-8s %9s  %-9s %8s %10s %12s %12s %8s %8s\n", "input", "size MB", "tool",
                 "MB/s", "alerts/s", "peak RSS MB", "1x RSS MB", "wall s", "cpu s");
    for (const auto& large : report.large) {
      const Measurement* small = find_row(report.rows, large.input, "dftriage");
      const double small_rss = small != nullptr ? small->peak_rss_mb() : 0;
      flat = flat && (small == nullptr || is_flat(*small, large));
      std::fprintf(out, "%-8s %9.1f  %-9s %8.1f %10.0f %12.1f %12.1f %8.2f %8.2f\n",
                   large.input.c_str(), static_cast<double>(large.bytes) / 1e6, large.tool.c_str(),
                   large.mb_per_second(), large.alerts_per_second(), large.peak_rss_mb(), small_rss,
                   large.median_seconds(), large.median_cpu_seconds());
    }
  }

  if (is_noisy(report)) {
    std::fputs("\nNOTE: repeated runs differ by more than 15%: other work competed for the CPU. "
               "The best times are the better estimate; rerun on a quiet machine.\n",
               out);
  }
  std::fputs("\nTargets (throughput ratio by best wall time of each tool, which interference "
             "can only make worse):\n",
             out);
  if (report.have_jq) {
    for (const auto& input : inputs_of(report)) {
      const double ratio = throughput_ratio(report, input, Basis::best_wall);
      std::fprintf(out, "  dftriage/jq throughput >= %.0fx (%s):%*s %7.2fx   %s\n", k_target_ratio,
                   input.c_str(), static_cast<int>(9 - std::min<std::size_t>(input.size(), 9)), "",
                   ratio, ratio >= k_target_ratio ? "PASS" : "FAIL");
    }
  }
  const double peak = max_dftriage_rss(report);
  std::fprintf(out, "  dftriage peak RSS < %.0f MB, every input: %7.1f MB  %s\n", k_rss_limit_mb,
               peak, peak < k_rss_limit_mb ? "PASS" : "FAIL");
  if (!report.large.empty()) {
    std::fprintf(out, "  dftriage RSS flat from 1x to %ux input:            %s\n",
                 report.large_factor, flat ? "PASS" : "FAIL");
  }
}

bool report_meets_targets(const Report& report)
{
  if (report.have_jq) {
    for (const auto& input : inputs_of(report)) {
      if (throughput_ratio(report, input, Basis::best_wall) < k_target_ratio) {
        return false;
      }
    }
  }
  for (const auto& large : report.large) {
    const Measurement* small = find_row(report.rows, large.input, "dftriage");
    if (small != nullptr && !is_flat(*small, large)) {
      return false;
    }
  }
  return max_dftriage_rss(report) < k_rss_limit_mb;
}

} // namespace dftriage::bench
