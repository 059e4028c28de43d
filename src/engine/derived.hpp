#pragma once

// Values a playbook can refer to that dftriage works out rather than reads from the
// alert: alert.names.*, alert.review.*, responder.* (plan.cpp puts them in scope).

#include "dftriage/alert/alert.hpp"
#include "dftriage/azure/cloud.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace dftriage::engine::derived {

// alert.names: evidencePrefix, isolationNsgId, vmId (see derived.cpp).
nlohmann::ordered_json names(const alert::Alert& a);
// alert.review: start and end of the window a review of everything that happened reads.
nlohmann::ordered_json review_window(const alert::Alert& a);
// responder: addresses, the public addresses Azure sees the responder's requests from.
nlohmann::ordered_json responder(const azure::Cloud& cloud);

// True for an IP address or a CIDR range.
bool is_ip_or_cidr(std::string_view s);

} // namespace dftriage::engine::derived
