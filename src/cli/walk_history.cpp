// What the walk has done so far: the steps a resumed case did before, the outcomes kept
// as answers change the route, and going back a step (WalkSession, walk_session.hpp).

#include "dftriage/engine/walk.hpp"
#include "dftriage/util/terminal.hpp"
#include "walk_session.hpp"

#include <algorithm>

namespace dftriage::cli {

using terminal::Colour;
using terminal::paint;

void WalkSession::summarise_earlier()
{
  if (!m_settings.earlier) {
    return;
  }
  // A resumed case: the steps done before are one summary; the walk starts at the first
  // open step (b still goes back into them).
  std::string lines;
  std::size_t count = 0;
  for (const auto index : engine::visited_steps(m_plan)) {
    const std::string earlier = m_settings.earlier(m_plan.steps[index].step->id);
    if (earlier.empty()) {
      break;
    }
    m_outcomes.push_back({index, "done-earlier", earlier});
    lines += "  " +
             paint(outcome_word(earlier, m_settings.lang), Colour::green, m_settings.colour) +
             "  " + step_heading(m_plan, index, m_settings.lang, false);
    ++count;
  }
  if (count > 0) {
    m_prompter.say("\n" +
                   paint(tr("Already done in this case:", "本案例中已完成："), Colour::bold,
                         m_settings.colour) +
                   "\n" + lines);
  }
}

void WalkSession::prune_outcomes()
{
  // A step that later answers turned off is no longer on the walk, and one they turned
  // on again (skipped before) is still to be walked: keep outcomes only of steps the
  // walk visits now, and none of "skipped" steps that apply now.
  const auto visited = engine::visited_steps(m_plan);
  m_outcomes.erase(std::remove_if(m_outcomes.begin(), m_outcomes.end(),
                                  [&](const StepOutcome& o) {
                                    const bool on_walk = std::find(visited.begin(), visited.end(),
                                                                   o.step_index) != visited.end();
                                    return o.outcome == "skipped" ? on_walk : !on_walk;
                                  }),
                   m_outcomes.end());
}

void WalkSession::go_back()
{
  while (!m_outcomes.empty() && m_outcomes.back().outcome == "skipped") {
    m_outcomes.pop_back();
  }
  if (m_outcomes.empty()) {
    m_prompter.say(tr("  This is the first step.\n", "  这已经是第一步。\n"));
    return;
  }
  m_stepped_back[m_outcomes.back().step_index] = m_outcomes.back();
  m_outcomes.pop_back();
}

WalkSession::Command WalkSession::resume_questions()
{
  const bool colour = m_settings.colour;
  using terminal::sanitize;
  // An answer kept from an earlier run that a step now refuses is asked again.
  std::vector<std::string> dropped;
  for (auto it = m_asked.begin(); it != m_asked.end();) {
    const std::string why = answer_problem(m_plan, it->first, m_settings.subscriptions);
    if (why.empty()) {
      ++it;
      continue;
    }
    m_prompter.say(paint(tr("The answer kept for ", "之前保存的答案 ") + it->first +
                             tr(" is refused (", " 被拒绝（") + sanitize(why) +
                             tr("): it will be asked again.", "）：将重新询问。"),
                         Colour::yellow, colour) +
                   "\n");
    dropped.push_back(it->first);
    it = m_asked.erase(it);
    m_plan = replan();
  }
  summarise_earlier();
  // A dropped answer whose question belongs to a step already done would never be asked
  // again by the walk: ask it now, before going on.
  for (const auto& id : dropped) {
    const auto* input = m_playbook.find_input(id);
    const bool asked_at_done_step =
        std::any_of(m_outcomes.begin(), m_outcomes.end(), [&](const StepOutcome& o) {
          const auto& ask = m_plan.steps[o.step_index].step->ask;
          return std::find(ask.begin(), ask.end(), id) != ask.end();
        });
    if (input != nullptr && asked_at_done_step) {
      if (ask_again(*input) == Command::quit) {
        return Command::quit;
      }
      m_plan = replan();
    }
  }
  // A question asked after a step's read (its default is what the read found) is still
  // open when the case stopped at it: the step is done, so it is asked now.
  for (const auto& done : std::vector<StepOutcome>(m_outcomes)) {
    const playbook::Step step = *m_plan.steps[done.step_index].step;
    for (const auto& id : step.ask) {
      const auto* input = m_playbook.find_input(id);
      if (input == nullptr || engine::action_uses(step, id) || m_asked.count(id) > 0 ||
          m_given.count(id) > 0 || m_settings.cleared_before.count(id) > 0) {
        continue;
      }
      m_prompter.say("\n" +
                     paint(tr("Not answered before the case stopped (", "案例停止前未回答（") +
                               sanitize(step.title.in(m_settings.lang)) + tr("):", "）："),
                           Colour::yellow, colour) +
                     "\n");
      if (ask_again(*input) == Command::quit) {
        return Command::quit;
      }
      m_plan = replan();
    }
  }
  return Command::next;
}

WalkSession::Command WalkSession::ask_again(const playbook::Input& input)
{
  // The steps behind it are done: b has nowhere to go, so the question stays.
  for (;;) {
    const Command command = ask_one(input);
    if (command != Command::back) {
      return command;
    }
    m_prompter.say(tr("  The steps before it are done: answer it, or q to stop.\n",
                      "  之前的步骤都已完成：请回答此问题，或输入 q 停止。\n"));
  }
}

} // namespace dftriage::cli
