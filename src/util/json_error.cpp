#include "dftriage/util/json_error.hpp"

#include "dftriage/util/text.hpp"

#include <nlohmann/json.hpp>

namespace dftriage {

namespace {

constexpr std::size_t k_max_message = 160;

// Records the first error nlohmann's parser meets, without building a DOM.
struct ErrorFinder : nlohmann::json_sax<nlohmann::json>
{
  std::size_t position = 0;
  std::string what;
  bool overflow = false;
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
    what = e.what();
    // out_of_range 406 is the one error the parser reports for a number too large
    // for a double; its text quotes the number.
    overflow = dynamic_cast<const nlohmann::json::out_of_range*>(&e) != nullptr;
    failed = true;
    return false;
  }
};

// Turns nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9:
// syntax error while parsing object - unexpected '}'; expected string literal" into
// "syntax error while parsing object: unexpected '}'; expected string literal".
// The "last read" excerpt is dropped: it repeats input bytes, which may be hostile or
// a secret; anything else is cut short.
std::string describe(std::string what)
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

} // namespace

std::optional<JsonSyntaxError> find_json_error(std::string_view text)
{
  if (text::trim(text).empty()) {
    return JsonSyntaxError{text.size(), "no JSON value: the input is empty"};
  }
  ErrorFinder finder;
  nlohmann::json::sax_parse(text, &finder);
  if (!finder.failed) {
    return std::nullopt;
  }
  // `position` counts the bytes read, the offending one included. A bad bare word
  // ("tru}", "0x") or number is reported where it starts.
  std::size_t offset = std::min(finder.position > 0 ? finder.position - 1 : 0, text.size());
  const bool word = finder.overflow || finder.what.find("invalid literal") != std::string::npos ||
                    finder.what.find("number") != std::string::npos;
  while (word && offset > 0 && is_word_char(text[offset - 1])) {
    --offset;
  }
  return JsonSyntaxError{offset, finder.overflow ? "a number too large for a double"
                                                 : describe(finder.what)};
}

LineColumn line_column(std::string_view text, std::size_t offset)
{
  LineColumn at;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

Diagnostic json_error_diagnostic(std::string_view text, std::string_view source)
{
  Diagnostic d;
  d.source = std::string(source);
  const auto error = find_json_error(text);
  if (!error) {
    d.message = "not valid JSON";
    return d;
  }
  const LineColumn at = line_column(text, error->offset);
  d.line = at.line;
  d.column = at.column;
  d.message = error->message;
  return d;
}

} // namespace dftriage
