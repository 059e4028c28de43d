// posix_spawn + wait4 runner for the benchmark.

#include "bench_process.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace dftriage::bench {

namespace {

constexpr std::size_t k_pipe_chunk = 1 << 16;

// Throws std::runtime_error naming `what` and the error `code`.
[[noreturn]] void fail(const std::string& what, int code)
{
  throw std::runtime_error(what + ": " + std::strerror(code));
}

// Owns a posix_spawn_file_actions_t for the length of one spawn.
class FileActions
{
public:
  FileActions()
  {
    if (const int rc = posix_spawn_file_actions_init(&m_actions); rc != 0) {
      fail("posix_spawn_file_actions_init", rc);
    }
  }
  ~FileActions() { posix_spawn_file_actions_destroy(&m_actions); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;

  // Makes the child open `path` as descriptor `fd`.
  void open(int fd, const std::string& path, int flags)
  {
    if (const int rc = posix_spawn_file_actions_addopen(&m_actions, fd, path.c_str(), flags, 0644);
        rc != 0) {
      fail("posix_spawn_file_actions_addopen", rc);
    }
  }

  // Makes the child use `from` as descriptor `to` and close `from`.
  void move(int from, int to)
  {
    int rc = posix_spawn_file_actions_adddup2(&m_actions, from, to);
    if (rc == 0) {
      rc = posix_spawn_file_actions_addclose(&m_actions, from);
    }
    if (rc != 0) {
      fail("posix_spawn_file_actions_adddup2", rc);
    }
  }

  // Makes the child close `fd`.
  void close(int fd)
  {
    if (const int rc = posix_spawn_file_actions_addclose(&m_actions, fd); rc != 0) {
      fail("posix_spawn_file_actions_addclose", rc);
    }
  }

  // Returns the actions for posix_spawn.
  const posix_spawn_file_actions_t* get() const { return &m_actions; }

private:
  posix_spawn_file_actions_t m_actions{};
};

// Reads `fd` to its end and returns the number of newline bytes seen.
std::uint64_t count_newlines(int fd)
{
  std::vector<char> chunk(k_pipe_chunk);
  std::uint64_t lines = 0;
  for (;;) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return lines;
    }
    for (ssize_t i = 0; i < got; ++i) {
      lines += chunk[static_cast<std::size_t>(i)] == '\n' ? 1 : 0;
    }
  }
}

} // namespace

RunResult run_measured(const RunSpec& spec)
{
  if (spec.argv.empty()) {
    throw std::runtime_error("run_measured: empty command");
  }
  FileActions actions;
  int pipe_fds[2] = {-1, -1};
  if (spec.count_lines) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
      fail("pipe2", errno);
    }
    actions.move(pipe_fds[1], STDOUT_FILENO);
    actions.close(pipe_fds[0]);
  } else {
    actions.open(STDOUT_FILENO, spec.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
  }
  actions.open(STDERR_FILENO, spec.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
  actions.open(STDIN_FILENO, "/dev/null", O_RDONLY);

  std::vector<char*> args;
  for (const auto& arg : spec.argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);

  RunResult result;
  pid_t pid = 0;
  const auto start = std::chrono::steady_clock::now();
  const int rc = posix_spawn(&pid, args[0], actions.get(), nullptr, args.data(), environ);
  if (spec.count_lines) {
    ::close(pipe_fds[1]);
    if (rc == 0) {
      result.lines = count_newlines(pipe_fds[0]);
    }
    ::close(pipe_fds[0]);
  }
  if (rc != 0) {
    fail("cannot start " + spec.argv[0], rc);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      fail("wait4", errno);
    }
  }
  const auto stop = std::chrono::steady_clock::now();
  result.seconds = std::chrono::duration<double>(stop - start).count();
  result.peak_rss_kib = static_cast<std::uint64_t>(usage.ru_maxrss); // KiB on Linux
  const auto cpu = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  result.cpu_seconds = cpu(usage.ru_utime) + cpu(usage.ru_stime);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

RunResult run_checked(const RunSpec& spec, const std::string& what)
{
  const RunResult result = run_measured(spec);
  if (result.exit_code != 0) {
    throw std::runtime_error(what + " failed with status " + std::to_string(result.exit_code) +
                             " (see " + spec.stderr_path + ")");
  }
  return result;
}

std::uint64_t parse_count(const std::string& name, const std::string& text)
{
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-') {
    throw std::invalid_argument(name + " must be a whole number");
  }
  return value;
}

int run_main(const char* name, const char* usage, const std::function<void()>& parse,
             const std::function<int()>& run)
{
  try {
    parse();
  } catch (const std::invalid_argument& e) {
    if (*e.what() != '\0') {
      std::fprintf(stderr, "%s: %s\n", name, e.what());
    }
    std::fputs(usage, stderr);
    return 2;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

double load_average()
{
  std::FILE* file = std::fopen("/proc/loadavg", "r");
  if (file == nullptr) {
    return -1;
  }
  double load = -1;
  if (std::fscanf(file, "%lf", &load) != 1) {
    load = -1;
  }
  std::fclose(file);
  return load;
}

std::optional<std::string> find_on_path(const std::string& name)
{
  const char* path = std::getenv("PATH");
  if (path == nullptr) {
    return std::nullopt;
  }
  const std::string dirs = path;
  std::size_t begin = 0;
  while (begin <= dirs.size()) {
    std::size_t end = dirs.find(':', begin);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    const std::string dir = end > begin ? dirs.substr(begin, end - begin) : ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  return std::nullopt;
}

} // namespace dftriage::bench
