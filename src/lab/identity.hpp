#pragma once

// The imitated Microsoft Entra ID: the token endpoint (client credentials with a secret
// or a client assertion), what MSAL discovers first, and bearer-token checks.

#include "router.hpp"
#include "state.hpp"

namespace dftriage::lab {

// Adds the token, instance-discovery, OpenID-configuration and ARM metadata routes.
void add_identity_routes(Router& router, State& state);

// Checks the request's bearer token for `audience`: returns its client ID, or the 401
// that service answers with (ARM, Key Vault, Graph and Log Analytics shapes differ).
AuthResult authorize(State& state, const LabRequest& request, std::string_view audience);

// Returns the audiences a token for `scope` ("https://vault.azure.net/.default", the
// lab's own resource ID, ...) is good for; empty when the scope is unknown.
std::vector<std::string> audiences_for_scope(const State& state, std::string_view scope);

} // namespace dftriage::lab
