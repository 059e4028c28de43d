#pragma once

// Internal to src/cli: who decides for `run` carried out (run_live.cpp): a person at a
// terminal, or the flags standing in for one off it.

#include "dftriage/exec/executor.hpp"
#include "dftriage/exec/messages.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "prompt.hpp"
#include "step_requests.hpp"
#include "walk_text.hpp"

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dftriage::cli {

// Stands in for the responder off a terminal: --yes confirms with --reason; nothing
// else is ever confirmed; a failure stops the walk.
class UnattendedResponder : public exec::Responder
{
public:
  UnattendedResponder(bool yes, bool yes_irreversible, std::string reason, std::FILE* out)
      : m_yes(yes)
      , m_yes_irreversible(yes_irreversible)
      , m_reason(std::move(reason))
      , m_out(out)
  {
  }

  std::optional<std::string> confirm(const engine::PlannedStep& step, const std::string&) override
  {
    const bool allowed = exec::is_irreversible(step) ? m_yes && m_yes_irreversible : m_yes;
    return allowed ? std::optional<std::string>(m_reason) : std::nullopt;
  }
  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string&) override
  {
    return exec::FailureChoice::stop;
  }
  void show(const std::string& text) override
  {
    if (m_out != nullptr) {
      std::fprintf(m_out, "%s\n", text.c_str());
    }
  }
  void show_secret_once(const std::string& label, const std::string&) override
  {
    // Off a terminal there is nowhere safe to show it: it is not printed or kept.
    std::fprintf(stderr,
                 "dftriage: %s set a generated value that is shown only at a terminal; it was not "
                 "printed or "
                 "kept. Reset it again interactively if someone needs it.\n",
                 label.c_str());
  }

private:
  bool m_yes;
  bool m_yes_irreversible;
  std::string m_reason;
  std::FILE* m_out;
};

// The responder at a terminal: shows each change, asks y/n (the whole word yes for one
// that cannot be undone) and a reason for the journal, and after a failure offers retry,
// skip, undo of the case's changes (shown, then confirmed again), back or stop. b and q
// leave the step through exec::StepLeft, as at every prompt of the walk.
class TerminalResponder : public exec::Responder
{
public:
  TerminalResponder(Prompter& prompter, bool yes, bool yes_irreversible, std::string reason,
                    bool colour, playbook::Lang lang)
      : m_prompter(prompter)
      , m_yes(yes)
      , m_yes_irreversible(yes_irreversible)
      , m_reason(std::move(reason))
      , m_colour(colour)
      , m_lang(lang)
  {
  }

  // Lists this case's changes that an undo would revert, newest first.
  std::function<std::vector<std::string>()> undoable;

  std::optional<std::string> confirm(const engine::PlannedStep& step,
                                     const std::string& change) override
  {
    const bool irreversible = exec::is_irreversible(step);
    const bool inspection =
        step.action != nullptr && step.action->reversibility == azure::Reversibility::inspection;
    m_prompter.say("  " +
                   terminal::paint(inspection ? tr("About to run a read-only script on the VM:",
                                                   "即将在虚拟机上运行只读脚本：")
                                              : tr("About to change Azure:", "即将更改 Azure："),
                                   terminal::Colour::bold, m_colour) +
                   "\n");
    if (m_pending != nullptr) {
      m_prompter.say(pending_change_text(*m_pending, m_colour, m_lang));
    } else {
      for (const auto& line : text::split_lines(change)) {
        m_prompter.say("    " + terminal::sanitize(line) + "\n");
      }
    }
    if (m_yes && (!irreversible || m_yes_irreversible)) {
      m_prompter.say(irreversible ? tr("  Confirmed by --yes-irreversible.\n",
                                       "  已由 --yes-irreversible 确认。\n")
                                  : tr("  Confirmed by --yes.\n", "  已由 --yes 确认。\n"));
      return m_reason;
    }
    if (irreversible) {
      // Asked for explicitly: the whole word, after saying what is at stake.
      m_prompter.say(
          "  " +
          terminal::paint(tr("This cannot be undone: dftriage undo will not bring it back.",
                             "此操作无法撤销：dftriage undo 也无法恢复。"),
                          terminal::Colour::red, m_colour) +
          "\n");
    }
    const bool view = m_pending != nullptr; // v: the requests in full, as curl commands
    const std::string keys =
        irreversible
            ? (view ? tr("  Type yes to carry it out · n: no · v: in full · b · q · ? > ",
                         "  输入 yes（或 是）执行 · n：不执行 · v：完整显示 · b · q · ? > ")
                    : tr("  Type yes to carry it out · n: no · b · q · ? > ",
                         "  输入 yes（或 是）执行 · n：不执行 · b · q · ? > "))
        : view ? tr("  Carry out this change? [y]es / [n]o / [v]iew in full / b / q / ? > ",
                    "  执行这项更改吗？ [y]是 / [n]否 / [v]完整显示 / b / q / ? > ")
               : tr("  Carry out this change? [y]es / [n]o / b / q / ? > ",
                    "  执行这项更改吗？ [y]是 / [n]否 / b / q / ? > ");
    while (true) {
      const std::string line = ask_or_leave(keys);
      if (line == "?") {
        m_prompter.say(tr("    y: make the change (you will be asked why) · n: do not make it; the "
                          "walk goes on\n",
                          "    y：执行更改（随后需要说明理由） · n：不执行，流程继续\n"));
        if (view) {
          m_prompter.say(tr("    v: each request in full, as the curl command that sends it\n",
                            "    v：完整显示每个请求，即发送它的 curl 命令\n"));
        }
        m_prompter.say(
            tr("    b: back one step; nothing is sent · q: stop; the case can be resumed\n",
               "    b：返回上一步，不发送任何请求 · q：停止，之后可继续本案例\n"));
        continue;
      }
      if (line == "v" && view) {
        m_prompter.say(pending_change_full(*m_pending, m_lang));
        continue;
      }
      const std::string word = text::to_lower(line);
      if (word == "n" || word == "no" || word == "否") {
        const auto why = m_prompter.ask(tr("  Why not? For the case record (Enter: no reason) > ",
                                           "  为什么不做？记入案例（回车：不填） > "));
        m_declined_reason = why ? *why : std::string();
        m_prompter.say(
            terminal::paint(tr("  Declined: the change is not made.", "  已否决：不做这项更改。"),
                            terminal::Colour::yellow, m_colour) +
            "\n");
        return std::nullopt;
      }
      if (word == "yes" || word == "是" || (word == "y" && !irreversible)) {
        break;
      }
      m_prompter.say(irreversible ? tr("    Type yes or n (b back, q stop).\n",
                                       "    请输入 yes 或 n（b 返回，q 停止）。\n")
                                  : tr("    Type y or n (b back, q stop).\n",
                                       "    请输入 y 或 n（b 返回，q 停止）。\n"));
    }
    while (true) {
      const std::string reason =
          ask_or_leave(tr("  Reason, for the case record (b back · q stop) > ",
                          "  理由（记入案例；b 返回 · q 停止） > "));
      if (!reason.empty()) {
        return reason[0] == '\\' ? reason.substr(1) : reason;
      }
      m_prompter.say(
          tr("    A reason is needed: say why this change is right (it goes into the journal).\n",
             "    需要理由：说明为什么应做这项更改（会写入日志）。\n"));
    }
  }

  // Shows the change as what it changes against its pre-image; v shows it in full.
  std::optional<std::string> confirm_change(const engine::PlannedStep& step,
                                            const exec::PendingChange& change) override
  {
    m_pending = &change;
    try {
      auto reason = confirm(step, change.text);
      m_pending = nullptr;
      return reason;
    } catch (...) {
      m_pending = nullptr;
      throw;
    }
  }

  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string& error) override
  {
    m_prompter.say(terminal::paint(tr("  Failed: ", "  失败：") + terminal::sanitize(error),
                                   terminal::Colour::red, m_colour) +
                   "\n");
    while (true) {
      const auto line = m_prompter.ask(
          tr("  [r]etry / [s]kip this step / [u]ndo this case's changes / b / q / ? > ",
             "  [r]重试 / [s]跳过此步 / [u]撤销本案例的更改 / b / q / ? > "));
      if (!line || *line == "q") {
        return exec::FailureChoice::stop;
      }
      if (*line == "b") {
        throw exec::StepLeft(true);
      }
      if (*line == "r") {
        return exec::FailureChoice::retry;
      }
      if (*line == "s") {
        return exec::FailureChoice::skip;
      }
      if (*line == "u") {
        if (confirm_undo()) {
          return exec::FailureChoice::rollback;
        }
        continue;
      }
      if (*line == "?") {
        m_prompter.say(
            tr("    r: send the change again · s: leave this step undone and go on (it stays a "
               "failure)\n"
               "    u: revert every change this case made so far (shown first, then asked again)\n"
               "    b: back one step; nothing is sent · q: stop; resume later with --case\n",
               "    r：重新发送这项更改 · s：跳过此步继续（仍记为失败）\n"
               "    u：撤销本案例到目前为止的全部更改（先列出，再次确认）\n"
               "    b：返回上一步，不发送任何请求 · q：停止，之后可用 --case 继续\n"));
        continue;
      }
      m_prompter.say(
          tr("    Type r, s, u, b or q (? help).\n", "    请输入 r、s、u、b 或 q（? 帮助）。\n"));
    }
  }

  exec::UnassessedChoice on_unassessed(const engine::PlannedStep&,
                                       const std::vector<std::string>& failed) override
  {
    std::string list;
    for (const auto& id : failed) {
      list += (list.empty() ? "" : ", ") + terminal::sanitize(id);
    }
    m_prompter.say(terminal::paint(tr("  These reads failed: " + list +
                                          ". Closing the alert now would hide what they "
                                          "were to find.",
                                      "  以下读取步骤失败：" + list +
                                          "。现在关闭告警会掩盖它们本应发现的内容。"),
                                   terminal::Colour::red, m_colour) +
                   "\n");
    while (true) {
      const std::string line =
          ask_or_leave(tr("  [r]un them again / [c]lose anyway (with a reason) / b / q / ? > ",
                          "  [r]重新读取 / [c]仍然关闭（需说明理由） / b / q / ? > "));
      if (line == "r") {
        return {exec::UnassessedChoice::Kind::retry, {}};
      }
      if (line == "c") {
        const auto reason = m_prompter.ask(
            tr("  Why close it without them? For the case record (b back · q stop) > ",
               "  为什么不等它们就关闭？记入案例（b 返回 · q 停止） > "));
        if (!reason || *reason == "q") {
          throw exec::StepLeft(false);
        }
        if (*reason == "b" || reason->empty()) {
          continue;
        }
        return {exec::UnassessedChoice::Kind::close_anyway,
                (*reason)[0] == '\\' ? reason->substr(1) : *reason};
      }
      m_prompter.say(
          tr("    r: send those reads again · c: close the alert anyway; a reason is journaled\n"
             "    b: back one step · q: stop; the case can be resumed\n",
             "    r：重新发送这些读取请求 · c：仍然关闭告警，理由会写入日志\n"
             "    b：返回上一步 · q：停止，之后可继续本案例\n"));
    }
  }

  void show(const std::string& text) override
  {
    m_prompter.say(terminal::sanitize(exec::message_in(text, m_lang)) + "\n");
  }

  std::string declined_reason() override { return std::exchange(m_declined_reason, {}); }

  void show_secret_once(const std::string& label, const std::string& value) override
  {
    m_prompter.say(
        "  " +
        terminal::paint(label + tr(" set this generated value; it is shown once and kept nowhere:",
                                   " 设置了以下生成的值；它只显示这一次，不会保存在任何地方："),
                        terminal::Colour::bold, m_colour) +
        "\n    " + value + "\n");
  }

private:
  std::string tr(std::string_view en, std::string_view zh) const { return cli::tr(m_lang, en, zh); }
  // Asks at `prompt`; q, end of input and b leave the step (exec::StepLeft), as at every
  // prompt of the walk. Returns anything else typed.
  std::string ask_or_leave(const std::string& prompt)
  {
    const auto line = m_prompter.ask(prompt);
    if (!line || *line == "q") {
      throw exec::StepLeft(false);
    }
    if (*line == "b") {
      throw exec::StepLeft(true);
    }
    return *line;
  }

  // Shows what an undo would revert and asks again, with the whole word.
  bool confirm_undo()
  {
    const auto changes = undoable ? undoable() : std::vector<std::string>();
    if (changes.empty()) {
      m_prompter.say(tr("    This case has made no change that can be reverted.\n",
                        "    本案例没有可以撤销的更改。\n"));
      return false;
    }
    m_prompter.say(tr("    These changes of this case would be reverted, newest first:\n",
                      "    将撤销本案例的以下更改（从最新的开始）：\n"));
    for (const auto& c : changes) {
      m_prompter.say("      " + terminal::sanitize(c) + "\n");
    }
    const auto line = m_prompter.ask(
        tr("    Type yes to revert them, or n > ", "    输入 yes（或 是）撤销它们，或 n > "));
    if (line && (*line == "yes" || *line == "是")) {
      return true;
    }
    m_prompter.say(tr("    Nothing was reverted.\n", "    未撤销任何更改。\n"));
    return false;
  }

  Prompter& m_prompter;
  bool m_yes;
  bool m_yes_irreversible;
  std::string m_reason;
  bool m_colour;
  playbook::Lang m_lang;
  std::string m_declined_reason;
  const exec::PendingChange* m_pending = nullptr; // while confirm_change() asks
};

} // namespace dftriage::cli
