#include "util.hpp"

#include "dftriage/util/text.hpp"

#include <cstdio>
#include <ctime>
#include <random>

namespace dftriage::lab {

namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t basis)
{
  std::uint64_t h = basis;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string guid_from(std::uint64_t a, std::uint64_t b)
{
  char out[40];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

std::mt19937_64& generator()
{
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

} // namespace

std::string stable_guid(std::string_view seed)
{
  return guid_from(fnv1a(seed, 14695981039346656037ULL), fnv1a(seed, 0x9e3779b97f4a7c15ULL));
}

std::string random_guid()
{
  return guid_from(generator()(), generator()());
}

std::string random_hex(std::size_t bytes)
{
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto v = static_cast<unsigned>(generator()() & 0xff);
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

std::string iso_time(Clock::time_point t)
{
  const auto since = t.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const auto ticks =
      std::chrono::duration_cast<std::chrono::microseconds>(since - secs).count() * 10;
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%07lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ticks));
  return out;
}

bool parse_iso_time(std::string_view text, Clock::time_point& out)
{
  std::tm tm{};
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  const std::string s(text);
  // YYYY-MM-DD, then optionally Thh:mm:ss: each field at its place, its digits only.
  const auto field = [&s](std::size_t at, std::size_t width, char after, int& into) {
    if (at + width > s.size() || (at > 0 && s[at - 1] != after)) {
      return false;
    }
    int value = 0;
    for (std::size_t i = at; i < at + width; ++i) {
      if (s[i] < '0' || s[i] > '9') {
        return false;
      }
      value = value * 10 + (s[i] - '0');
    }
    into = value;
    return true;
  };
  if (!field(0, 4, '\0', year) || !field(5, 2, '-', month) || !field(8, 2, '-', day)) {
    return false;
  }
  if (field(11, 2, 'T', hour) && field(14, 2, ':', minute)) {
    field(17, 2, ':', second);
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  out = Clock::from_time_t(timegm(&tm));
  const auto dot = s.find('.');
  if (dot != std::string::npos && dot > 18) {
    long long micros = 0;
    int digits = 0;
    for (std::size_t i = dot + 1; i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 6;
         ++i, ++digits) {
      micros = micros * 10 + (s[i] - '0');
    }
    for (; digits < 6; ++digits) {
      micros *= 10;
    }
    out += std::chrono::microseconds(micros);
  }
  return true;
}

std::string url_decode(std::string_view s, bool plus_is_space)
{
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string url_encode(std::string_view s)
{
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body)
{
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto part = body.substr(0, amp);
    const auto eq = part.find('=');
    if (!part.empty()) {
      out.emplace_back(url_decode(part.substr(0, eq), true),
                       eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1), true));
    }
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
  }
  return out;
}

std::string form_value(const std::vector<std::pair<std::string, std::string>>& pairs,
                       std::string_view name)
{
  for (const auto& [key, value] : pairs) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

std::string lower(std::string_view s)
{
  return text::to_lower(s);
}

std::string region(const std::string& location)
{
  std::string out;
  for (const char ch : lower(location)) {
    if (ch != ' ') {
      out += ch;
    }
  }
  return out;
}

std::string shifted(const std::string& start, int seconds)
{
  Clock::time_point t;
  return parse_iso_time(start, t) ? iso_time(t + std::chrono::seconds(seconds)) : start;
}

} // namespace dftriage::lab
