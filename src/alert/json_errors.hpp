#pragma once

// Internal to src/alert: saying where and why a document is not JSON the alert reader
// can use, and reading numbers that no 64-bit type holds.

#include "dftriage/util/document_reader.hpp"

#include <simdjson.h>
#include <string>
#include <string_view>

namespace dftriage::alert::detail {

struct JsonError
{
  TextPosition position;
  std::string message; // never more than a short, escaped excerpt of the input
};

// Returns the position and a description of the first error in `doc`, which simdjson
// refused with `error` (a parser of nesting limit `max_depth`).
JsonError locate_json_error(const Document& doc, simdjson::error_code error, std::size_t max_depth);

// Copies `text` to `out` with every number that neither a 64-bit integer nor a double
// holds (a 20-digit ID, 1e400) turned into a string of its digits, followed by
// DocumentReader::k_padding zero bytes. Returns false (and leaves `out` alone) when
// there is no such number.
bool quote_huge_numbers(std::string_view text, std::string& out);

} // namespace dftriage::alert::detail
