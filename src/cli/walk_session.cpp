#include "walk_session.hpp"

#include "dftriage/alert/alert.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "incident_input.hpp"
#include "read_summary.hpp"

#include <algorithm>

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

std::string shown(const nlohmann::ordered_json& value, playbook::Lang lang)
{
  if (value.is_boolean()) {
    return value.get<bool>() ? tr(lang, "yes", "是") : tr(lang, "no", "否");
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
    return sanitize(out.empty() ? tr(lang, "none", "无") : out);
  }
  return sanitize(value.is_string() ? value.get<std::string>() : value.dump());
}

std::string hint(const playbook::Input& input, playbook::Lang lang)
{
  switch (input.type) {
  case playbook::InputType::yes_no:
    return tr(lang, " [y/n]", " [是/否]");
  case playbook::InputType::choice: {
    std::string out;
    for (const auto& c : input.choices) {
      out += (out.empty() ? "" : "/") + c;
    }
    return " [" + out + "]";
  }
  case playbook::InputType::cidr_list:
    return tr(lang, " [IPs or CIDR ranges, comma-separated]", " [IP 地址或 CIDR 网段，用逗号分隔]");
  case playbook::InputType::principal:
    return tr(lang, " [object ID (GUID) or UPN]", " [对象 ID（GUID）或 UPN]");
  case playbook::InputType::list:
    return tr(lang, " [comma-separated]", " [用逗号分隔]");
  case playbook::InputType::text:
    return "";
  }
  return "";
}

// Returns why an answer was not accepted, in Chinese (the checks below the walk speak
// English; their detail is kept in brackets for the record).
std::string refused_zh(const playbook::Input& input, const std::string& value,
                       const std::string& why)
{
  const std::string got = "，收到“" + sanitize(value) + "”";
  switch (input.type) {
  case playbook::InputType::yes_no:
    return "需要回答 是 或 否（也可以输入 y 或 n）" + got;
  case playbook::InputType::choice: {
    std::string choices;
    for (const auto& c : input.choices) {
      choices += (choices.empty() ? "" : "、") + c;
    }
    return "需要以下之一：" + choices + got;
  }
  case playbook::InputType::cidr_list:
    return "需要 IP 地址或 CIDR 网段（如 203.0.113.7 或 203.0.113.0/24），多个用逗号分隔（" +
           sanitize(why) + "）";
  case playbook::InputType::principal:
    return "需要对象 ID（GUID，如 "
           "00000000-0000-0000-0000-000000000000）或用户主体名称（name@domain）" +
           got;
  case playbook::InputType::list:
  case playbook::InputType::text:
    break;
  }
  return "后续步骤会拒绝这个答案（" + sanitize(why) + "）";
}

} // namespace

std::string answer_problem(const engine::Plan& plan, const std::string& input_id,
                           const std::vector<std::string>& subscriptions)
{
  if (auto why = engine::refusal_for_answer(plan, input_id); !why.empty()) {
    return why;
  }
  const std::string reference = "answers." + input_id;
  for (const auto index : engine::visited_steps(plan)) {
    const auto& planned = plan.steps[index];
    if (planned.status != "planned" || !planned.step->action) {
      continue;
    }
    for (const auto& [name, value] : planned.step->action->params) {
      const auto refs = value.references();
      if (std::find(refs.begin(), refs.end(), reference) == refs.end()) {
        continue;
      }
      if (auto why = exec::scope_problem(planned, subscriptions); !why.empty()) {
        return "step " + planned.step->id + ": " + why;
      }
    }
  }
  return {};
}

WalkSession::WalkSession(const alert::Alert& alert, const engine::MatchResult& match,
                         const playbook::Playbook& playbook, engine::Answers given,
                         const azure::Cloud& cloud, Prompter& prompter, WalkSettings settings)
    : m_alert(alert)
    , m_match(match)
    , m_playbook(playbook)
    , m_given(std::move(given))
    , m_asked(settings.typed_before)
    , m_cloud(cloud)
    , m_prompter(prompter)
    , m_settings(std::move(settings))
{
}

engine::Plan WalkSession::replan()
{
  engine::Answers answers = m_given;
  for (const auto& [id, value] : m_asked) {
    answers[id] = value;
  }
  const auto& results =
      m_settings.results != nullptr ? *m_settings.results : nlohmann::ordered_json::object();
  if (!m_settings.incident.empty()) {
    return engine::build_incident_plan(m_settings.incident, m_settings.incident_id, m_match,
                                       m_playbook, answers, m_cloud, results);
  }
  return engine::build_plan(m_alert, m_match, m_playbook, answers, m_cloud, results);
}

std::string WalkSession::run()
{
  const bool colour = m_settings.colour;
  m_prompter.say(
      paint(sanitize(m_alert.alert_type), Colour::bold, colour) + tr(" on ", " 位于 ") +
      sanitize(m_alert.resource_id.empty() ? tr("(no resource)", "（无资源）")
                                           : m_alert.resource_id) +
      "\n" + tr("Playbook ", "剧本 ") + m_match.playbook_id() +
      tr(" (" + sanitize(m_match.reason) + ")", "（" + sanitize(m_match.reason_zh) + "）") +
      (m_settings.dry_run ? tr("; dry run: nothing is sent", "；演练：不发送任何请求") : "") +
      "\n" +
      paint(tr("Keys at every prompt: Enter accepts the default or goes on · b back one step "
               "(sends and "
               "reverts nothing) · q stop (resume later) · ? help",
               "每个提示都可以用：回车 接受默认值或继续 · b 返回上一步（不发送、不撤销任何东西） · "
               "q 停止（之后可继续） · ? 帮助"),
            Colour::dim, colour) +
      "\n");
  if (!m_settings.incident.empty()) {
    m_prompter.say(
        incident_overview(m_settings.incident, m_settings.incident_id, m_settings.lang, colour));
  }
  m_plan = replan();
  if (m_plan.refused()) {
    for (const auto& m : m_plan.missing) {
      m_prompter.say(paint(tr("refused: ", "拒绝执行：") + sanitize(m), Colour::red, colour) +
                     "\n");
    }
    return "refused";
  }
  if (resume_questions() == Command::quit) {
    m_prompter.say(paint(tr("Stopped.", "已停止。"), Colour::yellow, colour) + "\n");
    return "stopped";
  }
  while (true) {
    m_plan = replan();
    prune_outcomes();
    const auto visited = engine::visited_steps(m_plan);
    std::optional<std::size_t> next;
    for (const auto index : visited) {
      const bool seen = std::any_of(m_outcomes.begin(), m_outcomes.end(),
                                    [&](const StepOutcome& o) { return o.step_index == index; });
      if (!seen) {
        next = index;
        break;
      }
    }
    if (!next) {
      m_prompter.say(
          "\n" + paint(tr("End of the playbook.", "剧本已走完。"), Colour::bold, colour) + "\n");
      return "completed";
    }
    m_prompter.say("\n" + step_heading(m_plan, *next, m_settings.lang, colour));
    const Command command = visit(*next);
    if (command == Command::back) {
      // Back from any prompt of this step goes to the step before it, whether or not
      // this one has an outcome yet (and whatever its answers turned off).
      if (!m_outcomes.empty() && m_outcomes.back().step_index == *next) {
        m_stepped_back[*next] = m_outcomes.back();
        m_outcomes.pop_back();
      }
      m_plan = replan();
      prune_outcomes();
      go_back();
    } else if (command == Command::quit) {
      m_prompter.say(paint(tr("Stopped.", "已停止。"), Colour::yellow, colour) + "\n");
      return "stopped";
    }
  }
}

WalkSession::Command WalkSession::visit(std::size_t step_index)
{
  const bool colour = m_settings.colour;
  const std::string id = m_plan.steps[step_index].step->id;
  if (m_settings.earlier) {
    if (const std::string earlier = m_settings.earlier(id); !earlier.empty()) {
      return visit_done(step_index, earlier);
    }
  }
  if (const Command command = ask_questions(step_index, true); command != Command::next) {
    return command;
  }
  m_plan = replan();
  if (!engine::is_visited(m_plan.steps[step_index])) {
    m_prompter.say(
        paint(tr("  With these answers this step does not apply.", "  按这些答案，这一步不适用。"),
              Colour::dim, colour) +
        "\n");
    m_outcomes.push_back({step_index, "skipped", {}});
    return Command::next;
  }
  const auto& step = m_plan.steps[step_index];
  m_prompter.say(step_details(step, m_settings.lang, colour, m_settings.dry_run, &m_cloud));
  if (m_settings.step_notice) {
    if (const auto notice = m_settings.step_notice(step.step->id); !notice.empty()) {
      m_prompter.say(paint("  " + notice, Colour::red, colour));
    }
  }
  if (!step.step->action && !step.step->shows.empty()) {
    // What the decision is about, from the alert (the caller's IP to judge, ...).
    m_prompter.say(read_summary(*step.step, alert::to_json(m_alert), m_settings.lang, colour));
  }
  if (engine::is_checklist(*step.step)) {
    return check_manual(step_index);
  }
  const bool mutating = is_mutating(step);
  const bool decision = !step.step->action; // a decision or a notice: its answers settle it
  if (m_settings.execute) {
    if (decision) {
      if (const Command command = ask_questions(step_index, false); command != Command::next) {
        return command;
      }
      m_plan = replan();
    }
    StepOutcome outcome;
    try {
      outcome = m_settings.execute(m_plan, step_index);
    } catch (const exec::StepLeft& left) {
      return left.back() ? Command::back : Command::quit;
    }
    m_outcomes.push_back(outcome);
    if (outcome.outcome == "rolled-back") {
      return Command::quit;
    }
    if (outcome.outcome == "failed" && mutating) {
      m_prompter.say(
          paint(tr("  The walk stops here: a change failed. Resume with dftriage run --case ",
                   "  流程在此停止：一项更改失败。之后可用 dftriage run --case ") +
                    m_settings.case_dir +
                    tr(", or undo the case's changes with dftriage undo.",
                       " 继续，或用 dftriage undo 撤销本案例的更改。"),
                Colour::red, colour) +
          "\n");
      return Command::quit;
    }
    // What a read or an inspection found; a change's answer (the resource as it now is)
    // is evidence, shown only where the playbook says what matters in it.
    const auto* action = m_plan.steps[step_index].action;
    if (!mutating || !m_plan.steps[step_index].step->shows.empty() ||
        (action != nullptr && action->reversibility == azure::Reversibility::inspection)) {
      show_result(step_index);
    }
    m_plan = replan();
    if (!decision) {
      if (const Command command = ask_questions(step_index, false); command != Command::next) {
        return command; // the step stays as it went; going back past it never reverts it
      }
      m_plan = replan();
    }
    return after_step(step_index);
  }
  // Dry run: questions about what the step showed come after it.
  if (const Command command = ask_questions(step_index, false); command != Command::next) {
    return command;
  }
  m_plan = replan();
  if (m_plan.steps[step_index].status == "refused") {
    m_outcomes.push_back({step_index, "refused", m_plan.steps[step_index].note});
    return after_step(step_index);
  }
  if (mutating) {
    return confirm_dry_run(step_index);
  }
  m_outcomes.push_back({step_index, "shown", {}});
  return after_step(step_index);
}

WalkSession::Command WalkSession::visit_done(std::size_t step_index, const std::string& earlier)
{
  const auto& step = m_plan.steps[step_index];
  m_prompter.say(
      paint(tr("  Already ", "  本案例中此前") + outcome_word(earlier, m_settings.lang) +
                tr(" in this case; it stays as it is", "，保持不变") +
                (is_mutating(step)
                     ? tr(" (to revert it: dftriage undo ", "（如需撤销：dftriage undo ") +
                           m_settings.case_dir + " --step " + step.step->id + tr(")", "）")
                     : "") +
                tr(".", "。"),
            Colour::green, m_settings.colour) +
      "\n");
  const auto before = m_stepped_back.find(step_index);
  m_outcomes.push_back(before != m_stepped_back.end() && before->second.outcome != "done-earlier"
                           ? before->second
                           : StepOutcome{step_index, "done-earlier", earlier});
  const auto* action = step.action;
  if (!is_mutating(step) || !step.step->shows.empty() ||
      (action != nullptr && action->reversibility == azure::Reversibility::inspection)) {
    show_result(step_index);
  }
  if (const Command command = ask_questions(step_index, false); command != Command::next) {
    return command;
  }
  m_plan = replan();
  return after_step(step_index);
}

void WalkSession::show_result(std::size_t step_index)
{
  const auto& step = *m_plan.steps[step_index].step;
  if (m_settings.results == nullptr || !m_settings.results->contains(step.id)) {
    return;
  }
  m_prompter.say(
      read_summary(step, (*m_settings.results)[step.id], m_settings.lang, m_settings.colour));
}

WalkSession::Command WalkSession::after_step(std::size_t step_index)
{
  const std::string& id = m_plan.steps[step_index].step->id;
  const bool has_result = m_settings.results != nullptr && m_settings.results->contains(id);
  const std::string keys =
      has_result ? tr("  Enter: next step · b: back · v: view the whole result · q: stop · ? > ",
                      "  回车：下一步 · b：返回 · v：查看完整结果 · q：停止 · ? > ")
                 : tr("  Enter: next step · b: back · q: stop · ? > ",
                      "  回车：下一步 · b：返回 · q：停止 · ? > ");
  while (true) {
    const auto line = m_prompter.ask(paint(keys, Colour::dim, m_settings.colour));
    if (!line || *line == "q") {
      return Command::quit;
    }
    if (line->empty()) {
      return Command::next;
    }
    if (*line == "b") {
      return Command::back;
    }
    if (*line == "v" && has_result) {
      m_prompter.say(full_result((*m_settings.results)[id]));
      continue;
    }
    if (*line == "?") {
      m_prompter.say(tr("    Enter: go on to the next step.\n"
                        "    b: go back one step; nothing is sent and nothing done is reverted.\n",
                        "    回车：进入下一步。\n"
                        "    b：返回上一步；不发送任何请求，也不撤销已做的事。\n") +
                     (has_result ? tr("    v: show everything this step read.\n",
                                      "    v：显示这一步读取到的全部内容。\n")
                                 : "") +
                     tr("    q: stop here; the case can be resumed later.\n",
                        "    q：在此停止；之后可以继续本案例。\n"));
      continue;
    }
    // Shown as typed (sanitized, not escaped to ASCII): a zh-CN responder typing 否 here
    // must see 否, not \u5426.
    std::size_t cut = 0;
    for (int n = 0; cut < line->size() && n < 40; ++n) {
      terminal::next_char(*line, cut); // whole characters only
    }
    const std::string typed = sanitize(line->substr(0, cut)) + (cut < line->size() ? "..." : "");
    m_prompter.say(tr("    Not a key here: \"" + typed + "\"", "    这里不能用“" + typed + "”") +
                   (has_result ? tr(" (Enter, b, v, q, ?).\n", "（可用：回车、b、v、q、?）。\n")
                               : tr(" (Enter, b, q, ?).\n", "（可用：回车、b、q、?）。\n")));
  }
}

WalkSession::Command WalkSession::ask_questions(std::size_t step_index, bool before)
{
  // Copies: every answer re-plans, which replaces the playbook the step points into.
  const playbook::Step step = *m_plan.steps[step_index].step;
  for (const auto& id : step.ask) {
    const auto* input = m_playbook.find_input(id);
    if (input == nullptr || engine::action_uses(step, id) != before) {
      continue;
    }
    if (const auto it = m_given.find(id); it != m_given.end()) {
      m_prompter.say("  " + sanitize(input->prompt.in(m_settings.lang)) + ": " +
                     shown(it->second, m_settings.lang) + tr(" (given)", "（已给定）") + "\n");
      continue;
    }
    const Command command = ask_one(*input);
    if (command != Command::next) {
      return command;
    }
  }
  return Command::next;
}

WalkSession::Command WalkSession::ask_one(const playbook::Input& input)
{
  // Candidates from a read are offered by number, in full (an ID to copy is never cut).
  const auto candidates = engine::candidates_of(
      input, m_settings.results != nullptr ? *m_settings.results : nlohmann::ordered_json());
  if (!candidates.empty()) {
    m_prompter.say(tr("    Candidates (type the number, or a value):\n",
                      "    候选项（输入编号，或直接输入值）：\n"));
    for (std::size_t i = 0; i < candidates.size() && i < 30; ++i) {
      std::string line =
          "    " + std::to_string(i + 1) + ") " + shown(candidates[i].value, m_settings.lang);
      for (std::size_t k = 0; k < candidates[i].labels.size(); ++k) {
        // Named by the path's last key: "scope: /subscriptions/…".
        std::string name = input.candidates->label[k];
        name = name.substr(
            name.find_last_of(".]") == std::string::npos ? 0 : name.find_last_of(".]") + 1);
        const auto& label = candidates[i].labels[k];
        line += "\n         " + sanitize(name.empty() ? input.candidates->label[k] : name) + ": " +
                sanitize(label.empty() ? tr("(none)", "（无）") : label);
      }
      m_prompter.say(line + "\n");
    }
  }
  while (true) {
    nlohmann::ordered_json current;
    std::string source = "none";
    for (const auto& a : m_plan.answers) {
      if (a.id == input.id) {
        current = a.value;
        source = a.source;
      }
    }
    std::string state;
    if (!current.is_null()) {
      state = tr(" (", "（") +
              (m_asked.count(input.id) > 0 ? tr("now", "当前") : tr("default", "默认")) +
              tr(": ", "：") + shown(current, m_settings.lang) + tr(")", "）");
    } else if (input.optional) {
      state = tr(" (optional: Enter leaves it empty)", "（可选：回车留空）");
    }
    const auto line = m_prompter.ask("  ? " + sanitize(input.prompt.in(m_settings.lang)) +
                                     hint(input, m_settings.lang) + state +
                                     tr(" · b · q · ? > ", " · b · q · ? > "));
    if (!line || *line == "q") {
      return Command::quit;
    }
    if (*line == "b") {
      return Command::back;
    }
    if (*line == "?") {
      const std::string help = sanitize(input.help.in(m_settings.lang));
      m_prompter.say(
          (help.empty() ? "" : wrap(help, text_width() - 2, "    ")) +
          tr("    Type the answer, or Enter to keep the one shown. b: back one step · q: stop.\n"
             "    To answer with the letter b, q or ?, type it after a backslash (\\b).\n",
             "    输入答案，或按回车保留显示的答案。b：返回上一步 · q：停止。\n"
             "    如果答案本身就是 b、q 或 ?，请在前面加反斜杠（\\b）。\n"));
      continue;
    }
    if (line->empty()) {
      if (current.is_null() && !input.optional) {
        m_prompter.say(tr("    This question needs an answer (? explains it).\n",
                          "    这个问题需要回答（? 查看说明）。\n"));
        continue;
      }
      return Command::next;
    }
    if (*line == "-" && input.optional) {
      m_asked.erase(input.id);
      m_plan = replan();
      if (m_settings.answered) {
        m_settings.answered(input.id, nullptr); // cleared: kept so in the case
      }
      return Command::next;
    }
    // A leading backslash lets "b", "q", "?" and "-" be typed as answers.
    const std::string value = (*line)[0] == '\\' ? line->substr(1) : *line;
    nlohmann::ordered_json meant = value;
    try {
      // A number picks a candidate; the case keeps the value, never the number.
      meant = engine::pick_candidate(input, value,
                                     m_settings.results != nullptr ? *m_settings.results
                                                                   : nlohmann::ordered_json());
    } catch (const UsageError& e) {
      m_prompter.say(paint(tr("    Not accepted: ", "    未接受：") + sanitize(e.what()),
                           Colour::red, m_settings.colour) +
                     "\n");
      continue;
    }
    const auto previous =
        m_asked.find(input.id) != m_asked.end() ? std::optional(m_asked[input.id]) : std::nullopt;
    m_asked[input.id] = meant;
    std::string problem;
    try {
      m_plan = replan();
      // Checked where it is typed: an answer a step's action would refuse is never kept.
      problem = answer_problem(m_plan, input.id, m_settings.subscriptions);
      if (!problem.empty() && m_settings.lang == playbook::Lang::zh_cn) {
        problem = refused_zh(
            playbook::Input{input.id, playbook::InputType::text, {}, {}, {}, {}, false, {}, {}},
            value, problem);
      }
    } catch (const UsageError& e) {
      problem =
          m_settings.lang == playbook::Lang::zh_cn ? refused_zh(input, value, e.what()) : e.what();
    }
    if (problem.empty()) {
      if (m_settings.answered) {
        for (const auto& a : m_plan.answers) {
          if (a.id == input.id) {
            m_settings.answered(a.id, a.value);
          }
        }
      }
      return Command::next;
    }
    m_prompter.say(
        paint(tr("    Not accepted: ", "    未接受：") + sanitize(problem), Colour::red,
              m_settings.colour) +
        tr("\n    Try again (? explains the question).\n", "\n    请重新输入（? 查看说明）。\n"));
    if (previous) {
      m_asked[input.id] = *previous;
    } else {
      m_asked.erase(input.id);
    }
    m_plan = replan();
  }
}

} // namespace dftriage::cli
