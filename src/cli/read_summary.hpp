#pragma once

// Internal to src/cli: what a read step found, shown in the walk.

#include "dftriage/playbook/playbook.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace dftriage::cli {

// Returns indented lines summarising `result` (what `step` read): the values its playbook
// declares, or a short generic view; every value sanitized for a terminal.
std::string read_summary(const playbook::Step& step, const nlohmann::ordered_json& result, playbook::Lang lang,
                         bool colour);

// Returns the whole result, pretty-printed and sanitized, for paging.
std::string full_result(const nlohmann::ordered_json& result);

} // namespace dftriage::cli
