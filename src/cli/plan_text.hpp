#pragma once

// Internal to src/cli: a plan (plan.cpp's JSON) as text for a person.

#include <nlohmann/json.hpp>
#include <string>

namespace dftriage::cli {

// Returns the plan `plan` (engine::Plan::to_json, sealed) as text; `colour` paints it.
std::string plan_text(const nlohmann::ordered_json& plan, bool colour);

} // namespace dftriage::cli
