// dftriage_bench_show: throughput and peak memory of `dftriage show -o ndjson`,
// compared with jq running a similar projection over the same files.
//
//   dftriage_bench_show --dftriage PATH --gen PATH [--alerts N] [--rich-alerts M]
//                       [--runs R] [--workdir DIR] [--large-factor F] [--strict]
//
// Generates N alerts of mixed shapes as NDJSON and as one JSON array, and M rich REST
// alerts (one shape, ~2 kB each with six entities) as NDJSON; runs each tool R times
// per file with stdout to /dev/null, then runs dftriage once on files F times bigger
// to show that its peak RSS does not grow with the input. Only local files and
// processes.

#include "bench_process.hpp"
#include "bench_report.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace dftriage::bench;
namespace fs = std::filesystem;

// jq's nearest equivalent of `show`: pick the fields dftriage normalises from any of
// the five shapes, and decode the JSON-in-a-string members as dftriage does.
constexpr std::string_view k_jq_projection =
    "def parsed: if type == \"string\" then (try fromjson catch .) else . end; "
    "(.properties // .) as $p | "
    "{id: ($p.systemAlertId // .SystemAlertId // .id), "
    "alertType: ($p.alertType // .AlertType // .category), "
    "displayName: ($p.alertDisplayName // .AlertDisplayName // .AlertName // .title), "
    "severity: ($p.severity // .Severity // .AlertSeverity), "
    "status: ($p.status // .Status), "
    "startTime: ($p.startTimeUtc // .StartTimeUtc // .StartTime // .eventDateTime), "
    "endTime: ($p.endTimeUtc // .EndTimeUtc // .EndTime // .lastEventDateTime), "
    "resourceId: ($p.resourceIdentifiers[0].azureResourceId // .AzureResourceId // .ResourceId "
    "// .securityResources[0].resource), "
    "compromisedEntity: ($p.compromisedEntity // .CompromisedEntity), "
    "description: ($p.description // .Description), "
    "entities: (($p.entities // .Entities // .userStates) | parsed), "
    "extendedProperties: (($p.extendedProperties // .ExtendedProperties // .CustomProperties) "
    "| parsed), "
    "remediation: (($p.remediationSteps // .RemediationSteps // .recommendedActions) | parsed)}";

struct Options
{
  std::string dftriage;
  std::string gen;
  std::string workdir = "dftriage-bench";
  std::uint64_t alerts = 200000;
  std::uint64_t rich_alerts = 60000;
  unsigned runs = 3;
  unsigned large_factor = 4;
  bool strict = false;
};

// How to call the program.
constexpr const char* k_usage =
    "usage: dftriage_bench_show --dftriage PATH --gen PATH [--alerts N]\n"
    "                           [--rich-alerts M] [--runs R] [--workdir DIR]\n"
    "                           [--large-factor F] [--strict]\n";

// Reads the command line into `options`; throws std::invalid_argument when it is wrong.
void parse_arguments(int argc, char** argv, Options& options)
{
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      throw std::invalid_argument("");
    }
    if (arg == "--strict") {
      options.strict = true;
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
    } else if (arg == "--rich-alerts") {
      options.rich_alerts = parse_count(arg, value);
    } else if (arg == "--runs") {
      options.runs = static_cast<unsigned>(parse_count(arg, value));
    } else if (arg == "--large-factor") {
      options.large_factor = static_cast<unsigned>(parse_count(arg, value));
    } else {
      throw std::invalid_argument("unknown option " + arg);
    }
  }
  if (options.dftriage.empty() || options.gen.empty() || options.alerts == 0 ||
      options.rich_alerts == 0 || options.runs == 0) {
    throw std::invalid_argument("--dftriage and --gen are required; N, M and R must be > 0");
  }
}

// One benchmark input: how the generator writes it.
struct Input
{
  std::string name;    // as the table shows it
  std::string format;  // ndjson or array
  std::string profile; // mixed or arm-rich
  std::uint64_t alerts = 0;
};

// Writes the alerts of `input` (`factor` times as many) to `path` with the generator.
void generate(const Options& options, const Input& input, std::uint64_t factor,
              const std::string& path, std::uint64_t seed)
{
  std::fprintf(stderr, "generating %s ...\n", path.c_str());
  RunSpec spec;
  spec.argv = {options.gen,
               std::to_string(input.alerts * factor),
               path,
               "--seed",
               std::to_string(seed),
               "--format",
               input.format,
               "--profile",
               input.profile};
  spec.stderr_path = options.workdir + "/gen.stderr";
  const RunResult result = run_checked(spec, "generator");
  const double mb = static_cast<double>(fs::file_size(path)) / 1e6;
  std::fprintf(stderr, "  %.1f MB in %.2f s\n", mb, result.seconds);
}

// Runs dftriage once through a pipe and checks it printed one line per alert, no errors.
void validate(const Options& options, const std::string& path, std::uint64_t expected)
{
  RunSpec spec;
  spec.argv = {options.dftriage, "show", path, "-o", "ndjson"};
  spec.stderr_path = options.workdir + "/show.stderr";
  spec.count_lines = true;
  const RunResult result = run_checked(spec, "dftriage show");
  if (result.lines != expected || fs::file_size(spec.stderr_path) != 0) {
    throw std::runtime_error("dftriage show " + path + " printed " + std::to_string(result.lines) +
                             " lines for " + std::to_string(expected) + " alerts (stderr in " +
                             spec.stderr_path + ")");
  }
  std::fprintf(stderr, "  validated: %llu alerts in, %llu lines out, no diagnostics\n",
               static_cast<unsigned long long>(expected),
               static_cast<unsigned long long>(result.lines));
}

// Runs `argv` `runs` times with stdout to /dev/null and returns the measurement.
Measurement measure_tool(const Options& options, const std::string& input, const std::string& tool,
                         const std::vector<std::string>& argv, const std::string& path,
                         std::uint64_t alerts, unsigned runs)
{
  RunSpec spec;
  spec.argv = argv;
  spec.stderr_path = options.workdir + "/" + tool + ".stderr";
  return measure(spec, input, tool, fs::file_size(path), alerts, runs);
}

// The whole benchmark; returns the process exit status.
int run(const Options& options)
{
  fs::create_directories(options.workdir);
  const auto jq = find_on_path("jq");
  Report report;
  report.alerts = options.alerts;
  report.rich_alerts = options.rich_alerts;
  report.runs = options.runs;
  report.large_factor = options.large_factor;
  report.have_jq = jq.has_value();
  report.load_before = load_average();

  const std::vector<Input> inputs = {{"ndjson", "ndjson", "mixed", options.alerts},
                                     {"array", "array", "mixed", options.alerts},
                                     {"arm-rich", "ndjson", "arm-rich", options.rich_alerts}};
  for (const auto& input : inputs) {
    const std::string path = options.workdir + "/alerts." + input.name + ".json";
    generate(options, input, 1, path, 42);
    validate(options, path, input.alerts);
    report.rows.push_back(measure_tool(options, input.name, "dftriage",
                                       {options.dftriage, "show", path, "-o", "ndjson"}, path,
                                       input.alerts, options.runs));
    if (jq) {
      const std::string filter = input.format == "array" ? ".[] | " + std::string(k_jq_projection)
                                                         : std::string(k_jq_projection);
      report.rows.push_back(measure_tool(options, input.name, "jq", {*jq, "-c", filter, path}, path,
                                         input.alerts, options.runs));
    }
  }
  if (options.large_factor > 1) {
    for (const auto& input : inputs) {
      if (input.profile != "mixed") {
        continue; // the mixed inputs show it; the rich one adds nothing to memory
      }
      const std::string path = options.workdir + "/large." + input.name + ".json";
      generate(options, input, options.large_factor, path, 43);
      report.large.push_back(measure_tool(options, input.name, "dftriage",
                                          {options.dftriage, "show", path, "-o", "ndjson"}, path,
                                          input.alerts * options.large_factor, 1));
      fs::remove(path);
    }
  }
  report.load_after = load_average();
  print_report(report, stdout);
  return options.strict && !report_meets_targets(report) ? 3 : 0;
}

} // namespace

// Parses the command line and runs the benchmark.
int main(int argc, char** argv)
{
  Options options;
  return run_main(
      "dftriage_bench_show", k_usage, [&] { parse_arguments(argc, argv, options); },
      [&] { return run(options); });
}
