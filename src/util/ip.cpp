#include "dftriage/util/ip.hpp"

#include <arpa/inet.h>
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

} // namespace dftriage::ip
