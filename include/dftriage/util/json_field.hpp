#pragma once

// Reading one field of a JSON record that may be malformed (a journal entry, a case's
// report model): a missing or mistyped field reads as empty, never throws.

#include <nlohmann/json.hpp>
#include <string>

namespace dftriage::json_field {

// Returns j[key] when `j` is an object holding a string there, else "".
inline std::string str(const nlohmann::ordered_json& j, const char* key)
{
  const auto it = j.find(key); // end() for anything but an object
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace dftriage::json_field
