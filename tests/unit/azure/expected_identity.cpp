// What the Graph, authorization and automation actions added for incident-response practice must send.

#include "unit/azure/action_expectations.hpp"

namespace dftriage::azure::testing {

const std::vector<Expected> k_expected_identity = {
};

} // namespace dftriage::azure::testing
