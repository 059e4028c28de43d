// dftriage_bench_triage: time and peak memory of `dftriage triage` against `dftriage show`
// over the same alert queue, at two sizes, and jq doing a comparable grouping.
//
//   dftriage_bench_triage --dftriage PATH --gen PATH [--alerts N] [--large-alerts M]
//                         [--runs R] [--large-runs L] [--workdir DIR] [--jq-large]
//                         [--strict]
//
// Generates a tenant's queue of N and of M alert documents (dftriage_gen_alerts --profile
// queue: bursts on vaults, hourly DNS alerts, repeated alerts in other shapes) as NDJSON,
// checks that triage accounts for every document (and reads how much it spilled to disk,
// from -v), then runs `show -o ndjson`, `triage -o ndjson`, `triage -o json` and jq over
// each, R times at N and L times at M, with stdout to /dev/null. jq runs at N only unless
// --jq-large. --large-alerts 0 leaves M out. --strict exits 3 when a target of issue #17
// is missed. Only local files and processes.

#include "bench_process.hpp"
#include "bench_triage_report.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace dftriage::bench;
namespace fs = std::filesystem;

// What a user would run instead of triage: the same fields from any of the five shapes,
// duplicates dropped by ID (the row's VendorOriginalId for SecurityAlert rows), then
// grouped by the attacked resource (vault, machine or subscription) and the caller or
// queried domain. No time window and no ranking by severity: jq has no easy way to chain
// alerts within 24 h of each other.
constexpr std::string_view k_jq_grouping =
    "def parsed: if type == \"string\" then (try fromjson catch null) else . end; "
    "[inputs | (.properties // .) as $p | ((($p.entities // .Entities) | parsed) // []) as $e | "
    "{id: ((.VendorOriginalId // $p.systemAlertId // .SystemAlertId // .id) | ascii_downcase), "
    "resource: (($p.resourceIdentifiers[0].azureResourceId // .AzureResourceId // .ResourceId "
    "// .securityResources[0].resource // \"\") | ascii_downcase), "
    "caller: ([$e[] | .aadUserId // .AadUserId // .domainName // .DomainName // empty] "
    "+ [.userStates[0].aadUserId // .networkConnections[0].destinationDomain "
    "// .networkConnections[0].sourceAddress // empty] | first // \"\"), "
    "severity: ($p.severity // .Severity // .AlertSeverity // .severity), "
    "time: ($p.startTimeUtc // .StartTimeUtc // .StartTime // .eventDateTime)}] "
    "| unique_by(.id) | group_by([.resource, .caller]) "
    "| map({resource: .[0].resource, caller: .[0].caller, alerts: length, "
    "severities: (map(.severity) | unique), first: (map(.time) | min), "
    "last: (map(.time) | max), ids: map(.id)}) "
    "| sort_by(-.alerts, .last) | .[]";

struct Options
{
  std::string dftriage;
  std::string gen;
  std::string workdir = "dftriage-bench";
  std::uint64_t alerts = 60000;
  std::uint64_t large_alerts = 600000;
  unsigned runs = 3;
  unsigned large_runs = 1;
  bool jq_large = false;
  bool strict = false;
};

// How to call the program.
constexpr const char* k_usage =
    "usage: dftriage_bench_triage --dftriage PATH --gen PATH [--alerts N]\n"
    "                             [--large-alerts M] [--runs R] [--large-runs L]\n"
    "                             [--workdir DIR] [--jq-large] [--strict]\n";

// Reads the command line into `options`; throws std::invalid_argument when it is wrong.
void parse_arguments(int argc, char** argv, Options& options)
{
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      throw std::invalid_argument("");
    }
    if (arg == "--strict" || arg == "--jq-large") {
      (arg == "--strict" ? options.strict : options.jq_large) = true;
      continue;
    }
    if (i + 1 >= argc) {
      throw std::invalid_argument(arg + " needs a value");
    }
    const std::string value = argv[++i];
    if (arg == "--dftriage") {
      options.dftriage = value;
    } else if (arg == "--gen") {
      options.gen = value;
    } else if (arg == "--workdir") {
      options.workdir = value;
    } else if (arg == "--alerts") {
      options.alerts = parse_count(arg, value);
    } else if (arg == "--large-alerts") {
      options.large_alerts = parse_count(arg, value);
    } else if (arg == "--runs") {
      options.runs = static_cast<unsigned>(parse_count(arg, value));
    } else if (arg == "--large-runs") {
      options.large_runs = static_cast<unsigned>(parse_count(arg, value));
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  if (options.dftriage.empty() || options.gen.empty() || options.alerts == 0 || options.runs == 0 ||
      options.large_runs == 0) {
    throw std::invalid_argument("--dftriage and --gen are required; N, R and L must be > 0");
  }
}

// Returns "60k" for 60000, the number itself when it is not whole thousands.
std::string size_name(std::uint64_t alerts)
{
  return alerts % 1000 == 0 ? std::to_string(alerts / 1000) + "k" : std::to_string(alerts);
}

// Returns the whole text of `path`.
std::string read_text(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes the queue of `input.documents` documents to `path` and reads the generator's
// summary into `input`; throws when it fails or says nothing of the queue.
void generate(const Options& options, const std::string& path, QueueInput& input)
{
  std::fprintf(stderr, "generating %s ...\n", path.c_str());
  RunSpec spec;
  spec.argv = {options.gen, std::to_string(input.documents), path, "--seed", "42", "--profile",
               "queue"};
  spec.stderr_path = options.workdir + "/gen.stderr";
  const RunResult result = run_checked(spec, "generator");
  // "queue: D distinct alerts, C copies, E episodes, at most O open at once"
  const std::string said = read_text(spec.stderr_path);
  const auto at = said.find("queue: ");
  std::vector<unsigned long long> numbers;
  for (std::size_t i = at; at != std::string::npos && i < said.size() && said[i] != '\n'; ++i) {
    if (said[i] >= '0' && said[i] <= '9') {
      if (i == 0 || said[i - 1] < '0' || said[i - 1] > '9') {
        numbers.push_back(0);
      }
      numbers.back() = numbers.back() * 10 + static_cast<unsigned long long>(said[i] - '0');
    }
  }
  if (numbers.size() != 4) {
    throw std::runtime_error("the generator did not summarise the queue (see " + spec.stderr_path +
                             ")");
  }
  const unsigned long long distinct = numbers[0];
  const unsigned long long copies = numbers[1];
  const unsigned long long episodes = numbers[2];
  const unsigned long long open = numbers[3];
  input.bytes = fs::file_size(path);
  input.distinct_written = distinct;
  input.copies_written = copies;
  input.peak_open = open;
  std::fprintf(stderr, "  %.1f MB in %.2f s: %llu distinct alerts, %llu copies, %llu episodes\n",
               static_cast<double>(input.bytes) / 1e6, result.seconds, distinct, copies, episodes);
}

// Returns the number after the first `"key":` in `line`, 0 when it has none.
std::uint64_t member_count(std::string_view line, std::string_view key)
{
  const auto at = line.find(key);
  if (at == std::string_view::npos) {
    return 0;
  }
  std::uint64_t value = 0;
  for (std::size_t i = at + key.size(); i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    value = value * 10 + static_cast<std::uint64_t>(line[i] - '0');
  }
  return value;
}

// Reads what triage said on stderr with -v: only debug and info lines, one of which says
// how much it spilled when it did. Throws when something else was said.
void read_spill(const std::string& stderr_path, QueueInput& input)
{
  std::ifstream in(stderr_path, std::ios::binary);
  const std::string marker = "MB: ";
  const std::string written = " MB written to ";
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("dftriage: debug: ", 0) != 0 && line.rfind("dftriage: info: ", 0) != 0) {
      throw std::runtime_error("dftriage triage said more than it should (see " + stderr_path +
                               ")");
    }
    // "… memory budget of 32 MB: 883.0 MB written to 44 spill files"
    const auto at = line.find(marker);
    const auto to = line.find(written);
    if (line.find("spill files") != std::string::npos && at != std::string::npos &&
        to != std::string::npos) {
      input.spilled_mb = std::strtod(line.c_str() + at + marker.size(), nullptr);
      input.spill_files = std::strtoull(line.c_str() + to + written.size(), nullptr, 10);
    }
  }
}

// Runs triage once into a file and reads its incidents into `input`; throws unless
// every document is one incident's alert or a dropped copy, and nothing but debug and
// info lines were said on stderr. Also warms the page cache.
void validate(const Options& options, const std::string& path, QueueInput& input)
{
  RunSpec spec;
  spec.argv = {options.dftriage, "-v", "triage", path, "-o", "ndjson"};
  spec.stdout_path = options.workdir + "/triage.ndjson";
  spec.stderr_path = options.workdir + "/triage.stderr";
  run_checked(spec, "dftriage triage");
  std::ifstream in(spec.stdout_path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    ++input.incidents;
    // The incident's own members come before its alerts, so the first ones are its.
    input.kept += member_count(line, "\"alertCount\":");
    input.dropped += member_count(line, "\"duplicates\":");
  }
  in.close();
  fs::remove(spec.stdout_path);
  read_spill(spec.stderr_path, input);
  if (input.kept + input.dropped != input.documents) {
    throw std::runtime_error("dftriage triage " + path + " accounted for " +
                             std::to_string(input.kept + input.dropped) + " of " +
                             std::to_string(input.documents) + " documents (stderr in " +
                             spec.stderr_path + ")");
  }
  std::fprintf(stderr,
               "  validated: %llu incidents of %llu alerts, %llu copies dropped, %.1f MB "
               "spilled\n",
               static_cast<unsigned long long>(input.incidents),
               static_cast<unsigned long long>(input.kept),
               static_cast<unsigned long long>(input.dropped), input.spilled_mb);
}

// Runs `argv` `runs` times with stdout to /dev/null and adds the measurement to `input`.
void measure_into(const Options& options, QueueInput& input, const std::string& tool,
                  const std::vector<std::string>& argv, unsigned runs)
{
  RunSpec spec;
  spec.argv = argv;
  spec.stderr_path = options.workdir + "/bench-triage.stderr";
  input.rows.push_back(measure(spec, input.name, tool, input.bytes, input.documents, runs));
}

// The whole benchmark; returns the process exit status.
int run(const Options& options)
{
  fs::create_directories(options.workdir);
  const auto jq = find_on_path("jq");
  TriageReport report;
  report.runs = options.runs;
  report.large_runs = options.large_runs;
  report.have_jq = jq.has_value();
  report.jq_large = options.jq_large;
  report.load_before = load_average();
  std::vector<std::uint64_t> sizes = {options.alerts};
  if (options.large_alerts > 0) {
    sizes.push_back(options.large_alerts);
  }
  for (std::size_t s = 0; s < sizes.size(); ++s) {
    const bool large = s > 0;
    const unsigned runs = large ? options.large_runs : options.runs;
    QueueInput input;
    input.name = size_name(sizes[s]);
    input.documents = sizes[s];
    const std::string path = options.workdir + "/queue." + input.name + ".ndjson";
    generate(options, path, input);
    validate(options, path, input);
    const std::string& bin = options.dftriage;
    measure_into(options, input, k_tool_show, {bin, "show", path, "-o", "ndjson"}, runs);
    measure_into(options, input, k_tool_triage, {bin, "triage", path, "-o", "ndjson"}, runs);
    measure_into(options, input, k_tool_triage_json, {bin, "triage", path, "-o", "json"}, runs);
    if (jq && (!large || options.jq_large)) {
      measure_into(options, input, k_tool_jq, {*jq, "-n", "-c", std::string(k_jq_grouping), path},
                   runs);
    }
    if (large) {
      fs::remove(path); // about 2 GB at 600k
    }
    report.inputs.push_back(std::move(input));
  }
  report.load_after = load_average();
  print_triage_report(report, stdout);
  return options.strict && !triage_meets_targets(report) ? 3 : 0;
}

} // namespace

// Parses the command line and runs the benchmark.
int main(int argc, char** argv)
{
  Options options;
  return run_main(
      "dftriage_bench_triage", k_usage, [&] { parse_arguments(argc, argv, options); },
      [&] { return run(options); });
}
