#include "walk_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "request_text.hpp"

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

// Returns `text` wrapped at `width` columns (counting bytes; guidance is short prose),
// each line starting with `indent`.
std::string wrap(const std::string& text, std::size_t width, const std::string& indent)
{
  std::string out;
  std::string line;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) {
    out += indent + line + "\n";
  }
  return out;
}

const engine::PlannedStep* find_step(const engine::Plan& plan, std::size_t index)
{
  return index < plan.steps.size() ? &plan.steps[index] : nullptr;
}

} // namespace

bool is_mutating(const engine::PlannedStep& step) { return step.action != nullptr && step.action->mutating; }

std::string step_heading(const engine::Plan& plan, std::size_t step_index, playbook::Lang lang, bool colour)
{
  const auto& step = plan.steps.at(step_index);
  const auto position = engine::position_of(plan, step_index);
  const std::string where = "[" + std::string(playbook::to_string(step.phase)) + " "
                            + std::to_string(position.index) + "/" + std::to_string(position.total) + "]";
  return paint(where, Colour::cyan, colour) + " " + paint(sanitize(step.step->title.in(lang)), Colour::bold, colour)
         + "\n";
}

std::string step_details(const engine::PlannedStep& step, playbook::Lang lang, bool colour, bool dry_run)
{
  std::string out = wrap(sanitize(step.step->guidance.in(lang)), 88, "  ");
  if (step.status == "refused") {
    out += paint("  cannot be carried out: " + sanitize(step.note), Colour::red, colour) + "\n";
    return out;
  }
  if (step.status == "needs-answer") {
    out += paint("  " + sanitize(step.note), Colour::yellow, colour) + "\n";
    return out;
  }
  if (step.action == nullptr) {
    return out;
  }
  const auto& a = *step.action;
  std::string kind = a.mutating ? "changes Azure, " + std::string(azure::to_string(a.reversibility)) : "read-only";
  out += "  " + paint("Action " + a.name, Colour::bold, colour) + " (" + kind + "; needs " + a.permission + ")\n";
  if (a.mutating && !a.undo.empty()) {
    out += "  Undo: " + a.undo + "\n";
  }
  const std::string verb = dry_run ? "would send" : "sends";
  for (const auto& r : step.requests.pre_image) {
    out += "  " + paint(verb + " first, to keep the current state for undo:", Colour::dim, colour) + "\n";
    out += as_curl(r, "    ");
  }
  for (const auto& r : step.requests.requests) {
    out += "  " + paint(verb + ":", Colour::dim, colour) + "\n";
    out += as_curl(r, "    ");
  }
  return out;
}

nlohmann::ordered_json run_record(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                                  const std::string& status, bool dry_run, playbook::Lang lang)
{
  nlohmann::ordered_json out;
  out["alertId"] = plan.alert->id;
  out["alertType"] = plan.alert->alert_type;
  out["playbook"] = plan.match.playbook_id();
  out["dryRun"] = dry_run;
  out["status"] = status;
  auto steps = nlohmann::ordered_json::array();
  auto awaiting = nlohmann::ordered_json::array();
  for (const auto& o : outcomes) {
    const auto* s = find_step(plan, o.step_index);
    if (s == nullptr) {
      continue;
    }
    const auto position = engine::position_of(plan, o.step_index);
    nlohmann::ordered_json step;
    step["phase"] = playbook::to_string(s->phase);
    step["id"] = s->step->id;
    step["position"] = std::to_string(position.index) + "/" + std::to_string(position.total);
    step["title"] = s->step->title.in(lang);
    step["outcome"] = o.outcome;
    step["note"] = s->note.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s->note);
    if (!o.message.empty()) {
      step["message"] = o.message;
    }
    step["mutating"] = is_mutating(*s);
    auto requests = nlohmann::ordered_json::array();
    for (const auto* list : {&s->requests.pre_image, &s->requests.requests}) {
      for (const auto& r : *list) {
        requests.push_back(r.to_json());
      }
    }
    step["requests"] = std::move(requests);
    if (o.outcome == "awaiting-confirmation") {
      awaiting.push_back(std::string(playbook::to_string(s->phase)) + "/" + s->step->id);
    }
    steps.push_back(std::move(step));
  }
  out["steps"] = std::move(steps);
  out["awaitingConfirmation"] = std::move(awaiting);
  return out;
}

std::string run_summary(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                        playbook::Lang lang, bool colour)
{
  std::string out;
  for (const auto& o : outcomes) {
    const auto* s = find_step(plan, o.step_index);
    if (s == nullptr) {
      continue;
    }
    const Colour c = o.outcome == "confirmed" || o.outcome == "done" || o.outcome == "no-op"
                         ? Colour::green
                     : o.outcome == "failed"                ? Colour::red
                     : o.outcome == "declined"              ? Colour::yellow
                     : o.outcome == "awaiting-confirmation" ? Colour::yellow
                     : o.outcome == "refused"               ? Colour::red
                                                            : Colour::none;
    std::string outcome = o.outcome;
    outcome.resize(std::max<std::size_t>(outcome.size(), 22), ' ');
    out += "  " + paint(outcome, c, colour) + " " + std::string(playbook::to_string(s->phase)) + "/"
           + s->step->id + "  " + sanitize(s->step->title.in(lang)) + "\n";
    if (!o.message.empty()) {
      out += "      " + sanitize(o.message) + "\n";
    }
  }
  return out;
}

} // namespace dftriage::cli
