#pragma once

// What the Network provider's routes share: NSGs and NICs (arm_network.cpp) and an NSG's
// security rules as sub-resources (arm_network_rules.cpp).

#include "router.hpp"
#include "state.hpp"

#include <string>

namespace dftriage::lab::network {

// The Network api-versions the lab accepts.
const std::vector<std::string>& api_versions();

// Throws ArmFault 412 PreconditionFailed when the request's If-Match does not match
// `existing`'s etag (or it is absent: null), or its If-None-Match does.
void check_preconditions(const LabRequest& request, const Json* existing);

// Returns `response` with an ETag header holding `resource`'s etag.
LabResponse with_etag(LabResponse response, const Json& resource);

// The answer to a PUT: 201 (created) or 200 with `view` in provisioningState Updating, its
// ETag, and an Azure-AsyncOperation in `location`'s region to poll (Network PUTs give no
// Location header).
LabResponse put_answer(State& state, const LabRequest& request, const Json& view,
                       const std::string& location, bool created, const std::string& subscription);

// The answer to a DELETE of something that existed: 202 with Azure-AsyncOperation and
// Location in `location`'s region.
LabResponse delete_answer(State& state, const LabRequest& request, const std::string& location,
                          const std::string& subscription);

// Adds `{nsg}/securityRules` (GET, a page) and `{nsg}/securityRules/{name}` (GET, PUT and
// DELETE as long-running operations), all reading and writing the NSG's own
// properties.securityRules (arm_network_rules.cpp).
void add_security_rule_routes(Router& router, State& state);

} // namespace dftriage::lab::network
