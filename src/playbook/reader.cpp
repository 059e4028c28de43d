#include "reader.hpp"

#include "dftriage/util/json_path.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::playbook::detail {

namespace {

using json = nlohmann::ordered_json;

constexpr int k_max_condition_depth = 8;

const std::vector<std::string> k_top_keys = {"$schema",      "id",          "title",    "version",
                                             "lastReviewed", "match",       "requires", "inputs",
                                             "phases",       "description", "incident"};
const std::vector<std::string> k_step_keys = {"id",     "title", "guidance", "when",       "ask",
                                              "action", "goto",  "stop",     "stopReason", "shows"};
// The kinds of show, by the key that names their path, in the order of Show::Kind.
const std::vector<std::string> k_input_keys = {
    "id", "type", "choices", "aliases", "candidates", "default", "optional", "prompt", "help"};
const std::vector<std::string> k_condition_keys = {"all",    "any", "not",    "answer", "alert",
                                                   "equals", "in",  "exists", "matches"};

// Alert fields a playbook may name: the normalised alert of README "The normalised alert".
const std::vector<std::string> k_alert_fields = {"id",
                                                 "alertType",
                                                 "baseAlertType",
                                                 "simulated",
                                                 "displayName",
                                                 "description",
                                                 "severity",
                                                 "status",
                                                 "startTime",
                                                 "endTime",
                                                 "family",
                                                 "resourceId",
                                                 "subscriptionId",
                                                 "resourceGroup",
                                                 "compromisedEntity",
                                                 "intent",
                                                 "productComponent",
                                                 "entities",
                                                 "extendedProperties",
                                                 "remediationSteps",
                                                 "alertUri",
                                                 "alertResourceId",
                                                 "alertLocation",
                                                 "warnings",
                                                 "source",
                                                 "names",
                                                 "review"};
const std::vector<std::string> k_entity_lists = {"ips", "accounts", "hosts", "resources",
                                                 "domains"};

} // namespace

std::string type_name(const json& j)
{
  return j.is_object()    ? "an object"
         : j.is_array()   ? "an array"
         : j.is_string()  ? "a string"
         : j.is_boolean() ? "a boolean"
         : j.is_number()  ? "a number"
                          : "null";
}

std::string child(const std::string& base, std::string_view token)
{
  std::string out = base + "/";
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string child(const std::string& base, std::size_t index)
{
  return base + "/" + std::to_string(index);
}

bool valid_alert_path(std::string_view path)
{
  const auto tokens = json_path::parse(path);
  if (!tokens || tokens->front().kind != json_path::Token::Kind::key) {
    return false;
  }
  const std::string& first = tokens->front().key;
  if (std::find(k_alert_fields.begin(), k_alert_fields.end(), first) == k_alert_fields.end()) {
    return false;
  }
  if (first == "entities" && tokens->size() > 1) {
    const auto& second = (*tokens)[1];
    return second.kind == json_path::Token::Kind::key &&
           std::find(k_entity_lists.begin(), k_entity_lists.end(), second.key) !=
               k_entity_lists.end();
  }
  return true;
}

nlohmann::ordered_json parse_json(std::string_view text, std::vector<std::string>& duplicates)
{
  struct Frame
  {
    std::string pointer;
    bool array = false;
    std::size_t next_index = 0;
    std::vector<std::string> keys;
    std::string key;
  };
  std::vector<Frame> stack;
  auto child_pointer = [&]() {
    if (stack.empty()) {
      return std::string();
    }
    const Frame& f = stack.back();
    return f.array ? child(f.pointer, f.next_index) : child(f.pointer, f.key);
  };
  auto element_done = [&]() {
    if (!stack.empty() && stack.back().array) {
      ++stack.back().next_index;
    }
  };
  using event = nlohmann::ordered_json::parse_event_t;
  return json::parse(text, [&](int, event e, json& parsed) {
    switch (e) {
    case event::object_start:
    case event::array_start:
      stack.push_back(Frame{child_pointer(), e == event::array_start, 0, {}, {}});
      break;
    case event::key: {
      Frame& f = stack.back();
      f.key = parsed.get<std::string>();
      if (std::find(f.keys.begin(), f.keys.end(), f.key) != f.keys.end()) {
        duplicates.push_back(child(f.pointer, f.key));
      } else {
        f.keys.push_back(f.key);
      }
      break;
    }
    case event::object_end:
    case event::array_end:
      stack.pop_back();
      element_done();
      break;
    case event::value:
      element_done();
      break;
    }
    return true;
  });
}

void Reader::error(const std::string& pointer, std::string message)
{
  m_issues.push_back(
      Diagnostic::at_pointer(Diagnostic::Level::error, m_source, pointer, std::move(message)));
}

void Reader::warning(const std::string& pointer, std::string message)
{
  m_issues.push_back(
      Diagnostic::at_pointer(Diagnostic::Level::warning, m_source, pointer, std::move(message)));
}

bool Reader::check_object(const json& j, const std::string& ptr,
                          const std::vector<std::string>& allowed,
                          const std::vector<std::string>& required)
{
  if (!j.is_object()) {
    error(ptr.empty() ? "/" : ptr, "expected an object, got " + type_name(j));
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(child(ptr, key), "unknown key " + text::quote(key) + text::did_you_mean(key, allowed));
    }
  }
  for (const auto& key : required) {
    if (!j.contains(key)) {
      error(ptr.empty() ? "/" : ptr, "missing required key \"" + key + "\"");
    }
  }
  return true;
}

std::string Reader::string_at(const json& j, const std::string& key, const std::string& ptr)
{
  const auto it = j.find(key);
  if (it == j.end()) {
    return {};
  }
  if (!it->is_string()) {
    error(child(ptr, key), "expected a string, got " + type_name(*it));
    return {};
  }
  return it->get<std::string>();
}

Text Reader::text_at(const json& j, const std::string& key, const std::string& ptr, bool required)
{
  Text out;
  const auto it = j.find(key);
  if (it == j.end()) {
    if (required) {
      error(ptr, "missing required key \"" + key + "\"");
    }
    return out;
  }
  const std::string at = child(ptr, key);
  if (it->is_string()) {
    out.en = it->get<std::string>();
    return out;
  }
  if (!check_object(*it, at, {"en", "zh-CN"}, {"en"})) {
    return out;
  }
  out.en = string_at(*it, "en", at);
  out.zh_cn = string_at(*it, "zh-CN", at);
  return out;
}

std::vector<std::string> Reader::strings_at(const json& j, const std::string& key,
                                            const std::string& ptr)
{
  std::vector<std::string> out;
  const auto it = j.find(key);
  if (it == j.end()) {
    return out;
  }
  const std::string at = child(ptr, key);
  if (!it->is_array()) {
    error(at, "expected an array of strings, got " + type_name(*it));
    return out;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      error(child(at, i), "expected a string, got " + type_name((*it)[i]));
      continue;
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

Value Reader::value(const json& j, const std::string& ptr)
{
  Value out;
  if (j.is_array()) {
    bool any_reference = false;
    for (const auto& item : j) {
      any_reference =
          any_reference ||
          (item.is_string() && item.get_ref<const std::string&>().find("{{") != std::string::npos);
    }
    if (any_reference) {
      for (std::size_t i = 0; i < j.size(); ++i) {
        if (j[i].is_structured()) {
          error(child(ptr, std::to_string(i)),
                "a list with references holds plain values and references only");
          continue;
        }
        out.items.push_back(value(j[i], child(ptr, std::to_string(i))));
      }
      return out;
    }
  }
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    const std::size_t open = s.find("{{");
    if (open != std::string::npos) {
      const std::string_view inner = text::trim(std::string_view(s).substr(open + 2));
      if (open != 0 || s.size() < 4 || s.compare(s.size() - 2, 2, "}}") != 0 ||
          s.find("{{", open + 2) != std::string::npos) {
        error(ptr, "a reference must be the whole value, as in \"{{alert.resourceId}}\"; "
                   "references are never spliced into text");
        return out;
      }
      std::string expr(text::trim(inner.substr(0, inner.size() - 2)));
      if (expr.rfind("alert.", 0) == 0) {
        if (!valid_alert_path(expr.substr(6))) {
          error(ptr, "unknown alert field in " + text::quote(expr));
          return out;
        }
      } else if (expr.rfind("results.", 0) == 0) {
        if (!json_path::parse(expr.substr(8))) {
          error(ptr,
                "a results reference reads {{results.<step id>.<path>}}, got " + text::quote(expr));
          return out;
        }
      } else if (expr == "responder.addresses") {
        // what is known of the responder (engine/plan.cpp, responder_of)
      } else if (expr.rfind("answers.", 0) != 0 || !json_path::parse(expr.substr(8))) {
        error(ptr, "a reference starts with \"alert.\", \"answers.\" or \"results.\" (or is "
                   "\"responder.addresses\"), got " +
                       text::quote(expr));
        return out;
      }
      out.reference = std::move(expr);
      return out;
    }
  }
  out.literal = j;
  return out;
}

Condition Reader::condition(const json& j, const std::string& ptr, int depth)
{
  Condition out;
  if (depth > k_max_condition_depth) {
    error(ptr, "conditions nest too deeply");
    return out;
  }
  if (!check_object(j, ptr, k_condition_keys, {})) {
    return out;
  }
  auto children = [&](const std::string& key, Condition::Kind kind) {
    out.kind = kind;
    const auto& list = j.at(key);
    if (!list.is_array() || list.empty()) {
      error(child(ptr, key), "expected a non-empty array of conditions");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      out.children.push_back(condition(list[i], child(child(ptr, key), i), depth + 1));
    }
  };
  if (j.contains("all")) {
    children("all", Condition::Kind::all);
  } else if (j.contains("any")) {
    children("any", Condition::Kind::any);
  } else if (j.contains("not")) {
    out.kind = Condition::Kind::negate;
    out.children.push_back(condition(j.at("not"), child(ptr, "not"), depth + 1));
  } else if (j.contains("answer")) {
    out.subject = string_at(j, "answer", ptr);
    if (j.contains("equals")) {
      out.kind = Condition::Kind::answer_equals;
      out.operand = j.at("equals");
    } else if (j.contains("in") && j.at("in").is_array()) {
      out.kind = Condition::Kind::answer_in;
      out.operand = j.at("in");
    } else {
      error(ptr, "an answer condition needs \"equals\" or \"in\" (an array)");
    }
  } else if (j.contains("alert")) {
    out.subject = string_at(j, "alert", ptr);
    if (!valid_alert_path(out.subject)) {
      error(child(ptr, "alert"), "unknown alert field " + text::quote(out.subject));
    }
    if (j.contains("exists")) {
      out.kind = Condition::Kind::alert_exists;
      out.operand = j.at("exists");
      if (!out.operand.is_boolean()) {
        error(child(ptr, "exists"), "expected a boolean, got " + type_name(out.operand));
        out.operand = true;
      }
    } else if (j.contains("equals")) {
      out.kind = Condition::Kind::alert_equals;
      out.operand = j.at("equals");
    } else if (j.contains("matches") && j.at("matches").is_string()) {
      out.kind = Condition::Kind::alert_matches;
      out.operand = j.at("matches");
    } else {
      error(ptr, "an alert condition needs \"exists\", \"equals\" or \"matches\" (a glob)");
    }
  } else {
    error(ptr, "a condition needs one of \"all\", \"any\", \"not\", \"answer\" or \"alert\"");
  }
  return out;
}

Input Reader::input(const json& j, const std::string& ptr)
{
  Input out;
  if (!check_object(j, ptr, k_input_keys, {"id", "type", "prompt"})) {
    return out;
  }
  out.id = string_at(j, "id", ptr);
  const std::string type = string_at(j, "type", ptr);
  static const std::vector<std::string> types = {"yes-no",    "choice",    "text",
                                                 "cidr-list", "principal", "list"};
  const auto it = std::find(types.begin(), types.end(), type);
  if (it == types.end()) {
    error(child(ptr, "type"),
          "unknown input type " + text::quote(type) +
              "; expected one of yes-no, choice, text, cidr-list, principal, list" +
              text::did_you_mean(type, types));
  } else {
    out.type = static_cast<InputType>(it - types.begin());
  }
  out.choices = strings_at(j, "choices", ptr);
  if (out.type == InputType::choice && out.choices.empty()) {
    error(ptr, "a choice input needs \"choices\"");
  }
  if (j.contains("aliases")) {
    const std::string at = child(ptr, "aliases");
    const auto& a = j.at("aliases");
    if (out.type != InputType::choice || !a.is_object()) {
      error(at, "expected an object of other spellings of a choice input's answers");
    } else {
      for (const auto& [alias, meant] : a.items()) {
        const bool known =
            meant.is_string() && std::find(out.choices.begin(), out.choices.end(),
                                           meant.get<std::string>()) != out.choices.end();
        if (!known) {
          error(child(at, alias), "expected one of the input's choices, got " + type_name(meant));
        } else {
          out.aliases.emplace_back(alias, meant.get<std::string>());
        }
      }
    }
  }
  if (j.contains("default")) {
    out.default_value = value(j.at("default"), child(ptr, "default"));
  }
  if (j.contains("candidates")) {
    const std::string at = child(ptr, "candidates");
    const auto& c = j.at("candidates");
    if (out.type != InputType::text) {
      error(at, "only a text input takes candidates");
    } else if (check_object(c, at, {"list", "value", "label"}, {"list", "value"})) {
      const Value list = value(c.at("list"), child(at, "list"));
      Candidates candidates;
      if (list.reference.rfind("results.", 0) != 0) {
        error(child(at, "list"),
              "expected a results reference such as \"{{results.caller-access.value}}\"");
      }
      candidates.list = list.reference;
      candidates.value = string_at(c, "value", at);
      candidates.label = strings_at(c, "label", at);
      for (const auto& path : candidates.label) {
        if (!json_path::parse(path)) {
          error(child(at, "label"),
                "expected result paths such as \"properties.scope\", got " + text::quote(path));
        }
      }
      if (!json_path::parse(candidates.value)) {
        error(child(at, "value"),
              "expected a result path such as \"id\", got " + text::quote(candidates.value));
      }
      out.candidates = std::move(candidates);
    }
  }
  if (j.contains("optional")) {
    if (j.at("optional").is_boolean()) {
      out.optional = j.at("optional").get<bool>();
    } else {
      error(child(ptr, "optional"), "expected a boolean, got " + type_name(j.at("optional")));
    }
  }
  out.prompt = text_at(j, "prompt", ptr, false);
  out.help = text_at(j, "help", ptr, false);
  return out;
}

Step Reader::step(const json& j, const std::string& ptr)
{
  Step out;
  if (!check_object(j, ptr, k_step_keys, {"id", "title", "guidance"})) {
    return out;
  }
  out.id = string_at(j, "id", ptr);
  out.title = text_at(j, "title", ptr, false);
  out.guidance = text_at(j, "guidance", ptr, false);
  if (j.contains("when")) {
    out.when = condition(j.at("when"), child(ptr, "when"), 0);
  }
  out.ask = strings_at(j, "ask", ptr);
  if (j.contains("action")) {
    const std::string at = child(ptr, "action");
    const auto& a = j.at("action");
    if (check_object(a, at, {"name", "params"}, {"name"})) {
      ActionCall call;
      call.name = string_at(a, "name", at);
      if (a.contains("params")) {
        const auto& params = a.at("params");
        if (!params.is_object()) {
          error(child(at, "params"), "expected an object, got " + type_name(params));
        } else {
          for (const auto& [key, v] : params.items()) {
            call.params.emplace_back(key, value(v, child(child(at, "params"), key)));
          }
        }
      }
      out.action = std::move(call);
    }
  }
  out.go_to = string_at(j, "goto", ptr);
  if (j.contains("stop")) {
    if (!j.at("stop").is_boolean()) {
      error(child(ptr, "stop"), "expected a boolean, got " + type_name(j.at("stop")));
    } else {
      out.stop = j.at("stop").get<bool>();
    }
  }
  out.stop_reason = text_at(j, "stopReason", ptr, false);
  if (j.contains("shows")) {
    out.shows = shows(j.at("shows"), child(ptr, "shows"));
  }
  if (out.stop && !out.go_to.empty()) {
    error(ptr, "a step cannot both \"stop\" and \"goto\"");
  }
  return out;
}

void Reader::read(const json& doc, Playbook& out)
{
  if (!check_object(doc, "", k_top_keys,
                    {"id", "title", "version", "lastReviewed", "match", "phases"})) {
    return;
  }
  out.id = string_at(doc, "id", "");
  out.title = text_at(doc, "title", "", false);
  out.version = string_at(doc, "version", "");
  out.last_reviewed = string_at(doc, "lastReviewed", "");
  if (doc.contains("match")) {
    match(doc.at("match"), "/match", out.match);
  }
  if (doc.contains("incident")) {
    out.incident = incident(doc.at("incident"), "/incident");
  }
  if (doc.contains("requires")) {
    const auto& list = doc.at("requires");
    if (!list.is_array()) {
      error("/requires", "expected an array, got " + type_name(list));
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = child("/requires", i);
        if (!check_object(list[i], at, {"field", "resourceType", "message"}, {"field"})) {
          continue;
        }
        Requirement r{string_at(list[i], "field", at), string_at(list[i], "resourceType", at),
                      text_at(list[i], "message", at, false)};
        if (!valid_alert_path(r.field)) {
          error(child(at, "field"), "unknown alert field " + text::quote(r.field));
        }
        out.requires.push_back(std::move(r));
      }
    }
  }
  if (doc.contains("inputs")) {
    const auto& list = doc.at("inputs");
    if (!list.is_array()) {
      error("/inputs", "expected an array, got " + type_name(list));
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        out.inputs.push_back(input(list[i], child("/inputs", i)));
      }
    }
  }
  if (!doc.contains("phases")) {
    return;
  }
  const auto& phases = doc.at("phases");
  if (!check_object(phases, "/phases", {"contact", "mitigate", "assess", "act"}, {})) {
    return;
  }
  for (const Phase phase : k_phases) {
    const std::string name(to_string(phase));
    const auto it = phases.find(name);
    if (it == phases.end()) {
      continue;
    }
    const std::string at = child("/phases", name);
    if (!it->is_array()) {
      error(at, "expected an array of steps, got " + type_name(*it));
      continue;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      out.phases[static_cast<int>(phase)].push_back(step((*it)[i], child(at, i)));
    }
  }
}

} // namespace dftriage::playbook::detail
