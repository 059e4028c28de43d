#pragma once

// The lab's access tokens: JWT-shaped (header.payload.signature, base64url) with the claims
// Entra ID puts in an app-only token, so that a client reading its own token (the
// preflight: oid, roles) finds what it would in Azure. The signature is random bytes: the
// lab checks a token by finding it in state.tokens, never by its signature.

#include "router.hpp"
#include "state.hpp"

#include <string>
#include <vector>

namespace dftriage::lab {

// Issues a token for the application `client`, good for `audiences` ("arm", "graph", ...)
// until the lab's token lifetime has passed, whose aud claim is `resource` (the scope
// without "/.default", or the v1 resource). Stores it in state.tokens and returns it.
std::string mint_token(State& state, const std::string& client,
                       const std::vector<std::string>& audiences, const std::string& resource);

// Returns the Graph application permissions the lab's tokens carry as roles: every
// permission data/graph-permissions.json describes, less those --deny took away.
std::vector<std::string> graph_roles(const State& state);

// Returns what the lab knows of the request's bearer token, or nullptr when it has none
// or the lab did not issue it.
const TokenInfo* bearer_token(const State& state, const LabRequest& request);

} // namespace dftriage::lab
