// Lays a synthetic alert out in one of the export shapes dftriage reads.

#pragma once

#include "gen_model.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

namespace dftriage::bench {

enum class OutputShape { arm, azcli, export_, sentinel, graph };

// Returns the shape of alert `index` for `seed`: mostly REST resources, like real
// collections, with every other shape well represented.
OutputShape choose_shape(std::uint64_t seed, std::uint64_t index);

// Returns the shape's name as dftriage's --format option spells it.
std::string_view shape_name(OutputShape shape);

// Returns the alert as a JSON object in the given shape.
nlohmann::ordered_json render_alert(const SyntheticAlert& alert, OutputShape shape);

} // namespace dftriage::bench
