#pragma once

// What `run` needs on top of a Plan: which steps a responder is walked through, where
// each sits in its phase, and which questions still need a human.

#include "dftriage/engine/plan.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace dftriage::engine {

// Returns whether the walk stops at this step: it was reached and applies (planned,
// needs-answer, or refused because its action cannot be built).
bool is_visited(const PlannedStep& step);

// Returns whether the step's action takes the answer to `input_id` as a parameter.
// Such questions are asked before the action; the others asked at a step are asked
// after it, informed by what it read.
bool action_uses(const playbook::Step& step, const std::string& input_id);

// Returns whether `step` is a task a person does outside dftriage (no action, no
// question, no goto or stop): only a person can check it off. A step without an action
// that asks questions is a decision, settled by its answers; one that only routes the
// walk (goto, stop) is a notice.
bool is_checklist(const playbook::Step& step);

// A value a question offers by number, with what tells it apart from the others.
struct Candidate
{
  nlohmann::ordered_json value;
  std::vector<std::string> labels; // the label paths' values, as text ("" when absent)
};

// Returns the candidates of `input` (none without playbook::Candidates) from what its
// list's read answered: `results`, by step ID. Items without a value are left out.
std::vector<Candidate> candidates_of(const playbook::Input& input,
                                     const nlohmann::ordered_json& results);

// Returns the answer `value` means for `input`: with candidates, a number N (1-based,
// as an integer or digits) is the Nth candidate's value; anything else is itself.
// Throws UsageError for a number no candidate has.
nlohmann::ordered_json pick_candidate(const playbook::Input& input,
                                      const nlohmann::ordered_json& value,
                                      const nlohmann::ordered_json& results);

// Returns the indices into plan.steps of the visited steps, in walk order.
std::vector<std::size_t> visited_steps(const Plan& plan);

// Where a step sits among all the steps of its phase, in playbook order: "2/5". Skipped
// steps keep their numbers, so a position never changes as answers come in.
struct Position
{
  std::size_t index = 0; // 1-based
  std::size_t total = 0;
};
Position position_of(const Plan& plan, std::size_t step_index);

// Returns why a visited step refuses the answer to `input_id` ("step block-ip: parameter
// allowedIps: expected ..."), when a step's action takes that answer as a parameter and
// its parameter checks fail (on this answer or on one it is checked against, as an end
// before its start); "" when no step refuses it. A value that fails here must never be
// stored: the step would be lost later.
std::string refusal_for_answer(const Plan& plan, std::string_view input_id);

// A question that must be answered before the walk can go on.
struct OpenQuestion
{
  const playbook::Input* input = nullptr;
  const PlannedStep* step = nullptr; // the visited step that asks it
};

// Returns the questions asked at visited steps that have neither an answer nor a
// default and are not optional, in walk order, each once.
std::vector<OpenQuestion> open_questions(const Plan& plan);

// Returns the JSON form of open questions: [{alertId, id, type, choices, prompt, help,
// phase, step}], guidance in `lang`.
nlohmann::ordered_json open_questions_json(const Plan& plan,
                                           const std::vector<OpenQuestion>& questions,
                                           playbook::Lang lang);

} // namespace dftriage::engine
