// Reading training scenarios: the same discipline as the playbook loader (every problem
// at its JSON pointer, unknown keys with "did you mean", both languages required).
#include "dftriage/training/scenario.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/json_error.hpp"
#include "dftriage/util/text.hpp"
#include "playbook/reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace dftriage::training {
namespace {

using Json = nlohmann::ordered_json;
using playbook::detail::child;
using playbook::detail::type_name;

const std::vector<std::string> k_families{"keyvault", "dns", "resourcemanager"};
const std::vector<std::string> k_difficulties{"basic", "intermediate", "advanced"};
const std::vector<std::string> k_kinds{"true-positive", "false-positive", "trap"};
const std::vector<std::string> k_step_statuses{"done", "declined", "entered", "undone"};
constexpr int k_max_depth = 8;

class ScenarioReader
{
public:
  ScenarioReader(std::string source, std::vector<Diagnostic>& issues)
      : m_source(std::move(source))
      , m_issues(issues)
  {
  }

  void read(const Json& doc, Scenario& out)
  {
    if (!object(doc, "",
                {"$schema", "id", "version", "family", "difficulty", "kind", "title", "summary",
                 "briefing", "variants", "alert", "lab", "rubric"},
                {"id", "version", "family", "difficulty", "kind", "title", "summary", "briefing",
                 "alert", "rubric"})) {
      return;
    }
    out.id = string_at(doc, "id", "");
    if (!out.id.empty() &&
        out.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      error("/id", "an ID is lower-case letters, digits and '-'");
    }
    out.version = string_at(doc, "version", "");
    out.family = one_of(doc, "family", k_families);
    out.difficulty = one_of(doc, "difficulty", k_difficulties);
    out.kind = one_of(doc, "kind", k_kinds);
    out.title = text_at(doc, "title", "");
    out.summary = text_at(doc, "summary", "");
    out.briefing = text_at(doc, "briefing", "");
    if (doc.contains("alert")) {
      out.alert = doc["alert"];
      if (!out.alert.is_object() && !out.alert.is_array()) {
        error("/alert",
              "expected an alert document (an object or an array), got " + type_name(out.alert));
      }
    }
    if (doc.contains("lab")) {
      out.lab = doc["lab"];
      if (!out.lab.is_object() || !out.lab.contains("scenario")) {
        error("/lab", "expected a lab scenario: an object with \"scenario\": 1 "
                      "(src/lab/README.md, Seeding)");
      }
    }
    const auto& rubric = doc.value("rubric", Json());
    if (!rubric.is_array() || rubric.empty()) {
      error("/rubric", "expected a non-empty array of rubric items, got " + type_name(rubric));
      return;
    }
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < rubric.size(); ++i) {
      auto item = rubric_item(rubric[i], child("/rubric", i));
      if (!item.id.empty() && !seen.emplace(item.id, i).second) {
        error(child(child("/rubric", i), "id"), "rubric item " + text::quote(item.id) +
                                                    " is also item " +
                                                    std::to_string(seen[item.id]));
      }
      out.rubric.push_back(std::move(item));
    }
  }

private:
  void error(const std::string& pointer, std::string message)
  {
    m_issues.push_back(Diagnostic::at_pointer(Diagnostic::Level::error, m_source,
                                              pointer.empty() ? "/" : pointer, std::move(message)));
  }

  bool object(const Json& j, const std::string& ptr, const std::vector<std::string>& allowed,
              const std::vector<std::string>& required)
  {
    if (!j.is_object()) {
      error(ptr, "expected an object, got " + type_name(j));
      return false;
    }
    for (const auto& [key, value] : j.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        error(child(ptr, key),
              "unknown key " + text::quote(key) + text::did_you_mean(key, allowed));
      }
    }
    for (const auto& key : required) {
      if (!j.contains(key)) {
        error(ptr, "missing required key \"" + key + "\"");
      }
    }
    return true;
  }

  std::string string_at(const Json& j, const std::string& key, const std::string& ptr)
  {
    const auto it = j.find(key);
    if (it == j.end()) {
      return "";
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
      error(child(ptr, key), "expected a non-empty string, got " + type_name(*it));
      return "";
    }
    return it->get<std::string>();
  }

  std::string one_of(const Json& j, const std::string& key, const std::vector<std::string>& allowed)
  {
    std::string value = string_at(j, key, "");
    if (!value.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      error(child("", key), "expected one of " + text::join(allowed, ", ") + ", got " +
                                text::quote(value) + text::did_you_mean(value, allowed));
    }
    return value;
  }

  // Scenario texts are in both languages: a trainee walks in either.
  playbook::Text text_at(const Json& j, const std::string& key, const std::string& ptr)
  {
    playbook::Text out;
    const auto it = j.find(key);
    if (it == j.end()) {
      return out; // the object's own check says it is missing
    }
    const std::string at = child(ptr, key);
    if (!object(*it, at, {"en", "zh-CN"}, {"en", "zh-CN"})) {
      return out;
    }
    out.en = string_at(*it, "en", at);
    out.zh_cn = string_at(*it, "zh-CN", at);
    return out;
  }

  RubricItem rubric_item(const Json& j, const std::string& ptr)
  {
    RubricItem out;
    if (!object(j, ptr, {"id", "points", "harmful", "title", "why", "hint", "judge"},
                {"id", "points", "title", "why", "judge"})) {
      return out;
    }
    out.id = string_at(j, "id", ptr);
    const auto& points = j.value("points", Json());
    if (!points.is_number_integer() || points.get<int>() <= 0 || points.get<int>() > 100) {
      error(child(ptr, "points"), "expected a whole number from 1 to 100, got " +
                                      (points.is_number() ? points.dump() : type_name(points)));
    } else {
      out.points = points.get<int>();
    }
    if (j.contains("harmful")) {
      if (!j["harmful"].is_boolean()) {
        error(child(ptr, "harmful"), "expected true or false, got " + type_name(j["harmful"]));
      } else {
        out.harmful = j["harmful"].get<bool>();
      }
    }
    out.title = text_at(j, "title", ptr);
    out.why = text_at(j, "why", ptr);
    out.hint = text_at(j, "hint", ptr);
    if (j.contains("judge")) {
      out.judge = judge(j["judge"], child(ptr, "judge"), 0);
    }
    return out;
  }

  Judge judge(const Json& j, const std::string& ptr, int depth)
  {
    Judge out;
    if (depth > k_max_depth) {
      error(ptr, "nested more than " + std::to_string(k_max_depth) + " deep");
      return out;
    }
    if (!j.is_object()) {
      error(ptr, "expected a judge object, got " + type_name(j));
      return out;
    }
    const std::vector<std::string> forms{"all", "any", "not", "step", "before", "answer", "read"};
    const auto form = std::find_if(forms.begin(), forms.end(),
                                   [&](const std::string& f) { return j.contains(f); });
    if (form == forms.end()) {
      error(ptr, "expected one of the keys " + text::join(forms, ", "));
      return out;
    }
    if (*form == "all" || *form == "any") {
      object(j, ptr, {*form}, {});
      out.kind = *form == "all" ? Judge::Kind::all : Judge::Kind::any;
      const auto& list = j[*form];
      if (!list.is_array() || list.empty()) {
        error(child(ptr, *form), "expected a non-empty array, got " + type_name(list));
        return out;
      }
      for (std::size_t i = 0; i < list.size(); ++i) {
        out.children.push_back(judge(list[i], child(child(ptr, *form), i), depth + 1));
      }
    } else if (*form == "not") {
      object(j, ptr, {"not"}, {});
      out.kind = Judge::Kind::negate;
      out.children.push_back(judge(j["not"], child(ptr, "not"), depth + 1));
    } else if (*form == "step") {
      object(j, ptr, {"step", "is"}, {"is"});
      out.kind = Judge::Kind::step;
      out.subject = string_at(j, "step", ptr);
      out.operand = one_of_at(j, "is", ptr, k_step_statuses);
    } else if (*form == "before") {
      object(j, ptr, {"before"}, {});
      out.kind = Judge::Kind::before;
      const auto& pair = j["before"];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        error(child(ptr, "before"), "expected [\"STEP\", \"LATER STEP\"]");
        return out;
      }
      out.subject = pair[0].get<std::string>();
      out.other = pair[1].get<std::string>();
    } else if (*form == "answer") {
      object(j, ptr, {"answer", "equals", "in"}, {});
      out.kind = Judge::Kind::answer;
      out.subject = string_at(j, "answer", ptr);
      if (j.contains("equals") == j.contains("in")) {
        error(ptr, "expected one of \"equals\" and \"in\"");
      } else if (j.contains("in") && !j["in"].is_array()) {
        error(child(ptr, "in"), "expected an array, got " + type_name(j["in"]));
      }
      out.operand = j.value("equals", Json());
      out.in = j.value("in", Json());
    } else {
      read(j, ptr, out);
    }
    return out;
  }

  void read(const Json& j, const std::string& ptr, Judge& out)
  {
    object(j, ptr, {"read", "params", "path", "equals", "contains", "exists"}, {"path"});
    out.kind = Judge::Kind::read;
    out.subject = string_at(j, "read", ptr);
    out.params = j.value("params", Json::object());
    if (!out.params.is_object()) {
      error(child(ptr, "params"), "expected an object, got " + type_name(out.params));
    }
    out.path = string_at(j, "path", ptr);
    int tests = 0;
    for (const char* test : {"equals", "contains", "exists"}) {
      if (j.contains(test)) {
        out.operand = Json{{test, j[test]}};
        ++tests;
      }
    }
    if (tests != 1) {
      error(ptr, "expected one of \"equals\", \"contains\" and \"exists\"");
    } else if (j.contains("exists") && !j["exists"].is_boolean()) {
      error(child(ptr, "exists"), "expected true or false, got " + type_name(j["exists"]));
    }
  }

  std::string one_of_at(const Json& j, const std::string& key, const std::string& ptr,
                        const std::vector<std::string>& allowed)
  {
    std::string value = string_at(j, key, ptr);
    if (!value.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      error(child(ptr, key), "expected one of " + text::join(allowed, ", ") + ", got " +
                                 text::quote(value) + text::did_you_mean(value, allowed));
    }
    return value;
  }

  std::string m_source;
  std::vector<Diagnostic>& m_issues;
};

// The placeholder a variant's value replaces: {{variant.NAME}}.
constexpr std::string_view k_open = "{{variant.";
constexpr std::string_view k_close = "}}";

// Replaces every {{variant.NAME}} in the strings of `j` (the document's pointer `ptr`)
// with `chosen[NAME]`; a name the variants do not define is an error at its pointer.
void substitute(Json& j, const std::string& ptr, const Json& chosen, const std::string& source,
                std::vector<Diagnostic>& issues)
{
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      substitute(value, child(ptr, key), chosen, source, issues);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      substitute(j[i], child(ptr, i), chosen, source, issues);
    }
  } else if (j.is_string() && j.get_ref<const std::string&>().find(k_open) != std::string::npos) {
    const auto& in = j.get_ref<const std::string&>();
    std::string out;
    std::size_t at = 0;
    while (at < in.size()) {
      const std::size_t open = in.find(k_open, at);
      const std::size_t close =
          open == std::string::npos ? std::string::npos : in.find(k_close, open);
      if (close == std::string::npos) {
        out.append(in, at, std::string::npos);
        break;
      }
      out.append(in, at, open - at);
      const std::string name = in.substr(open + k_open.size(), close - open - k_open.size());
      const auto value = chosen.find(name);
      if (value == chosen.end()) {
        std::vector<std::string> names;
        for (const auto& [key, v] : chosen.items()) {
          names.push_back(key);
        }
        issues.push_back(Diagnostic::at_pointer(
            Diagnostic::Level::error, source, ptr.empty() ? "/" : ptr,
            "{{variant." + name + "}}: no variant defines " + text::quote(name) +
                (names.empty() ? " (the scenario has no \"variants\")"
                               : text::did_you_mean(name, names))));
      } else {
        out += value->get<std::string>();
      }
      at = close + k_close.size();
    }
    j = out;
  }
}

// Checks /variants (an array of objects that give the same names string values), picks
// the one `seed` selects and puts its values in place of the placeholders of the rest of
// `doc`. Sets out.variant and out.variant_count.
void apply_variant(Json& doc, std::uint64_t seed, const std::string& source,
                   std::vector<Diagnostic>& issues, Scenario& out)
{
  Json chosen = Json::object();
  if (doc.is_object() && doc.contains("variants")) {
    const auto& list = doc["variants"];
    const auto error = [&](const std::string& pointer, const std::string& message) {
      issues.push_back(Diagnostic::at_pointer(Diagnostic::Level::error, source, pointer, message));
    };
    if (!list.is_array() || list.empty()) {
      error("/variants", "expected a non-empty array of variants, got " + type_name(list));
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = child("/variants", i);
      if (!list[i].is_object() || list[i].empty()) {
        error(at, "expected an object of NAME: \"value\", got " + type_name(list[i]));
        continue;
      }
      for (const auto& [name, value] : list[i].items()) {
        if (!value.is_string()) {
          error(child(at, name), "expected a string, got " + type_name(value));
        } else if (name.empty() ||
                   name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
                                          "KLMNOPQRSTUVWXYZ0123456789_") != std::string::npos) {
          error(child(at, name), "a variant name is letters, digits and '_'");
        } else if (!list[0].contains(name)) {
          error(child(at, name), "variant 0 does not give " + text::quote(name) +
                                     ": every variant gives the same names");
        }
      }
      for (const auto& [name, value] : list[0].items()) {
        if (list[i].is_object() && !list[i].contains(name)) {
          error(at, "missing " + text::quote(name) + ", which variant 0 gives");
        }
      }
    }
    out.variant_count = list.size();
    out.variant = static_cast<std::size_t>(seed % list.size());
    chosen = list[out.variant];
    if (!chosen.is_object()) {
      return;
    }
  }
  for (auto& [key, value] : doc.items()) {
    if (key != "variants") {
      substitute(value, child("", key), chosen, source, issues);
    }
  }
}

std::string read_text_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path.string() + ": cannot read the file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

int Scenario::full_marks() const
{
  int total = 0;
  for (const auto& item : rubric) {
    total += item.harmful ? 0 : item.points;
  }
  return total;
}

std::optional<Scenario> read_scenario(std::string_view text, const std::string& source,
                                      std::vector<Diagnostic>& issues, std::uint64_t seed)
{
  std::vector<std::string> duplicates;
  Json doc;
  try {
    doc = playbook::detail::parse_json(text, duplicates);
  } catch (const nlohmann::json::exception&) {
    issues.push_back(json_error_diagnostic(text, source));
    return std::nullopt;
  }
  const std::size_t before = issues.size();
  for (const auto& pointer : duplicates) {
    issues.push_back(Diagnostic::at_pointer(Diagnostic::Level::error, source, pointer,
                                            "key given twice in one object"));
  }
  Scenario out;
  out.source = source;
  out.text = std::string(text);
  out.seed = seed;
  if (doc.is_object()) {
    apply_variant(doc, seed, source, issues, out);
  }
  ScenarioReader(source, issues).read(doc, out);
  const bool failed = std::any_of(issues.begin() + static_cast<std::ptrdiff_t>(before),
                                  issues.end(), [](const Diagnostic& d) { return d.is_error(); });
  return failed ? std::nullopt : std::optional<Scenario>(std::move(out));
}

std::vector<Scenario> load_scenarios(const std::vector<std::string>& dirs,
                                     std::vector<Diagnostic>& issues)
{
  std::map<std::string, Scenario> by_id;
  const auto take = [&](std::string_view text, const std::string& source) {
    if (auto s = read_scenario(text, source, issues)) {
      by_id[s->id] = std::move(*s);
    }
  };
  for (const auto& [name, text] : builtin_scenarios()) {
    take(text, "builtin:" + name);
  }
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      throw InputError(dir + ": not a directory of scenarios");
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".json" &&
          entry.path().filename().string().find(".schema.") == std::string::npos) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      take(read_text_file(file), file.string());
    }
  }
  std::vector<Scenario> out;
  out.reserve(by_id.size());
  for (auto& [id, s] : by_id) {
    out.push_back(std::move(s));
  }
  return out;
}

Scenario with_seed(const Scenario& scenario, std::uint64_t seed)
{
  std::vector<Diagnostic> issues;
  auto out = read_scenario(scenario.text, scenario.source, issues, seed);
  if (!out) {
    throw InputError(issues.empty() ? scenario.source + ": cannot be read"
                                    : issues.front().to_string());
  }
  return std::move(*out);
}

const Scenario& find_scenario(const std::vector<Scenario>& all, const std::string& id)
{
  std::vector<std::string> ids;
  for (const auto& s : all) {
    if (s.id == id) {
      return s;
    }
    ids.push_back(s.id);
  }
  throw UsageError("no training scenario " + text::quote(id) + text::did_you_mean(id, ids) +
                   " (dftriage train list)");
}

} // namespace dftriage::training
