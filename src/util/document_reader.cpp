// The document reader's scan: top-level values, the brackets and strings inside them,
// line ends and the recovery from broken NDJSON records (see document_reader.hpp).

#include "dftriage/util/document_reader.hpp"

#include "dftriage/util/error.hpp"
#include "document_reader_impl.hpp"

#include <algorithm>
#include <cstring>

namespace dftriage {

namespace {

using document::is_space;
using document::k_none;
using document::NdjsonMode;

bool ends_scalar(char c)
{
  return is_space(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == ':' ||
         c == '"';
}

} // namespace

DocumentReader::DocumentReader(ByteSource& source, std::size_t max_document)
    : m_impl(std::make_unique<Impl>(source, max_document))
{
}

DocumentReader::~DocumentReader() = default;

bool DocumentReader::next(Document& doc)
{
  return m_impl->next(doc);
}

void DocumentReader::skip_line()
{
  m_impl->skip_line();
}

bool DocumentReader::take_problem(Problem& out)
{
  if (!m_impl->problem) {
    return false;
  }
  out = std::move(*m_impl->problem);
  m_impl->problem.reset();
  return true;
}

void DocumentReader::Impl::report(std::size_t index, std::string message)
{
  // Only the first problem before the caller looks is kept; the rest follow from it.
  if (!problem) {
    problem = Problem{lines.line, column_at(index), std::move(message)};
  }
}

void DocumentReader::Impl::abandon_containers()
{
  phase = Phase::top;
  containers.open.clear();
  value.clear_brackets();
  recovery.checkpoint = k_none;
}

void DocumentReader::Impl::recover_at_next_line()
{
  abandon_containers();
  recovery.skip_line = true;
}

bool DocumentReader::Impl::fill()
{
  const bool keeping_value = phase == Phase::in_value && !value.skipping;
  std::size_t dropped = 0;
  const auto result = input.fill(keeping_value ? value.start : pos, dropped);
  pos -= dropped;
  if (keeping_value) {
    value.start -= dropped;
    keys.key_start -= std::min(keys.key_start, dropped);
    if (recovery.checkpoint != k_none) {
      recovery.checkpoint -= dropped;
    }
  }
  if (result == document::InputWindow::Fill::full) {
    if (keeping_value && recovery.checkpoint != k_none && next_line_starts_value()) {
      recovery.backtrack = true; // a broken first line, not a huge document
      return true;
    }
    throw InputError("document at line " + std::to_string(value.start_line) + " column " +
                     std::to_string(value.start_column) + " is larger than " +
                     std::to_string(input.max_document() >> 20) + " MiB");
  }
  return result == document::InputWindow::Fill::more;
}

void DocumentReader::Impl::begin_value(Track track)
{
  value.start = pos;
  value.start_line = lines.line;
  value.start_column = column_at(pos);
  value.clear_brackets();
  keys.begin(track);
  recovery.checkpoint = k_none;
  phase = Phase::in_value;
}

bool DocumentReader::Impl::emit(Document& doc, std::size_t end, bool truncated)
{
  const bool element = !containers.open.empty();
  if (!element && ndjson == NdjsonMode::unknown && !truncated) {
    // NDJSON when the first document is a single line; confirmed by its line end.
    ndjson = value.start_line == lines.line ? NdjsonMode::first_line : NdjsonMode::no;
  }
  doc.text = std::string_view(input.data() + value.start, end - value.start);
  doc.line = value.start_line;
  doc.column = value.start_column;
  doc.truncated = truncated;
  doc.kind = Document::Kind::value;
  if (element && containers.open.back() == Container::tables) {
    doc.kind = Document::Kind::table;
  } else if (element && containers.open.back() == Container::rows) {
    doc.kind = Document::Kind::row;
  }
  doc.number = doc.kind == Document::Kind::value ? ++count : containers.table_document;
  phase = element ? Phase::between_elements : Phase::top;
  containers.need_comma = element;
  containers.line_fresh = false;
  recovery.checkpoint = k_none;
  return true;
}

bool DocumentReader::Impl::next(Document& doc)
{
  for (;;) {
    if (pos >= input.filled()) {
      if (!fill()) {
        return finish(doc);
      }
      if (recovery.backtrack) {
        recovery.backtrack = false;
        return backtrack(doc);
      }
    }
    if (recovery.skip_line) {
      const char* data = input.data();
      const void* end = std::memchr(data + pos, '\n', input.filled() - pos);
      if (end == nullptr) {
        pos = input.filled();
        continue;
      }
      pos = static_cast<std::size_t>(static_cast<const char*>(end) - data);
      newline_at(pos);
      recovery.skip_line = false;
      ++pos;
      continue;
    }
    const char c = input.data()[pos];
    switch (phase) {
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

bool DocumentReader::Impl::finish(Document& doc)
{
  switch (phase) {
  case Phase::in_value:
    if (value.skipping) {
      report(pos, "unexpected end of input: the top-level object is not closed");
      break;
    }
    if (pos > value.start) {
      if (!value.scalar && recovery.checkpoint != k_none && next_line_starts_value()) {
        return backtrack(doc);
      }
      // A scalar ends at the end of input; anything else is cut short.
      emit(doc, pos, !value.scalar);
      abandon_containers();
      return true;
    }
    break;
  case Phase::between_elements:
  case Phase::after_container:
    report(pos, "unexpected end of input: the top-level array is not closed");
    break;
  case Phase::top:
    break;
  }
  abandon_containers();
  return false;
}

bool DocumentReader::Impl::step_top(char c)
{
  if (c == '\n') {
    newline_at(pos);
    if (ndjson == NdjsonMode::first_line) {
      ndjson = NdjsonMode::yes;
    }
    ++pos;
    return true;
  }
  if (is_space(c)) {
    ++pos;
    return true;
  }
  if (ndjson == NdjsonMode::first_line) {
    ndjson = NdjsonMode::no; // a second document on the same line: concatenated JSON
  }
  if (input.offset() + pos == 0 && static_cast<unsigned char>(c) == 0xEF) {
    while (input.filled() - pos < 3 && fill()) {
    }
    if (input.filled() - pos >= 3 && std::memcmp(input.data() + pos, "\xEF\xBB\xBF", 3) == 0) {
      pos += 3;
      lines.line_start = 3;
      return true;
    }
  }
  containers.open.clear();
  if (c == '[') {
    value.start_line = lines.line;
    value.start_column = column_at(pos);
    open_container(Container::array);
    return true;
  }
  if (c == ']' || c == '}' || c == ',' || c == ':') {
    report(pos, std::string("unexpected '") + c + "' outside any JSON value");
    recover_at_next_line();
    return true;
  }
  begin_value(c == '{' ? Track::envelope : Track::none);
  return true;
}

// Scans the value from `pos` until it ends (true: `doc` holds it), the phase changes
// or the buffer runs out (false).
bool DocumentReader::Impl::scan_value(Document& doc)
{
  const char* data = input.data();
  const std::size_t filled = input.filled();
  if (pos == value.start && !value.skipping && value.stack.empty() && !value.in_string) {
    const char first = data[pos];
    if (first == '"') {
      value.in_string = true;
      ++pos;
    } else if (first != '{' && first != '[') {
      value.scalar = true;
    }
  }
  while (pos < filled) {
    if (value.scalar) {
      if (ends_scalar(data[pos])) {
        return emit(doc, pos, false);
      }
      ++pos;
      continue;
    }
    // Most bytes change nothing: skip them in bulk.
    if (!value.stack.empty() && (keys.track == Track::none || value.stack.size() > 1)) {
      pos = document::skip_nested(data, pos, filled, value.in_string, value.escape);
    } else if (value.in_string && !keys.capturing) {
      pos = document::skip_string(data, pos, filled, value.escape);
    } else if (value.in_string && !value.escape) {
      capture_key(document::find_string_stop(data, pos, filled));
    }
    if (pos >= filled) {
      break;
    }
    const char c = data[pos];
    if (c == '\n') {
      if (on_line_end(doc)) {
        return true;
      }
      if (phase != Phase::in_value && phase != Phase::after_container) {
        return false;
      }
      continue;
    }
    if (value.in_string) {
      if (value.escape) {
        value.escape = false;
      } else if (c == '\\') {
        value.escape = true;
      } else if (c == '"') {
        value.in_string = false;
        ++pos;
        if (value.stack.empty() && !value.skipping) {
          return emit(doc, pos, false);
        }
        continue;
      } else if (keys.capturing && keys.key.size() <= keys.k_max_key) {
        keys.key.push_back(c);
      }
      ++pos;
      continue;
    }
    if (c == '{' || c == '[') {
      if (keys.awaiting_container) {
        bool emitted = false;
        if (open_keyed_container(doc, c, emitted)) {
          return emitted;
        }
      }
      value.stack.push_back(c);
      if (keys.track != Track::none && value.stack.size() == 1) {
        keys.key_next = true;
      }
    } else if (c == '}' || c == ']') {
      return close_bracket(doc, c);
    } else {
      scan_structure(c);
    }
    ++pos;
  }
  return false;
}

// Records the bytes of a watched key from `pos` up to `stop` (none of them a quote,
// a backslash or a line end), as far as a watched key can be long.
void DocumentReader::Impl::capture_key(std::size_t stop)
{
  if (keys.key.size() <= keys.k_max_key) {
    const std::size_t room = keys.k_max_key + 1 - keys.key.size();
    keys.key.append(input.data() + pos, std::min(stop - pos, room));
  }
  pos = stop;
}

// Any other byte of a value outside strings: what it means for the watched keys.
void DocumentReader::Impl::scan_structure(char c)
{
  const bool watched = keys.track != Track::none && value.stack.size() == 1;
  switch (c) {
  case '"':
    value.in_string = true;
    keys.awaiting_container = false;
    keys.capturing = watched && keys.key_next;
    if (keys.capturing) {
      keys.key.clear();
      keys.key_start = pos;
    }
    break;
  case ',':
    if (watched) {
      keys.key_next = true;
      keys.awaiting_container = false;
    }
    break;
  case ':':
    if (watched) {
      keys.key_next = false;
      keys.awaiting_container = true;
      if (keys.track == Track::table && keys.key == "columns") {
        keys.seen_columns = true;
      }
    }
    break;
  case ' ':
  case '\t':
  case '\r':
    break;
  default:
    keys.awaiting_container = false;
    break;
  }
}

// A '}' or ']' in a value. Returns true when it closed the value as a document.
bool DocumentReader::Impl::close_bracket(Document& doc, char c)
{
  const char open = c == '}' ? '{' : '[';
  if (value.stack.empty() || value.stack.back() != open) {
    if (recovery.checkpoint != k_none && next_line_starts_value()) {
      return backtrack(doc);
    }
    report(pos, std::string("unexpected '") + c + "'" +
                    (value.stack.empty() ? std::string()
                                         : std::string(": expected '") +
                                               (value.stack.back() == '{' ? '}' : ']') + "'"));
    recover_at_next_line();
    return false;
  }
  value.stack.pop_back();
  keys.awaiting_container = false;
  ++pos;
  if (!value.stack.empty()) {
    return false;
  }
  if (!value.skipping) {
    return emit(doc, pos, false);
  }
  // The end of the object around a streamed array.
  value.skipping = false;
  if (containers.open.empty()) {
    phase = Phase::top;
    detect_ndjson_after_container();
  } else {
    phase = Phase::between_elements;
    containers.need_comma = true;
    containers.line_fresh = false;
  }
  return false;
}

} // namespace dftriage
