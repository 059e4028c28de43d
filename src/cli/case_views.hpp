#pragma once

// Internal to src/cli: `case list` and `case show`, added under `case` by add_case.

#include "command.hpp"

namespace dftriage::cli {

// Adds `list` to the `case` command: the cases under a root, newest first.
void add_case_list(CLI::App& case_command, Invocation& invocation);
// Adds `show` to the `case` command: one case (a folder, or last).
void add_case_show(CLI::App& case_command, Invocation& invocation);

} // namespace dftriage::cli
