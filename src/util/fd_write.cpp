#include "dftriage/util/fd_write.hpp"

#include <cerrno>
#include <unistd.h>

namespace dftriage::fd {

int write_all(int fd, std::string_view bytes)
{
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

} // namespace dftriage::fd
