#pragma once

// Internal to src/playbook: the first loading stage, from JSON to a Playbook whose
// cross-references are not yet checked.

#include "dftriage/playbook/playbook.hpp"

namespace dftriage::playbook::detail {

// Parses `text` as JSON. A key given twice in one object keeps its last value, as jq,
// Python and the alert reader do; the JSON pointer of each such key is appended to
// `duplicates`. Throws nlohmann::json::exception (parse_error, or out_of_range
// for a number no double holds).
nlohmann::ordered_json parse_json(std::string_view text, std::vector<std::string>& duplicates);

class Reader
{
public:
  Reader(std::string_view source, std::vector<Diagnostic>& issues)
      : m_source(source)
      , m_issues(issues)
  {
  }

  // Reads `doc` into `out`; problems go to the issues list.
  void read(const nlohmann::ordered_json& doc, Playbook& out);

  void error(const std::string& pointer, std::string message);
  void warning(const std::string& pointer, std::string message);

private:
  bool check_object(const nlohmann::ordered_json& j, const std::string& ptr,
                    const std::vector<std::string>& allowed,
                    const std::vector<std::string>& required);
  std::string string_at(const nlohmann::ordered_json& j, const std::string& key,
                        const std::string& ptr);
  Text text_at(const nlohmann::ordered_json& j, const std::string& key, const std::string& ptr,
               bool required);
  std::vector<std::string> strings_at(const nlohmann::ordered_json& j, const std::string& key,
                                      const std::string& ptr);
  Value value(const nlohmann::ordered_json& j, const std::string& ptr);
  Condition condition(const nlohmann::ordered_json& j, const std::string& ptr, int depth);
  Input input(const nlohmann::ordered_json& j, const std::string& ptr);
  Step step(const nlohmann::ordered_json& j, const std::string& ptr);
  std::vector<Show> shows(const nlohmann::ordered_json& j, const std::string& ptr);
  Show show(const nlohmann::ordered_json& j, const std::string& ptr);
  std::string result_path(const nlohmann::ordered_json& j, const std::string& ptr);
  void match(const nlohmann::ordered_json& j, const std::string& ptr, MatchRule& out);
  IncidentRule incident(const nlohmann::ordered_json& j, const std::string& ptr);

  std::string m_source;
  std::vector<Diagnostic>& m_issues;
};

// Returns the JSON pointer `base` + "/" + `token` (escaped per RFC 6901).
// "an object", "an array", "a string", … for messages.
std::string type_name(const nlohmann::ordered_json& j);

std::string child(const std::string& base, std::string_view token);
std::string child(const std::string& base, std::size_t index);

// True when `path` is an alert path the normalised alert has ("resourceId",
// "entities.ips[*].address", "entities.accounts[0].objectId", ...).
bool valid_alert_path(std::string_view path);

} // namespace dftriage::playbook::detail
