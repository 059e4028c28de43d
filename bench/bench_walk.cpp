// Benchmark of a whole walk against a lab served with latency: `dftriage run` of the Key
// Vault example with its answers and --yes, each time on a fresh lab, with reads sent one
// at a time (DFTRIAGE_PARALLEL_READS=1) and with the default parallel reads. Prints the
// median wall time against the sequential floor: the requests the walk sent (counted by
// the lab) times the latency, what a walk sending one request at a time cannot beat.
//
//   dftriage_bench_walk --dftriage BIN --source DIR [--latency-ms L] [--runs N] --workdir DIR

#include "bench_process.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using namespace dftriage::bench;
namespace fs = std::filesystem;

constexpr double k_target_ratio = 1.0; // parallel walk / sequential floor

struct Options
{
  std::string dftriage;
  std::string source;
  std::string workdir;
  int latency_ms = 50;
  int runs = 3;
};

// A lab served by `dftriage lab serve` in a child process, stopped by the destructor.
class ServedLab
{
public:
  ServedLab(const Options& o, const fs::path& dir)
  {
    fs::remove_all(dir);
    fs::create_directories(dir);
    m_record = dir / "traffic.ndjson";
    const fs::path line = dir / "lab.out";
    std::vector<std::string> args{o.dftriage,
                                  "lab",
                                  "serve",
                                  "--seed",
                                  o.source + "/examples/alerts/keyvault-tor.json",
                                  "--https",
                                  "--latency-ms",
                                  std::to_string(o.latency_ms),
                                  "--record",
                                  m_record.string(),
                                  "--state-dir",
                                  (dir / "state").string()};
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, line.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      throw std::runtime_error("cannot start the lab: " + std::string(std::strerror(rc)));
    }
    for (int i = 0; i < 200 && m_connection.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in(line);
      std::string first;
      if (std::getline(in, first) && !first.empty() && in.good()) {
        m_connection = first;
      }
    }
    if (m_connection.empty()) {
      throw std::runtime_error("the lab did not start");
    }
    m_cloud_file = dir / "lab.json";
    std::ofstream(m_cloud_file) << m_connection << "\n";
  }
  ~ServedLab()
  {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  ServedLab(const ServedLab&) = delete;
  ServedLab& operator=(const ServedLab&) = delete;

  const fs::path& cloud_file() const { return m_cloud_file; }
  // The requests the lab answered so far.
  std::size_t requests() const
  {
    std::ifstream in(m_record);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) {
      n += l.empty() ? 0 : 1;
    }
    return n;
  }

private:
  pid_t m_pid = -1;
  fs::path m_record;
  fs::path m_cloud_file;
  std::string m_connection;
};

struct Walk
{
  std::string mode;
  std::vector<double> seconds;
  std::size_t requests = 0;
  int exit_code = 0;

  double median() const
  {
    auto s = seconds;
    std::sort(s.begin(), s.end());
    return s.empty() ? 0 : s[s.size() / 2];
  }
};

Walk measure(const Options& o, const std::string& mode, const char* parallel_reads)
{
  Walk walk{mode, {}, 0, 0};
  for (int run = 0; run < o.runs; ++run) {
    const fs::path dir = fs::path(o.workdir) / ("walk-" + mode + "-" + std::to_string(run));
    ServedLab lab(o, dir);
    if (parallel_reads != nullptr) {
      ::setenv("DFTRIAGE_PARALLEL_READS", parallel_reads, 1);
    } else {
      ::unsetenv("DFTRIAGE_PARALLEL_READS");
    }
    RunSpec spec;
    spec.argv = {o.dftriage,
                 "--cloud",
                 lab.cloud_file().string(),
                 "run",
                 o.source + "/examples/alerts/keyvault-tor.json",
                 "--answers",
                 o.source + "/examples/answers/keyvault-tor.json",
                 "--yes",
                 "-o",
                 "json",
                 "--case",
                 (dir / "case").string()};
    spec.stderr_path = (dir / "run.err").string();
    const auto result = run_measured(spec);
    walk.seconds.push_back(result.seconds);
    walk.exit_code = std::max(walk.exit_code, result.exit_code);
    walk.requests = lab.requests();
  }
  return walk;
}

Options parse(int argc, char** argv)
{
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--dftriage") {
      o.dftriage = value;
    } else if (key == "--source") {
      o.source = value;
    } else if (key == "--workdir") {
      o.workdir = value;
    } else if (key == "--latency-ms") {
      o.latency_ms = std::stoi(value);
    } else if (key == "--runs") {
      o.runs = std::max(1, std::stoi(value));
    } else {
      throw std::runtime_error("unknown option " + key);
    }
  }
  if (o.dftriage.empty() || o.source.empty() || o.workdir.empty()) {
    throw std::runtime_error(
        "usage: dftriage_bench_walk --dftriage BIN --source DIR --workdir DIR [--latency-ms L] "
        "[--runs N]");
  }
  return o;
}

} // namespace

int main(int argc, char** argv)
{
  try {
    const auto o = parse(argc, argv);
    std::printf("\nWalk: dftriage run of the Key Vault example (answers, --yes) on a lab served "
                "with %d ms latency, %d runs each, fresh lab per run, load %.1f\n\n",
                o.latency_ms, o.runs, load_average());
    const auto sequential = measure(o, "sequential", "1");
    const auto parallel = measure(o, "parallel", nullptr);
    std::printf("%-30s %9s %10s %10s %8s\n", "reads", "requests", "median s", "floor s", "/floor");
    bool met = true;
    for (const auto* w : {&sequential, &parallel}) {
      const double floor = static_cast<double>(w->requests) * o.latency_ms / 1000.0;
      const double ratio = floor > 0 ? w->median() / floor : 0;
      std::printf("%-30s %9zu %10.2f %10.2f %7.2fx\n",
                  w == &sequential ? "one at a time (PARALLEL_READS=1)" : "parallel (default)",
                  w->requests, w->median(), floor, ratio);
      if (w->exit_code != 0 && w->exit_code != 5) {
        std::printf("  the walk ended with exit status %d (see %s)\n", w->exit_code,
                    o.workdir.c_str());
        met = false;
      }
      if (w == &parallel) {
        met = met && ratio <= k_target_ratio;
      }
    }
    std::printf("\nTarget: the parallel walk at most %.1fx the sequential floor: %s\n",
                k_target_ratio, met ? "met" : "NOT met");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dftriage_bench_walk: %s\n", e.what());
    return 1;
  }
}
