#include "dftriage/util/document_reader.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

namespace dftriage {

namespace {

constexpr std::size_t k_initial_buffer = 1u << 20;
constexpr std::size_t k_max_tracked_key = 16;

class FdSource : public ByteSource
{
public:
  FdSource(int fd, std::string name) : m_fd(fd), m_name(std::move(name)) {}

  std::size_t read(char* buffer, std::size_t size) override
  {
    for (;;) {
      wait_readable();
      const ssize_t n = ::read(m_fd, buffer, size);
      if (n >= 0) {
        return static_cast<std::size_t>(n);
      }
      if (errno == EINTR && signals::interrupted()) {
        throw Interrupted();
      }
      if (errno != EINTR) {
        throw InputError(m_name + ": read failed: " + std::strerror(errno));
      }
    }
  }

private:
  // Waits for input or an interrupt, whichever comes first, so that Ctrl-C stops a
  // read from a quiet pipe even when the signal lands just before the read.
  void wait_readable() const
  {
    const int wake = signals::interrupt_fd();
    if (wake < 0) {
      return;
    }
    pollfd fds[2] = {{m_fd, POLLIN, 0}, {wake, POLLIN, 0}};
    while (::poll(fds, 2, -1) < 0 && errno == EINTR) {
      if (signals::interrupted()) {
        break;
      }
    }
    if (signals::interrupted()) {
      throw Interrupted();
    }
  }

  int m_fd;
  std::string m_name;
};

class StringSource : public ByteSource
{
public:
  explicit StringSource(std::string text) : m_text(std::move(text)) {}

  std::size_t read(char* buffer, std::size_t size) override
  {
    const std::size_t n = std::min(size, m_text.size() - m_offset);
    std::memcpy(buffer, m_text.data() + m_offset, n);
    m_offset += n;
    return n;
  }

private:
  std::string m_text;
  std::size_t m_offset = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool ends_scalar(char c)
{
  return is_space(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == ':'
         || c == '"';
}

bool is_envelope_key(const std::string& key)
{
  return key == "value" || key == "records" || key == "data";
}

} // namespace

std::unique_ptr<ByteSource> make_fd_source(int fd, std::string name)
{
  return std::make_unique<FdSource>(fd, std::move(name));
}

std::unique_ptr<ByteSource> make_string_source(std::string text)
{
  return std::make_unique<StringSource>(std::move(text));
}

DocumentReader::DocumentReader(ByteSource& source, std::size_t max_document)
  : m_source(source),
    m_max_document(max_document),
    m_buffer(std::min(k_initial_buffer, max_document) + k_padding)
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
  if (m_phase == Phase::top && m_base_depth == 0 && m_pos > 0 && m_buffer[m_pos - 1] != '\n') {
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

void DocumentReader::recover_at_next_line()
{
  m_phase = Phase::top;
  m_stack.clear();
  m_in_string = false;
  m_escape = false;
  m_scalar = false;
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
    }
  }
  const std::size_t capacity = m_buffer.size() - k_padding;
  if (m_filled == capacity) {
    if (capacity >= m_max_document) {
      throw InputError("document at line " + std::to_string(m_start_line) + " column "
                       + std::to_string(m_start_column) + " is larger than "
                       + std::to_string(m_max_document >> 20) + " MiB");
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

void DocumentReader::begin_value()
{
  m_start = m_pos;
  m_start_line = m_line;
  m_start_column = column_at(m_pos);
  m_stack.clear();
  m_in_string = false;
  m_escape = false;
  m_scalar = false;
  m_skipping = false;
  m_key_next = false;
  m_capturing_key = false;
  m_awaiting_envelope_array = false;
  m_phase = Phase::in_value;
}

bool DocumentReader::emit(Document& doc, std::size_t end, bool truncated)
{
  const bool was_element = m_base_depth > 0;
  if (!was_element && m_ndjson < 0) {
    // NDJSON when the first document is a single line; confirmed by its line end.
    m_ndjson = (m_start_line == m_line && !truncated) ? 2 : 0;
  }
  doc.text = std::string_view(m_buffer.data() + m_start, end - m_start);
  doc.line = m_start_line;
  doc.column = m_start_column;
  doc.number = ++m_count;
  doc.truncated = truncated;
  m_phase = was_element ? Phase::between_elements : Phase::top;
  m_need_comma = was_element;
  return true;
}

bool DocumentReader::next(Document& doc)
{
  for (;;) {
    if (m_pos >= m_filled && !fill()) {
      return finish(doc);
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
      if (step_top(c)) {
        continue;
      }
      break;
    case Phase::between_elements:
      step_between(c);
      continue;
    case Phase::in_value:
    case Phase::after_envelope:
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
      // A scalar ends at the end of input; anything else is cut short.
      const bool truncated = !m_scalar;
      emit(doc, m_pos, truncated);
      m_phase = Phase::top;
      m_base_depth = 0;
      return true;
    }
    break;
  case Phase::between_elements:
  case Phase::after_envelope:
    report(m_pos, "unexpected end of input: the top-level array is not closed");
    break;
  case Phase::top:
    break;
  }
  m_phase = Phase::top;
  m_base_depth = 0;
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
  m_base_depth = 0;
  if (c == '[') {
    m_start_line = m_line;
    m_start_column = column_at(m_pos);
    m_phase = Phase::between_elements;
    m_base_depth = 1;
    m_need_comma = false;
    ++m_pos;
    return true;
  }
  if (c == ']' || c == '}' || c == ',' || c == ':') {
    report(m_pos, std::string("unexpected '") + c + "' outside any JSON value");
    recover_at_next_line();
    return true;
  }
  begin_value();
  m_track_envelope = (c == '{');
  return true;
}

void DocumentReader::step_between(char c)
{
  if (c == '\n') {
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
      report(m_pos, "unexpected ',' in array: expected a value");
      recover_at_next_line();
      return;
    }
    m_need_comma = false;
    ++m_pos;
    return;
  }
  if (c == ']' || c == '}') {
    if (c != ']') {
      report(m_pos, "unexpected '}': expected a value, ',' or ']' in array");
      recover_at_next_line();
      return;
    }
    ++m_pos;
    if (m_base_depth == 1) {
      m_phase = Phase::top;
      m_base_depth = 0;
      return;
    }
    // End of the enveloped array: skip the rest of the top-level object.
    m_phase = Phase::after_envelope;
    m_stack = "{";
    m_in_string = false;
    m_escape = false;
    m_scalar = false;
    m_skipping = true;
    m_track_envelope = false;
    m_base_depth = 0;
    return;
  }
  if (m_need_comma) {
    report(m_pos, std::string("unexpected '") + c + "' in array: expected ',' or ']'");
    recover_at_next_line();
    return;
  }
  const std::size_t depth = m_base_depth;
  begin_value();
  m_base_depth = depth;
  m_track_envelope = false;
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
      } else if (c == '\n') {
        if (cut_line(doc)) {
          return true;
        }
        newline_at(m_pos);
      } else if (m_capturing_key && m_key.size() <= k_max_tracked_key) {
        m_key.push_back(c);
      }
      ++m_pos;
      continue;
    }
    switch (c) {
    case '"':
      m_in_string = true;
      m_awaiting_envelope_array = false;
      m_capturing_key = m_track_envelope && m_stack.size() == 1 && m_key_next;
      if (m_capturing_key) {
        m_key.clear();
      }
      break;
    case '{':
    case '[':
      if (m_awaiting_envelope_array) {
        m_awaiting_envelope_array = false;
        if (c == '[' && m_stack.size() == 1 && is_envelope_key(m_key)) {
          // A REST list, an Event Hub capture or a Resource Graph response: stream
          // the array's elements; what came before them is envelope.
          ++m_pos;
          m_phase = Phase::between_elements;
          m_base_depth = 2;
          m_need_comma = false;
          m_stack.clear();
          return false;
        }
      }
      m_stack.push_back(c);
      if (m_track_envelope && m_stack.size() == 1) {
        m_key_next = true;
      }
      break;
    case '}':
    case ']': {
      const char open = c == '}' ? '{' : '[';
      if (m_stack.empty() || m_stack.back() != open) {
        report(m_pos, std::string("unexpected '") + c + "'"
                        + (m_stack.empty() ? std::string()
                                           : std::string(": expected '")
                                               + (m_stack.back() == '{' ? '}' : ']') + "'"));
        recover_at_next_line();
        return false;
      }
      m_stack.pop_back();
      m_awaiting_envelope_array = false;
      if (m_stack.empty()) {
        ++m_pos;
        if (m_skipping) {
          m_skipping = false;
          m_phase = Phase::top;
          return false;
        }
        return emit(doc, m_pos, false);
      }
      break;
    }
    case ',':
      if (m_track_envelope && m_stack.size() == 1) {
        m_key_next = true;
        m_awaiting_envelope_array = false;
      }
      break;
    case ':':
      if (m_track_envelope && m_stack.size() == 1) {
        m_key_next = false;
        m_awaiting_envelope_array = is_envelope_key(m_key);
      }
      break;
    case '\n':
      if (cut_line(doc)) {
        return true;
      }
      newline_at(m_pos);
      break;
    case ' ':
    case '\t':
    case '\r':
      break;
    default:
      m_awaiting_envelope_array = false;
      break;
    }
    ++m_pos;
  }
  return false;
}

bool DocumentReader::cut_line(Document& doc)
{
  if (m_ndjson != 1 || m_skipping || m_base_depth > 0) {
    return false;
  }
  // NDJSON: a record ends at its line end, closed or not.
  emit(doc, m_pos, true);
  newline_at(m_pos);
  ++m_pos;
  m_in_string = false;
  m_escape = false;
  m_stack.clear();
  return true;
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
