#pragma once

// The imitated Microsoft Entra ID: the token endpoint (client credentials with a secret,
// or a client assertion checked as client_assertion.hpp says), what MSAL discovers first,
// the managed identity endpoints (IMDS's /metadata/identity/oauth2/token and App
// Service's /msi/token, on the lab's own port), and bearer-token checks.

#include "router.hpp"
#include "state.hpp"

namespace dftriage::lab {

// Adds the token, managed identity, instance-discovery, OpenID-configuration and ARM
// metadata routes. Clients: the lab's application (client secret; the system-assigned
// managed identity) and every seeded service principal by appId (client assertions per
// its keyCredentials / federatedIdentityCredentials; a user-assigned managed identity).
void add_identity_routes(Router& router, State& state);

// Checks the request's bearer token for `audience`: returns its client ID, or the 401
// that service answers with (ARM, Key Vault, Graph and Log Analytics shapes differ).
AuthResult authorize(State& state, const LabRequest& request, std::string_view audience);

// Returns the audiences a token for `scope` ("https://vault.azure.net/.default", the
// lab's own resource ID, ...) is good for; empty when the scope is unknown.
std::vector<std::string> audiences_for_scope(const State& state, std::string_view scope);

} // namespace dftriage::lab
