#include "dftriage/util/time.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace dftriage::time {

namespace {

struct Cursor
{
  std::string_view s;
  std::size_t i = 0;

  bool digits(std::size_t count, int& out)
  {
    if (i + count > s.size()) {
      return false;
    }
    int value = 0;
    for (std::size_t k = 0; k < count; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    out = value;
    i += count;
    return true;
  }

  bool literal(char c)
  {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }

  bool done() const { return i == s.size(); }
};

bool is_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, int m, int d)
{
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153u * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d)
{
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

bool valid_fields(int y, int mo, int d, int h, int mi, int sec)
{
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) && h <= 23 &&
         mi <= 59 && sec <= 60;
}

std::string format(int y, int mo, int d, int h, int mi, int sec, std::string_view fraction)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
  std::string out(buf);
  if (!fraction.empty()) {
    out += '.';
    out += fraction;
  }
  out += 'Z';
  return out;
}

std::optional<std::string> parse_iso(std::string_view s)
{
  Cursor c{s};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!c.digits(4, y) || !c.literal('-') || !c.digits(2, mo) || !c.literal('-') ||
      !c.digits(2, d) || !(c.literal('T') || c.literal('t') || c.literal(' ')) || !c.digits(2, h) ||
      !c.literal(':') || !c.digits(2, mi) || !c.literal(':') || !c.digits(2, sec)) {
    return std::nullopt;
  }
  std::string_view fraction;
  if (c.literal('.')) {
    const std::size_t start = c.i;
    while (c.i < s.size() && s[c.i] >= '0' && s[c.i] <= '9') {
      ++c.i;
    }
    fraction = s.substr(start, c.i - start);
    if (fraction.empty() || fraction.size() > 9) {
      return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (c.literal('Z') || c.literal('z')) {
  } else if (c.i < s.size() && (s[c.i] == '+' || s[c.i] == '-')) {
    const int sign = s[c.i] == '-' ? -1 : 1;
    ++c.i;
    int oh = 0, om = 0;
    if (!c.digits(2, oh) || !(c.literal(':'), c.digits(2, om)) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (oh * 60 + om);
  }
  if (!c.done() || !valid_fields(y, mo, d, h, mi, sec)) {
    return std::nullopt;
  }
  if (offset_minutes != 0) {
    std::int64_t minutes =
        days_from_civil(y, mo, d) * 1440 + std::int64_t{h} * 60 + mi - offset_minutes;
    std::int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
    const auto minute_of_day = static_cast<int>(minutes - days * 1440);
    civil_from_days(days, y, mo, d);
    h = minute_of_day / 60;
    mi = minute_of_day % 60;
  }
  return format(y, mo, d, h, mi, sec, fraction);
}

std::optional<std::string> parse_us(std::string_view s)
{
  Cursor c{s};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!c.digits(2, mo) || !c.literal('/') || !c.digits(2, d) || !c.literal('/') ||
      !c.digits(4, y) || !c.literal(' ') || !c.digits(2, h) || !c.literal(':') ||
      !c.digits(2, mi) || !c.literal(':') || !c.digits(2, sec) || !c.done() ||
      !valid_fields(y, mo, d, h, mi, sec)) {
    return std::nullopt;
  }
  return format(y, mo, d, h, mi, sec, {});
}

} // namespace

std::optional<std::string> normalise_utc(std::string_view s)
{
  if (auto iso = parse_iso(s)) {
    return iso;
  }
  return parse_us(s);
}

std::optional<std::int64_t> to_unix_seconds(std::string_view s)
{
  const auto utc = normalise_utc(s);
  if (!utc) {
    return std::nullopt;
  }
  Cursor c{*utc};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  c.digits(4, y), c.literal('-'), c.digits(2, mo), c.literal('-'), c.digits(2, d), c.literal('T');
  c.digits(2, h), c.literal(':'), c.digits(2, mi), c.literal(':'), c.digits(2, sec);
  return days_from_civil(y, mo, d) * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + sec;
}

std::string from_unix_seconds(std::int64_t seconds)
{
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const auto second_of_day = static_cast<int>(seconds - days * 86400);
  int y = 0, mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  return format(y, mo, d, second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60, {});
}

std::string from_time_point(std::chrono::system_clock::time_point t)
{
  return from_unix_seconds(std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

namespace {

// The pinned time, or 0 when nothing pins it.
std::atomic<std::int64_t> g_pinned{0};

} // namespace

std::int64_t now_unix_seconds()
{
  if (const char* fixed = std::getenv("DFTRIAGE_NOW")) {
    if (const auto at = to_unix_seconds(fixed)) {
      return *at;
    }
  }
  if (const auto pinned = g_pinned.load(); pinned != 0) {
    return pinned;
  }
  return static_cast<std::int64_t>(std::time(nullptr));
}

PinnedNow::PinnedNow()
    : m_before(g_pinned.load())
{
  g_pinned.store(now_unix_seconds());
}

PinnedNow::~PinnedNow()
{
  g_pinned.store(m_before);
}

} // namespace dftriage::time
