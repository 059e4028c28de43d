#pragma once

// SHA-256 for the journal's chain, evidence digests, plan seals and the stable names a
// plan derives from an alert ID.

#include <string>
#include <string_view>

namespace dftriage {

// Returns the lower-case hex SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

} // namespace dftriage
