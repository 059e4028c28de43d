#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace dftriage {

// A problem found in one input (an alert file, a playbook), reported as data so that
// callers can render it as text or JSON and carry on with the rest of the input.
struct Diagnostic
{
  enum class Level { warning, error };

  Level level = Level::error;
  std::string source;         // file name as given, or "-" for standard input
  std::uint64_t line = 0;     // 1-based; 0 when the problem has no single position
  std::uint64_t column = 0;   // 1-based byte column; 0 with line == 0
  std::uint64_t document = 0; // 1-based document number; 0 when not about one document
  std::string pointer;        // JSON pointer to the bad value ("/phases/1"); "" for none
  std::string message;        // what is wrong, with any quoted input already escaped

  // Returns an error (or warning) about `source` at `pointer` (may be "").
  static Diagnostic at_pointer(Level level, std::string source, std::string pointer,
                               std::string message);

  bool is_error() const { return level == Level::error; }

  // Returns "SOURCE:LINE:COL: message", "SOURCE: document N: message",
  // "SOURCE: /pointer: message" or "SOURCE: message", whichever the known position
  // allows; a warning's message reads "warning: message".
  std::string to_string() const;

  // Returns {"level", "file", "pointer", "line", "column", "message"} ("document" too
  // when it is known), for -o json.
  nlohmann::ordered_json to_json() const;
};

} // namespace dftriage
