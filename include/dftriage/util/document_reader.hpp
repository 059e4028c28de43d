#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage {

// Where bytes come from. Implementations: a file descriptor, or an in-memory string.
class ByteSource
{
public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `buffer`; returns 0 at the end of the input.
  // Throws InputError when the underlying read fails.
  virtual std::size_t read(char* buffer, std::size_t size) = 0;
};

// Returns a source reading `fd` (not closed by the source); `name` is for errors.
std::unique_ptr<ByteSource> make_fd_source(int fd, std::string name);
// Returns a source over a copy of `text`.
std::unique_ptr<ByteSource> make_string_source(std::string text);

// One JSON value cut out of a stream of input, not yet parsed.
struct Document
{
  enum class Kind {
    value, // a document, or an element of a streamed array
    table, // a Log Analytics table: its members (name, columns); when its "rows" are
           // streamed they are left out here and follow as rows
    row,   // one element of a streamed table's "rows": an array of cells
  };

  std::string_view text;    // the value's bytes; valid until the next call to next()
  std::uint64_t line = 0;   // 1-based line of its first byte in the input
  std::uint64_t column = 0; // 1-based byte column of its first byte
  std::uint64_t number = 0; // 1-based count of documents cut so far in this input
                            // (a query result's tables and rows share its number)
  bool truncated = false;   // input (or the NDJSON line) ended before the value closed
  Kind kind = Kind::value;
};

// Cuts a byte stream into JSON documents without parsing them, so that memory stays
// bounded by the largest single document rather than by the input:
// - top-level values one after another (NDJSON, JSON Lines, concatenated JSON);
// - the elements of a top-level array, one document each;
// - the elements of the array under "value", "records" or "data" of a top-level
//   object (REST list, Event Hub capture, Resource Graph response); the envelope's
//   other members are skipped;
// - the tables under "tables" of a top-level object (a Log Analytics query result):
//   each table's members as a Kind::table document, then, when "columns" came before
//   "rows", each row as a Kind::row document.
// A UTF-8 byte order mark at the start and CRLF line ends are accepted.
// Only the structure (brackets and strings) is checked here; the JSON parser finds
// everything else, at a position that Document::line/column let callers translate.
//
// NDJSON: one bad line never swallows the lines after it. Once the input is known to
// be NDJSON (its first record is one line), every line end ends a record, an array or
// an envelope: what is not closed by then is cut there (marked truncated, or reported).
// Before that is known, a value whose first line ends unclosed is read on as
// pretty-printed JSON; if it then breaks (a bracket that does not match, a line break
// inside a string, the end of the input, the size limit) and the next line starts a
// new value at its first column, its first line alone is the broken record and
// reading resumes on the next line. After an element that was not followed by ',' a
// '{' or '[' that starts a line is read as a new top-level value.
class DocumentReader
{
public:
  // Number of readable bytes guaranteed after every Document::text (for SIMD parsers).
  static constexpr std::size_t k_padding = 64;
  // The largest single document accepted.
  static constexpr std::size_t k_default_max_document = 64u << 20;

  explicit DocumentReader(ByteSource& source, std::size_t max_document = k_default_max_document);
  ~DocumentReader();
  DocumentReader(const DocumentReader&) = delete;
  DocumentReader& operator=(const DocumentReader&) = delete;

  struct Problem
  {
    std::uint64_t line = 0;
    std::uint64_t column = 0;
    std::string message;
  };

  // Cuts the next document into `doc`. Returns true when one was produced, false at
  // the end of the input. A structural problem (mismatched bracket, stray byte) is
  // stored in `problem` and the reader skips to the next line; callers check
  // take_problem() after each call. Throws InputError when a document exceeds the
  // size limit or the source fails.
  bool next(Document& doc);

  // Drops the rest of the current line when between top-level documents (after a
  // document the caller could not parse); does nothing inside an array.
  void skip_line();

  // Returns true and moves the pending structural problem into `out`, if any.
  bool take_problem(Problem& out);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A line and 1-based byte column in an input.
struct TextPosition
{
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

// Returns the input position of byte `offset` of `doc.text`.
TextPosition position_in(const Document& doc, std::size_t offset);

} // namespace dftriage
