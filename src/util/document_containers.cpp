// The document reader's streamed arrays: top-level arrays, envelopes, Log Analytics
// tables and their rows (see document_reader.hpp).

#include "dftriage/util/document_reader.hpp"
#include "document_reader_impl.hpp"

namespace dftriage {

namespace {

using document::is_space;

bool is_envelope_key(const std::string& key)
{
  return key == "value" || key == "records" || key == "data";
}

} // namespace

using document::k_none;
using document::NdjsonMode;

void DocumentReader::Impl::open_container(Container kind)
{
  if (containers.open.empty()) {
    containers.outer_line = value.start_line; // of the top-level '[' or envelope object
  }
  containers.open.push_back(kind);
  phase = Phase::between_elements;
  containers.need_comma = false;
  containers.line_fresh = false;
  value.stack.clear();
  recovery.checkpoint = k_none;
  ++pos;
}

// After a streamed array's ']': a top-level array is done; an envelope's or a table's
// rows leave the rest of the object around them to skip.
void DocumentReader::Impl::close_container()
{
  const Container closed = containers.open.back();
  containers.open.pop_back();
  ++pos;
  if (closed == Container::array) {
    phase = Phase::top;
    detect_ndjson_after_container();
    return;
  }
  phase = Phase::after_container;
  value.clear_brackets();
  value.stack = "{";
  value.skipping = true;
  keys.track = Track::none;
}

void DocumentReader::Impl::detect_ndjson_after_container()
{
  if (ndjson == NdjsonMode::unknown) {
    ndjson = containers.outer_line == lines.line ? NdjsonMode::first_line : NdjsonMode::no;
  }
}

// A problem between the elements of a streamed array. When the offending '{' or '['
// is the first thing on its line, it is read as the next top-level value (the array
// was a broken NDJSON line); otherwise the rest of the line goes.
void DocumentReader::Impl::element_problem(std::string message, bool may_start_value)
{
  report(pos, std::move(message));
  if (may_start_value && containers.line_fresh) {
    abandon_containers();
    return;
  }
  recover_at_next_line();
}

// A table whose "columns" came before its "rows": its members up to "rows", closed, as
// one document; the rows follow one by one.
bool DocumentReader::Impl::emit_table_header(Document& doc)
{
  const char* data = input.data();
  std::size_t end = keys.key_start;
  while (end > value.start && (is_space(data[end - 1]) || data[end - 1] == ',')) {
    --end;
  }
  auto& header = containers.header;
  header.assign(data + value.start, data + end);
  header.push_back('}');
  const std::size_t size = header.size();
  header.resize(size + k_padding, '\0');
  doc.text = std::string_view(header.data(), size);
  doc.line = value.start_line;
  doc.column = value.start_column;
  doc.number = containers.table_document;
  doc.truncated = false;
  doc.kind = Document::Kind::table;
  return true;
}

void DocumentReader::Impl::step_between(char c)
{
  if (c == '\n') {
    if (ndjson == NdjsonMode::yes) {
      report(pos, "unexpected end of line: the array is not closed");
      abandon_containers();
    } else {
      containers.line_fresh = true;
    }
    newline_at(pos);
    ++pos;
    return;
  }
  if (is_space(c)) {
    ++pos;
    return;
  }
  if (c == ',') {
    if (!containers.need_comma) {
      element_problem("unexpected ',' in array: expected a value", false);
      return;
    }
    containers.need_comma = false;
    containers.line_fresh = false;
    ++pos;
    return;
  }
  if (c == ']' || c == '}') {
    if (c != ']') {
      element_problem("unexpected '}': expected a value, ',' or ']' in array", false);
      return;
    }
    close_container();
    return;
  }
  if (containers.need_comma) {
    element_problem(std::string("unexpected '") + c + "' in array: expected ',' or ']'",
                    c == '{' || c == '[');
    return;
  }
  begin_value(containers.open.back() == Container::tables ? Track::table : Track::none);
}

// A '{' or '[' right after a watched key: the array of an envelope or of a table's rows
// is streamed. Returns true when it was; `emitted` says whether `doc` got a document.
bool DocumentReader::Impl::open_keyed_container(Document& doc, char c, bool& emitted)
{
  keys.awaiting_container = false;
  if (c != '[' || value.stack.size() != 1) {
    return false;
  }
  if (keys.track == Track::envelope && (is_envelope_key(keys.key) || keys.key == "tables")) {
    // A REST list, an Event Hub capture, a Resource Graph response or a Log Analytics
    // result: stream the array's elements; what came before them is envelope.
    if (keys.key == "tables") {
      // The query result is one document; its tables and rows are parts of it.
      containers.table_document = ++count;
      open_container(Container::tables);
    } else {
      open_container(Container::envelope);
    }
    return true;
  }
  if (keys.track == Track::table && keys.key == "rows" && keys.seen_columns) {
    emitted = emit_table_header(doc);
    open_container(Container::rows);
    return true;
  }
  return false;
}

} // namespace dftriage
