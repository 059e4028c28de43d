#pragma once

// Test support: run a program as a user would, with arguments, standard input and
// environment, and capture what it printed and how it exited.

#include <map>
#include <string>
#include <vector>

namespace dftriage::test {

struct ProcessResult
{
  int exit_code = -1;  // the exit status, or 128 + signal number when killed
  std::string out;     // standard output
  std::string err;     // standard error
};

// Runs `argv[0]` (a path) with `argv`, feeding `input` on standard input. Entries of
// `env` are set (an empty value unsets the variable) on top of this process's
// environment. Standard output and error are pipes, so the program sees no terminal.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {},
                          const std::map<std::string, std::string>& env = {});

// Runs `argv` on a new pseudo-terminal (so the program sees a TTY on stdin, stdout
// and stderr) and returns everything it wrote there, with its exit status.
ProcessResult run_in_pty(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {});

} // namespace dftriage::test
