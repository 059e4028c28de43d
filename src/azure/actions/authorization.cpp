#include "families.hpp"

namespace dftriage::azure::actions {

void add_authorization(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
