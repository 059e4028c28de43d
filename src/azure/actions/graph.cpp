#include "families.hpp"

namespace dftriage::azure::actions {

void add_graph(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
