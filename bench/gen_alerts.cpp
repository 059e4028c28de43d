// dftriage_gen_alerts: writes synthetic Defender for Cloud alerts for benchmarks.
//
//   dftriage_gen_alerts N OUT_FILE [--seed S] [--format ndjson|array]
//                      [--profile mixed|arm-rich|queue] [--duplicates PERCENT]
//                      [--incident-size K]
//
// N alerts of mixed shapes (REST resource, az CLI, continuous export, SecurityAlert row,
// legacy Graph alert) and plans (Key Vault, DNS, Resource Manager), the same bytes for
// the same N and seed. `--profile arm-rich` writes REST resources only, each about
// 2 kB with six entities and several extended properties (gen_rich.hpp). `--profile
// queue` writes a tenant's queue for the triage benchmark (gen_queue.hpp): N documents
// in order of time, of which about PERCENT% (default 10) repeat an alert in another
// shape, in incidents of about K alerts (default 4); it ends with a summary line on
// stderr ("queue: D distinct alerts, C copies, E episodes, at most O open at once").
// The last two options apply to the queue only. OUT_FILE may be "-" for standard
// output. NDJSON writes one alert per line; "array" writes one JSON array with one alert
// per line.

#include "gen_model.hpp"
#include "gen_queue.hpp"
#include "gen_rich.hpp"
#include "gen_shapes.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace dftriage::bench;

constexpr std::uint64_t k_default_seed = 42;
constexpr std::size_t k_write_buffer = 1 << 20;

struct Options
{
  std::uint64_t count = 0;
  std::string output;
  std::uint64_t seed = k_default_seed;
  bool array = false;
  bool rich = false;  // --profile arm-rich
  bool queue = false; // --profile queue
  QueueSettings queue_settings;
  bool queue_options = false; // --duplicates or --incident-size given
};

// Prints how to call the program to stderr.
void print_usage()
{
  std::fputs("usage: dftriage_gen_alerts N OUT_FILE [--seed S] [--format ndjson|array]\n"
             "                           [--profile mixed|arm-rich|queue]\n"
             "                           [--duplicates PERCENT] [--incident-size K]\n",
             stderr);
}

// Parses a whole decimal number; nullopt for anything else.
std::optional<std::uint64_t> parse_number(std::string_view text)
{
  if (text.empty() || text.size() > 19) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// Reads the command line into `options`; false (after a message) when it is wrong.
bool parse_arguments(int argc, char** argv, Options& options)
{
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--seed" || arg == "--format" || arg == "--profile" || arg == "--duplicates" ||
         arg == "--incident-size") &&
        i + 1 >= argc) {
      std::fprintf(stderr, "dftriage_gen_alerts: %s needs a value\n", argv[i]);
      return false;
    }
    if (arg == "--seed") {
      const auto seed = parse_number(argv[++i]);
      if (!seed) {
        std::fputs("dftriage_gen_alerts: --seed must be a whole number\n", stderr);
        return false;
      }
      options.seed = *seed;
    } else if (arg == "--format") {
      const std::string_view format = argv[++i];
      if (format != "ndjson" && format != "array") {
        std::fputs("dftriage_gen_alerts: --format must be ndjson or array\n", stderr);
        return false;
      }
      options.array = format == "array";
    } else if (arg == "--profile") {
      const std::string_view profile = argv[++i];
      if (profile != "mixed" && profile != "arm-rich" && profile != "queue") {
        std::fprintf(stderr,
                     "dftriage_gen_alerts: --profile must be mixed, arm-rich or queue, not %s\n",
                     argv[i]);
        return false;
      }
      options.rich = profile == "arm-rich";
      options.queue = profile == "queue";
    } else if (arg == "--duplicates") {
      const auto percent = parse_number(argv[++i]);
      if (!percent || *percent > 100) {
        std::fprintf(stderr,
                     "dftriage_gen_alerts: --duplicates must be a percentage 0..100, not %s\n",
                     argv[i]);
        return false;
      }
      options.queue_settings.duplicates_percent = static_cast<unsigned>(*percent);
      options.queue_options = true;
    } else if (arg == "--incident-size") {
      const auto size = parse_number(argv[++i]);
      if (!size || *size < 1 || *size > 1000) {
        std::fprintf(stderr, "dftriage_gen_alerts: --incident-size must be 1..1000, not %s\n",
                     argv[i]);
        return false;
      }
      options.queue_settings.incident_size = static_cast<unsigned>(*size);
      options.queue_options = true;
    } else if (arg == "-h" || arg == "--help") {
      return false;
    } else if (positional == 0) {
      const auto count = parse_number(arg);
      if (!count) {
        std::fputs("dftriage_gen_alerts: N must be a whole number\n", stderr);
        return false;
      }
      options.count = *count;
      ++positional;
    } else if (positional == 1) {
      options.output = std::string(arg);
      ++positional;
    } else {
      std::fprintf(stderr, "dftriage_gen_alerts: unexpected argument %s\n", argv[i]);
      return false;
    }
  }
  if (positional != 2) {
    return false;
  }
  if (options.queue_options && !options.queue) {
    std::fputs("dftriage_gen_alerts: --duplicates and --incident-size need --profile queue\n",
               stderr);
    return false;
  }
  return true;
}

// Writes the alerts to `out`; returns false when a write fails.
bool write_alerts(const Options& options, std::FILE* out)
{
  std::array<std::size_t, 5> per_shape{};
  if (options.array && std::fputs("[\n", out) == EOF) {
    return false;
  }
  std::optional<QueueGenerator> queue;
  if (options.queue) {
    queue.emplace(options.seed, options.queue_settings);
  }
  std::string line;
  for (std::uint64_t i = 0; i < options.count; ++i) {
    if (queue) {
      const QueueDocument doc = queue->next();
      ++per_shape[static_cast<std::size_t>(doc.shape)];
      line = render_alert(doc.alert, doc.shape).dump();
    } else {
      const OutputShape shape = options.rich ? OutputShape::arm : choose_shape(options.seed, i);
      ++per_shape[static_cast<std::size_t>(shape)];
      const SyntheticAlert alert = make_alert(options.seed, i);
      line = options.rich ? render_rich_arm(alert, options.seed, i).dump()
                          : render_alert(alert, shape).dump();
    }
    if (options.array && i + 1 < options.count) {
      line += ',';
    }
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) {
      return false;
    }
  }
  if (options.array && std::fputs("]\n", out) == EOF) {
    return false;
  }
  std::fprintf(stderr, "dftriage_gen_alerts: %llu alerts (",
               static_cast<unsigned long long>(options.count));
  for (std::size_t s = 0; s < per_shape.size(); ++s) {
    std::fprintf(stderr, "%s%.*s %zu", s == 0 ? "" : ", ",
                 static_cast<int>(shape_name(static_cast<OutputShape>(s)).size()),
                 shape_name(static_cast<OutputShape>(s)).data(), per_shape[s]);
  }
  std::fputs(")\n", stderr);
  if (queue) {
    const QueueStats& stats = queue->stats();
    std::fprintf(stderr,
                 "dftriage_gen_alerts: queue: %llu distinct alerts, %llu copies, %llu episodes, "
                 "at most %llu open at once\n",
                 static_cast<unsigned long long>(stats.distinct),
                 static_cast<unsigned long long>(stats.copies),
                 static_cast<unsigned long long>(stats.episodes),
                 static_cast<unsigned long long>(stats.peak_open));
  }
  return true;
}

} // namespace

// Parses the command line, opens the output and writes the alerts.
int main(int argc, char** argv)
{
  Options options;
  if (!parse_arguments(argc, argv, options)) {
    print_usage();
    return 2;
  }
  const bool to_stdout = options.output == "-";
  std::FILE* out = to_stdout ? stdout : std::fopen(options.output.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "dftriage_gen_alerts: cannot open %s: %s\n", options.output.c_str(),
                 std::strerror(errno));
    return 1;
  }
  static char buffer[k_write_buffer];
  std::setvbuf(out, buffer, _IOFBF, sizeof buffer);
  bool ok = write_alerts(options, out);
  ok = (to_stdout ? std::fflush(out) : std::fclose(out)) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "dftriage_gen_alerts: cannot write %s: %s\n", options.output.c_str(),
                 std::strerror(errno));
    return 1;
  }
  return 0;
}
