#pragma once

// Internal to src/cli: a playbook described for a person (`playbooks show -o text`).

#include "dftriage/playbook/playbook.hpp"

#include <string>

namespace dftriage::cli {

// Returns `playbook` as text in `lang`: what it matches, its questions, and its steps per
// phase with their positions, conditions and actions. `colour` paints the headings.
std::string playbook_text(const playbook::Playbook& playbook, playbook::Lang lang, bool colour);

} // namespace dftriage::cli
