#pragma once

#include <cstdint>
#include <string>

namespace dftriage {

// A problem found in one input, reported as data so that callers can render it as
// text or JSON and carry on with the rest of the input.
struct Diagnostic
{
  enum class Level { warning, error };

  Level level = Level::error;
  std::string source;         // file name as given, or "-" for standard input
  std::uint64_t line = 0;     // 1-based; 0 when the problem has no single position
  std::uint64_t column = 0;   // 1-based byte column; 0 with line == 0
  std::uint64_t document = 0; // 1-based document number; 0 when not about one document
  std::string message;        // what is wrong, with any quoted input already escaped

  // Returns "SOURCE:LINE:COL: message", "SOURCE: document N: message" or
  // "SOURCE: message", whichever the known position allows.
  std::string to_string() const;
};

} // namespace dftriage
