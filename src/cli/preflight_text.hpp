#pragma once

// How a permission preflight reads for people (preflight, and the start of run, apply and
// undo) and as rows for table and tsv.

#include "dftriage/exec/preflight.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <string>
#include <vector>

namespace dftriage::cli {

// Returns a scope as a person reads it: "vault kv-1", "resource group rg-1",
// "subscription 4c1a…", "graph"; the scope itself when it is none of these.
std::string scope_label(const std::string& scope, playbook::Lang lang = playbook::Lang::en);

// Returns the whole preflight as text: who, one line per check that is not granted (every
// check with `all`), then a summary line and, when something is missing, which steps will
// not be permitted and what to ask for. Every Azure-provided value is made safe for a
// terminal.
std::string preflight_text(const exec::PreflightResult& result, playbook::Lang lang, bool colour,
                           bool all);

// The columns of `preflight -o table|tsv`, and one row per check.
std::vector<std::string> preflight_columns();
std::vector<std::vector<std::string>> preflight_rows(const exec::PreflightResult& result);

// What the walk says at a step the preflight found not permitted ("" when it is permitted):
// the permission, where, and the role to ask for.
std::string not_permitted_notice(const exec::PreflightResult& result, const std::string& step,
                                 playbook::Lang lang);

} // namespace dftriage::cli
