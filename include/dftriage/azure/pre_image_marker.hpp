#pragma once

// The "$(pre-image N POINTER)" markers of planned bodies (actions.hpp,
// resolve_pre_image), taken apart for those who show a body before it is resolved.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dftriage::azure {

// One "$(pre-image N POINTER)" marker: pre-image N, the POINTER without a " writable"
// suffix, and whether it had one (the value is then sent without its read-only members).
struct PreImageMarker
{
  std::size_t index = 0;
  std::string pointer;
  bool writable = false;
};

// Returns the marker `s` is, or nullopt when `s` is not one.
std::optional<PreImageMarker> parse_pre_image_marker(std::string_view s);

} // namespace dftriage::azure
