#pragma once

// Internal to src/cli: a training scorecard as text, Markdown or JSON, and the
// instructor's table over many cases.

#include "dftriage/training/score.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// One trainee's scorecard for people: total, each decision with its points and why it
// matters, time to first containment, and the briefing (what really happened).
std::string scorecard_text(const training::Scorecard& card, playbook::Lang lang, bool colour);
std::string scorecard_markdown(const training::Scorecard& card, playbook::Lang lang);
nlohmann::ordered_json scorecard_json(const training::Scorecard& card, playbook::Lang lang);

// The instructor's view: a row per case (trainee, scenario, score, time to contain,
// harmful actions, case), as an aligned table, Markdown or tsv.
std::string scorecards_table(const std::vector<training::Scorecard>& cards, bool markdown);

// "2 min 14 s", "45 s", or "-" when nothing was contained.
std::string duration_text(const std::optional<std::int64_t>& seconds);

} // namespace dftriage::cli
