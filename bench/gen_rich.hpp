// The single-shape benchmark input: REST (arm) alerts with many small members, several
// entities and extended properties, about 2 kB each, as `az security alert list`
// returns them for busy subscriptions. Structure-dense, unlike the prose-heavy mix.

#pragma once

#include "gen_model.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace dftriage::bench {

// Returns alert `index` of the data set for `seed` as a rich REST resource:
// {id, name, type, properties} with six entities (resource, account, ip with
// location, host, cloud application, process) and short extended properties.
nlohmann::ordered_json render_rich_arm(const SyntheticAlert& alert, std::uint64_t seed,
                                       std::uint64_t index);

} // namespace dftriage::bench
