#pragma once

// Internal to src/cli: reading the responder's answers from a terminal.

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace dftriage::cli {

class Prompter
{
public:
  // Reads lines from descriptor `in` and writes prompts to `out`.
  Prompter(int in, std::FILE* out)
      : m_in(in)
      , m_out(out)
  {
  }

  // Writes `prompt`, then returns the line typed (without the newline and surrounding
  // blanks), or nullopt at end of input (Ctrl-D). Throws Interrupted on Ctrl-C.
  std::optional<std::string> ask(std::string_view prompt);

  // Writes `text` as is.
  void say(std::string_view text);

private:
  int m_in;
  std::FILE* m_out;
  std::string m_pending; // bytes read past the last newline
};

} // namespace dftriage::cli
