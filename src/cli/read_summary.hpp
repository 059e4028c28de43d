#pragma once

// Internal to src/cli: what a read step found, shown in the walk.

#include "dftriage/playbook/playbook.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// Returns indented lines summarising `result` (what `step`'s action answered): each of
// the step's "shows" with its label in `lang` ("  Owner (tag): alice@contoso.com"; a
// list's count, first items and "… and N more"; a Log Analytics table's first rows; a
// text's first lines), a path the result lacks as "(not found)"; without shows, a short
// generic view (a list's count and first names, a table's first rows, run-command output
// lines, or a resource's name and a few fields), never the whole body; "" for a null
// result. Every value is sanitized for a terminal and long ones are cut with "…";
// `colour` dims the words that are not values. Never throws.
std::string read_summary(const playbook::Step& step, const nlohmann::ordered_json& result,
                         playbook::Lang lang, bool colour);

// Returns what `step`'s shows look for and `result` lacks, one line each ("value: no item
// has createdTime", "tables[0]: no column requestUri_s"), empty when everything is there.
// For checking playbooks against real answers; an empty list's item paths go unchecked.
std::vector<std::string> unresolved_shows(const playbook::Step& step,
                                          const nlohmann::ordered_json& result);

// Returns the whole result, pretty-printed (two-space indent), each line sanitized, for
// paging; ends with a line feed.
std::string full_result(const nlohmann::ordered_json& result);

} // namespace dftriage::cli
