#pragma once

// Internal to src/cli: the completion scripts. Each is a fixed engine, written once per
// shell, plus data made from the command tree (describe()): the subcommands, options,
// positional arguments and what their values may be.

#include "command_tree.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dftriage::cli {

// What the scripts know beyond the command tree.
struct CompletionData
{
  // Each question of the built-in playbooks (for --set ID=VALUE) with the values it
  // takes when they are few (yes/no, a choice's choices), sorted by ID.
  std::vector<std::pair<std::string, std::vector<std::string>>> answers;
  std::vector<std::string> clouds; // the built-in clouds' names (--cloud NAME)
};

// Returns the data from the built-in playbooks and clouds.
CompletionData completion_data();

// Returns what the scripts store for a value: "-" for a flag, else space-separated
// tokens: the words it takes, and @files, @dirs, @playbooks, @answers, @commands where
// to look; "@value" when a value is taken but nothing can be offered.
std::string value_field(const OptionDoc& option, const CompletionData& data);

// Returns `text` on one line: tabs, newlines and other control characters become spaces.
std::string one_line(std::string text);

// Returns sh functions (bash and zsh read the same) that print the tree's data for a
// command path ("" for dftriage itself, "case list"): __dftriage_subcommands (NAME TAB
// SUMMARY), __dftriage_options and __dftriage_positionals (NAME TAB VALUE TAB
// DESCRIPTION, VALUE as value_field; a positional taking any number of values has a NAME
// ending in "..."), and __dftriage_answers (ID TAB VALUES); then the helpers both
// engines read them with (__dftriage_lookup, __dftriage_names, __dftriage_positional)
// and walk the words before the cursor with (__dftriage_walk).
std::string sh_data_functions(const CommandDoc& root, const CompletionData& data);

// The scripts for each shell.
std::string bash_completion(const CommandDoc& root, const CompletionData& data);
std::string zsh_completion(const CommandDoc& root, const CompletionData& data);
std::string fish_completion(const CommandDoc& root, const CompletionData& data);

} // namespace dftriage::cli
