#include "dftriage/engine/walk.hpp"

#include <algorithm>
#include <set>

namespace dftriage::engine {

bool is_visited(const PlannedStep& step)
{
  return step.status == "planned" || step.status == "needs-answer" || step.status == "refused";
}

bool action_uses(const playbook::Step& step, const std::string& input_id)
{
  if (!step.action) {
    return false;
  }
  const std::string ref = "answers." + input_id;
  for (const auto& [name, value] : step.action->params) {
    for (const auto& r : value.references()) {
      if (r == ref || (r.size() > ref.size() && r.compare(0, ref.size(), ref) == 0
                       && (r[ref.size()] == '.' || r[ref.size()] == '['))) {
        return true;
      }
    }
  }
  return false;
}

std::vector<std::size_t> visited_steps(const Plan& plan)
{
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (is_visited(plan.steps[i])) {
      out.push_back(i);
    }
  }
  return out;
}

Position position_of(const Plan& plan, std::size_t step_index)
{
  Position position;
  const auto phase = plan.steps.at(step_index).phase;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& s = plan.steps[i];
    if (s.phase != phase || !is_visited(s)) {
      continue;
    }
    ++position.total;
    if (i <= step_index) {
      position.index = position.total;
    }
  }
  return position;
}

std::vector<OpenQuestion> open_questions(const Plan& plan)
{
  std::vector<OpenQuestion> out;
  std::set<std::string> seen;
  for (const auto& step : plan.steps) {
    if (!is_visited(step)) {
      continue;
    }
    for (const auto& id : step.step->ask) {
      const auto* input = plan.playbook.find_input(id);
      if (input == nullptr || input->optional || !seen.insert(id).second) {
        continue;
      }
      for (const auto& answer : plan.answers) {
        if (answer.id == id && answer.value.is_null()) {
          out.push_back({input, &step});
        }
      }
    }
  }
  return out;
}

nlohmann::ordered_json open_questions_json(const Plan& plan, const std::vector<OpenQuestion>& questions,
                                           playbook::Lang lang)
{
  auto out = nlohmann::ordered_json::array();
  for (const auto& q : questions) {
    nlohmann::ordered_json item;
    item["alertId"] = plan.alert != nullptr ? plan.alert->id : "";
    item["id"] = q.input->id;
    item["type"] = playbook::to_string(q.input->type);
    if (!q.input->choices.empty()) {
      item["choices"] = q.input->choices;
    }
    item["prompt"] = q.input->prompt.in(lang);
    item["help"] = q.input->help.in(lang);
    item["phase"] = playbook::to_string(q.step->phase);
    item["step"] = q.step->step->id;
    out.push_back(std::move(item));
  }
  return out;
}

bool is_checklist(const playbook::Step& step)
{
  return !step.action && step.ask.empty() && step.go_to.empty() && !step.stop;
}

std::string refusal_for_answer(const Plan& plan, std::string_view input_id)
{
  const std::string reference = "answers." + std::string(input_id);
  for (const auto index : visited_steps(plan)) {
    const auto& planned = plan.steps[index];
    if (planned.status != "refused" || !planned.step->action) {
      continue;
    }
    // Any refused step whose action takes this answer: its checks may name another
    // parameter the answer is checked against (an end before a start).
    for (const auto& [name, value] : planned.step->action->params) {
      const auto refs = value.references();
      const bool reads_it = std::find(refs.begin(), refs.end(), reference) != refs.end();
      if (reads_it && planned.note.find("parameter ") != std::string::npos) {
        return "step " + planned.step->id + ": " + planned.note;
      }
    }
  }
  return {};
}

} // namespace dftriage::engine
