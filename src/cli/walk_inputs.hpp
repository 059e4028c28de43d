#pragma once

// Internal to src/cli: what plan and run both read: the alerts, the playbooks, the answers,
// the language and the output format, added to each command by one function so that the
// two cannot drift apart.

#include "output_option.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

struct WalkInputs
{
  std::vector<std::string> files;
  OutputChoice output;
  std::string format; // --format SHAPE; "" detects each document's shape
  std::vector<std::string> playbook_dirs;
  std::string answers_file;
  std::vector<std::string> sets;
  std::string lang;  // "" : not given (en, or on resume the case's own language)
  std::string cloud; // the global --cloud, handed over by the command's callback
  // --incident ID: the alerts grouped as triage groups them, and this incident of them
  // walked as one (incident_input.hpp); --window as triage's.
  std::string incident;
  std::string window = "24h";
};

// Adds FILE…, -o, --format, --playbooks, --answers, --set and --lang to `command`.
// `file_help` and `lang_help` say what the command makes of them.
void add_walk_inputs(CLI::App& command, WalkInputs& inputs, const std::string& file_help,
                     const std::string& lang_help);

} // namespace dftriage::cli
