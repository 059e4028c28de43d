// Markdown for the incident record: code spans and escaped prose that keep alert
// content (attacker-controlled) from changing the record's structure. CommonMark 0.31
// and GitHub's table and autolink extensions are the reference.

#include "dftriage/exec/report.hpp"
#include "dftriage/util/text.hpp"

#include <cctype>
#include <cstdint>

namespace dftriage::exec {

namespace {

bool is_line_break(std::uint32_t cp)
{
  return cp == '\n' || cp == '\r' || cp == '\t' || cp == '\v' || cp == '\f' || cp == 0x85 ||
         cp == 0x2028 || cp == 0x2029;
}

// One line of valid UTF-8 without control characters.
std::string clean(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::uint32_t cp = 0;
    const std::size_t len = text::decode_utf8(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (is_line_break(cp)) {
      out += ' ';
    } else if (!text::is_unsafe_code_point(cp)) {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

bool is_ascii_punctuation(char c)
{
  return std::string_view("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").find(c) != std::string_view::npos;
}

bool is_word_char(char c)
{
  // Bytes of multi-byte UTF-8 letters count as word characters, as CommonMark's
  // flanking rules treat letters of any script.
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80;
}

bool contains_ci(std::string_view s, std::string_view needle)
{
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
    bool same = true;
    for (std::size_t k = 0; k < needle.size() && same; ++k) {
      const char a =
          s[i + k] >= 'A' && s[i + k] <= 'Z' ? static_cast<char>(s[i + k] - 'A' + 'a') : s[i + k];
      same = a == needle[k];
    }
    if (same) {
      return true;
    }
  }
  return false;
}

// Words GitHub turns into links or mentions on its own (extended autolinks, @user).
bool links_itself(std::string_view word)
{
  return word.find("://") != std::string_view::npos || word.find('@') != std::string_view::npos ||
         contains_ci(word, "www.");
}

// Where the Markdown block marker that `s` (a value's first word) starts with ends
// (0 when none): a heading, a quote, a list item. Escaping its last character keeps a
// value that follows "- " from opening a block inside the list item.
std::size_t block_marker_end(std::string_view s)
{
  if (s.empty()) {
    return 0;
  }
  if (s[0] == '>' || (s[0] == '#' && s.find_first_not_of('#') == std::string_view::npos)) {
    return 1;
  }
  // "- x", "+ x", and a thematic break ("---").
  if ((s[0] == '-' || s[0] == '+') &&
      (s.size() == 1 || s.find_first_not_of(s[0]) == std::string_view::npos)) {
    return 1;
  }
  std::size_t digits = 0;
  while (digits < s.size() && digits < 9 && s[digits] >= '0' && s[digits] <= '9') {
    ++digits;
  }
  if (digits > 0 && digits + 1 == s.size() && (s[digits] == '.' || s[digits] == ')')) {
    return digits + 1;
  }
  return 0;
}

// True when `s` (what follows a '&') would make an entity reference: "amp;", "#60;".
bool starts_entity(std::string_view s)
{
  std::size_t i = !s.empty() && s[0] == '#' ? 1 : 0;
  const std::size_t start = i;
  while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i])) != 0) {
    ++i;
  }
  return i > start && i < s.size() && s[i] == ';';
}

void escape_word(std::string_view w, bool in_table, bool first, std::string& out)
{
  const std::size_t marker = first ? block_marker_end(w) : 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    const char prev = i > 0 ? w[i - 1] : ' ';
    const char next = i + 1 < w.size() ? w[i + 1] : ' ';
    bool escape = false;
    switch (c) {
    case '\\':
      escape = i + 1 == w.size() || is_ascii_punctuation(next);
      break;
    case '`':
    case '<':
    case '*':
    case '~':
    case '[':
      escape = true;
      break;
    case ']':
      escape = next == '(' || next == '[' || next == ':';
      break;
    case '_':
      escape = !is_word_char(prev) || !is_word_char(next);
      break;
    case '&':
      escape = starts_entity(w.substr(i + 1));
      break;
    case '|':
      escape = in_table;
      break;
    default:
      escape = marker > 0 && i + 1 == marker;
      break;
    }
    if (escape) {
      out += '\\';
    }
    out += c;
  }
}

} // namespace

std::string markdown_code(std::string_view raw, bool in_table)
{
  const std::string s = clean(raw);
  if (s.find_first_not_of(' ') == std::string::npos) {
    return {};
  }
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  // CommonMark strips one space from each side when both are present; the padding
  // keeps a backtick at either end from joining the fence.
  const bool pad = s.front() == '`' || s.back() == '`' || (s.front() == ' ' && s.back() == ' ');
  std::string out = fence + (pad ? " " : "");
  for (const char c : s) {
    if (c == '|' && in_table) {
      out += '\\';
    }
    out += c;
  }
  return out + (pad ? " " : "") + fence;
}

std::string markdown_text(std::string_view raw, bool in_table)
{
  const std::string s = clean(raw);
  std::string out;
  std::size_t i = 0;
  bool first = true;
  while (i < s.size()) {
    const std::size_t start = s.find_first_not_of(' ', i);
    if (start == std::string::npos) {
      break;
    }
    std::size_t end = s.find(' ', start);
    end = end == std::string::npos ? s.size() : end;
    const std::string_view word(s.data() + start, end - start);
    if (!first) {
      out += ' ';
    }
    if (links_itself(word)) {
      out += markdown_code(word, in_table);
    } else {
      escape_word(word, in_table, first, out);
    }
    first = false;
    i = end;
  }
  return out;
}

} // namespace dftriage::exec
