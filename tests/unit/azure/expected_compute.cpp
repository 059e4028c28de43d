// What the compute and network actions added for incident-response practice must send.

#include "unit/azure/action_expectations.hpp"

namespace dftriage::azure::testing {

const std::vector<Expected> k_expected_compute = {
};

} // namespace dftriage::azure::testing
