#pragma once

// Saying in the project's words where and why a JSON text is not JSON, for every reader
// of JSON files (alerts, playbooks, cloud files, plans, answers), so that they all
// report "FILE:LINE:COL: syntax error while parsing object: unexpected '}'; expected
// string literal" alike and never quote the input (which may be hostile or secret).

#include "dftriage/util/diagnostic.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dftriage {

struct JsonSyntaxError
{
  std::size_t offset = 0; // 0-based byte offset of the offending token in the text
  std::string message;    // why, without "[json.exception...]" or any input excerpt
};

// Returns the first reason nlohmann's parser refuses `text` (a syntax error, or a
// number no double holds such as 1e999), or nullopt when `text` is one JSON value.
// A bad bare word ("tru}") or number is reported where it starts. Messages read
// "syntax error while parsing object key: invalid literal; expected string literal",
// "a number too large for a double", or "no JSON value: the input is empty"; they
// are at most 160 bytes long (then cut, with "...").
std::optional<JsonSyntaxError> find_json_error(std::string_view text);

// Returns the 1-based line and byte column of byte `offset` of `text` (an offset past
// the end counts as the end).
struct LineColumn
{
  std::uint64_t line = 1;
  std::uint64_t column = 1;
};
LineColumn line_column(std::string_view text, std::size_t offset);

// Returns the error Diagnostic for `text`, read from `source`, that nlohmann's parser
// refused (call it from a `catch (const nlohmann::json::exception&)` around a parse):
// at the line and column of find_json_error's offset, with its message. When the
// parser finds nothing wrong with `text` the message is "not valid JSON" and the
// position is unknown.
Diagnostic json_error_diagnostic(std::string_view text, std::string_view source);

} // namespace dftriage
