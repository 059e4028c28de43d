#pragma once

// Internal to src/azure/credentials: the Entra token request shared by the secret,
// certificate and workload-identity credentials, and small helpers.

#include "dftriage/azure/token_credentials.hpp"
#include "dftriage/util/base64.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::azure::credentials {

using Form = std::vector<std::pair<std::string, std::string>>;

// The client_assertion_type of a JWT client assertion (a certificate's or a federated token).
inline constexpr const char* k_jwt_bearer =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// Returns `form` as an application/x-www-form-urlencoded body.
std::string form_encode(const Form& form);

// Returns {authority}/{tenant}/oauth2/v2.0/token. Throws Error when the tenant is not a
// tenant ID or domain name, or when the authority is plain HTTP to a host that is not
// loopback (a secret must not cross the network in clear).
std::string token_endpoint(std::string_view authority, std::string_view tenant);

// Returns the scope for `audience`: audience + "/.default" (a trailing '/' is kept, as
// Entra's v1 resource IDs need: "https://management.core.windows.net//.default").
std::string scope_for(std::string_view audience);

// POSTs the client-credentials `form` to `token_url` and returns the token; retries 429,
// 5xx and unanswered requests twice. Throws Error naming the status and Entra's error
// code and first description line (sanitised), never the response body otherwise.
AccessToken request_entra_token(const CredentialContext& context, const std::string& token_url,
                                const Form& form);

// Waits `duration` with context.sleep, or a sleep that Ctrl-C interrupts (Interrupted).
void wait(const CredentialContext& context, std::chrono::milliseconds duration);

// Returns the number in `value` (a JSON number or a string of digits), or nullopt.
std::optional<long long> json_number(const nlohmann::json& value);

// Returns the first line of `s`, sanitised for a terminal, cut at `limit` bytes.
std::string first_line(std::string_view s, std::size_t limit = 300);

// Base64url, shared with the lab (util/base64.hpp).
using dftriage::base64url_decode;
using dftriage::base64url_encode;

// Returns a random (version 4) UUID from OpenSSL's generator.
std::string random_uuid();

} // namespace dftriage::azure::credentials
