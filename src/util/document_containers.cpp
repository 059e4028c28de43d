// The document reader's streamed arrays: top-level arrays, envelopes, Log Analytics
// tables and their rows (see document_reader.hpp).

#include "dftriage/util/document_reader.hpp"

namespace dftriage {

namespace {

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_envelope_key(const std::string& key)
{
  return key == "value" || key == "records" || key == "data";
}

} // namespace

void DocumentReader::open_container(Container kind)
{
  if (m_containers.empty()) {
    m_container_line = m_start_line; // of the top-level '[' or envelope object
  }
  m_containers.push_back(kind);
  m_phase = Phase::between_elements;
  m_need_comma = false;
  m_line_fresh = false;
  m_stack.clear();
  m_checkpoint = k_none;
  ++m_pos;
}

// After a streamed array's ']': a top-level array is done; an envelope's or a table's
// rows leave the rest of the object around them to skip.
void DocumentReader::close_container()
{
  const Container closed = m_containers.back();
  m_containers.pop_back();
  ++m_pos;
  if (closed == Container::array) {
    m_phase = Phase::top;
    detect_ndjson_after_container();
    return;
  }
  m_phase = Phase::after_container;
  m_stack = "{";
  m_in_string = false;
  m_escape = false;
  m_scalar = false;
  m_skipping = true;
  m_track = Track::none;
}

void DocumentReader::detect_ndjson_after_container()
{
  if (m_ndjson < 0) {
    m_ndjson = m_container_line == m_line ? 2 : 0;
  }
}

// A problem between the elements of a streamed array. When the offending '{' or '['
// is the first thing on its line, it is read as the next top-level value (the array
// was a broken NDJSON line); otherwise the rest of the line goes.
void DocumentReader::element_problem(std::string message, bool may_start_value)
{
  report(m_pos, std::move(message));
  if (may_start_value && m_line_fresh) {
    abandon_containers();
    return;
  }
  recover_at_next_line();
}

// A table whose "columns" came before its "rows": its members up to "rows", closed, as
// one document; the rows follow one by one.
bool DocumentReader::emit_table_header(Document& doc)
{
  std::size_t end = m_key_start;
  while (end > m_start && (is_space(m_buffer[end - 1]) || m_buffer[end - 1] == ',')) {
    --end;
  }
  m_header.assign(m_buffer.data() + m_start, m_buffer.data() + end);
  m_header.push_back('}');
  const std::size_t size = m_header.size();
  m_header.resize(size + k_padding, '\0');
  doc.text = std::string_view(m_header.data(), size);
  doc.line = m_start_line;
  doc.column = m_start_column;
  doc.number = m_table_document;
  doc.truncated = false;
  doc.kind = Document::Kind::table;
  return true;
}

void DocumentReader::step_between(char c)
{
  if (c == '\n') {
    if (m_ndjson == 1) {
      report(m_pos, "unexpected end of line: the array is not closed");
      abandon_containers();
    } else {
      m_line_fresh = true;
    }
    newline_at(m_pos);
    ++m_pos;
    return;
  }
  if (is_space(c)) {
    ++m_pos;
    return;
  }
  if (c == ',') {
    if (!m_need_comma) {
      element_problem("unexpected ',' in array: expected a value", false);
      return;
    }
    m_need_comma = false;
    m_line_fresh = false;
    ++m_pos;
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
  if (m_need_comma) {
    element_problem(std::string("unexpected '") + c + "' in array: expected ',' or ']'",
                    c == '{' || c == '[');
    return;
  }
  begin_value(m_containers.back() == Container::tables ? Track::table : Track::none);
}

// A '{' or '[' right after a watched key: the array of an envelope or of a table's rows
// is streamed. Returns true when it was; `emitted` says whether `doc` got a document.
bool DocumentReader::open_keyed_container(Document& doc, char c, bool& emitted)
{
  m_awaiting_container = false;
  if (c != '[' || m_stack.size() != 1) {
    return false;
  }
  if (m_track == Track::envelope && (is_envelope_key(m_key) || m_key == "tables")) {
    // A REST list, an Event Hub capture, a Resource Graph response or a Log Analytics
    // result: stream the array's elements; what came before them is envelope.
    if (m_key == "tables") {
      // The query result is one document; its tables and rows are parts of it.
      m_table_document = ++m_count;
      open_container(Container::tables);
    } else {
      open_container(Container::envelope);
    }
    return true;
  }
  if (m_track == Track::table && m_key == "rows" && m_seen_columns) {
    emitted = emit_table_header(doc);
    open_container(Container::rows);
    return true;
  }
  return false;
}

} // namespace dftriage
