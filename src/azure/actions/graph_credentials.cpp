// Microsoft Graph credentials and principals: password reset, MFA methods, application secrets, service principals.

#include "families.hpp"

namespace dftriage::azure::actions {

void add_graph_credentials(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
