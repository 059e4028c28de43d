// What the Key Vault and Log Analytics actions added for incident-response practice must send.

#include "unit/azure/action_expectations.hpp"

namespace dftriage::azure::testing {

const std::vector<Expected> k_expected_keyvault = {
};

} // namespace dftriage::azure::testing
