// The answers file (engine::parse_answers, what `--answers FILE` reads; the CLI's
// collect_given only opens the file) and, when it is not a JSON object, each line as a
// `--set k=v` (engine::add_answer); the answers are then checked and used by planning
// the example alerts, where a value of the wrong type is a UsageError naming the question.

#include "common.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/util/error.hpp"

namespace {

// Each example alert with its playbook, as `plan` matches them (once).
struct Case
{
  const dftriage::alert::Alert* alert;
  dftriage::engine::MatchResult match;
  dftriage::playbook::Playbook playbook;
};

const std::vector<Case>& cases()
{
  static const dftriage::engine::Library library = dftriage::engine::load_library();
  static const std::vector<Case> all = [] {
    std::vector<Case> out;
    for (const auto& a : fuzz::example_alerts()) {
      auto match = dftriage::engine::match_alert(a, library);
      auto playbook =
          match.playbook != nullptr ? *match.playbook : dftriage::engine::generic_playbook(a);
      out.push_back(Case{&a, std::move(match), std::move(playbook)});
    }
    return out;
  }();
  return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace engine = dftriage::engine;
  const auto text = fuzz::bytes(data, size);
  engine::Answers answers;
  try {
    answers = engine::parse_answers(text, "answers.json");
  } catch (const dftriage::InputError&) {
    std::size_t start = 0;
    for (int n = 0; n < 16 && start < text.size(); ++n) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      try {
        engine::add_answer(answers, text.substr(start, end - start));
      } catch (const dftriage::UsageError&) {
      }
      start = end + 1;
    }
  }
  for (const auto& c : cases()) {
    engine::Answers mine; // as cli::answers_for: only this playbook's questions
    for (const auto& [id, value] : answers) {
      if (c.playbook.find_input(id) != nullptr) {
        mine.emplace(id, value);
      }
    }
    if (mine.empty()) {
      continue; // the same plan every time
    }
    try {
      (void)engine::build_plan(*c.alert, c.match, c.playbook, mine,
                               dftriage::azure::public_cloud());
    } catch (const dftriage::UsageError&) {
      // A value of the wrong type for its question.
    }
  }
  return 0;
}
