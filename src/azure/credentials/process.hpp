#pragma once

// Internal to src/azure/credentials: running a helper program (az) directly, without a
// shell, and capturing what it printed.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::azure::credentials {

struct ProgramResult
{
  int exit_code = -1;     // the exit status; 128 + signal when killed
  bool timed_out = false; // killed after the timeout
  std::string out;        // standard output (can hold a token: never log it)
  std::string err;        // standard error
};

// Returns the path of the executable `name` in the colon-separated `path`, or nullopt.
std::optional<std::string> find_program(const std::string& name, const std::string& path);

// Runs `program` (a path) with `args` (argv[1...]) via fork and execv, standard input
// /dev/null, and returns its output and status; kills it after `timeout`. Each output
// is cut at 1 MiB. Throws Interrupted on Ctrl-C (after killing it), Error when it cannot
// be started.
ProgramResult run_program(const std::string& program, const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout);

} // namespace dftriage::azure::credentials
