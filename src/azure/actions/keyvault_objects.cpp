// Key Vault keys and certificates: rotation, re-issue and their versions.

#include "families.hpp"

namespace dftriage::azure::actions {

void add_keyvault_objects(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
