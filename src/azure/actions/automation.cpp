#include "families.hpp"

namespace dftriage::azure::actions {

void add_automation(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
