#include "json_errors.hpp"

#include "dftriage/util/json_error.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace dftriage::alert::detail {

namespace {

bool is_number_char(char c)
{
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Calls `on_token(offset, c)` for each byte of `text` outside strings.
template <typename F>
void for_each_structural(std::string_view text, F on_token)
{
  bool in_string = false;
  bool escape = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (!on_token(i, c)) {
      return;
    }
  }
}

// Returns the offset of the bracket that goes deeper than `max_depth`, or the end.
std::size_t too_deep_at(std::string_view text, std::size_t max_depth)
{
  std::size_t depth = 0;
  std::size_t found = text.size();
  for_each_structural(text, [&](std::size_t i, char c) {
    if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        found = i;
        return false;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
    return true;
  });
  return found;
}

// True when the number token `s` fits no 64-bit integer (an integer) or no double.
bool is_huge_number(const std::string& s)
{
  errno = 0;
  char* end = nullptr;
  if (s.find_first_of(".eE") == std::string::npos) {
    if (s[0] == '-') {
      (void)std::strtoll(s.c_str(), &end, 10);
    } else {
      (void)std::strtoull(s.c_str(), &end, 10);
    }
    return errno == ERANGE;
  }
  const double d = std::strtod(s.c_str(), &end);
  return std::isinf(d);
}

} // namespace

JsonError locate_json_error(const Document& doc, simdjson::error_code error, std::size_t max_depth)
{
  if (error == simdjson::DEPTH_ERROR) {
    return JsonError{position_in(doc, too_deep_at(doc.text, max_depth)),
                     "nested deeper than " + std::to_string(max_depth) + " levels"};
  }
  if (error == simdjson::MEMALLOC) {
    return JsonError{TextPosition{doc.line, doc.column}, "not enough memory to read this document"};
  }
  const auto found = find_json_error(doc.text);
  if (!found) {
    return JsonError{TextPosition{doc.line, doc.column},
                     "invalid JSON: " + std::string(simdjson::error_message(error))};
  }
  return JsonError{position_in(doc, found->offset), found->message};
}

bool quote_huge_numbers(std::string_view text, std::string& out)
{
  std::string result;
  std::size_t copied = 0;
  std::string token;
  std::size_t skip_to = 0;
  for_each_structural(text, [&](std::size_t i, char c) {
    if (i < skip_to || !(c == '-' || (c >= '0' && c <= '9'))) {
      return true;
    }
    std::size_t end = i;
    while (end < text.size() && is_number_char(text[end])) {
      ++end;
    }
    skip_to = end;
    token.assign(text.substr(i, end - i));
    if (is_huge_number(token)) {
      result.append(text.substr(copied, i - copied));
      result += '"';
      result += token;
      result += '"';
      copied = end;
    }
    return true;
  });
  if (copied == 0) {
    return false;
  }
  result.append(text.substr(copied));
  result.append(DocumentReader::k_padding, '\0');
  out = std::move(result);
  return true;
}

} // namespace dftriage::alert::detail
