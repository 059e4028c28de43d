#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::json_path {

// One step of a path such as "entities.ips[*].address" or "entities.accounts[0].upn".
struct Token
{
  enum class Kind { key, index, each };
  Kind kind = Kind::key;
  std::string key;
  std::size_t index = 0;
};

// Parses `path`; returns nullopt when it is not of the form key(.key|[N]|[*]|['key'])*,
// plain keys made of letters, digits, '_', '-' and ' ' (extended-property names have
// spaces); a quoted key takes any other name but quotes ("['@odata.type']").
std::optional<std::vector<Token>> parse(std::string_view path);

// Returns the value at `path` in `root`, or null when any step is missing. After a
// "[*]" step the result is the array of the remaining path applied to each element
// (missing ones skipped).
nlohmann::ordered_json evaluate(const nlohmann::ordered_json& root, const std::vector<Token>& path);

} // namespace dftriage::json_path
