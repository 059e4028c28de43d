#pragma once

// Internal to src/cli: the one `-o,--output` option every subcommand that prints a result
// takes, so that help, completion and the check of the value agree.

#include "dftriage/cli/output.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// What -o asked for and what this subcommand accepts.
struct OutputChoice
{
  std::string requested;                   // as typed; "" when -o was not given
  std::vector<OutputFormat> allowed;       // the first is never implied: see resolve()
  OutputFormat piped = OutputFormat::json; // the default when stdout is not a terminal

  // Returns the format to write: -o's value, else text at a terminal and `piped` in a
  // pipe. Throws UsageError naming the accepted values when -o names another.
  OutputFormat resolve() const;
};

// Adds -o,--output to `sub`, accepting `allowed` (its help shows them as
// "text|json|ndjson", the form the completion scripts read) and records them in `choice`.
CLI::Option* add_output_option(CLI::App& sub, OutputChoice& choice,
                               std::vector<OutputFormat> allowed,
                               OutputFormat piped = OutputFormat::json);

} // namespace dftriage::cli
