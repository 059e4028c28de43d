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
  enum class Phase { top, in_value, between_elements, after_container };
  enum class Container { array, envelope, tables, rows };
  enum class Track { none, envelope, table }; // which keys of the value to watch

  bool fill(); // reads more input; false at the end of the input
  void newline_at(std::size_t pos);
  std::uint64_t column_at(std::size_t pos) const;
  void report(std::size_t pos, std::string message);
  void recover_at_next_line();
  void abandon_containers();
  void begin_value(Track track);
  void open_container(Container kind);
  void close_container();
  void element_problem(std::string message, bool may_start_value);
  bool step_top(char c);
  void step_between(char c);
  bool scan_value(Document& doc);
  bool open_keyed_container(Document& doc, char c, bool& emitted);
  bool close_bracket(Document& doc, char c);
  bool on_line_end(Document& doc);
  bool end_ndjson_line(Document& doc);
  bool next_line_starts_value() const;
  bool backtrack(Document& doc);
  bool emit(Document& doc, std::size_t end, bool truncated);
  bool emit_table_header(Document& doc);
  bool finish(Document& doc);
  void detect_ndjson_after_container();

  ByteSource& m_source;
  std::size_t m_max_document;
  std::vector<char> m_buffer;
  std::size_t m_filled = 0;          // bytes of m_buffer holding input
  std::size_t m_pos = 0;             // scan position in m_buffer
  std::uint64_t m_buffer_offset = 0; // input offset of m_buffer[0]
  bool m_eof = false;

  std::uint64_t m_line = 1;       // line of m_pos
  std::uint64_t m_line_start = 0; // input offset where that line starts

  Phase m_phase = Phase::top;
  std::size_t m_start = 0; // buffer index of the value being scanned
  std::uint64_t m_start_line = 0;
  std::uint64_t m_start_column = 0;
  std::string m_stack; // open brackets of the value being scanned
  bool m_in_string = false;
  bool m_escape = false;
  bool m_scalar = false;               // the value is a number or literal
  bool m_skipping = false;             // scanning the rest of an envelope, not a document
  bool m_skip_line = false;            // recovering from a problem: drop the rest of the line
  std::vector<Container> m_containers; // open arrays whose elements are streamed
  std::uint64_t m_container_line = 0;  // line where the outermost of them opened
  bool m_need_comma = false;           // between elements: a ',' must come first
  bool m_line_fresh = false;           // between elements: nothing but blanks since a line end

  // Keys at depth 1 of the value: envelopes in a top-level object, rows in a table.
  Track m_track = Track::none;
  bool m_key_next = false;
  bool m_capturing_key = false;
  bool m_awaiting_container = false;
  bool m_seen_columns = false;
  std::size_t m_key_start = 0; // buffer index of the last key's opening quote
  std::string m_key;
  std::vector<char> m_header; // a table's members without its rows, padded

  // The first line end inside a value that may be a broken NDJSON record.
  static constexpr std::size_t k_none = static_cast<std::size_t>(-1);
  std::size_t m_checkpoint = k_none;
  std::uint64_t m_checkpoint_line = 0;
  bool m_backtrack = false; // fill() found the size limit reached at a checkpoint

  int m_ndjson = -1; // -1 unknown, 0 no, 1 yes, 2 first line seen, line end pending
  std::uint64_t m_count = 0;
  std::uint64_t m_table_document = 0; // the number of the query result being streamed
  bool m_has_problem = false;
  Problem m_problem;
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
