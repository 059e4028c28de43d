#pragma once

#include "dftriage/util/base64.hpp"

// Small helpers of the lab: IDs, times, URL encoding, form bodies.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::lab {

using Clock = std::chrono::system_clock;

// Returns a GUID-shaped string derived only from `seed` (the same seed, the same GUID).
std::string stable_guid(std::string_view seed);
// Returns a random GUID.
std::string random_guid();
// Returns `bytes` random bytes as lower-case hex.
std::string random_hex(std::size_t bytes);
// Returns `t` as ISO 8601 UTC with 7 fractional digits ("2026-01-31T08:00:00.0000000Z").
std::string iso_time(Clock::time_point t);
// Returns the ISO 8601 time `start` moved by `seconds` (`start` as is when it is not one).
std::string shifted(const std::string& start, int seconds);
// Parses an ISO 8601 UTC time ("2026-01-31T08:00:00[.fff][Z]"), or returns nullopt-like
// false. Naive times (no zone, as az sends) are read as UTC.
bool parse_iso_time(std::string_view text, Clock::time_point& out);
// Returns `s` percent-decoded ('+' kept unless `plus_is_space`).
std::string url_decode(std::string_view s, bool plus_is_space = false);
// Returns `s` percent-encoded for a query value (unreserved characters kept).
std::string url_encode(std::string_view s);
// Returns the pairs of an application/x-www-form-urlencoded body.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);
// Returns the value of `name` in `pairs`, or "".
std::string form_value(const std::vector<std::pair<std::string, std::string>>& pairs,
                       std::string_view name);
// Returns `s` lower-cased.
std::string lower(std::string_view s);

// A region as ARM compares it: "West Europe" and "westeurope" name one region.
std::string region(const std::string& location);
// Returns the base64url decoding of `s` ("" when it is not base64url).
inline std::string base64url_decode(std::string_view s)
{
  return dftriage::base64url_decode(s).value_or("");
}

} // namespace dftriage::lab
