#pragma once

#include <string>
#include <vector>

namespace dftriage {

// Every exit status dftriage returns. The numbers are an interface for scripts:
// never renumber, only add. Documented in the README and in `dftriage --help`.
enum class ExitStatus : int {
  success = 0,        // everything asked for was done
  failure = 1,        // an unexpected internal error
  usage = 2,          // the command line was wrong
  input_rejected = 3, // some input was rejected (the rest was still processed)
  azure_failure = 4,  // a call to Azure (or the network) failed
  needs_human = 5,    // a person must act: a question unanswered, a change awaiting
                      // confirmation, a manual step not checked off, a walk stopped
  refused = 6,        // dftriage refused to act: out of the case's scope, a plan edited
                      // or drifted, a step whose checks fail, a case on another cloud
  case_problem = 7,   // the case folder cannot be used: not a case, a folder that is not
                      // empty, a damaged journal, evidence altered
  case_busy = 8,      // another dftriage process holds the case (run, apply or undo); try again
  not_permitted = 9,  // the principal lacks a permission a step needs (the preflight said so)
  interrupted = 130,  // stopped by Ctrl-C (SIGINT) or SIGTERM
};

// Returns the numeric value to hand to exit().
constexpr int to_int(ExitStatus status)
{
  return static_cast<int>(status);
}

// One documented exit status: its code and what it means (Markdown: `code` spans).
struct ExitStatusRow
{
  int code;
  const char* meaning;
};

// Every exit status with its meaning: the one table the help text and the README's
// "Exit status" table are made from (a test keeps the README in step).
const std::vector<ExitStatusRow>& exit_status_table();

// Returns the table of exit statuses as shown at the end of `dftriage --help`; with
// `codes`, only those rows (a command's own help).
std::string exit_status_help();
std::string exit_status_help(const std::vector<int>& codes);

} // namespace dftriage
