// dftriage_bench_collect: time `dftriage collect` over a queue on a lab served with latency,
// and Debian's az sending the same reads one `az rest` at a time.
//
//   dftriage_bench_collect --dftriage PATH --source DIR [--gen PATH] [--alerts N]
//                          [--latency-ms L] [--runs R] [--paced-budget B]
//                          [--az-sample S] [--workdir DIR]
//
// The queue is `dftriage_gen_alerts N --profile queue --seed 42` (N 100 by default: 50
// incidents in 12 subscriptions; --alerts 0, or no --gen: the example queue,
// examples/queue/az-alert-list.json). Each run serves a fresh lab seeded from the queue
// with L ms (50) added to every response (`lab serve --https --latency-ms L`) and collects
// into a fresh cases folder: with --jobs 1, with the default --jobs 4, and with --jobs 4
// under a read budget B (5/s; the same for the lab and for collect, small enough to make
// collect wait), R times (3) each; the median wall time is compared with the latency floor
// (the requests the lab counted, tokens and next pages included, times L, over the jobs).
// It fails unless every incident's case was collected with no failed read; it reports the
// 429s the lab sent and those journaled in a case (exit 3 when any reached one). Then az
// (when installed; else that part is skipped) is signed in to a fresh lab as
// tests/contract/az_lab.sh does it and sends S (20) of the GETs to 127.0.0.1 that the
// last default run's journals show, spread over them (0: all), one at a time; az's total
// is its mean per call times all the GETs. Only local processes and the loopback.

#include "bench_collect_az.hpp"
#include "bench_collect_lab.hpp"
#include "bench_process.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace dftriage::bench;
namespace fs = std::filesystem;

struct Options
{
  std::string dftriage;
  std::string gen;
  std::string source;
  std::string workdir = "dftriage-bench";
  std::uint64_t alerts = 100;
  int latency_ms = 50;
  unsigned runs = 3;
  std::string paced_budget = "5/s";
  std::size_t az_sample = 20;
};

constexpr const char* k_usage =
    "usage: dftriage_bench_collect --dftriage PATH --source DIR [--gen PATH] [--alerts N]\n"
    "                              [--latency-ms L] [--runs R] [--paced-budget B]\n"
    "                              [--az-sample S] [--workdir DIR]\n";

constexpr unsigned k_default_jobs = 4; // collect's default --jobs
constexpr std::chrono::milliseconds k_record_settle{300};

// Reads the command line into `options`; throws std::invalid_argument when it is wrong.
void parse_arguments(int argc, char** argv, Options& options)
{
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      throw std::invalid_argument("");
    }
    if (i + 1 >= argc) {
      throw std::invalid_argument(arg + " needs a value");
    }
    const std::string value = argv[++i];
    if (arg == "--dftriage") {
      options.dftriage = value;
    } else if (arg == "--gen") {
      options.gen = value;
    } else if (arg == "--source") {
      options.source = value;
    } else if (arg == "--workdir") {
      options.workdir = value;
    } else if (arg == "--alerts") {
      options.alerts = parse_count(arg, value);
    } else if (arg == "--latency-ms") {
      options.latency_ms = static_cast<int>(parse_count(arg, value));
    } else if (arg == "--runs") {
      options.runs = static_cast<unsigned>(parse_count(arg, value));
    } else if (arg == "--paced-budget") {
      options.paced_budget = value;
    } else if (arg == "--az-sample") {
      options.az_sample = parse_count(arg, value);
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  if (options.dftriage.empty() || options.source.empty() || options.runs == 0) {
    throw std::invalid_argument("--dftriage and --source are required; R must be > 0");
  }
  // The lab's connection line names its CA by the state folder's path as given.
  options.workdir = fs::absolute(options.workdir).string();
}

// One way of collecting, and what its runs gave.
struct Mode
{
  std::string name;
  unsigned jobs = k_default_jobs;
  std::string budget; // lab's and collect's --read-budget ("": none, collect's default)
  std::vector<double> seconds;
  std::uint64_t requests = 0;       // the lab's count, tokens included (median run)
  std::uint64_t reads = 0;          // GETs the cases journaled (median run)
  std::uint64_t lab_gets = 0;       // requests but tokens: GETs and their next pages
  double cpu_seconds = 0;           // collect's user + system CPU time (median run)
  std::uint64_t waits = 0;          // collect's throttled waits (median run)
  std::uint64_t lab_throttled = 0;  // 429s the lab sent (median run)
  std::uint64_t case_throttled = 0; // 429s journaled in a case (the most of any run)
  std::vector<SentRead> sent;       // the last run's GETs
  std::string port;                 // the last run's lab port

  // Returns the median wall time.
  double median() const
  {
    auto s = seconds;
    std::sort(s.begin(), s.end());
    return s.empty() ? 0 : s[s.size() / 2];
  }
};

// Returns the queue file, generated when asked to.
std::string prepare_queue(const Options& options)
{
  if (options.gen.empty() || options.alerts == 0) {
    return options.source + "/examples/queue/az-alert-list.json";
  }
  std::string path = options.workdir + "/collect-queue.ndjson";
  RunSpec spec;
  spec.argv = {options.gen, std::to_string(options.alerts), path, "--seed", "42", "--profile",
               "queue"};
  spec.stderr_path = options.workdir + "/collect-gen.stderr";
  run_checked(spec, "the generator");
  return path;
}

// Returns the number of incidents `dftriage triage` makes of `queue`.
std::uint64_t count_incidents(const Options& options, const std::string& queue)
{
  RunSpec spec;
  spec.argv = {options.dftriage, "triage", queue, "-o", "ndjson"};
  spec.count_lines = true;
  spec.stderr_path = options.workdir + "/collect-triage.stderr";
  return run_checked(spec, "dftriage triage").lines;
}

// Runs one collection of `queue` on a fresh lab; adds its figures to `mode`, the median
// run's counts replacing the others' once all runs are in.
void collect_once(const Options& options, const std::string& queue, unsigned run, Mode& mode,
                  std::vector<Mode>& runs_of_mode)
{
  std::string slug = mode.name; // "jobs 4, budget 5/s": jobs-4--budget-5-s
  std::replace_if(
      slug.begin(), slug.end(),
      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '-');
  const fs::path dir = fs::path(options.workdir) / ("collect-" + slug + "-" + std::to_string(run));
  CollectLab lab({options.dftriage, {queue}, options.latency_ms, mode.budget, dir / "lab"});
  const fs::path cases = dir / "cases";
  RunSpec spec;
  spec.argv = {options.dftriage, "--cloud", lab.cloud_file().string(), "collect", queue, "--cases",
               cases.string(),   "--jobs",  std::to_string(mode.jobs), "-o",      "json"};
  if (!mode.budget.empty()) {
    spec.argv.insert(spec.argv.end(), {"--read-budget", mode.budget});
  }
  spec.stdout_path = (dir / "collect.json").string();
  spec.stderr_path = (dir / "collect.err").string();
  const RunResult result = run_checked(spec, "dftriage collect (" + mode.name + ")");
  std::this_thread::sleep_for(k_record_settle); // the lab records its last answers
  const LabTraffic traffic = lab.traffic();
  const CollectSummary summary = parse_collect_summary(read_text_file(spec.stderr_path));
  const CaseReads journals = read_case_journals(cases);
  if (!summary.found) {
    throw std::runtime_error("dftriage collect printed no summary (see " + spec.stderr_path + ")");
  }
  if (journals.failed > 0 || journals.not_finished > 0) {
    throw std::runtime_error("dftriage collect left " + std::to_string(journals.failed) +
                             " failed reads and " + std::to_string(journals.not_finished) +
                             " unfinished cases in " + cases.string());
  }
  Mode one = mode;
  one.seconds = {result.seconds};
  one.requests = traffic.requests;
  one.reads = journals.reads.size();
  one.lab_gets = traffic.requests - traffic.tokens;
  one.cpu_seconds = result.cpu_seconds;
  one.waits = summary.waits;
  one.lab_throttled = traffic.throttled;
  runs_of_mode.push_back(one);
  mode.seconds.push_back(result.seconds);
  mode.case_throttled = std::max(mode.case_throttled, journals.throttled);
  mode.sent = journals.reads;
  mode.port = lab_port(lab.connection());
  std::fprintf(
      stderr,
      "  %s run %u: %.2f s (%.1f s CPU), %llu requests (%llu tokens), %llu GETs journaled, %llu "
      "cases, %llu waits, %llu x 429 at the lab, %llu in cases\n",
      mode.name.c_str(), run + 1, result.seconds, result.cpu_seconds,
      static_cast<unsigned long long>(traffic.requests),
      static_cast<unsigned long long>(traffic.tokens),
      static_cast<unsigned long long>(journals.reads.size()),
      static_cast<unsigned long long>(journals.cases),
      static_cast<unsigned long long>(summary.waits),
      static_cast<unsigned long long>(traffic.throttled),
      static_cast<unsigned long long>(journals.throttled));
}

// Runs `mode` options.runs times and keeps the median run's counts.
void measure_mode(const Options& options, const std::string& queue, Mode& mode)
{
  std::vector<Mode> runs;
  for (unsigned run = 0; run < options.runs; ++run) {
    collect_once(options, queue, run, mode, runs);
  }
  std::sort(runs.begin(), runs.end(),
            [](const Mode& a, const Mode& b) { return a.seconds[0] < b.seconds[0]; });
  const Mode& median = runs[runs.size() / 2];
  mode.requests = median.requests;
  mode.reads = median.reads;
  mode.lab_gets = median.lab_gets;
  mode.cpu_seconds = median.cpu_seconds;
  mode.waits = median.waits;
  mode.lab_throttled = median.lab_throttled;
}

// Prints the collect table.
void print_modes(const Options& options, const std::vector<Mode>& modes, std::uint64_t incidents)
{
  std::printf("%-22s %9s %8s %5s %7s %6s %10s %7s %7s %6s %9s %10s\n", "mode", "incidents",
              "requests", "GETs", "wall s", "cpu s", "requests/s", "floor s", "/floor", "waits",
              "429 (lab)", "429 (case)");
  for (const auto& m : modes) {
    const double wall = m.median();
    const double floor =
        static_cast<double>(m.requests) * options.latency_ms / 1000.0 / static_cast<double>(m.jobs);
    std::printf("%-22s %9llu %8llu %5llu %7.2f %6.1f %10.1f %7.2f %6.2fx %6llu %9llu %10llu\n",
                m.name.c_str(), static_cast<unsigned long long>(incidents),
                static_cast<unsigned long long>(m.requests),
                static_cast<unsigned long long>(m.reads), wall, m.cpu_seconds,
                wall > 0 ? static_cast<double>(m.requests) / wall : 0, floor,
                floor > 0 ? wall / floor : 0, static_cast<unsigned long long>(m.waits),
                static_cast<unsigned long long>(m.lab_throttled),
                static_cast<unsigned long long>(m.case_throttled));
  }
}

// Times az over a sample of the GETs of `mode` on a fresh lab, and prints it beside
// `modes`.
void measure_az(const Options& options, const std::string& queue, const Mode& mode,
                const std::vector<Mode>& modes)
{
  const auto az = find_on_path("az");
  if (!az) {
    std::printf("\naz is not installed (apt-get install azure-cli): the side-by-side is "
                "skipped.\n");
    return;
  }
  const fs::path dir = fs::path(options.workdir) / "collect-az";
  CollectLab lab({options.dftriage, {queue}, options.latency_ms, "", dir / "lab"});
  const std::string port = lab_port(lab.connection());
  // Key Vault data-plane hosts (NAME.vault.localhost) reach the lab through dftriage's own
  // name resolution; az asks the system's resolver, which may not know *.localhost.
  std::vector<SentRead> reachable;
  for (const auto& r : mode.sent) {
    if (r.url.rfind("https://127.0.0.1:", 0) == 0) {
      reachable.push_back(r);
    }
  }
  std::vector<SentRead> reads = sample_reads(reachable, options.az_sample);
  for (auto& r : reads) {
    r.url = with_port(r.url, mode.port, port);
  }
  std::fprintf(stderr, "az: %zu of the %zu GETs to 127.0.0.1 (of %zu) of the last %s run\n",
               reads.size(), reachable.size(), mode.sent.size(), mode.name.c_str());
  const AzSession session = sign_in_az(*az, lab, dir / "az");
  const std::uint64_t before = lab.traffic().requests;
  const AzTiming timing = time_az_reads(session, reads);
  const std::uint64_t sent = lab.traffic().requests - before;
  const double per_read = timing.mean();
  const double total = per_read * static_cast<double>(mode.sent.size());
  const double with_pages = per_read * static_cast<double>(mode.lab_gets);
  const bool sampled = reads.size() < mode.sent.size();

  std::printf("\naz rest --method get, one call at a time as a shell loop sends them (Debian's "
              "azure-cli, signed in to a fresh lab with the same latency; sign-in %.1f s, not "
              "counted):\n",
              session.seconds);
  std::printf("  %zu calls%s: median %.2f s, mean %.2f s per call; %llu failed; %llu requests "
              "reached the lab\n",
              reads.size(), sampled ? " (a sample spread over the GETs)" : "", timing.median(),
              per_read, static_cast<unsigned long long>(timing.failed),
              static_cast<unsigned long long>(sent));
  if (reachable.size() < mode.sent.size()) {
    std::printf("  %zu of the %zu GETs went to Key Vault data-plane hosts (*.vault.localhost), "
                "which az cannot resolve here: az's time per call stands for them\n",
                mode.sent.size() - reachable.size(), mode.sent.size());
  }
  std::printf("  the %zu GETs the journals show: %.1f s%s\n", mode.sent.size(), total,
              sampled ? " (mean x GETs)" : "");
  std::printf("  the %llu GETs the lab answered, next pages included (az rest does not follow "
              "nextLink): %.1f s\n",
              static_cast<unsigned long long>(mode.lab_gets), with_pages);
  for (const auto& m : modes) {
    std::printf("  az / collect (%s, %.2f s): %.1fx (journaled GETs), %.1fx (with pages)\n",
                m.name.c_str(), m.median(), m.median() > 0 ? total / m.median() : 0,
                m.median() > 0 ? with_pages / m.median() : 0);
  }
}

// The whole benchmark; returns the process exit status.
int run(const Options& options)
{
  fs::create_directories(options.workdir);
  const double load_before = load_average();
  const std::string queue = prepare_queue(options);
  const std::uint64_t incidents = count_incidents(options, queue);
  std::fprintf(stderr, "collect: %s, %llu incidents\n", queue.c_str(),
               static_cast<unsigned long long>(incidents));
  std::vector<Mode> modes(3);
  modes[0].name = "jobs 1";
  modes[0].jobs = 1;
  modes[1].name = "jobs 4 (default)";
  modes[2].name = "jobs 4, budget " + options.paced_budget;
  modes[2].budget = options.paced_budget;
  for (auto& m : modes) {
    measure_mode(options, queue, m);
  }
  const double load_after_collect = load_average();

  std::printf("\nCollect: dftriage collect of %s (%llu incidents) on a lab served over HTTPS "
              "with %d ms added to every response, fresh lab and cases per run, %u runs each, "
              "median; load %.1f before, %.1f after\n\n",
              queue.c_str(), static_cast<unsigned long long>(incidents), options.latency_ms,
              options.runs, load_before, load_after_collect);
  print_modes(options, modes, incidents);
  std::printf("\nrequests: what the lab counted (tokens and next pages included); GETs: the "
              "reads the case journals show; cpu s: collect's user + system time. floor: requests "
              "x %d ms / jobs. The budget mode "
              "gives the lab and collect the same --read-budget; 429 (case) must be 0.\n",
              options.latency_ms);
  measure_az(options, queue, modes[1], modes);
  std::printf("\nload average at the end: %.1f\n", load_average());
  bool met = true;
  for (const auto& m : modes) {
    met = met && m.case_throttled == 0;
  }
  std::printf("No 429 reached a case: %s\n", met ? "met" : "NOT met");
  return met ? 0 : 3;
}

} // namespace

// Parses the command line and runs the benchmark.
int main(int argc, char** argv)
{
  Options options;
  return run_main(
      "dftriage_bench_collect", k_usage, [&] { parse_arguments(argc, argv, options); },
      [&] { return run(options); });
}
