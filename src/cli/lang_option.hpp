#pragma once

// Internal to src/cli: the --lang option of plan, run and report.

#include "dftriage/playbook/playbook.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

#include <optional>
#include <string>

namespace dftriage::cli {

// The environment variable that stands for --lang when the option is not given (CLI11's
// envname on every --lang).
inline constexpr const char* k_lang_env = "DFTRIAGE_LANG";

// Returns the language `--lang value` names, or nullopt when the option was not given
// (`value` is empty); throws UsageError ("unknown language "x"; expected en or zh-CN")
// for any other value.
inline std::optional<playbook::Lang> lang_option(const std::string& value)
{
  if (value.empty()) {
    return std::nullopt;
  }
  const auto lang = playbook::lang_from_string(value);
  if (!lang) {
    throw UsageError("unknown language " + text::quote(value) +
                     "; expected en or zh-CN (from --lang, or " + k_lang_env + " without it)");
  }
  return lang;
}

} // namespace dftriage::cli
