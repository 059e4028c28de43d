#include "families.hpp"

namespace dftriage::azure::actions {

void add_monitor(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
