#include "walk_session.hpp"

#include "dftriage/engine/walk.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"

#include <algorithm>

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

std::string shown(const nlohmann::ordered_json& value)
{
  if (value.is_boolean()) {
    return value.get<bool>() ? "yes" : "no";
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
    }
    return out.empty() ? "none" : out;
  }
  return sanitize(value.is_string() ? value.get<std::string>() : value.dump());
}

std::string hint(const playbook::Input& input)
{
  switch (input.type) {
  case playbook::InputType::yes_no: return " [y/n]";
  case playbook::InputType::choice: {
    std::string out;
    for (const auto& c : input.choices) {
      out += (out.empty() ? "" : "/") + c;
    }
    return " [" + out + "]";
  }
  case playbook::InputType::cidr_list: return " [IPs or CIDR ranges, comma-separated]";
  case playbook::InputType::principal: return " [object ID]";
  case playbook::InputType::text: return "";
  }
  return "";
}

} // namespace

WalkSession::WalkSession(const alert::Alert& alert, const engine::MatchResult& match,
                         const playbook::Playbook& playbook, engine::Answers given, const azure::Cloud& cloud,
                         Prompter& prompter, WalkSettings settings)
  : m_alert(alert),
    m_match(match),
    m_playbook(playbook),
    m_given(std::move(given)),
    m_cloud(cloud),
    m_prompter(prompter),
    m_settings(settings)
{
}

engine::Plan WalkSession::replan()
{
  engine::Answers answers = m_given;
  for (const auto& [id, value] : m_asked) {
    answers[id] = value;
  }
  return engine::build_plan(m_alert, m_match, m_playbook, answers, m_cloud,
                            m_settings.results != nullptr ? *m_settings.results : nlohmann::ordered_json::object());
}

std::string WalkSession::run()
{
  const bool colour = m_settings.colour;
  m_plan = replan();
  m_prompter.say(paint(sanitize(m_alert.alert_type), Colour::bold, colour) + " on "
                 + sanitize(m_alert.resource_id.empty() ? "(no resource)" : m_alert.resource_id) + "\nPlaybook "
                 + m_match.playbook_id() + " (" + sanitize(m_match.reason) + ")"
                 + (m_settings.dry_run ? "; dry run: nothing is sent" : "") + "\n"
                 + paint("Keys: Enter accepts the default, ? explains a question, b goes back a step, q stops.",
                         Colour::dim, colour)
                 + "\n");
  if (m_plan.refused()) {
    for (const auto& m : m_plan.missing) {
      m_prompter.say(paint("refused: " + sanitize(m), Colour::red, colour) + "\n");
    }
    return "refused";
  }
  while (true) {
    m_plan = replan();
    std::optional<std::size_t> next;
    for (const auto index : engine::visited_steps(m_plan)) {
      const bool seen = std::any_of(m_outcomes.begin(), m_outcomes.end(),
                                    [&](const StepOutcome& o) { return o.step_index == index; });
      if (!seen) {
        next = index;
        break;
      }
    }
    if (!next) {
      m_prompter.say("\n" + paint("End of the playbook.", Colour::bold, colour) + "\n");
      return "completed";
    }
    m_prompter.say("\n" + step_heading(m_plan, *next, m_settings.lang, colour));
    Command command = ask_questions(*next, true);
    if (command == Command::next) {
      m_plan = replan();
      if (!engine::is_visited(m_plan.steps[*next])) {
        m_prompter.say(paint("  With these answers this step does not apply.", Colour::dim, colour) + "\n");
        m_outcomes.push_back({*next, "skipped", {}});
        continue;
      }
      command = finish_step(*next);
    }
    if (command == Command::back) {
      go_back();
    } else if (command == Command::quit) {
      m_prompter.say(paint("Stopped.", Colour::yellow, colour) + "\n");
      return "stopped";
    }
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
      m_prompter.say("  " + sanitize(input->prompt.in(m_settings.lang)) + ": " + shown(it->second) + " (given)\n");
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
      state = " (" + std::string(source == "default" ? "default" : "now") + ": " + shown(current) + ")";
    } else if (input.optional) {
      state = " (optional: Enter leaves it empty)";
    }
    const auto line = m_prompter.ask("  ? " + sanitize(input.prompt.in(m_settings.lang)) + hint(input) + state + " > ");
    if (!line || *line == "q") {
      return Command::quit;
    }
    if (*line == "b") {
      return Command::back;
    }
    if (*line == "?") {
      m_prompter.say("    " + sanitize(input.help.in(m_settings.lang)) + "\n");
      continue;
    }
    if (line->empty()) {
      if (current.is_null() && !input.optional) {
        m_prompter.say("    This question needs an answer (? explains it).\n");
        continue;
      }
      return Command::next;
    }
    if (*line == "-" && input.optional) {
      m_asked.erase(input.id);
      m_plan = replan();
      return Command::next;
    }
    // A leading backslash lets "b", "q", "?" and "-" be typed as answers.
    const std::string value = (*line)[0] == '\\' ? line->substr(1) : *line;
    const auto previous = m_asked.find(input.id) != m_asked.end() ? std::optional(m_asked[input.id]) : std::nullopt;
    m_asked[input.id] = value;
    try {
      m_plan = replan();
      if (m_settings.answered) {
        for (const auto& a : m_plan.answers) {
          if (a.id == input.id) {
            m_settings.answered(a.id, a.value);
          }
        }
      }
      return Command::next;
    } catch (const UsageError& e) {
      m_prompter.say("    " + sanitize(e.what()) + "\n");
      if (previous) {
        m_asked[input.id] = *previous;
      } else {
        m_asked.erase(input.id);
      }
    }
  }
}

WalkSession::Command WalkSession::finish_step(std::size_t step_index)
{
  const bool colour = m_settings.colour;
  m_prompter.say(step_details(m_plan.steps[step_index], m_settings.lang, colour, m_settings.dry_run));
  if (m_settings.execute) {
    // The executor reads, checks, asks for confirmation and a reason, and acts. The
    // questions about what the step found come after it, with defaults from its result.
    auto outcome = m_settings.execute(m_plan, step_index);
    m_outcomes.push_back(outcome);
    const bool mutating = is_mutating(m_plan.steps[step_index]);
    if (outcome.outcome == "failed" && mutating) {
      m_prompter.say(paint("  The walk stops here: a change failed (undo, or resume with --case later).", Colour::red,
                           colour)
                     + "\n");
      return Command::quit;
    }
    m_plan = replan();
    if (const Command command = ask_questions(step_index, false); command != Command::next) {
      return command;  // back: the step is shown again; a change made is found done earlier
    }
    m_plan = replan();
    if (!mutating) {
      const auto line = m_prompter.ask(paint("  Enter: next step, q: stop > ", Colour::dim, colour));
      if (!line || *line == "q") {
        return Command::quit;
      }
    }
    return Command::next;
  }
  // Questions about what the step showed come after it.
  if (const Command command = ask_questions(step_index, false); command != Command::next) {
    return command;
  }
  m_plan = replan();
  const auto& step = m_plan.steps[step_index];
  std::string outcome = step.status == "refused" ? "refused" : "done";
  if (step.status != "refused" && is_mutating(step)) {
    if (m_settings.yes) {
      m_prompter.say("  Confirmed by --yes.\n");
      m_outcomes.push_back({step_index, "confirmed", {}});
      return Command::next;
    }
    const std::string question = m_settings.dry_run ? "  Carry out this change? (dry run: nothing is sent) "
                                                    : "  Carry out this change? ";
    while (true) {
      const auto line = m_prompter.ask(question + "[y]es / [n]o, skip it / b / q > ");
      if (!line || *line == "q") {
        return Command::quit;
      }
      if (*line == "b") {
        return Command::back;
      }
      if (*line == "y" || *line == "yes") {
        outcome = "confirmed";
        break;
      }
      if (*line == "n" || *line == "no") {
        outcome = "declined";
        m_prompter.say(paint("  Declined: the change is not made.", Colour::yellow, colour) + "\n");
        break;
      }
      m_prompter.say("    Type y or n (b back, q stop).\n");
    }
  } else {
    const auto line = m_prompter.ask(paint("  Enter: next step, b: back, q: stop > ", Colour::dim, colour));
    if (!line || *line == "q") {
      return Command::quit;
    }
    if (*line == "b") {
      return Command::back;
    }
  }
  m_outcomes.push_back({step_index, outcome, {}});
  return Command::next;
}

void WalkSession::go_back()
{
  while (!m_outcomes.empty() && m_outcomes.back().outcome == "skipped") {
    m_outcomes.pop_back();
  }
  if (m_outcomes.empty()) {
    m_prompter.say("  This is the first step.\n");
    return;
  }
  m_outcomes.pop_back();
}

} // namespace dftriage::cli
