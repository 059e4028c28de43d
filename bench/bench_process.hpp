// Starts a local program, waits for it, and measures its wall time and peak RSS.

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::bench {

// What to run and where its output goes.
struct RunSpec
{
  std::vector<std::string> argv;         // argv[0] is the program's path
  std::string stdout_path = "/dev/null"; // ignored when count_lines is set
  std::string stderr_path = "/dev/null";
  bool count_lines = false; // read stdout through a pipe and count its lines
};

// How a run went.
struct RunResult
{
  double seconds = 0;             // wall time, steady clock, spawn to reap
  double cpu_seconds = 0;         // user + system CPU time of the child
  std::uint64_t peak_rss_kib = 0; // rusage.ru_maxrss of the child
  int exit_code = 0;              // exit status, or 128 + signal number
  std::uint64_t lines = 0;        // stdout lines when RunSpec::count_lines
};

// Runs `spec` with posix_spawn and wait4; throws std::runtime_error when it cannot start.
RunResult run_measured(const RunSpec& spec);

// Runs `spec` like run_measured; throws std::runtime_error naming `what` (and where its
// stderr went) when it does not exit 0.
RunResult run_checked(const RunSpec& spec, const std::string& what);

// Parses the value of command-line option `name` as a whole number; throws
// std::invalid_argument naming the option when `text` is not one.
std::uint64_t parse_count(const std::string& name, const std::string& text);

// The body of a benchmark's main: calls `parse`, which throws std::invalid_argument for
// a bad command line (its message, if any, and `usage` go to stderr: returns 2), then
// returns what `run` returns, or 1 after printing an exception of `run` after `name`.
int run_main(const char* name, const char* usage, const std::function<void()>& parse,
             const std::function<int()>& run);

// Returns the 1-minute load average from /proc/loadavg, or a negative number.
double load_average();

// Returns the full path of `name` found on PATH, if it is there and executable.
std::optional<std::string> find_on_path(const std::string& name);

} // namespace dftriage::bench
