#pragma once

// Internal to src/cli: the table of subcommands. It is the one source of each command's
// name, summary, examples and exit statuses: `--help`, `dftriage help`, the completion
// scripts and the man page are all made from it (and from the options each adds).

#include "dftriage/util/exit_status.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// Options every subcommand shares, handed to the commands as values.
struct GlobalOptions
{
  int verbosity = 0; // -v repeated
  bool quiet = false;
  std::string cloud; // --cloud NAME|FILE; "" : $DFTRIAGE_CLOUD, else AzureCloud
};

// Filled by the subcommand's parse callback: the work to run once parsing succeeded.
struct Invocation
{
  GlobalOptions global;
  std::function<ExitStatus()> action;
};

struct CommandSpec
{
  std::string_view name;
  std::string_view summary;
  std::vector<std::string_view> examples; // whole command lines, the first the most common
  std::vector<ExitStatus> exits;          // the statuses this command can end with
  // Adds the options (and nested subcommands) to `command`, already named and described
  // from this table; its callback sets invocation.action.
  void (*add)(CLI::App& command, Invocation& invocation);
};

// Returns every subcommand, in the order `--help` lists them.
const std::vector<CommandSpec>& commands();

// Builds the whole command line: every subcommand from commands(), each with its help
// footer and the global options. Parsing fills `invocation`.
std::unique_ptr<CLI::App> make_app(Invocation& invocation);

// The subcommands' registration functions, one file each.
void add_show(CLI::App& command, Invocation& invocation);
void add_match(CLI::App& command, Invocation& invocation);
void add_triage(CLI::App& command, Invocation& invocation);
void add_collect(CLI::App& command, Invocation& invocation);
void add_plan(CLI::App& command, Invocation& invocation);
void add_preflight(CLI::App& command, Invocation& invocation);
struct LabAccess;
// Adds --lab-role and --lab-deny to `command` (preflight.cpp), for run, apply and undo too.
void add_lab_access_options(CLI::App& command, LabAccess& access);
void add_run(CLI::App& command, Invocation& invocation);
void add_case(CLI::App& command, Invocation& invocation);
void add_undo(CLI::App& command, Invocation& invocation);
void add_report(CLI::App& command, Invocation& invocation);
void add_apply(CLI::App& command, Invocation& invocation);
void add_playbooks(CLI::App& command, Invocation& invocation);
void add_train(CLI::App& command, Invocation& invocation);
void add_lab(CLI::App& command, Invocation& invocation); // src/cli/lab.cpp, in dftriage_lab
void add_auth(CLI::App& command, Invocation& invocation);
void add_completion(CLI::App& command, Invocation& invocation);
void add_help(CLI::App& command, Invocation& invocation);    // help_command.cpp
void add_version(CLI::App& command, Invocation& invocation); // help_command.cpp

} // namespace dftriage::cli
