#pragma once

// The documents made from the command line itself (the table of commands in
// src/cli/app.cpp and the options each adds): the man page and the shell completion
// scripts. The build writes them with dftriage_gen_docs and installs them.

#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// Returns the shells completion_script() writes for: bash, zsh, fish.
const std::vector<std::string>& completion_shells();

// Returns the completion script for `shell`. Throws UsageError, with a did-you-mean
// hint, for a shell not in completion_shells().
std::string completion_script(std::string_view shell);

// Returns the manual page dftriage(1) in roff (man(7) macros), dated `date`
// ("2025-01-31").
std::string man_page(std::string_view date);

} // namespace dftriage::cli
