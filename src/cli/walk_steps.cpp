// The walk's own prompts for a step that asks a person rather than Azure: a task
// checked off, and a change confirmed in a dry run (WalkSession, walk_session.hpp).

#include "dftriage/util/terminal.hpp"
#include "walk_session.hpp"

#include <algorithm>
#include <initializer_list>

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;

bool is_one_of(const std::string& line, std::initializer_list<const char*> words)
{
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return line == w; });
}

} // namespace

WalkSession::Command WalkSession::check_manual(std::size_t step_index)
{
  // Only a person can check a manual step off; no flag answers for them.
  ManualCheck check;
  while (true) {
    const auto line =
        m_prompter.ask(tr("  Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > ",
                          "  完成情况？ [d]已完成 / [n]未完成 / [a]不适用 / b / q / ? > "));
    if (!line || *line == "q") {
      return Command::quit;
    }
    if (*line == "b") {
      return Command::back;
    }
    if (*line == "?") {
      m_prompter.say(
          tr("    This step is done by a person, outside dftriage. Say how it stands:\n"
             "    d: done · n: not done yet (stays an open follow-up) · a: does not apply here\n"
             "    b: back one step · q: stop (the case can be resumed)\n",
             "    这一步由人在 dftriage 之外完成。请说明进展：\n"
             "    d：已完成 · n：尚未完成（保留为待办事项） · a：此处不适用\n"
             "    b：返回上一步 · q：停止（之后可继续本案例）\n"));
      continue;
    }
    if (is_one_of(*line, {"d", "done", "已完成", "完成"})) {
      check.checked = "done";
    } else if (is_one_of(*line, {"n", "not done", "未完成"})) {
      check.checked = "not-done";
    } else if (is_one_of(*line, {"a", "n/a", "不适用"})) {
      check.checked = "not-applicable";
    } else {
      m_prompter.say(tr("    Type d, n or a (b back, q stop, ? help).\n",
                        "    请输入 d、n 或 a（b 返回，q 停止，? 帮助）。\n"));
      continue;
    }
    break;
  }
  const bool note_needed = check.checked == "not-applicable";
  while (true) {
    const auto note = m_prompter.ask(
        note_needed ? tr("  Why does it not apply? (b back · q stop) > ",
                         "  为什么不适用？（b 返回 · q 停止） > ")
                    : tr("  Note for the case record (Enter: none · b back · q stop) > ",
                         "  给案例记录的备注（回车：无 · b 返回 · q 停止） > "));
    if (!note || *note == "q") {
      return Command::quit;
    }
    if (*note == "b") {
      return Command::back;
    }
    if (note->empty() && note_needed) {
      m_prompter.say(tr("    Say why, for the case record.\n", "    请说明原因，以便记入案例。\n"));
      continue;
    }
    check.note = !note->empty() && (*note)[0] == '\\' ? note->substr(1) : *note;
    break;
  }
  StepOutcome outcome{step_index,
                      check.checked == "done"             ? "done"
                      : check.checked == "not-applicable" ? "not-applicable"
                                                          : "open",
                      check.note};
  if (m_settings.check_manual) {
    outcome = m_settings.check_manual(m_plan, step_index, check);
    if (check.checked == "not-applicable") {
      outcome.outcome = "not-applicable";
    }
  }
  m_outcomes.push_back(outcome);
  return Command::next;
}

WalkSession::Command WalkSession::confirm_dry_run(std::size_t step_index)
{
  const bool colour = m_settings.colour;
  if (m_settings.yes) {
    m_prompter.say(tr("  Confirmed by --yes.\n", "  已由 --yes 确认。\n"));
    m_outcomes.push_back({step_index, "confirmed", {}});
    return Command::next;
  }
  while (true) {
    const auto line = m_prompter.ask(
        tr("  Carry out this change? (dry run: nothing is sent) [y]es / [n]o / b / q / ? > ",
           "  执行这项更改吗？（演练：不发送任何请求） [y]是 / [n]否 / b / q / ? > "));
    if (!line || *line == "q") {
      return Command::quit;
    }
    if (*line == "b") {
      return Command::back;
    }
    if (*line == "?") {
      m_prompter.say(
          tr("    y: carry it out · n: do not (the walk goes on) · b: back one step · q: stop\n",
             "    y：执行 · n：不执行（流程继续） · b：返回上一步 · q：停止\n"));
      continue;
    }
    if (is_one_of(*line, {"y", "yes", "是"})) {
      m_outcomes.push_back({step_index, "confirmed", {}});
      return Command::next;
    }
    if (is_one_of(*line, {"n", "no", "否"})) {
      m_prompter.say(paint(tr("  Declined: the change is not made.", "  已否决：不做这项更改。"),
                           Colour::yellow, colour) +
                     "\n");
      m_outcomes.push_back({step_index, "declined", {}});
      return Command::next;
    }
    m_prompter.say(tr("    Type y or n (b back, q stop, ? help).\n",
                      "    请输入 y 或 n（b 返回，q 停止，? 帮助）。\n"));
  }
}

} // namespace dftriage::cli
