#include "answers.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace dftriage::cli {

GivenAnswers collect_given(const std::string& answers_file, const std::vector<std::string>& sets)
{
  GivenAnswers given;
  if (!answers_file.empty()) {
    std::ifstream in(answers_file, std::ios::binary);
    if (!in) {
      throw InputError(answers_file + ": cannot open");
    }
    std::ostringstream text;
    text << in.rdbuf();
    given.answers = engine::parse_answers(text.str(), answers_file);
    for (const auto& [id, value] : given.answers) {
      given.origin[id] = "file";
    }
  }
  for (const auto& s : sets) {
    engine::Answers one;
    engine::add_answer(one, s);
    for (auto& [id, value] : one) {
      given.answers[id] = std::move(value);
      given.origin[id] = "set";
    }
  }
  return given;
}

engine::Answers collect_answers(const std::string& answers_file,
                                const std::vector<std::string>& sets)
{
  return collect_given(answers_file, sets).answers;
}

void check_answer_ids(const GivenAnswers& given, const engine::Library& library,
                      const std::string& answers_file)
{
  std::set<std::string> known;
  for (const auto& p : library.playbooks) {
    for (const auto& input : p.inputs) {
      known.insert(input.id);
    }
  }
  const std::vector<std::string> candidates(known.begin(), known.end());
  for (const auto& [id, value] : given.answers) {
    if (known.count(id) > 0) {
      continue;
    }
    const auto origin = given.origin.find(id);
    const std::string where = origin != given.origin.end() && origin->second == "file"
                                  ? answers_file + ": " + text::quote(id)
                                  : "--set " + text::quote(id);
    throw UsageError(where + ": no playbook asks a question with this ID" +
                     text::did_you_mean(id, candidates) +
                     " (dftriage playbooks show ID lists a playbook's questions)");
  }
}

engine::Answers answers_for(const engine::Answers& answers, const playbook::Playbook& playbook)
{
  engine::Answers mine;
  for (const auto& [id, value] : answers) {
    if (playbook.find_input(id) != nullptr) {
      mine.emplace(id, value);
    }
  }
  return mine;
}

} // namespace dftriage::cli
