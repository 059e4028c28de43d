#include "families.hpp"

namespace dftriage::azure::actions {

void add_compute(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
