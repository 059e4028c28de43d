#include "families.hpp"

namespace dftriage::azure::actions {

void add_resources(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
