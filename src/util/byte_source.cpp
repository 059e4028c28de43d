// The byte sources the document reader reads (a file descriptor, or a string), and
// the window it reads them through.

#include "dftriage/util/document_reader.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "document_parts.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

namespace dftriage {

namespace {

class FdSource : public ByteSource
{
public:
  FdSource(int fd, std::string name)
      : m_fd(fd)
      , m_name(std::move(name))
  {
  }

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
  explicit StringSource(std::string text)
      : m_text(std::move(text))
  {
  }

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

} // namespace

std::unique_ptr<ByteSource> make_fd_source(int fd, std::string name)
{
  return std::make_unique<FdSource>(fd, std::move(name));
}

std::unique_ptr<ByteSource> make_string_source(std::string text)
{
  return std::make_unique<StringSource>(std::move(text));
}

namespace document {

namespace {

constexpr std::size_t k_initial_window = 1u << 20;

} // namespace

InputWindow::InputWindow(ByteSource& source, std::size_t max_document)
    : m_source(source)
    , m_max_document(max_document)
    , m_buffer(std::min(k_initial_window, max_document) + DocumentReader::k_padding)
{
}

InputWindow::Fill InputWindow::fill(std::size_t keep, std::size_t& dropped)
{
  dropped = 0;
  if (m_eof) {
    return Fill::end;
  }
  if (keep > 0) {
    std::memmove(m_buffer.data(), m_buffer.data() + keep, m_filled - keep);
    m_offset += keep;
    m_filled -= keep;
    dropped = keep;
  }
  const std::size_t capacity = m_buffer.size() - DocumentReader::k_padding;
  if (m_filled == capacity) {
    if (capacity >= m_max_document) {
      return Fill::full;
    }
    m_buffer.resize(std::min(capacity * 2, m_max_document) + DocumentReader::k_padding);
  }
  const std::size_t n = m_source.read(m_buffer.data() + m_filled,
                                      m_buffer.size() - DocumentReader::k_padding - m_filled);
  if (n == 0) {
    m_eof = true;
    return Fill::end;
  }
  m_filled += n;
  return Fill::more;
}

} // namespace document

} // namespace dftriage
