#pragma once

// Internal to src/exec: what the executor's files share.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/request.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace dftriage::exec::detail {

// What a request body holds where a secret is made at run time (a VM's new password).
inline constexpr std::string_view k_generated = "$(generated secret)";

// Replaces every "$(generated secret)" in `node` with `secret`, making it on first need
// (generate_password). Returns whether one was replaced.
bool fill_generated(nlohmann::ordered_json& node, std::string& secret);

// Returns `node` with every string equal to `secret` replaced by a marker saying it was
// generated and not recorded. An empty `secret` changes nothing.
nlohmann::ordered_json scrub(const nlohmann::ordered_json& node, const std::string& secret);

// Returns a read's answer as evidence: where it went and what came back.
nlohmann::ordered_json evidence_of(const azure::Request& request, const azure::Response& response);

} // namespace dftriage::exec::detail
