#pragma once

// Internal to src/azure/actions: what the Graph action files (graph.cpp,
// graph_credentials.cpp) share, so that every Graph request is built the same way.

#include "dftriage/azure/actions.hpp"

#include <string>

namespace dftriage::azure::actions {

// The Graph permission that reads users (every pre-image of a user).
inline constexpr const char* k_user_read = "User.Read.All";

// The `user` parameter: a user's object ID or user principal name.
ParamSpec user_param();

// Returns the checked `user` argument; throws ActionError ("parameter user: expected an
// object ID (GUID) or a user principal name, got …") for anything else.
const std::string& user_arg(const ActionArgs& args);

// Returns a Graph URL builder at {graph}/v1.0.
UrlBuilder graph_url(const Cloud& cloud);

// Returns a request with the Graph audience to `url`.
Request graph_request(std::string method, const UrlBuilder& url);

} // namespace dftriage::azure::actions
