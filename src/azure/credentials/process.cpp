#include "azure/credentials/process.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dftriage::azure::credentials {

namespace {

constexpr std::size_t k_max_output = std::size_t{1024} * 1024;

class Pipe
{
public:
  Pipe()
  {
    if (::pipe2(m_fds, O_CLOEXEC) != 0) {
      throw Error(std::string("cannot create a pipe: ") + std::strerror(errno),
                  ExitStatus::azure_failure);
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe()
  {
    close_read();
    close_write();
  }
  int read_end() const { return m_fds[0]; }
  int write_end() const { return m_fds[1]; }
  void close_read() { close(0); }
  void close_write() { close(1); }

private:
  void close(int i)
  {
    if (m_fds[i] >= 0) {
      ::close(m_fds[i]);
      m_fds[i] = -1;
    }
  }
  int m_fds[2] = {-1, -1};
};

int wait_for(pid_t pid)
{
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

} // namespace

std::optional<std::string> find_program(const std::string& name, const std::string& path)
{
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    struct stat info
    {
    };
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

ProgramResult run_program(const std::string& program, const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout)
{
  Pipe out;
  Pipe err;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw Error(std::string("cannot start ") + program + ": " + std::strerror(errno),
                ExitStatus::azure_failure);
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until execv.
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0 || ::dup2(out.write_end(), STDOUT_FILENO) < 0 ||
        ::dup2(err.write_end(), STDERR_FILENO) < 0) {
      ::_exit(127);
    }
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  out.close_write();
  err.close_write();
  ProgramResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[3] = {{out.read_end(), POLLIN, 0},
                   {err.read_end(), POLLIN, 0},
                   {signals::interrupt_fd(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || signals::interrupted()) {
      ::kill(pid, SIGKILL);
      wait_for(pid);
      if (signals::interrupted()) {
        throw Interrupted();
      }
      result.timed_out = true;
      result.exit_code = -1;
      return result;
    }
    const int ready = ::poll(fds, fds[2].fd >= 0 ? 3 : 2,
                             static_cast<int>(std::min<long long>(left.count(), 200)));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        if (sinks[i]->size() < k_max_output) {
          sinks[i]->append(buffer, static_cast<std::size_t>(n));
        }
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  result.exit_code = wait_for(pid);
  return result;
}

} // namespace dftriage::azure::credentials
