#pragma once

// Base64url (RFC 4648 §5) as JWTs and certificate thumbprints use it.

#include <optional>
#include <string>
#include <string_view>

namespace dftriage {

// Returns `bytes` in base64url without padding.
std::string base64url_encode(std::string_view bytes);

// Returns the bytes `s` encodes, taking the standard alphabet's '+' and '/' too and
// trailing '=' padding; nullopt when `s` is not base64.
std::optional<std::string> base64url_decode(std::string_view s);

} // namespace dftriage
