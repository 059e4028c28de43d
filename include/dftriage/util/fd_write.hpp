#pragma once

// Writing to a file descriptor without losing bytes.

#include <string_view>

namespace dftriage::fd {

// Writes all of `bytes` to `fd`, going on after short writes and EINTR. Returns 0, or the
// errno of the write that failed (the caller names the file and decides what it means).
int write_all(int fd, std::string_view bytes);

} // namespace dftriage::fd
