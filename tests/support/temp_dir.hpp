#pragma once

// Test support: a fresh folder under the temporary directory, named after the test and
// this process (so tests running in parallel never share one), removed afterwards.

#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace dftriage::test {

struct TempDir
{
  // Creates "<tmp>/dftriage-<name>-<pid>", emptied first.
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("dftriage-" + name + "-" + std::to_string(::getpid())))
  {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir()
  {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Returns the path of `name` inside the folder.
  std::string operator/(const std::string& name) const { return (path / name).string(); }

  std::filesystem::path path;
};

} // namespace dftriage::test
