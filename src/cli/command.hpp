#pragma once

// Internal to src/cli: the table of subcommands and what each needs.

#include "dftriage/util/exit_status.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// Options every subcommand shares.
struct GlobalOptions
{
  int verbosity = 0; // -v repeated
  bool quiet = false;
  std::string cloud; // --cloud NAME|FILE; app.cpp hands it on as DFTRIAGE_CLOUD (connection.hpp)
};

// What a command needs before it can run; `playbooks validate` must never build an
// Azure client, `show` needs neither.
enum class Needs { nothing, playbooks, azure };

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
  std::string_view example;
  Needs needs;
  // Adds the subcommand and its options to `app`; its callback sets invocation.action.
  void (*add)(CLI::App& app, Invocation& invocation);
};

// Returns every subcommand, in the order `--help` lists them.
const std::vector<CommandSpec>& commands();

// The subcommands' registration functions, one file each.
void add_show(CLI::App& app, Invocation& invocation);
void add_match(CLI::App& app, Invocation& invocation);
void add_plan(CLI::App& app, Invocation& invocation);
void add_run(CLI::App& app, Invocation& invocation);
void add_case(CLI::App& app, Invocation& invocation);
void add_undo(CLI::App& app, Invocation& invocation);
void add_report(CLI::App& app, Invocation& invocation);
void add_apply(CLI::App& app, Invocation& invocation);
void add_playbooks(CLI::App& app, Invocation& invocation);
void add_lab(CLI::App& app, Invocation& invocation); // src/cli/lab.cpp, in dftriage_lab
void add_auth(CLI::App& app, Invocation& invocation);

} // namespace dftriage::cli
