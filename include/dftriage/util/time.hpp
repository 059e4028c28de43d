#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dftriage::time {

// Parses an ISO-8601 date-time ("2022-11-17T09:17:49.5137586Z", with or without
// fraction, 'Z' or a "+hh:mm" offset; no zone means UTC) or the US form Defender
// uses inside extended properties ("11/17/2022 09:17:49", UTC), and returns it in
// UTC as "YYYY-MM-DDThh:mm:ss[.fraction]Z", keeping the fraction's digits as given.
// Returns nullopt when `s` is not such a time or names an impossible date.
std::optional<std::string> normalise_utc(std::string_view s);

// Returns the seconds since 1970-01-01T00:00:00Z of a time normalise_utc() takes
// (fraction dropped), or nullopt.
std::optional<std::int64_t> to_unix_seconds(std::string_view s);
// Returns `seconds` since the epoch as "YYYY-MM-DDThh:mm:ssZ".
std::string from_unix_seconds(std::int64_t seconds);
// Returns `t` as "YYYY-MM-DDThh:mm:ssZ" (UTC; the fraction of a second dropped, as
// from_unix_seconds would for `t`'s whole seconds since the epoch).
std::string from_time_point(std::chrono::system_clock::time_point t);

// The current time in seconds since the epoch; the environment variable DFTRIAGE_NOW
// (an ISO 8601 time) fixes it, for reproducible plans and tests, and a PinnedNow holds
// it still for as long as it lives.
std::int64_t now_unix_seconds();

// Holds now_unix_seconds() at the moment of construction until destroyed: a walk pins
// it so that every plan it makes derives the same "now" (the end of a review window
// would otherwise move when the minute turns mid-walk, and a default already recorded
// would be answered again). Pins nest (the outer one's time holds); DFTRIAGE_NOW still
// wins.
class PinnedNow
{
public:
  PinnedNow();
  ~PinnedNow();
  PinnedNow(const PinnedNow&) = delete;
  PinnedNow& operator=(const PinnedNow&) = delete;
  PinnedNow(PinnedNow&&) = delete;
  PinnedNow& operator=(PinnedNow&&) = delete;

private:
  std::int64_t m_before; // the pin this one replaced (0: none)
};

} // namespace dftriage::time
