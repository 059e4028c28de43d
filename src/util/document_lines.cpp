// The document reader's line ends: NDJSON records cut at them, and the recovery from
// a first line that turns out to be a broken record (see document_reader.hpp).

#include "dftriage/util/document_reader.hpp"
#include "document_reader_impl.hpp"

namespace dftriage {

using document::k_none;
using document::NdjsonMode;

void DocumentReader::Impl::skip_line()
{
  if (phase == Phase::top && containers.open.empty() && pos > 0 && input.data()[pos - 1] != '\n') {
    recovery.skip_line = true;
  }
}

bool DocumentReader::Impl::next_line_starts_value() const
{
  const char* data = input.data();
  std::size_t i = recovery.checkpoint + 1;
  while (i < input.filled() && (data[i] == '\r' || data[i] == '\n')) {
    ++i;
  }
  return i < input.filled() && (data[i] == '{' || data[i] == '[');
}

// The value's first line was a broken record of its own: emit it, cut short, and read
// on from the line after it.
bool DocumentReader::Impl::backtrack(Document& doc)
{
  const std::size_t end = recovery.checkpoint;
  containers.open.clear();
  emit(doc, end, true);
  abandon_containers();
  pos = end + 1;
  lines.line = recovery.checkpoint_line + 1;
  lines.line_start = input.offset() + pos;
  return true;
}

// A line end inside a value (or inside the rest of an envelope being skipped).
// Returns true when that produced a document.
bool DocumentReader::Impl::on_line_end(Document& doc)
{
  if (ndjson == NdjsonMode::yes) {
    return end_ndjson_line(doc);
  }
  if (recovery.checkpoint == k_none && ndjson == NdjsonMode::unknown && !value.skipping &&
      value.start_line == lines.line &&
      (containers.open.empty() || containers.outer_line == lines.line)) {
    recovery.checkpoint = pos;
    recovery.checkpoint_line = lines.line;
    if (value.in_string) {
      // No JSON string holds a raw line break: this line is broken, whatever follows.
      return backtrack(doc);
    }
  }
  value.escape = false;
  newline_at(pos);
  ++pos;
  return false;
}

// NDJSON: a record, and any array or envelope it opened, ends at its line end.
bool DocumentReader::Impl::end_ndjson_line(Document& doc)
{
  bool emitted = false;
  if (value.skipping) {
    report(pos, "unexpected end of line: the object is not closed");
  } else {
    emitted = emit(doc, pos, true);
  }
  abandon_containers();
  newline_at(pos);
  ++pos;
  return emitted;
}

TextPosition position_in(const Document& doc, std::size_t offset)
{
  TextPosition pos{doc.line, doc.column};
  const std::size_t end = std::min(offset, doc.text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (doc.text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

} // namespace dftriage
