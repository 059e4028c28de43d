#include "dftriage/util/document_reader.hpp"

#include "dftriage/util/error.hpp"

#include <algorithm>
#include <cstring>

namespace dftriage {

namespace {

constexpr std::size_t k_initial_buffer = 1u << 20;
constexpr std::size_t k_max_tracked_key = 16;

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool ends_scalar(char c)
{
  return is_space(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == ':' ||
         c == '"';
}

} // namespace

DocumentReader::DocumentReader(ByteSource& source, std::size_t max_document)
    : m_source(source)
    , m_max_document(max_document)
    , m_buffer(std::min(k_initial_buffer, max_document) + k_padding)
{
}

bool DocumentReader::take_problem(Problem& out)
{
  if (!m_has_problem) {
    return false;
  }
  out = std::move(m_problem);
  m_has_problem = false;
  return true;
}

void DocumentReader::skip_line()
{
  if (m_phase == Phase::top && m_containers.empty() && m_pos > 0 && m_buffer[m_pos - 1] != '\n') {
    m_skip_line = true;
  }
}

std::uint64_t DocumentReader::column_at(std::size_t pos) const
{
  return m_buffer_offset + pos - m_line_start + 1;
}

void DocumentReader::report(std::size_t pos, std::string message)
{
  // Only the first problem before the caller looks is kept; the rest follow from it.
  if (!m_has_problem) {
    m_problem = Problem{m_line, column_at(pos), std::move(message)};
    m_has_problem = true;
  }
}

void DocumentReader::abandon_containers()
{
  m_phase = Phase::top;
  m_containers.clear();
  m_stack.clear();
  m_in_string = false;
  m_escape = false;
  m_scalar = false;
  m_skipping = false;
  m_checkpoint = k_none;
}

void DocumentReader::recover_at_next_line()
{
  abandon_containers();
  m_skip_line = true;
}

bool DocumentReader::fill()
{
  if (m_eof) {
    return false;
  }
  const bool keeping_value = m_phase == Phase::in_value && !m_skipping;
  const std::size_t keep = keeping_value ? m_start : m_pos;
  if (keep > 0) {
    std::memmove(m_buffer.data(), m_buffer.data() + keep, m_filled - keep);
    m_buffer_offset += keep;
    m_filled -= keep;
    m_pos -= keep;
    if (keeping_value) {
      m_start = 0;
      m_key_start -= std::min(m_key_start, keep);
      if (m_checkpoint != k_none) {
        m_checkpoint -= keep;
      }
    }
  }
  const std::size_t capacity = m_buffer.size() - k_padding;
  if (m_filled == capacity) {
    if (capacity >= m_max_document) {
      if (keeping_value && m_checkpoint != k_none && next_line_starts_value()) {
        m_backtrack = true; // a broken first line, not a huge document
        return true;
      }
      throw InputError("document at line " + std::to_string(m_start_line) + " column " +
                       std::to_string(m_start_column) + " is larger than " +
                       std::to_string(m_max_document >> 20) + " MiB");
    }
    m_buffer.resize(std::min(capacity * 2, m_max_document) + k_padding);
  }
  const std::size_t n =
      m_source.read(m_buffer.data() + m_filled, m_buffer.size() - k_padding - m_filled);
  if (n == 0) {
    m_eof = true;
    return false;
  }
  m_filled += n;
  return true;
}

void DocumentReader::newline_at(std::size_t pos)
{
  ++m_line;
  m_line_start = m_buffer_offset + pos + 1;
}

void DocumentReader::begin_value(Track track)
{
  m_start = m_pos;
  m_start_line = m_line;
  m_start_column = column_at(m_pos);
  m_stack.clear();
  m_in_string = false;
  m_escape = false;
  m_scalar = false;
  m_skipping = false;
  m_track = track;
  m_key_next = false;
  m_capturing_key = false;
  m_awaiting_container = false;
  m_seen_columns = false;
  m_checkpoint = k_none;
  m_phase = Phase::in_value;
}

bool DocumentReader::emit(Document& doc, std::size_t end, bool truncated)
{
  const bool element = !m_containers.empty();
  if (!element && m_ndjson < 0 && !truncated) {
    // NDJSON when the first document is a single line; confirmed by its line end.
    m_ndjson = m_start_line == m_line ? 2 : 0;
  }
  doc.text = std::string_view(m_buffer.data() + m_start, end - m_start);
  doc.line = m_start_line;
  doc.column = m_start_column;
  doc.truncated = truncated;
  doc.kind = Document::Kind::value;
  if (element && m_containers.back() == Container::tables) {
    doc.kind = Document::Kind::table;
  } else if (element && m_containers.back() == Container::rows) {
    doc.kind = Document::Kind::row;
  }
  doc.number = doc.kind == Document::Kind::value ? ++m_count : m_table_document;
  m_phase = element ? Phase::between_elements : Phase::top;
  m_need_comma = element;
  m_line_fresh = false;
  m_checkpoint = k_none;
  return true;
}

bool DocumentReader::next(Document& doc)
{
  for (;;) {
    if (m_pos >= m_filled) {
      if (!fill()) {
        return finish(doc);
      }
      if (m_backtrack) {
        m_backtrack = false;
        return backtrack(doc);
      }
    }
    const char c = m_buffer[m_pos];
    if (m_skip_line) {
      if (c == '\n') {
        newline_at(m_pos);
        m_skip_line = false;
      }
      ++m_pos;
      continue;
    }
    switch (m_phase) {
    case Phase::top:
      step_top(c);
      continue;
    case Phase::between_elements:
      step_between(c);
      continue;
    case Phase::in_value:
    case Phase::after_container:
      if (scan_value(doc)) {
        return true;
      }
      continue;
    }
  }
}

bool DocumentReader::finish(Document& doc)
{
  switch (m_phase) {
  case Phase::in_value:
    if (m_skipping) {
      report(m_pos, "unexpected end of input: the top-level object is not closed");
      break;
    }
    if (m_pos > m_start) {
      if (!m_scalar && m_checkpoint != k_none && next_line_starts_value()) {
        return backtrack(doc);
      }
      // A scalar ends at the end of input; anything else is cut short.
      emit(doc, m_pos, !m_scalar);
      abandon_containers();
      return true;
    }
    break;
  case Phase::between_elements:
  case Phase::after_container:
    report(m_pos, "unexpected end of input: the top-level array is not closed");
    break;
  case Phase::top:
    break;
  }
  abandon_containers();
  return false;
}

bool DocumentReader::step_top(char c)
{
  if (c == '\n') {
    newline_at(m_pos);
    if (m_ndjson == 2) {
      m_ndjson = 1;
    }
    ++m_pos;
    return true;
  }
  if (is_space(c)) {
    ++m_pos;
    return true;
  }
  if (m_ndjson == 2) {
    m_ndjson = 0; // a second document on the same line: concatenated JSON
  }
  if (m_buffer_offset + m_pos == 0 && static_cast<unsigned char>(c) == 0xEF) {
    while (m_filled - m_pos < 3 && fill()) {
    }
    if (m_filled - m_pos >= 3 && std::memcmp(m_buffer.data() + m_pos, "\xEF\xBB\xBF", 3) == 0) {
      m_pos += 3;
      m_line_start = 3;
      return true;
    }
  }
  m_containers.clear();
  if (c == '[') {
    m_start_line = m_line;
    m_start_column = column_at(m_pos);
    open_container(Container::array);
    return true;
  }
  if (c == ']' || c == '}' || c == ',' || c == ':') {
    report(m_pos, std::string("unexpected '") + c + "' outside any JSON value");
    recover_at_next_line();
    return true;
  }
  begin_value(c == '{' ? Track::envelope : Track::none);
  return true;
}

bool DocumentReader::next_line_starts_value() const
{
  std::size_t i = m_checkpoint + 1;
  while (i < m_filled && (m_buffer[i] == '\r' || m_buffer[i] == '\n')) {
    ++i;
  }
  return i < m_filled && (m_buffer[i] == '{' || m_buffer[i] == '[');
}

// The value's first line was a broken record of its own: emit it, cut short, and read
// on from the line after it.
bool DocumentReader::backtrack(Document& doc)
{
  const std::size_t end = m_checkpoint;
  m_containers.clear();
  emit(doc, end, true);
  abandon_containers();
  m_pos = end + 1;
  m_line = m_checkpoint_line + 1;
  m_line_start = m_buffer_offset + m_pos;
  return true;
}

// A line end inside a value (or inside the rest of an envelope being skipped).
// Returns true when that produced a document.
bool DocumentReader::on_line_end(Document& doc)
{
  if (m_ndjson == 1) {
    return end_ndjson_line(doc);
  }
  if (m_checkpoint == k_none && m_ndjson < 0 && !m_skipping && m_start_line == m_line &&
      (m_containers.empty() || m_container_line == m_line)) {
    m_checkpoint = m_pos;
    m_checkpoint_line = m_line;
    if (m_in_string) {
      // No JSON string holds a raw line break: this line is broken, whatever follows.
      return backtrack(doc);
    }
  }
  m_escape = false;
  newline_at(m_pos);
  ++m_pos;
  return false;
}

// NDJSON: a record, and any array or envelope it opened, ends at its line end.
bool DocumentReader::end_ndjson_line(Document& doc)
{
  bool emitted = false;
  if (m_skipping) {
    report(m_pos, "unexpected end of line: the object is not closed");
  } else {
    emitted = emit(doc, m_pos, true);
  }
  abandon_containers();
  newline_at(m_pos);
  ++m_pos;
  return emitted;
}

bool DocumentReader::scan_value(Document& doc)
{
  const char* buf = m_buffer.data();
  if (m_pos == m_start && !m_skipping && m_stack.empty() && !m_in_string) {
    const char first = buf[m_pos];
    if (first == '"') {
      m_in_string = true;
      ++m_pos;
    } else if (first != '{' && first != '[') {
      m_scalar = true;
    }
  }
  while (m_pos < m_filled) {
    const char c = buf[m_pos];
    if (m_scalar) {
      if (ends_scalar(c)) {
        return emit(doc, m_pos, false);
      }
      ++m_pos;
      continue;
    }
    if (c == '\n') {
      if (on_line_end(doc)) {
        return true;
      }
      if (m_phase != Phase::in_value && m_phase != Phase::after_container) {
        return false;
      }
      continue;
    }
    if (m_in_string) {
      if (m_escape) {
        m_escape = false;
      } else if (c == '\\') {
        m_escape = true;
      } else if (c == '"') {
        m_in_string = false;
        ++m_pos;
        if (m_stack.empty() && !m_skipping) {
          return emit(doc, m_pos, false);
        }
        continue;
      } else if (m_capturing_key && m_key.size() <= k_max_tracked_key) {
        m_key.push_back(c);
      }
      ++m_pos;
      continue;
    }
    switch (c) {
    case '"':
      m_in_string = true;
      m_awaiting_container = false;
      m_capturing_key = m_track != Track::none && m_stack.size() == 1 && m_key_next;
      if (m_capturing_key) {
        m_key.clear();
        m_key_start = m_pos;
      }
      break;
    case '{':
    case '[':
      if (m_awaiting_container) {
        bool emitted = false;
        if (open_keyed_container(doc, c, emitted)) {
          return emitted;
        }
      }
      m_stack.push_back(c);
      if (m_track != Track::none && m_stack.size() == 1) {
        m_key_next = true;
      }
      break;
    case '}':
    case ']':
      return close_bracket(doc, c);
    case ',':
      if (m_track != Track::none && m_stack.size() == 1) {
        m_key_next = true;
        m_awaiting_container = false;
      }
      break;
    case ':':
      if (m_track != Track::none && m_stack.size() == 1) {
        m_key_next = false;
        m_awaiting_container = true;
        if (m_track == Track::table && m_key == "columns") {
          m_seen_columns = true;
        }
      }
      break;
    case ' ':
    case '\t':
    case '\r':
      break;
    default:
      m_awaiting_container = false;
      break;
    }
    ++m_pos;
  }
  return false;
}

// A '}' or ']' in a value. Returns true when it closed the value as a document.
bool DocumentReader::close_bracket(Document& doc, char c)
{
  const char open = c == '}' ? '{' : '[';
  if (m_stack.empty() || m_stack.back() != open) {
    if (m_checkpoint != k_none && next_line_starts_value()) {
      return backtrack(doc);
    }
    report(m_pos, std::string("unexpected '") + c + "'" +
                      (m_stack.empty() ? std::string()
                                       : std::string(": expected '") +
                                             (m_stack.back() == '{' ? '}' : ']') + "'"));
    recover_at_next_line();
    return false;
  }
  m_stack.pop_back();
  m_awaiting_container = false;
  ++m_pos;
  if (!m_stack.empty()) {
    return false;
  }
  if (!m_skipping) {
    return emit(doc, m_pos, false);
  }
  // The end of the object around a streamed array.
  m_skipping = false;
  if (m_containers.empty()) {
    m_phase = Phase::top;
    detect_ndjson_after_container();
  } else {
    m_phase = Phase::between_elements;
    m_need_comma = true;
    m_line_fresh = false;
  }
  return false;
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
