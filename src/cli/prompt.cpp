#include "prompt.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/text.hpp"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace dftriage::cli {

void Prompter::say(std::string_view text)
{
  std::fwrite(text.data(), 1, text.size(), m_out);
  std::fflush(m_out);
}

std::optional<std::string> Prompter::ask(std::string_view prompt)
{
  say(prompt);
  while (true) {
    if (const auto newline = m_pending.find('\n'); newline != std::string::npos) {
      std::string line = m_pending.substr(0, newline);
      m_pending.erase(0, newline + 1);
      return std::string(text::trim(line));
    }
    // Wait for input or for Ctrl-C, whichever comes first.
    pollfd fds[2] = {{m_in, POLLIN, 0}, {signals::interrupt_fd(), POLLIN, 0}};
    const int ready = ::poll(fds, fds[1].fd >= 0 ? 2 : 1, -1);
    if (signals::interrupted()) {
      say("\n");
      throw Interrupted();
    }
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw Error("cannot read the terminal", ExitStatus::failure);
    }
    char buffer[512];
    const ssize_t n = ::read(m_in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      if (m_pending.empty()) {
        say("\n");
        return std::nullopt;
      }
      m_pending += '\n'; // a last line without a newline
      continue;
    }
    m_pending.append(buffer, static_cast<std::size_t>(n));
  }
}

} // namespace dftriage::cli
