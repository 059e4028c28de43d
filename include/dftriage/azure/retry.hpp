#pragma once

#include "dftriage/azure/http.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace dftriage::azure {

// When and how often the client repeats a failed exchange.
struct RetryPolicy
{
  static constexpr int k_default_max_attempts = 4;
  static constexpr std::chrono::milliseconds k_default_base_delay{800};
  static constexpr std::chrono::milliseconds k_default_max_delay{30'000};
  static constexpr std::chrono::milliseconds k_default_max_server_wait{60'000};

  int max_attempts = k_default_max_attempts; // sends in all, the first included
  std::chrono::milliseconds base_delay = k_default_base_delay;
  std::chrono::milliseconds max_delay = k_default_max_delay;
  // A Retry-After / x-ms-retry-after-ms longer than this is shortened to it.
  std::chrono::milliseconds max_server_wait = k_default_max_server_wait;
};

// How a long-running operation is polled when the server gives no Retry-After: the
// first wait, doubled each poll up to the maximum, and the total wait after which the
// client gives up.
struct PollPolicy
{
  static constexpr std::chrono::milliseconds k_default_first_delay{5'000};
  static constexpr std::chrono::milliseconds k_default_max_delay{60'000};
  static constexpr std::chrono::milliseconds k_default_max_total_wait{30 * 60'000};

  std::chrono::milliseconds first_delay = k_default_first_delay;
  std::chrono::milliseconds max_delay = k_default_max_delay;
  std::chrono::milliseconds max_total_wait = k_default_max_total_wait;
};

// Returns how long `response` asks the client to wait: `x-ms-retry-after-ms`
// (milliseconds), else `Retry-After` as delta-seconds or an HTTP-date (IMF-fixdate,
// relative to `now`; a past date is zero). Returns nullopt when neither is present or
// readable. Not capped.
std::optional<std::chrono::milliseconds> server_wait(const HttpResponse& response,
                                                     std::chrono::system_clock::time_point now);

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s);

// True for statuses worth repeating: 408, 429, 500, 502, 503, 504.
bool is_transient_status(int status);

// True for methods whose repetition has the effect of one send (GET, HEAD, PUT,
// DELETE, OPTIONS); false for POST and PATCH.
bool is_idempotent(std::string_view method);

// Whether a response with `status` to `method` may be sent again: 429 always (the
// request was refused); the other transient statuses only when the method is
// idempotent or `retry_safe`.
bool may_retry_status(std::string_view method, bool retry_safe, int status);

// Whether `method` may be sent again after a TransportError: always when the request
// never reached the server; otherwise only when idempotent or `retry_safe`.
bool may_retry_transport(std::string_view method, bool retry_safe, bool may_have_reached_server);

// Returns the backoff before retry number `retry` (1 = the first retry) with full
// jitter: `unit_random` (in [0, 1]) times min(max_delay, base_delay * 2^(retry-1)).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double unit_random);

} // namespace dftriage::azure
