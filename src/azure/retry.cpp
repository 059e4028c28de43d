#include "dftriage/azure/retry.hpp"

#include "dftriage/util/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace dftriage::azure {

namespace {

using std::chrono::milliseconds;

// Larger numbers are clamped here (then capped by the policy) instead of overflowing.
constexpr std::uint64_t k_max_wait_number = 1'000'000'000;

std::optional<std::uint64_t> parse_count(std::string_view s)
{
  s = text::trim(s);
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error == std::errc::result_out_of_range || value > k_max_wait_number) {
    return k_max_wait_number;
  }
  if (error != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<int> parse_int(std::string_view s)
{
  int value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s)
{
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  static constexpr std::array<std::string_view, 12> k_months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  s = text::trim(s);
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto month = std::find(k_months.begin(), k_months.end(), s.substr(8, 3));
  const auto day = parse_int(s.substr(5, 2));
  const auto year = parse_int(s.substr(12, 4));
  const auto hour = parse_int(s.substr(17, 2));
  const auto minute = parse_int(s.substr(20, 2));
  const auto second = parse_int(s.substr(23, 2));
  if (month == k_months.end() || !day || !year || !hour || !minute || !second || *day < 1 ||
      *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const auto m = static_cast<unsigned>(month - k_months.begin() + 1);
  const std::int64_t days = days_from_civil(*year, m, static_cast<unsigned>(*day));
  const std::int64_t seconds =
      days * 86400 + std::int64_t{*hour} * 3600 + std::int64_t{*minute} * 60 + *second;
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

std::optional<milliseconds> server_wait(const HttpResponse& response,
                                        std::chrono::system_clock::time_point now)
{
  if (const auto ms = response.header("x-ms-retry-after-ms")) {
    if (const auto value = parse_count(*ms)) {
      return milliseconds(*value);
    }
  }
  const auto retry_after = response.header("Retry-After");
  if (!retry_after) {
    return std::nullopt;
  }
  if (const auto seconds = parse_count(*retry_after)) {
    return milliseconds(*seconds * 1000);
  }
  if (const auto date = parse_http_date(*retry_after)) {
    const auto wait = std::chrono::duration_cast<milliseconds>(*date - now);
    return std::max(wait, milliseconds(0));
  }
  return std::nullopt;
}

bool is_transient_status(int status)
{
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

bool is_idempotent(std::string_view method)
{
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

bool may_retry_status(std::string_view method, bool retry_safe, int status)
{
  if (status == 429) {
    return true;
  }
  return is_transient_status(status) && (retry_safe || is_idempotent(method));
}

bool may_retry_transport(std::string_view method, bool retry_safe, bool may_have_reached_server)
{
  return !may_have_reached_server || retry_safe || is_idempotent(method);
}

milliseconds backoff_delay(const RetryPolicy& policy, int retry, double unit_random)
{
  milliseconds ceiling = policy.base_delay;
  for (int i = 1; i < retry && ceiling < policy.max_delay; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, policy.max_delay);
  const double fraction = std::clamp(unit_random, 0.0, 1.0);
  return milliseconds(
      static_cast<milliseconds::rep>(static_cast<double>(ceiling.count()) * fraction));
}

} // namespace dftriage::azure
