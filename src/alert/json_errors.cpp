#include "json_errors.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace dftriage::alert::detail {

namespace {

constexpr std::size_t k_max_message = 160;

// Records the first syntax error nlohmann's parser meets, without building a DOM.
struct ErrorFinder : nlohmann::json_sax<nlohmann::json>
{
  std::size_t position = 0;
  std::string message;
  bool failed = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string&,
                   const nlohmann::detail::exception& e) override
  {
    position = pos;
    message = e.what();
    failed = true;
    return false;
  }
};

// Turns nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9:
// syntax error while parsing object - unexpected '}'; expected string literal" into
// "syntax error while parsing object: unexpected '}'; expected string literal".
// The "last read" excerpt is dropped: it repeats input bytes, which may be hostile;
// anything else is cut short.
std::string describe_parse_error(std::string what)
{
  const std::size_t colon = what.find(": ", what.find("parse error"));
  if (colon != std::string::npos) {
    what.erase(0, colon + 2);
  } else if (what.rfind("[json.exception.", 0) == 0 && what.find("] ") != std::string::npos) {
    what.erase(0, what.find("] ") + 2);
  }
  const std::size_t dash = what.find(" - ");
  if (dash != std::string::npos) {
    what.replace(dash, 3, ": ");
  }
  const std::size_t last_read = what.find("; last read: '");
  if (last_read != std::string::npos) {
    const std::size_t end = what.find("'; ", last_read + 14);
    what.erase(last_read, end == std::string::npos ? std::string::npos : end + 1 - last_read);
  }
  if (what.size() > k_max_message) {
    what.resize(k_max_message);
    what += "...";
  }
  return what;
}

bool is_word_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '+' || c == '-' || c == '_';
}

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
  ErrorFinder finder;
  nlohmann::json::sax_parse(doc.text, &finder);
  if (!finder.failed) {
    return JsonError{TextPosition{doc.line, doc.column},
                     "invalid JSON: " + std::string(simdjson::error_message(error))};
  }
  // `position` counts the bytes read, the offending one included. A bad bare word
  // ("tru}", "0x") or number is reported where it starts.
  std::size_t offset = std::min(finder.position > 0 ? finder.position - 1 : 0, doc.text.size());
  const bool word = finder.message.find("invalid literal") != std::string::npos ||
                    finder.message.find("number") != std::string::npos;
  while (word && offset > 0 && is_word_char(doc.text[offset - 1])) {
    --offset;
  }
  return JsonError{position_in(doc, offset), describe_parse_error(finder.message)};
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
