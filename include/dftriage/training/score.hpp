#pragma once

// Scoring a trainee's case against its scenario's rubric: from the journal (steps done
// and when, answers) and, for the rubric's `read` items, the lab's final state.

#include "dftriage/training/scenario.hpp"

#include <functional>
#include <optional>

namespace dftriage::training {

// Runs the read action `name` with `params` on the lab and returns its result (the
// response body), or nullopt when there is no lab to read (a dry run). Throws Error when
// the read fails.
using LabReader = std::function<std::optional<nlohmann::ordered_json>(
    const std::string& name, const nlohmann::ordered_json& params)>;

enum class Verdict {
  earned,   // a decision that matters, made well
  missed,   // a decision that matters, not made (or made badly)
  harmful,  // a harm the rubric names, done
  avoided,  // a harm the rubric names, not done
  unjudged, // needs the lab's state, and there was none (a dry run)
};
std::string_view to_string(Verdict verdict);

struct ItemScore
{
  const RubricItem* item = nullptr;
  Verdict verdict = Verdict::unjudged;
  int points = 0; // earned (positive) or lost (negative)
};

struct Scorecard
{
  const Scenario* scenario = nullptr;
  std::string case_dir;
  std::string trainee;
  std::vector<ItemScore> items;
  int score = 0;      // never below 0
  int full_marks = 0; // of the items that could be judged
  // Seconds from the case's opening to its first change in the mitigate phase; nullopt
  // when it made none.
  std::optional<std::int64_t> seconds_to_contain;
  bool completed = false; // the walk reached its end (case.closed)
  int harmful_count() const;
};

// Scores the case whose journal is `entries` (oldest first) against `scenario`.
Scorecard score_case(const Scenario& scenario, const std::vector<nlohmann::ordered_json>& entries,
                     const LabReader& lab);

// True when `judge` (or a part of it) reads the lab's state.
bool needs_lab(const Judge& judge);

} // namespace dftriage::training
