#pragma once

#include <string_view>

namespace dftriage::ip {

// True when `s` is a valid IPv4 address in strict dotted-quad form (no leading
// zeros, so the sanitised "00.00.00.00" of Defender's samples is not) or a valid
// IPv6 address.
bool is_valid(std::string_view s);

} // namespace dftriage::ip
