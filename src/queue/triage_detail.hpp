#pragma once

// Internal to src/queue: how an alert's values become incident keys, and how statuses
// compare.

#include "dftriage/alert/alert.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dftriage::queue::detail {

// How far an alert has come: Defender moves a status forward (Active → InProgress →
// Resolved or Dismissed), so of two copies of one alert the later status is the newer.
// 0 for an absent or unknown status (it says the least).
int progress(std::string_view status);

// For ranking: 0 active (or unknown), 1 in progress, 2 resolved or dismissed.
int activity(std::string_view status);

// The rule of a playbook without an "incident" member: by resource, linked by alert type.
const playbook::IncidentRule& default_rule();

// The values `alert` has for incident key `key` (a name of playbook::incident_keys()),
// lower case, without duplicates.
std::vector<std::string> key_values(const alert::Alert& alert, std::string_view key);

// The index of `key` in playbook::incident_keys().
std::size_t key_index(std::string_view key);

} // namespace dftriage::queue::detail
