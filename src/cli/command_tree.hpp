#pragma once

// Internal to src/cli: the command line as data, read from the CLI11 tree make_app()
// builds, for the completion scripts and the man page. Both are made from this and
// nothing else, so neither can drift from what the parser accepts.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// What a value (of an option or a positional argument) may be, read from its type name:
// "text|json|ndjson" lists the words it takes; FILE, DIR, ID (a playbook), ID=VALUE (an
// answer to a question), COMMAND (help's words) and --cloud's NAME name where to look.
struct ValueSpec
{
  std::vector<std::string> words; // the fixed words of a "|" list
  bool files = false;
  bool dirs = false;
  bool playbooks = false;
  bool answers = false;
  bool commands = false;
  bool clouds = false;
};

struct OptionDoc
{
  std::vector<std::string> names; // "-o", "--output"; for a positional its name ("FILE")
  std::string value;              // the placeholder shown after the names; "" for a flag
  std::string description;
  bool global = false; // in the "Global options" group, on every command
  bool required = false;
  bool repeatable = false; // a positional that takes any number of values
  ValueSpec kind;          // what the value may be (empty for a flag)
};

struct CommandDoc
{
  std::vector<std::string> path; // {"case", "list"}; empty for dftriage itself
  std::string summary;
  std::vector<OptionDoc> options;     // named options: the command's own, then the global ones
  std::vector<OptionDoc> positionals; // in the order they are taken
  std::vector<CommandDoc> subcommands;
};

// Returns the command line below `app`, skipping hidden options and commands (those
// without a group). The order is the parser's (the order --help lists them in).
CommandDoc describe(const CLI::App& app);

// Returns what a value with type name `type_name` may be; `option` is the option's
// first long name ("cloud") or "" for a positional. Unknown placeholders (TEXT, INT)
// give an empty spec: a value is taken but nothing can be offered.
ValueSpec read_value_spec(const std::string& type_name, const std::string& option);

// Returns `path` as typed: "dftriage case list".
std::string command_line(const std::vector<std::string>& path);

// Returns the commands below and including `root`, parents before their children.
std::vector<const CommandDoc*> flatten(const CommandDoc& root);

} // namespace dftriage::cli
