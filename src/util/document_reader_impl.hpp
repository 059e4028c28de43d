#pragma once

// Internal to the document reader: its state and steps. document_reader.cpp scans
// values and cuts documents; document_lines.cpp handles line ends and the recovery
// from broken NDJSON records; document_containers.cpp streams arrays, envelopes and
// tables; document_scan.cpp skips over the bytes that change nothing.

#include "document_parts.hpp"

namespace dftriage {

struct DocumentReader::Impl
{
  Impl(ByteSource& source, std::size_t max_document)
      : input(source, max_document)
  {
  }

  enum class Phase { top, in_value, between_elements, after_container };
  using Track = document::KeyWatch::Track;
  using Container = document::Containers::Kind;

  document::InputWindow input;
  std::size_t pos = 0; // scan position in input.data()
  document::LineCounter lines;
  Phase phase = Phase::top;
  document::ValueScan value;
  document::KeyWatch keys;
  document::Containers containers;
  document::Recovery recovery;
  document::NdjsonMode ndjson = document::NdjsonMode::unknown;
  std::uint64_t count = 0; // documents cut so far
  std::optional<Problem> problem;

  // document_reader.cpp
  bool next(Document& doc);
  bool fill(); // reads more input; false at the end of the input
  std::uint64_t column_at(std::size_t index) const
  {
    return lines.column_of(input.offset() + index);
  }
  void newline_at(std::size_t index) { lines.newline_at(input.offset() + index); }
  void report(std::size_t index, std::string message);
  void recover_at_next_line();
  void abandon_containers();
  void begin_value(Track track);
  bool step_top(char c);
  bool scan_value(Document& doc);
  void capture_key(std::size_t stop);
  void scan_structure(char c);
  bool close_bracket(Document& doc, char c);
  bool emit(Document& doc, std::size_t end, bool truncated);
  bool finish(Document& doc);

  // document_lines.cpp
  void skip_line();
  bool on_line_end(Document& doc);
  bool end_ndjson_line(Document& doc);
  bool next_line_starts_value() const;
  bool backtrack(Document& doc);

  // document_containers.cpp
  void open_container(Container kind);
  void close_container();
  void detect_ndjson_after_container();
  void element_problem(std::string message, bool may_start_value);
  bool emit_table_header(Document& doc);
  void step_between(char c);
  bool open_keyed_container(Document& doc, char c, bool& emitted);
};

} // namespace dftriage
