#include "dftriage/util/terminal.hpp"

#include "dftriage/util/text.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace dftriage::terminal {

namespace {

const char k_hex[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte)
{
  out += "\\x";
  out.push_back(k_hex[byte >> 4]);
  out.push_back(k_hex[byte & 0xF]);
}

void append_code_point_escape(std::string& out, std::uint32_t cp)
{
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out.push_back(k_hex[(cp >> shift) & 0xF]);
  }
}

} // namespace

std::string sanitize(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint32_t cp = 0;
    const std::size_t len = text::decode_utf8(s, i, cp);
    if (len == 0) {
      append_byte_escape(out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (text::is_unsafe_code_point(cp)) {
      if (cp == '\t') {
        out += "\\t";
      } else if (cp == '\n') {
        out += "\\n";
      } else if (cp == '\r') {
        out += "\\r";
      } else if (cp < 0x80) {
        append_byte_escape(out, static_cast<unsigned char>(cp));
      } else {
        append_code_point_escape(out, cp);
      }
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

bool is_tty(std::FILE* stream)
{
  return ::isatty(::fileno(stream)) == 1;
}

bool use_colour(std::FILE* stream)
{
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && no_colour[0] != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) {
    return false;
  }
  return is_tty(stream);
}

std::string paint(std::string_view s, Colour colour, bool enabled)
{
  if (!enabled || colour == Colour::none) {
    return std::string(s);
  }
  const char* code = "";
  switch (colour) {
  case Colour::bold:
    code = "1";
    break;
  case Colour::dim:
    code = "2";
    break;
  case Colour::red:
    code = "31";
    break;
  case Colour::green:
    code = "32";
    break;
  case Colour::yellow:
    code = "33";
    break;
  case Colour::magenta:
    code = "35";
    break;
  case Colour::cyan:
    code = "36";
    break;
  case Colour::none:
    break;
  }
  return std::string("\x1b[") + code + "m" + std::string(s) + "\x1b[0m";
}

char32_t next_char(std::string_view s, std::size_t& i)
{
  std::uint32_t code = 0;
  const std::size_t length = text::decode_utf8(s, i, code);
  if (length == 0) {
    return static_cast<unsigned char>(s[i++]);
  }
  i += length;
  return code;
}

bool is_wide(char32_t c)
{
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
         (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
         (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
         (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

std::size_t display_width(std::string_view text)
{
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    width += is_wide(next_char(text, i)) ? 2 : 1;
  }
  return width;
}

} // namespace dftriage::terminal
