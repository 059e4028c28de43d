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

} // namespace dftriage::cli
