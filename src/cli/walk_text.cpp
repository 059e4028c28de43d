#include "walk_text.hpp"

#include "dftriage/exec/messages.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "step_requests.hpp"

#include <algorithm>
#include <iterator>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::is_wide;
using terminal::next_char;
using terminal::paint;
using terminal::sanitize;

// Punctuation that must not start a line (it stays with the character before it).
bool is_closing(char32_t c)
{
  static constexpr char32_t k_closing[] = {0x3001, 0x3002, 0xff0c, 0xff0e, 0xff1a,
                                           0xff1b, 0xff1f, 0xff01, 0xff09, 0x300d,
                                           0x300f, 0x3011, 0x201d, 0x2019, 0x300b};
  return std::find(std::begin(k_closing), std::end(k_closing), c) != std::end(k_closing);
}

} // namespace

std::size_t text_width()
{
  winsize size{};
  if (::isatty(STDOUT_FILENO) != 0 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col >= 40) {
    return std::min<std::size_t>(size.ws_col - 6U, 96);
  }
  return 88;
}

std::string wrap(const std::string& text, std::size_t width, const std::string& indent)
{
  // Units that may not be split: a word of narrow characters, or one wide character
  // with the closing punctuation after it; a line may break between any two units,
  // dropping the spaces there.
  struct Unit
  {
    std::string text;
    std::size_t width = 0;
    bool space_before = false;
    bool wide_end = false; // ends with a wide character: the next one starts a new unit
  };
  std::vector<Unit> units;
  bool space = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t c = next_char(text, i);
    if (c == ' ' || c == '\n') {
      space = true;
      continue;
    }
    const bool wide = is_wide(c);
    const bool joins =
        !units.empty() && !space && (is_closing(c) || (!wide && !units.back().wide_end));
    if (joins) {
      units.back().text.append(text, start, i - start);
      units.back().width += wide ? 2 : 1;
      units.back().wide_end = false;
    } else {
      units.push_back({text.substr(start, i - start), wide ? 2U : 1U, space, wide});
    }
    space = false;
  }
  std::string out;
  std::string line;
  std::size_t line_width = 0;
  for (const auto& u : units) {
    const std::size_t gap = u.space_before && !line.empty() ? 1 : 0;
    if (!line.empty() && line_width + gap + u.width > width) {
      out += indent + line + "\n";
      line.clear();
      line_width = 0;
    }
    if (!line.empty() && u.space_before) {
      line += ' ';
      ++line_width;
    }
    line += u.text;
    line_width += u.width;
  }
  if (!line.empty()) {
    out += indent + line + "\n";
  }
  return out;
}

namespace {

const engine::PlannedStep* find_step(const engine::Plan& plan, std::size_t index)
{
  return index < plan.steps.size() ? &plan.steps[index] : nullptr;
}

} // namespace

bool is_mutating(const engine::PlannedStep& step)
{
  return step.action != nullptr && step.action->mutating;
}

std::string outcome_word(const std::string& outcome, playbook::Lang lang)
{
  if (lang != playbook::Lang::zh_cn) {
    return outcome;
  }
  static const std::pair<const char*, const char*> k_words[] = {
      {"done", "已完成"},      {"confirmed", "已确认"},
      {"declined", "已否决"},  {"awaiting-confirmation", "待确认"},
      {"refused", "拒绝执行"}, {"skipped", "已跳过"},
      {"no-op", "无需更改"},   {"done-earlier", "此前已完成"},
      {"failed", "失败"},      {"rolled-back", "已回滚"},
      {"undone", "已撤销"},    {"skipped-after-failure", "失败后跳过"},
      {"open", "待人工完成"},  {"not-applicable", "不适用"},
      {"shown", "已展示"},
  };
  for (const auto& [en, zh] : k_words) {
    if (outcome == en) {
      return zh;
    }
  }
  return outcome;
}

std::string message_word(const std::string& message, playbook::Lang lang)
{
  return exec::message_in(message, lang);
}

std::string phase_word(playbook::Phase phase, playbook::Lang lang)
{
  if (lang != playbook::Lang::zh_cn) {
    return std::string(playbook::to_string(phase));
  }
  switch (phase) {
  case playbook::Phase::contact:
    return "联系";
  case playbook::Phase::mitigate:
    return "缓解";
  case playbook::Phase::assess:
    return "评估";
  case playbook::Phase::act:
    return "行动";
  }
  return {};
}

std::string step_heading(const engine::Plan& plan, std::size_t step_index, playbook::Lang lang,
                         bool colour)
{
  const auto& step = plan.steps.at(step_index);
  const auto position = engine::position_of(plan, step_index);
  const std::string where = "[" + phase_word(step.phase, lang) + " " +
                            std::to_string(position.index) + "/" + std::to_string(position.total) +
                            "]";
  return paint(where, Colour::cyan, colour) + " " +
         paint(sanitize(step.step->title.in(lang)), Colour::bold, colour) + "\n";
}

std::string step_details(const engine::PlannedStep& step, playbook::Lang lang, bool colour,
                         bool dry_run, const azure::Cloud* cloud)
{
  std::string out = wrap(sanitize(step.step->guidance.in(lang)), text_width(), "  ");
  if (step.status == "refused") {
    out += paint(tr(lang, "  cannot be carried out: ", "  无法执行：") + sanitize(step.note),
                 Colour::red, colour) +
           "\n";
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
  std::string kind;
  if (!a.mutating) {
    kind = tr(lang, "read-only", "只读");
  } else if (a.reversibility == azure::Reversibility::inspection) {
    kind = tr(lang, "runs a read-only script on the VM; changes nothing",
              "在虚拟机上运行只读脚本；不做任何更改");
  } else if (a.reversibility == azure::Reversibility::irreversible) {
    kind = tr(lang, "changes Azure, irreversible", "更改 Azure，无法撤销");
  } else {
    kind = tr(lang, "changes Azure, reversible", "更改 Azure，可以撤销");
  }
  // The permissions of the requests this step sends (as plan shows them), else the action's.
  std::string permissions;
  for (const auto& r : step.requests.requests) {
    if (!r.permission.empty() && permissions.find(r.permission) == std::string::npos) {
      permissions += (permissions.empty() ? "" : ", ") + r.permission;
    }
  }
  out += "  " + paint(tr(lang, "Action ", "操作 ") + a.name, Colour::bold, colour) + " (" + kind +
         tr(lang, "; needs ", "；需要权限 ") + (permissions.empty() ? a.permission : permissions) +
         ")\n";
  if (a.mutating && !a.undo.empty()) {
    out += tr(lang, "  Undo: " + a.undo, "  撤销方式：" + a.undo_zh) + "\n";
  }
  if (!step.caution.empty()) {
    out += paint(tr(lang, "  Caution: " + step.caution, "  注意：" + step.caution_zh),
                 Colour::yellow, colour) +
           "\n";
  }
  return out + step_requests_text(step, {cloud, lang, colour, dry_run});
}

nlohmann::ordered_json run_record(const engine::Plan& plan,
                                  const std::vector<StepOutcome>& outcomes,
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
    // The plan's own step shape, with what became of it in this walk.
    auto step = plan.step_json(o.step_index, lang);
    step["outcome"] = o.outcome;
    step["message"] =
        o.message.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.message);
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
    std::string outcome = outcome_word(o.outcome, lang);
    outcome += std::string(display_width(outcome) < 22 ? 22 - display_width(outcome) : 0, ' ');
    out += "  " + paint(outcome, c, colour) + " " + std::string(playbook::to_string(s->phase)) +
           "/" + s->step->id + "  " + sanitize(s->step->title.in(lang)) + "\n";
    if (!o.message.empty()) {
      out += "      " +
             sanitize(message_word(
                 o.outcome == "done-earlier" ? outcome_word(o.message, lang) : o.message, lang)) +
             "\n";
    }
  }
  return out;
}

} // namespace dftriage::cli
