#include "dftriage/util/base64.hpp"

namespace dftriage {

std::string base64url_encode(std::string_view bytes)
{
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  unsigned buffer = 0;
  int bits = 0;
  for (const char ch : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k_alphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) {
    out += k_alphabet[(buffer << (6 - bits)) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view s)
{
  while (!s.empty() && s.back() == '=') {
    s.remove_suffix(1);
  }
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : s) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-' || c == '+') {
      v = 62;
    } else if (c == '_' || c == '/') {
      v = 63;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

} // namespace dftriage
