// Executor: a step that would close the alert while reads that assess the incident
// failed (issue: closing must not hide what the evidence was to show).

#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::exec {

std::vector<std::string> Executor::failed_reads(const engine::Plan& plan, std::size_t index) const
{
  std::vector<std::string> out;
  for (const auto i : engine::visited_steps(plan)) {
    const auto& s = plan.steps[i];
    if (i >= index || s.action == nullptr ||
        (s.action->mutating && s.action->reversibility != azure::Reversibility::inspection)) {
      continue;
    }
    if (const auto* r = m_state.step(s.step->id); r != nullptr && r->status == "failed") {
      out.push_back(s.step->id);
    }
  }
  return out;
}

std::optional<StepResult> Executor::check_assessed(const engine::Plan& plan, std::size_t index)
{
  const auto& step = plan.steps[index];
  const bool closes = step.action->name == "security.alert.set_status" && step.params.is_object() &&
                      (step.params.value("status", "") == "Resolved" ||
                       step.params.value("status", "") == "Dismissed");
  if (!closes) {
    return std::nullopt;
  }
  const std::string& id = step.step->id;
  for (auto failed = failed_reads(plan, index); !failed.empty();
       failed = failed_reads(plan, index)) {
    UnassessedChoice choice;
    try {
      choice = m_responder.on_unassessed(step, failed);
    } catch (const StepLeft& left) {
      append({{"event", journal::event::step_left},
              {"step", id},
              {"to", left.back() ? "back" : "stop"}});
      throw;
    }
    if (choice.kind == UnassessedChoice::Kind::retry) {
      for (const auto& failed_id : failed) {
        for (const auto i : engine::visited_steps(plan)) {
          if (plan.steps[i].step->id == failed_id) {
            const auto again = run_step(plan, i);
            m_responder.show("  " + failed_id + ": " + std::string(to_string(again.outcome)) +
                             (again.message.empty() ? std::string() : ": " + again.message));
          }
        }
      }
      continue;
    }
    if (choice.kind == UnassessedChoice::Kind::close_anyway) {
      append({{"event", journal::event::assessment_waived},
              {"step", id},
              {"steps", failed},
              {"reason", choice.reason}});
      return std::nullopt;
    }
    const std::string why = "not carried out: reads that assess the incident failed (" +
                            text::join(failed) +
                            "); closing the alert now would hide what they were to find";
    append({{"event", journal::event::step_failed}, {"step", id}, {"why", why}});
    return StepResult{Outcome::failed, why, {}};
  }
  return std::nullopt;
}

} // namespace dftriage::exec
