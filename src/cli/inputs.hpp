#pragma once

// Internal to src/cli: reading alerts from the files named on the command line.

#include "dftriage/alert/reader.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace dftriage::cli {

// Returns the ReadOptions for `--format NAME` ("" for detection); throws UsageError
// naming the shapes (and the nearest one) when NAME is unknown.
alert::ReadOptions read_options_for(const std::string& format);

// Adds --format SHAPE (the shapes listed in its help and completion) to `command`.
CLI::Option* add_shape_option(CLI::App& command, std::string& shape);

// Reads every alert of `files` ("-" is stdin) in order and calls `on_alert` for each;
// diagnostics are printed to stderr as they come (the first 20 of each file, then a
// count; all of them with -v).
// Returns the number of problems (unreadable files, rejected documents). Throws
// Interrupted on Ctrl-C.
std::size_t for_each_alert(const std::vector<std::string>& files, const alert::ReadOptions& options,
                           const std::function<void(alert::Alert&, bool live)>& on_alert);

} // namespace dftriage::cli
