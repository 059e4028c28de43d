#pragma once

// Internal to src/cli: the answers given on the command line (--answers FILE, --set k=v).

#include "dftriage/engine/plan.hpp"

#include <string>
#include <vector>

namespace dftriage::cli {

// Reads `answers_file` (when not empty) and applies every `sets` entry on top.
// Throws InputError for an unreadable or malformed file, UsageError for a bad --set.
engine::Answers collect_answers(const std::string& answers_file, const std::vector<std::string>& sets);

// Returns the answers that are questions of `playbook`: answers are shared by every
// alert of a run, each playbook takes its own.
engine::Answers answers_for(const engine::Answers& answers, const playbook::Playbook& playbook);

} // namespace dftriage::cli
