#include "dftriage/engine/walk.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/json_path.hpp"
#include "dftriage/util/text.hpp"

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
      if (r == ref || (r.size() > ref.size() && r.compare(0, ref.size(), ref) == 0 &&
                       (r[ref.size()] == '.' || r[ref.size()] == '['))) {
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
    if (s.phase != phase) {
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

nlohmann::ordered_json open_questions_json(const Plan& plan,
                                           const std::vector<OpenQuestion>& questions,
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

std::vector<Candidate> candidates_of(const playbook::Input& input,
                                     const nlohmann::ordered_json& results)
{
  std::vector<Candidate> out;
  if (!input.candidates || !results.is_object()) {
    return out;
  }
  const auto list_path = json_path::parse(input.candidates->list.substr(8)); // after "results."
  const auto value_path = json_path::parse(input.candidates->value);
  if (!list_path || !value_path) {
    return out;
  }
  const auto list = json_path::evaluate(results, *list_path);
  if (!list.is_array()) {
    return out;
  }
  for (const auto& item : list) {
    Candidate c;
    c.value = json_path::evaluate(item, *value_path);
    if (c.value.is_null()) {
      continue;
    }
    for (const auto& label : input.candidates->label) {
      const auto path = json_path::parse(label);
      const auto v = path ? json_path::evaluate(item, *path) : nlohmann::ordered_json();
      c.labels.push_back(v.is_null()     ? std::string()
                         : v.is_string() ? v.get<std::string>()
                                         : v.dump());
    }
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::ordered_json pick_candidate(const playbook::Input& input,
                                      const nlohmann::ordered_json& value,
                                      const nlohmann::ordered_json& results)
{
  if (!input.candidates) {
    return value;
  }
  std::string digits;
  if (value.is_number_integer()) {
    digits = value.dump();
  } else if (value.is_string()) {
    digits = std::string(text::trim(value.get<std::string>()));
  }
  if (digits.empty() || digits.size() > 3 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return value;
  }
  const auto candidates = candidates_of(input, results);
  const std::size_t n = std::stoul(digits);
  if (n == 0 || n > candidates.size()) {
    throw UsageError("answer " + input.id + ": there is no candidate " + digits +
                     (candidates.empty() ? " (none were found)"
                                         : " (1 to " + std::to_string(candidates.size()) + ")"));
  }
  return candidates[n - 1].value;
}

} // namespace dftriage::engine
