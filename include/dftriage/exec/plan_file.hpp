#pragma once

// A plan as a file for review and `apply`: sealed with its own digest, optionally with
// the state of each target captured when it was made, so apply can refuse a plan that
// was edited or whose targets changed since.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/client.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace dftriage::exec {

// Returns `plan` with "digest": "sha256:<hex>" as its last key: the SHA-256 of the
// plan's compact JSON without that key.
nlohmann::ordered_json seal(nlohmann::ordered_json plan);

// Returns "" when `plan` carries a digest that matches it, else what is wrong.
std::string check_seal(const nlohmann::ordered_json& plan);

// Reads the pre-image of every planned change through `client` and records it in the
// step's action as "captured": [{url, status, etag, sha256}] (the body's digest, never
// the body). Call before seal(). `bodies`, when given, receives what each step's reads
// returned, by step ID, for showing the change as a diff (never written to the plan).
void capture_targets(nlohmann::ordered_json& plan, azure::Client& client,
                     std::map<std::string, azure::PreImage>* bodies = nullptr);

// Returns the fingerprint of one read as capture_targets records it.
nlohmann::ordered_json fingerprint(const std::string& url, int status,
                                   const nlohmann::ordered_json& body);

} // namespace dftriage::exec
