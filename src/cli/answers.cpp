#include "answers.hpp"

#include "dftriage/util/error.hpp"

#include <fstream>
#include <sstream>

namespace dftriage::cli {

engine::Answers collect_answers(const std::string& answers_file, const std::vector<std::string>& sets)
{
  engine::Answers answers;
  if (!answers_file.empty()) {
    std::ifstream in(answers_file, std::ios::binary);
    if (!in) {
      throw InputError(answers_file + ": cannot open");
    }
    std::ostringstream text;
    text << in.rdbuf();
    answers = engine::parse_answers(text.str(), answers_file);
  }
  for (const auto& s : sets) {
    engine::add_answer(answers, s);
  }
  return answers;
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
