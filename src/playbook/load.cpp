#include "dftriage/playbook/playbook.hpp"
#include "dftriage/util/json_error.hpp"
#include "dftriage/util/text.hpp"
#include "reader.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace dftriage::playbook {

namespace {

using detail::child;

bool valid_id(std::string_view id)
{
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// The second stage: every name a playbook uses must exist, and every goto go forward
// (so that a walk always ends).
class Resolver
{
public:
  Resolver(const Playbook& playbook, const ActionDirectory& actions, detail::Reader& reader)
      : m_playbook(playbook)
      , m_actions(actions)
      , m_reader(reader)
  {
  }

  void run()
  {
    if (!valid_id(m_playbook.id)) {
      m_reader.error("/id", "a playbook id is lower-case letters, digits, '-', '_' or '.', got " +
                                text::quote(m_playbook.id));
    }
    std::set<std::string> inputs;
    for (std::size_t i = 0; i < m_playbook.inputs.size(); ++i) {
      const auto& id = m_playbook.inputs[i].id;
      if (!inputs.insert(id).second) {
        m_reader.error(child(child("/inputs", i), "id"), "duplicate input id " + text::quote(id));
      }
      m_input_ids.push_back(id);
    }
    collect_steps();
    for (const Phase phase : k_phases) {
      const auto& steps = m_playbook.steps(phase);
      for (std::size_t i = 0; i < steps.size(); ++i) {
        check_step(phase, i, child(child("/phases", to_string(phase)), i));
      }
    }
  }

private:
  void collect_steps()
  {
    std::size_t order = 0;
    for (const Phase phase : k_phases) {
      const auto& steps = m_playbook.steps(phase);
      m_phase_order[std::string(to_string(phase))] = order;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        const std::string key = std::string(to_string(phase)) + "/" + steps[i].id;
        if (!valid_id(steps[i].id)) {
          m_reader.error(child(child(child("/phases", to_string(phase)), i), "id"),
                         "a step id is lower-case letters, digits, '-', '_' or '.', got " +
                             text::quote(steps[i].id));
        }
        if (m_step_order.count(steps[i].id) != 0) {
          m_reader.error(child(child(child("/phases", to_string(phase)), i), "id"),
                         "duplicate step id " + text::quote(steps[i].id));
        }
        m_step_order[steps[i].id] = order;
        m_step_names.push_back(key);
        ++order;
      }
    }
  }

  void check_input(const std::string& id, const std::string& ptr)
  {
    if (std::find(m_input_ids.begin(), m_input_ids.end(), id) == m_input_ids.end()) {
      m_reader.error(ptr, "unknown input " + text::quote(id) + text::did_you_mean(id, m_input_ids));
    }
  }

  void check_condition(const Condition& c, const std::string& ptr)
  {
    if (c.kind == Condition::Kind::answer_equals || c.kind == Condition::Kind::answer_in) {
      check_input(c.subject, child(ptr, "answer"));
    }
    for (const auto& sub : c.children) {
      check_condition(sub, ptr);
    }
  }

  void check_value(const Value& v, const std::string& ptr)
  {
    for (const auto& r : v.references()) {
      if (r.rfind("answers.", 0) == 0) {
        std::string id = r.substr(8);
        id = id.substr(0, id.find_first_of(".["));
        check_input(id, ptr);
      }
    }
  }

  // Returns what the directory knows of the step's action, or nullopt (reported) when
  // the action is unknown.
  std::optional<ActionInfo> check_action(const ActionCall& call, const std::string& ptr)
  {
    auto info = m_actions.find ? m_actions.find(call.name) : std::nullopt;
    if (!info) {
      m_reader.error(child(ptr, "name"), "unknown action " + text::quote(call.name) +
                                             text::did_you_mean(call.name, m_actions.names));
      return std::nullopt;
    }
    for (const auto& [name, value] : call.params) {
      const std::string at = child(child(ptr, "params"), name);
      if (std::find(info->params.begin(), info->params.end(), name) == info->params.end()) {
        m_reader.error(at, "unknown parameter " + text::quote(name) + " of action " + call.name +
                               text::did_you_mean(name, info->params));
      }
      check_value(value, at);
    }
    for (const auto& required : info->required) {
      const bool given = std::any_of(call.params.begin(), call.params.end(),
                                     [&](const auto& p) { return p.first == required; });
      if (!given) {
        m_reader.error(child(ptr, "params"),
                       "action " + call.name + " needs parameter \"" + required + "\"");
      }
    }
    return info;
  }

  void check_step(Phase phase, std::size_t index, const std::string& ptr)
  {
    const Step& step = m_playbook.steps(phase)[index];
    if (step.when) {
      check_condition(*step.when, child(ptr, "when"));
    }
    for (std::size_t i = 0; i < step.ask.size(); ++i) {
      check_input(step.ask[i], child(child(ptr, "ask"), i));
    }
    const auto info = step.action ? check_action(*step.action, child(ptr, "action")) : std::nullopt;
    // Without an action, "shows" shows the alert (what a decision is about).
    if (!step.action) {
      for (std::size_t i = 0; i < step.shows.size(); ++i) {
        const auto& show = step.shows[i];
        static constexpr const char* k_key[] = {"path", "list", "table", "lines"};
        if (!detail::valid_alert_path(show.path)) {
          m_reader.error(child(child(child(ptr, "shows"), i), k_key[static_cast<int>(show.kind)]),
                         "a step without an action shows the alert: unknown alert field " +
                             text::quote(show.path));
        }
      }
    } else if (!step.shows.empty() && info && info->changes) {
      m_reader.error(child(ptr, "shows"), "\"shows\" goes with an action that reads; " +
                                              step.action->name + " changes something");
    }
    if (!step.go_to.empty()) {
      check_goto(step, child(ptr, "goto"));
    }
  }

  void check_goto(const Step& step, const std::string& ptr)
  {
    const std::size_t here = m_step_order.at(step.id);
    const std::size_t slash = step.go_to.find('/');
    const std::string phase = step.go_to.substr(0, slash);
    std::size_t target = 0;
    if (slash == std::string::npos) {
      const auto it = m_phase_order.find(phase);
      if (it == m_phase_order.end()) {
        m_reader.error(ptr,
                       "unknown goto target " + text::quote(step.go_to) +
                           "; expected a phase (contact, mitigate, assess, act) or phase/step");
        return;
      }
      target = it->second;
    } else {
      const auto it = m_step_order.find(step.go_to.substr(slash + 1));
      if (std::find(m_step_names.begin(), m_step_names.end(), step.go_to) == m_step_names.end() ||
          it == m_step_order.end()) {
        m_reader.error(ptr, "unknown goto target " + text::quote(step.go_to) +
                                text::did_you_mean(step.go_to, m_step_names));
        return;
      }
      target = it->second;
    }
    if (target <= here) {
      m_reader.error(ptr, "goto must go forward (a later step or phase), got " +
                              text::quote(step.go_to));
    }
  }

  const Playbook& m_playbook;
  const ActionDirectory& m_actions;
  detail::Reader& m_reader;
  std::vector<std::string> m_input_ids;
  std::map<std::string, std::size_t> m_phase_order; // index of each phase's first step
  std::map<std::string, std::size_t> m_step_order;
  std::vector<std::string> m_step_names; // "phase/step"
};

} // namespace

std::optional<Lang> lang_from_string(std::string_view name)
{
  if (name == "en") {
    return Lang::en;
  }
  if (text::iequals(name, "zh-CN") || text::iequals(name, "zh")) {
    return Lang::zh_cn;
  }
  return std::nullopt;
}

std::string_view to_string(Phase phase)
{
  switch (phase) {
  case Phase::contact:
    return "contact";
  case Phase::mitigate:
    return "mitigate";
  case Phase::assess:
    return "assess";
  case Phase::act:
    break;
  }
  return "act";
}

std::optional<Phase> phase_from_string(std::string_view name)
{
  for (const Phase phase : k_phases) {
    if (name == to_string(phase)) {
      return phase;
    }
  }
  return std::nullopt;
}

std::string_view to_string(InputType type)
{
  switch (type) {
  case InputType::yes_no:
    return "yes-no";
  case InputType::choice:
    return "choice";
  case InputType::text:
    return "text";
  case InputType::cidr_list:
    return "cidr-list";
  case InputType::list:
    return "list";
  case InputType::principal:
    break;
  }
  return "principal";
}

const Input* Playbook::find_input(std::string_view input_id) const
{
  for (const auto& input : inputs) {
    if (input.id == input_id) {
      return &input;
    }
  }
  return nullptr;
}

bool glob_match(std::string_view pattern, std::string_view name)
{
  // Iterative matcher with one backtrack point for the last '*'.
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || text::iequals(pattern.substr(p, 1), name.substr(n, 1)))) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

LoadResult load_playbook(std::string_view text, std::string_view source,
                         const ActionDirectory& actions)
{
  LoadResult result;
  nlohmann::ordered_json doc;
  std::vector<std::string> duplicates;
  try {
    doc = detail::parse_json(text, duplicates);
  } catch (const nlohmann::json::exception&) {
    result.issues.push_back(json_error_diagnostic(text, source));
    return result;
  }
  Playbook playbook;
  playbook.source = std::string(source);
  detail::Reader reader(source, result.issues);
  reader.read(doc, playbook);
  for (const auto& pointer : duplicates) {
    reader.warning(pointer, "key given twice; the last value is used");
  }
  Resolver(playbook, actions, reader).run();
  const bool failed = std::any_of(result.issues.begin(), result.issues.end(),
                                  [](const Diagnostic& d) { return d.is_error(); });
  if (!failed) {
    result.playbook = std::move(playbook);
  }
  return result;
}

} // namespace dftriage::playbook
