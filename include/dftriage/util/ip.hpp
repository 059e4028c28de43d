#pragma once

#include <string_view>

namespace dftriage::ip {

// True when `s` is a valid IPv4 address in strict dotted-quad form (no leading
// zeros, so the sanitised "00.00.00.00" of Defender's samples is not) or a valid
// IPv6 address.
bool is_valid(std::string_view s);

// True when `address` lies in `range` ("1.2.3.0/24", or one address; IPv6 likewise) of
// the same family; false when either is not one.
bool in_range(std::string_view address, std::string_view range);

} // namespace dftriage::ip
