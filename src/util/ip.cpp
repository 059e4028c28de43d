#include "dftriage/util/ip.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <string>

namespace dftriage::ip {

bool is_valid(std::string_view s)
{
  if (s.empty() || s.size() > 45) {
    return false;
  }
  const std::string text(s);
  unsigned char buffer[16];
  if (text.find(':') != std::string::npos) {
    return ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
  }
  // glibc's inet_pton accepts only four decimal parts and rejects leading zeros.
  return ::inet_pton(AF_INET, text.c_str(), buffer) == 1;
}

bool in_range(std::string_view address, std::string_view range)
{
  const auto slash = range.find('/');
  const std::string network(range.substr(0, slash));
  const std::string ip(address);
  const bool v6 = network.find(':') != std::string::npos;
  if (v6 != (ip.find(':') != std::string::npos)) {
    return false;
  }
  const int family = v6 ? AF_INET6 : AF_INET;
  unsigned char a[16] = {};
  unsigned char n[16] = {};
  if (::inet_pton(family, ip.c_str(), a) != 1 || ::inet_pton(family, network.c_str(), n) != 1) {
    return false;
  }
  const int width = v6 ? 128 : 32;
  int bits = width;
  if (slash != std::string_view::npos) {
    const char* first = range.data() + slash + 1;
    const char* last = range.data() + range.size();
    const auto [end, error] = std::from_chars(first, last, bits);
    if (error != std::errc() || end != last || bits < 0 || bits > width) {
      return false;
    }
  }
  const int whole = bits / 8;
  for (int i = 0; i < whole; ++i) {
    if (a[i] != n[i]) {
      return false;
    }
  }
  const int rest = bits % 8;
  const auto mask = static_cast<unsigned char>(0xFF00U >> rest);
  return rest == 0 || (a[whole] & mask) == (n[whole] & mask);
}

} // namespace dftriage::ip
