#include "families.hpp"

namespace dftriage::azure::actions {

void add_network(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
