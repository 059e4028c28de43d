#pragma once

// Internal to src/cli: looking a path up in a read's result, as the walk's summaries do.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace dftriage::cli {

// Returns the value at result path `path` in `root`, or nullopt when it is missing: a
// JSON null that is there is a value ("null"). A key matches exactly, else ignoring
// case; after "[*]" the items that lack the rest are left out.
std::optional<nlohmann::ordered_json> find_in_result(const nlohmann::ordered_json& root,
                                                     const std::string& path);

} // namespace dftriage::cli
