#pragma once

// What counts as a secret, in one place, for everything that keeps or shows traffic:
// the Azure client's observer (src/azure/client_support.cpp), the journal and the
// evidence files (src/journal), the credentials' error messages
// (src/azure/credentials/caching.cpp) and the lab's --record log (src/lab/record.cpp).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::redact {

// What stands in place of a hidden secret, unless a caller names another marker.
inline constexpr std::string_view k_marker = "***";

// The HTTP headers named as secret (lower case): Authorization, Proxy-Authorization,
// x-ms-authorization-auxiliary (cross-tenant tokens), X-IDENTITY-HEADER and Secret
// (App Service managed identity), Cookie, Set-Cookie, Ocp-Apim-Subscription-Key.
const std::vector<std::string>& secret_headers();

// The JSON member and form field names named as secret (lower case): passwords,
// client secrets and assertions, access, refresh and ID tokens, VM extensions'
// protected settings.
const std::vector<std::string>& secret_fields();

// True when the value of header `name` is a credential: one of secret_headers(), or
// a name holding "authorization", "secret", "password", "token" or "cookie", or ending
// in "-key" (x-ms-token-aad-access-token, x-ms-encryption-key). ASCII case is ignored.
bool is_secret_header(std::string_view name);

// True when the value of JSON member or form field `name` is a secret: one of
// secret_fields() or secret_headers(). ASCII case is ignored.
bool is_secret_field(std::string_view name);

// Returns what to show for the header `name: value`: `value`, or for a secret header
// `marker`, after the scheme of an authorization value ("Bearer ***").
std::string header_value(std::string_view name, std::string_view value,
                         std::string_view marker = k_marker);

// Returns `value` with secrets replaced by `marker` at any depth: the value of every
// member that is_secret_field names, and the "value" of every Key Vault secret bundle
// ({"id": ".../secrets/...", "value": ...}). A null stays null: it hides nothing.
nlohmann::ordered_json json_value(const nlohmann::ordered_json& value,
                                  std::string_view marker = k_marker);

// Returns the HTTP body `body` redacted like json_value and, when it is an object,
// with its top-level string "value" hidden too: a Key Vault secret as it is set
// ({"value": "..."}) carries no "id".
nlohmann::ordered_json json_body(const nlohmann::ordered_json& body,
                                 std::string_view marker = k_marker);

// Returns `text` with every occurrence of each non-empty string of `secrets` (values
// known to be secret: a client secret, an assertion) replaced by `marker`.
std::string known_values(std::string text, const std::vector<std::string>& secrets,
                         std::string_view marker = k_marker);

} // namespace dftriage::redact
