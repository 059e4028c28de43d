#include "families.hpp"

namespace dftriage::azure::actions {

void add_security(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
