#include "dftriage/engine/plan.hpp"

#include "derived.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/ip.hpp"
#include "dftriage/util/json_error.hpp"
#include "dftriage/util/json_path.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <tuple>

namespace dftriage::engine {

namespace {

using json = nlohmann::ordered_json;
using playbook::Condition;
using playbook::Phase;

bool is_empty(const json& v)
{
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
         (v.is_array() && v.empty()) || (v.is_object() && v.empty());
}

// Everything a playbook can refer to: the alert's JSON form (an incident's alerts, one
// of them current), the answers and the results.
class Scope
{
public:
  Scope(std::vector<json> alerts, json answers, json results = json::object())
      : m_alerts(std::move(alerts))
      , m_answers(std::move(answers))
      , m_results(std::move(results))
  {
  }

  // Makes alert `index` the one {{alert...}} refers to.
  void use_alert(std::size_t index) { m_current = index < m_alerts.size() ? index : 0; }

  json lookup(const std::string& reference) const
  {
    if (reference.rfind("responder.", 0) == 0) {
      const auto path = json_path::parse(reference.substr(10));
      return path ? json_path::evaluate(m_responder, *path) : json(nullptr);
    }
    const bool is_alert = reference.rfind("alert.", 0) == 0;
    const bool is_result = reference.rfind("results.", 0) == 0;
    const auto path = json_path::parse(reference.substr(is_alert ? 6 : 8));
    if (!path) {
      return nullptr;
    }
    return json_path::evaluate(is_alert    ? m_alerts[m_current]
                               : is_result ? m_results
                                           : m_answers,
                               *path);
  }

  json value(const playbook::Value& v) const
  {
    if (!v.items.empty()) {
      json out = json::array();
      for (const auto& item : v.items) {
        json x = value(item);
        if (x.is_array()) {
          for (auto& e : x) {
            if (!is_empty(e)) {
              out.push_back(std::move(e));
            }
          }
        } else if (!is_empty(x)) {
          out.push_back(std::move(x));
        }
      }
      return out.empty() ? json(nullptr) : out;
    }
    return v.reference.empty() ? v.literal : lookup(v.reference);
  }
  json answer(const std::string& id) const
  {
    return m_answers.contains(id) ? m_answers.at(id) : json(nullptr);
  }
  json alert_field(const std::string& path) const { return lookup("alert." + path); }
  void set_answers(json answers) { m_answers = std::move(answers); }
  void set_responder(json responder) { m_responder = std::move(responder); }

private:
  std::vector<json> m_alerts;
  std::size_t m_current = 0;
  json m_answers;
  json m_results; // what read-only steps answered, by step ID (empty when planning offline)
  json m_responder = json::object(); // what is known of the person responding (responder_of)
};

bool holds(const Condition& c, const Scope& scope)
{
  switch (c.kind) {
  case Condition::Kind::all:
    for (const auto& sub : c.children) {
      if (!holds(sub, scope)) {
        return false;
      }
    }
    return true;
  case Condition::Kind::any:
    for (const auto& sub : c.children) {
      if (holds(sub, scope)) {
        return true;
      }
    }
    return false;
  case Condition::Kind::negate:
    return !holds(c.children.at(0), scope);
  case Condition::Kind::answer_equals:
    return scope.answer(c.subject) == c.operand;
  case Condition::Kind::answer_in: {
    const json a = scope.answer(c.subject);
    for (const auto& option : c.operand) {
      if (a == option) {
        return true;
      }
    }
    return false;
  }
  case Condition::Kind::alert_exists:
    return !is_empty(scope.alert_field(c.subject)) == c.operand.get<bool>();
  case Condition::Kind::alert_equals:
    return scope.alert_field(c.subject) == c.operand;
  case Condition::Kind::alert_matches: {
    const json v = scope.alert_field(c.subject);
    return v.is_string() &&
           playbook::glob_match(c.operand.get<std::string>(), v.get<std::string>());
  }
  }
  return false;
}

// Returns `value` quoted for a message: a string as itself, anything else as JSON.
std::string shown(const json& value)
{
  return text::quote(value.is_string() ? value.get<std::string>() : value.dump());
}

// An address, or an address with a prefix length that fits its family (/0-32, /0-128).

// Coerces an answer to its input's type; throws UsageError saying what was expected.
json coerce(const playbook::Input& input, const json& value)
{
  const std::string what = "answer " + input.id + ": ";
  switch (input.type) {
  case playbook::InputType::yes_no:
    if (value.is_boolean()) {
      return value;
    }
    if (value.is_string()) {
      // English and Chinese words for yes and no (the walk speaks both).
      const std::string s = text::to_lower(text::trim(value.get<std::string>()));
      if (s == "yes" || s == "y" || s == "true" || s == "是" || s == "是的" || s == "对") {
        return true;
      }
      if (s == "no" || s == "n" || s == "false" || s == "否" || s == "不" || s == "不是") {
        return false;
      }
    }
    throw UsageError(what + "expected yes or no (是 or 否), got " + shown(value));
  case playbook::InputType::choice: {
    if (value.is_string()) {
      for (const auto& c : input.choices) {
        if (text::iequals(c, text::trim(value.get<std::string>()))) {
          return c; // as the playbook spells it
        }
      }
      for (const auto& [alias, meant] : input.aliases) {
        if (text::iequals(alias, text::trim(value.get<std::string>()))) {
          return meant;
        }
      }
    }
    std::string expected;
    for (const auto& c : input.choices) {
      expected += (expected.empty() ? "" : ", ") + c;
    }
    throw UsageError(what + "expected one of " + expected + ", got " + shown(value));
  }
  case playbook::InputType::list:
  case playbook::InputType::cidr_list: {
    json list = json::array();
    if (value.is_array()) {
      list = value;
    } else if (value.is_string()) {
      std::string_view rest = value.get_ref<const std::string&>();
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const auto item = text::trim(rest.substr(0, comma));
        if (!item.empty()) {
          list.push_back(std::string(item));
        }
        if (comma == std::string_view::npos) {
          break;
        }
        rest.remove_prefix(comma + 1);
      }
    } else {
      throw UsageError(what +
                       (input.type == playbook::InputType::list
                            ? "expected a list of values, got "
                            : "expected a list of IP addresses or CIDR ranges, got ") +
                       shown(value));
    }
    if (input.type == playbook::InputType::list) {
      // Each item is checked by the action that takes it (a subnet ID, a disk ID).
      for (const auto& item : list) {
        if (!item.is_string()) {
          throw UsageError(what + "expected a list of values separated by commas, got " +
                           shown(item));
        }
      }
      return list;
    }
    for (const auto& item : list) {
      if (!item.is_string() || !derived::is_ip_or_cidr(item.get<std::string>())) {
        throw UsageError(
            what + shown(item) +
            " is not an IP address or CIDR range (e.g. 203.0.113.7 or 203.0.113.0/24)");
      }
    }
    return list;
  }
  case playbook::InputType::principal: {
    // An object ID, or a user principal name (Graph takes either for a user).
    const std::string s =
        value.is_string() ? std::string(text::trim(value.get<std::string>())) : std::string();
    const auto at = s.find('@');
    const bool upn =
        at != std::string::npos && at > 0 && at + 1 < s.size() &&
        s.find('@', at + 1) == std::string::npos && std::none_of(s.begin(), s.end(), [](char c) {
          return static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '?' || c == '#';
        });
    if (text::is_guid(s) || upn) {
      return s;
    }
    throw UsageError(
        what +
        "expected an object ID (a GUID such as 00000000-0000-0000-0000-000000000000) or a user "
        "principal name (name@domain), got " +
        shown(value));
  }
  case playbook::InputType::text:
    if (value.is_string()) {
      return value;
    }
    throw UsageError(what + "expected text, got " + shown(value));
  }
  return value;
}

void check_requirements(const playbook::Playbook& p, const Scope& scope,
                        std::vector<std::string>& missing)
{
  for (const auto& r : p.requires) {
    const json v = scope.alert_field(r.field);
    std::string problem;
    if (is_empty(v)) {
      problem = "the alert has no " + r.field;
    } else if (!r.resource_type.empty()) {
      const auto id = v.is_string() ? alert::parse_resource_id(v.get<std::string>()) : std::nullopt;
      if (!id || !playbook::glob_match(r.resource_type, id->type())) {
        problem = r.field + " is not a " + r.resource_type + " resource (got " + shown(v) + ")";
      }
    }
    if (!problem.empty()) {
      missing.push_back(problem + (r.message.en.empty() ? "" : ": " + r.message.en));
    }
  }
}

void resolve_action(PlannedStep& planned, const Scope& scope, const azure::Cloud& cloud)
{
  const auto& call = *planned.step->action;
  planned.action = azure::find_action(call.name);
  if (planned.action == nullptr) {
    planned.status = "refused";
    planned.note = "unknown action " + call.name;
    return;
  }
  json params = json::object();
  for (const auto& [name, value] : call.params) {
    json v = scope.value(value);
    if (!v.is_null()) {
      params[name] = std::move(v);
    }
  }
  planned.params = params;
  try {
    const auto args = azure::check_args(*planned.action, params);
    planned.requests = planned.action->build(args, cloud);
    if (planned.action->caution) {
      std::tie(planned.caution, planned.caution_zh) = planned.action->caution(args);
    }
  } catch (const azure::ActionError& e) {
    planned.status = "refused";
    planned.note = e.what();
  }
}

bool is_goto_target(const std::string& target, Phase phase, const playbook::Step& step)
{
  const std::string name(playbook::to_string(phase));
  return target == name || target == name + "/" + step.id;
}

// Returns the questions asked at `step` for its action that need an answer and have
// none, comma-separated.
std::string unanswered_here(const Plan& plan, const playbook::Step& step)
{
  std::string out;
  for (const auto& id : step.ask) {
    const auto* input = plan.playbook.find_input(id);
    if (input == nullptr || input->optional || !action_uses(step, id)) {
      continue;
    }
    for (const auto& a : plan.answers) {
      if (a.id == id && a.value.is_null()) {
        out += (out.empty() ? "" : ", ") + id;
      }
    }
  }
  return out;
}

} // namespace

Answers parse_answers(std::string_view text, std::string_view source)
{
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception&) {
    Diagnostic problem = json_error_diagnostic(text, source);
    problem.message += "; answers must be a JSON object of question id to answer";
    throw InputError(problem.to_string());
  }
  if (!doc.is_object()) {
    throw InputError(std::string(source) +
                     ": answers must be a JSON object of question id to answer");
  }
  Answers answers;
  for (const auto& [key, value] : doc.items()) {
    answers[key] = value;
  }
  return answers;
}

void add_answer(Answers& answers, std::string_view assignment)
{
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError("--set expects KEY=VALUE, got " + text::quote(assignment));
  }
  const std::string value(assignment.substr(eq + 1));
  json parsed = json::parse(value, nullptr, false);
  answers[std::string(assignment.substr(0, eq))] = parsed.is_discarded() ? json(value) : parsed;
}

Plan build_plan(const alert::Alert& a, const MatchResult& match, const playbook::Playbook& p,
                const Answers& given, const azure::Cloud& cloud,
                const nlohmann::ordered_json& results)
{
  return build_incident_plan({&a}, "", match, p, given, cloud, results);
}

Plan build_incident_plan(const std::vector<const alert::Alert*>& alerts,
                         const std::string& incident_id, const MatchResult& match,
                         const playbook::Playbook& p, const Answers& given,
                         const azure::Cloud& cloud, const nlohmann::ordered_json& results)
{
  if (alerts.empty() || alerts.front() == nullptr) {
    throw std::invalid_argument("build_incident_plan: no alert");
  }
  Plan plan;
  plan.alert = alerts.front();
  plan.match = match;
  std::vector<json> forms;
  for (const auto* a : alerts) {
    json form = alert::to_json(*a);
    // What dftriage names and reviews is the incident's: the first alert's names (one
    // isolation NSG, one set of snapshots) and review window (it is the oldest, so its
    // window spans the incident).
    form["names"] = forms.empty() ? derived::names(*a) : forms.front()["names"];
    form["review"] = forms.empty() ? derived::review_window(*a) : forms.front()["review"];
    forms.push_back(std::move(form));
  }
  // The first alert's entities are the incident's: every alert's callers, hosts and
  // domains, so that a step reading them all (the firewall's blocked addresses) acts on
  // all of them at once.
  for (std::size_t k = 1; k < forms.size(); ++k) {
    for (const auto& [kind, list] : forms[k]["entities"].items()) {
      auto& into = forms.front()["entities"][kind];
      for (const auto& item : list) {
        if (!into.is_array()) {
          into = json::array();
        }
        if (std::find(into.begin(), into.end(), item) == into.end()) {
          into.push_back(item);
        }
      }
    }
  }
  if (alerts.size() > 1) {
    plan.incident = alerts;
    plan.incident_id = incident_id;
    plan.playbook = incident_playbook(p, forms);
  } else {
    plan.playbook = p;
  }
  Scope scope(std::move(forms), json::object(), results.is_object() ? results : json::object());
  scope.set_responder(derived::responder(cloud));
  for (const auto& [id, value] : given) {
    if (plan.playbook.find_input(id) == nullptr) {
      throw UsageError("answer " + text::quote(id) + " is not a question of playbook " + p.id);
    }
  }
  json answers = json::object();
  for (const auto& input : plan.playbook.inputs) {
    PlannedAnswer answer{input.id, nullptr, "none"};
    if (const auto it = given.find(input.id); it != given.end()) {
      answer.value = coerce(input, it->second);
      answer.source = "given";
    } else if (input.default_value) {
      json v = scope.value(*input.default_value);
      if (!v.is_null()) {
        // A default taken from the alert or a read is data, not a person's answer: one
        // that does not fit the question leaves it to be asked.
        try {
          answer.value = coerce(input, v);
          answer.source =
              input.default_value->reference.rfind("results.", 0) == 0 ? "read" : "default";
        } catch (const UsageError&) {
          answer.value = nullptr;
        }
      }
    }
    answers[input.id] = answer.value;
    plan.answers.push_back(std::move(answer));
  }
  scope.set_answers(answers);
  check_requirements(plan.playbook, scope, plan.missing);

  std::string skip_to;
  std::string skip_from;
  bool stopped = false;
  // A goto or stop of a step an incident repeats for other alerts takes effect after its
  // last copy: `lead` is the copy for the first alert, `pending` what it (or a copy)
  // set.
  const playbook::Step* lead = nullptr;
  struct Pending
  {
    std::string go_to;
    bool stop = false;
    std::string from;
  } pending;
  const auto settle = [&] {
    if (pending.stop) {
      stopped = true;
      skip_from = pending.from;
    } else if (!pending.go_to.empty()) {
      skip_to = pending.go_to;
      skip_from = pending.from;
    }
    pending = {};
  };
  for (const Phase phase : playbook::k_phases) {
    for (const auto& step : plan.playbook.steps(phase)) {
      if (step.alert == 0) {
        settle();
        lead = &step;
      }
      scope.use_alert(step.alert);
      PlannedStep planned;
      planned.phase = phase;
      planned.step = &step;
      if (plan.refused()) {
        planned.status = "not-reached";
        planned.note = "the alert does not meet the playbook's requirements";
      } else if (stopped) {
        planned.status = "not-reached";
        planned.note = "the walk stopped at step " + skip_from;
      } else if (!skip_to.empty() && !is_goto_target(skip_to, phase, step)) {
        planned.status = "skipped";
        planned.note = "step " + skip_from + " goes to " + skip_to;
      } else {
        skip_to.clear(); // reached the goto target, if there was one
        if (step.when && !holds(*step.when, scope)) {
          planned.status = "skipped";
          planned.note = "its condition does not hold";
        } else {
          planned.status = "planned";
          // A copy asks nothing: its questions were asked at the first alert's.
          const std::string unanswered =
              unanswered_here(plan, step.alert == 0 || lead == nullptr ? step : *lead);
          if (!unanswered.empty() && step.action) {
            // Not refused: the step is fine, a person has yet to answer.
            planned.status = "needs-answer";
            planned.note = "needs an answer to " + unanswered;
          } else if (step.action) {
            resolve_action(planned, scope, cloud);
          }
          if (!step.go_to.empty() && !pending.stop) {
            pending.go_to = step.go_to;
            pending.from = step.id;
          }
          if (step.stop) {
            pending.stop = true;
            pending.from = step.id;
          }
        }
      }
      plan.steps.push_back(std::move(planned));
    }
  }
  settle();
  return plan;
}

} // namespace dftriage::engine
