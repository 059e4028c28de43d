#pragma once

// Test support: run a program as a user would, with arguments, standard input and
// environment, and capture what it printed and how it exited.

#include <map>
#include <string>
#include <vector>

namespace dftriage::test {

struct ProcessResult
{
  int exit_code = -1; // the exit status, or 128 + signal number when killed
  std::string out;    // standard output
  std::string err;    // standard error
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

// A program on a pseudo-terminal driven like a person at the keyboard: wait until it
// prints something, type a line, and so on (the idea of `expect`).
class PtySession
{
public:
  // Starts `argv` on a new pseudo-terminal with `env` applied as in run_process.
  PtySession(const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env = {});
  ~PtySession();
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  // Reads until `text` appears in the output after what earlier expects consumed;
  // returns false if the program ends or 20 s pass first (a hang, not a timing test).
  bool expect(const std::string& text);
  // Reads until one of `texts` appears (the earliest wins); returns its index, or -1
  // when the program ends or 20 s pass first.
  int expect_any(const std::vector<std::string>& texts);
  // Types `line` and Enter.
  void send_line(const std::string& line);
  // Types `keys` as they are (e.g. "\x03" for Ctrl-C).
  void send(const std::string& keys);
  // Reads to the end and returns the exit status (128 + signal when killed).
  int finish();
  // Everything the program printed so far (including echoed input).
  const std::string& transcript() const { return m_out; }

private:
  int m_master = -1;
  int m_pid = -1;
  std::string m_out;
  std::size_t m_consumed = 0;
};

// A long-running program (such as `dftriage lab serve`) started in the background;
// its first line of standard output is read at start, and it is stopped with SIGTERM.
class Server
{
public:
  Server(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The first line it printed ("" when it printed none within 20 s).
  const std::string& first_line() const { return m_first_line; }
  // Stops it (SIGTERM) and returns its exit status; idempotent.
  int stop();

private:
  int m_pid = -1;
  int m_out = -1;
  int m_status = -1;
  std::string m_first_line;
};

} // namespace dftriage::test
