#pragma once

// Internal to the lab's Microsoft Graph (graph.cpp, graph_credentials.cpp): Graph's error
// shape, user lookup, $select and the @odata.context envelope.

#include "router.hpp"
#include "state.hpp"

#include <string>
#include <vector>

namespace dftriage::lab {

// A route's capture of one path segment (an object ID or a UPN).
inline const std::string k_graph_id = "([^/]+)";

// Throws an ArmFault with Graph's error body: {error: {code, message, innerError{date,
// request-id}}}.
[[noreturn]] void graph_fault(State& state, int status, const std::string& code,
                              const std::string& message);

// Throws graph_fault 404 Request_ResourceNotFound for the object `id` names.
[[noreturn]] void graph_not_found(State& state, const std::string& id);

// Returns the user with this object ID or UPN (any case), or nullptr.
Json* find_user(State& state, const std::string& key);

// Returns the user with this object ID or UPN; throws graph_fault 404
// Request_ResourceNotFound when there is none.
Json& require_user(State& state, const std::string& key);

// Returns `entity` with only the members $select names (id always kept), or whole
// without $select.
Json selected(const Json& entity, const LabRequest& request);

// Returns `body` (an object) after "@odata.context": `context`, with Graph's request-id.
LabResponse graph_json(int status, Json body, const std::string& context);

// Returns the authentication methods of `user` (a stored Graph user), made the first time
// from the default set every lab user has: a password, a mobile phone and Microsoft
// Authenticator on a phone, registered when the user was made.
std::vector<Json>& auth_methods_of(State& state, const Json& user);

// Microsoft Graph directory objects, service principals' updates, authentication methods
// and applications' credentials (graph_credentials.cpp).
void add_graph_credential_routes(Router& router, State& state);

} // namespace dftriage::lab
