#pragma once

// Internal to the document reader (document_reader.hpp): the parts its state is made
// of, each with one job. Buffer indices are positions in InputWindow::data().

#include "dftriage/util/document_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::document {

constexpr std::size_t k_none = static_cast<std::size_t>(-1);

// True for JSON's whitespace between tokens (space, tab, CR, LF).
inline bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The reader's window on its byte source: the input not yet consumed, followed by
// DocumentReader::k_padding readable bytes. It grows, up to the document size limit,
// when the value being cut does not fit.
class InputWindow
{
public:
  InputWindow(ByteSource& source, std::size_t max_document);

  const char* data() const { return m_buffer.data(); }
  std::size_t filled() const { return m_filled; }   // bytes of data() holding input
  std::uint64_t offset() const { return m_offset; } // input offset of data()[0]
  std::size_t max_document() const { return m_max_document; }
  bool at_end() const { return m_eof; }

  enum class Fill {
    more, // more input was read
    end,  // the input is over
    full, // the window is at the size limit and holds nothing before `keep`
  };
  // Drops the bytes before index `keep` (indices shift down by `keep`; `dropped` is
  // set to it) and reads more input after what is left. Throws InputError when the
  // source fails.
  Fill fill(std::size_t keep, std::size_t& dropped);

private:
  ByteSource& m_source;
  std::size_t m_max_document;
  std::vector<char> m_buffer;
  std::size_t m_filled = 0;
  std::uint64_t m_offset = 0;
  bool m_eof = false;
};

// The line of the scan position, and where that line started in the input.
struct LineCounter
{
  std::uint64_t line = 1;
  std::uint64_t line_start = 0; // input offset of the line's first byte

  void newline_at(std::uint64_t offset)
  {
    ++line;
    line_start = offset + 1;
  }
  std::uint64_t column_of(std::uint64_t offset) const { return offset - line_start + 1; }
};

// The bracket and string state of the value being cut.
struct ValueScan
{
  std::size_t start = 0; // buffer index of the value's first byte
  std::uint64_t start_line = 0;
  std::uint64_t start_column = 0;
  std::string stack; // the open brackets
  bool in_string = false;
  bool escape = false;   // in a string, after a backslash
  bool scalar = false;   // the value is a number or a literal
  bool skipping = false; // the rest of an envelope object, not a document

  void clear_brackets()
  {
    stack.clear();
    in_string = false;
    escape = false;
    scalar = false;
    skipping = false;
  }
};

// The members at depth 1 of a value the reader watches: the keys of a top-level
// object (envelopes) or of a table (its "columns" and "rows").
struct KeyWatch
{
  enum class Track { none, envelope, table };
  static constexpr std::size_t k_max_key = 16; // longer keys are none of the watched ones

  Track track = Track::none;
  bool key_next = false;           // a key may come next
  bool capturing = false;          // inside a key being recorded
  bool awaiting_container = false; // after a key's ':', before its value
  bool seen_columns = false;       // the table's "columns" came already
  std::size_t key_start = 0;       // buffer index of the last key's opening quote
  std::string key;

  void begin(Track t)
  {
    track = t;
    key_next = false;
    capturing = false;
    awaiting_container = false;
    seen_columns = false;
  }
};

// The arrays whose elements are streamed as documents, outermost first.
struct Containers
{
  enum class Kind { array, envelope, tables, rows };

  std::vector<Kind> open;
  std::uint64_t outer_line = 0;     // line where the outermost of them opened
  bool need_comma = false;          // between elements: a ',' must come first
  bool line_fresh = false;          // between elements: nothing but blanks since a line end
  std::uint64_t table_document = 0; // the number of the query result being streamed
  std::vector<char> header;         // a table's members without its rows, padded
};

// Whether the input is NDJSON, as far as known: a first document on one line makes it
// likely, its line end confirms it.
enum class NdjsonMode { unknown, no, first_line, yes };

// Where to resume when a value's first line turns out to be a broken NDJSON record.
struct Recovery
{
  std::size_t checkpoint = k_none; // buffer index of that first line end
  std::uint64_t checkpoint_line = 0;
  bool backtrack = false; // the size limit was reached with a checkpoint set
  bool skip_line = false; // drop the rest of the current line
};

// Returns the index of the first byte at or after `pos` (and before `end`) that can
// change what the reader tracks inside a nested value: a bracket outside a string, or
// any line end. `in_string` and `escape` are the string state at `pos` and become the
// state at the returned index (or at `end`). Needs 64 readable bytes after `end`.
std::size_t skip_nested(const char* data, std::size_t pos, std::size_t end, bool& in_string,
                        bool& escape);

// Returns the index of the first '"', '\\' or line end at or after `pos` (or `end`).
// Needs 16 readable bytes after `end`.
std::size_t find_string_stop(const char* data, std::size_t pos, std::size_t end);

// Inside a string: returns the index of the first unescaped '"' or any line end at or
// after `pos` (or `end`). `escape` says whether the byte at `pos` is escaped, and
// becomes that of the returned index. Needs 16 readable bytes after `end`.
std::size_t skip_string(const char* data, std::size_t pos, std::size_t end, bool& escape);

} // namespace dftriage::document
