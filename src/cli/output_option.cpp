#include "output_option.hpp"

#include <algorithm>

namespace dftriage::cli {

OutputFormat OutputChoice::resolve() const
{
  if (requested.empty()) {
    return default_output_format(stdout, piped);
  }
  return parse_output_format(requested, allowed);
}

CLI::Option* add_output_option(CLI::App& sub, OutputChoice& choice,
                               std::vector<OutputFormat> allowed, OutputFormat piped)
{
  std::string names;
  for (const auto format : allowed) {
    names += (names.empty() ? "" : "|") + std::string(to_string(format));
  }
  choice.allowed = std::move(allowed);
  choice.piped = piped;
  const bool text = std::find(choice.allowed.begin(), choice.allowed.end(), OutputFormat::text) !=
                    choice.allowed.end();
  const std::string defaults =
      text ? " (default: text at a terminal, " + std::string(to_string(piped)) + " in a pipe)" : "";
  return sub.add_option("-o,--output", choice.requested, "Output format" + defaults)
      ->type_name(names);
}

} // namespace dftriage::cli
