#pragma once

// Seeding the lab: from any alert export dftriage reads (a coherent incident around each
// alert), or from a scenario file that states resources directly (src/lab/README.md).

#include "state.hpp"

#include <string>
#include <string_view>

namespace dftriage::lab {

// Returns the subscription the seed names first ("" when none): the lab's identity
// follows the incident's.
std::string seed_subscription(std::string_view text, const std::string& source);

// Adds what `text` describes to the state. Throws InputError when it is neither a
// scenario nor holds any alert.
void apply_seed(State& state, std::string_view text, const std::string& source);

// Adds the lab's own subscription and a resource group "rg-lab" when absent.
void seed_defaults(State& state);

} // namespace dftriage::lab
