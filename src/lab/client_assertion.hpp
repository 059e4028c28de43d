#pragma once

// The imitated Entra's check of a client assertion (RFC 7523): a certificate-signed JWT
// checked against the keyCredentials of the client's service principal, or a federated
// (workload identity) token matched against its federatedIdentityCredentials.

#include "state.hpp"

#include <string>

namespace dftriage::lab {

// Why an assertion was refused: the AADSTS code and Entra's message; code 0: accepted.
struct AssertionVerdict
{
  int code = 0;
  std::string message;
};

// Checks `assertion` presented by `client` to the token endpoint `token_url`, given the
// client's service principal (null when it has none: no certificate or federation is
// registered). A certificate assertion needs alg RS256, an x5t (or x5t#S256) header
// naming one of the principal's keyCredentials ({"key": base64 DER certificate}), a
// signature that verifies with it, iss = sub = client, aud = the token endpoint, and
// exp in the future (nbf not ahead). A federated one (aud api://AzureADTokenExchange)
// needs a federatedIdentityCredentials entry with its iss and sub, and exp in the future.
AssertionVerdict check_client_assertion(const State& state, const Json* principal,
                                        const std::string& client, const std::string& assertion,
                                        const std::string& token_url);

} // namespace dftriage::lab
