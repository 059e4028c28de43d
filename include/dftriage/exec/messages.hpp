#pragma once

// The sentences dftriage itself writes into a step's outcome, the journal and the undo
// output ("already in place: nothing to change", "confirmed with --yes by alice") are
// English, as the journal keeps them. `message_in` gives the words a person reads in
// the walk's or the report's language. Text from elsewhere (Azure's error messages,
// a responder's notes) is returned as it is.

#include "dftriage/playbook/playbook.hpp"

#include <string>

namespace dftriage::exec {

// Returns `message` in `lang`: itself for English or a message not known here; for
// zh-CN the Chinese of a known message, with the values it carries (step IDs,
// subscriptions, names) kept as they are.
std::string message_in(const std::string& message, playbook::Lang lang);

} // namespace dftriage::exec
