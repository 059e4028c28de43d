#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace dftriage::terminal {

// Returns `s` made safe to print on a terminal: C0 and C1 control characters
// (escape sequences included), DEL, Unicode bidirectional overrides and invalid
// UTF-8 bytes are replaced by visible escapes (\x1b, \u202e, \xff). Printable
// text, including non-ASCII letters, is kept. Use on every attacker-controlled value.
std::string sanitize(std::string_view s);

// Decodes the UTF-8 character at `i` of `s` and moves `i` past it; a byte that is not
// valid UTF-8 counts as one character.
char32_t next_char(std::string_view s, std::size_t& i);

// True for East Asian wide and full-width characters, which take two columns.
bool is_wide(char32_t c);

// Returns the columns `text` (UTF-8) takes on a terminal: wide characters count two.
std::size_t display_width(std::string_view text);

// True when `stream` is a terminal.
bool is_tty(std::FILE* stream);

// True when colour should be used on `stream`: a terminal, NO_COLOR unset or empty,
// and TERM not "dumb".
bool use_colour(std::FILE* stream);

// SGR colour codes used by the text renderers.
enum class Colour { none, bold, dim, red, yellow, green, cyan, magenta };

// Returns `s` wrapped in the escape sequence for `colour` when `enabled`.
std::string paint(std::string_view s, Colour colour, bool enabled);

} // namespace dftriage::terminal
