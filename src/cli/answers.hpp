#pragma once

// Internal to src/cli: the answers given on the command line (--answers FILE, --set k=v).

#include "dftriage/engine/library.hpp"
#include "dftriage/engine/plan.hpp"

#include <map>
#include <string>
#include <vector>

namespace dftriage::cli {

// Answers with where each came from ("file" for --answers, "set" for --set; a --set
// overrides the file).
struct GivenAnswers
{
  engine::Answers answers;
  std::map<std::string, std::string> origin;
};

// Reads `answers_file` (when not empty) and applies every `sets` entry on top.
// Throws InputError for an unreadable or malformed file, UsageError for a bad --set.
GivenAnswers collect_given(const std::string& answers_file, const std::vector<std::string>& sets);

// The same, answers only.
engine::Answers collect_answers(const std::string& answers_file,
                                const std::vector<std::string>& sets);

// Throws UsageError when an answer's ID is a question of no playbook of `library` (a
// typo must never leave a default in charge): names where it was given and the nearest
// question ID ("did you mean"). `answers_file` names the file in the message.
void check_answer_ids(const GivenAnswers& given, const engine::Library& library,
                      const std::string& answers_file);

// Returns the answers that are questions of `playbook`: answers are shared by every
// alert of a run, each playbook takes its own.
engine::Answers answers_for(const engine::Answers& answers, const playbook::Playbook& playbook);

} // namespace dftriage::cli
