#include "support/process.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace dftriage::test {

namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env)
{
  // The tests expect English unless they ask otherwise, whatever the developer's shell says.
  ::unsetenv("DFTRIAGE_LANG");
  for (const auto& [name, value] : env) {
    if (value.empty()) {
      ::unsetenv(name.c_str());
    } else {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

int wait_for(pid_t pid)
{
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void make_pipe(int fds[2])
{
  if (::pipe(fds) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const std::map<std::string, std::string>& env)
{
  int in[2], out[2], err[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
      ::close(fd);
    }
    exec_child(argv, env);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);

  // Feed stdin and drain stdout/stderr together so that neither side blocks.
  ::signal(SIGPIPE, SIG_IGN);
  ProcessResult result;
  std::size_t written = 0;
  int in_fd = in[1];
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  bool out_open = true;
  bool err_open = true;
  char buffer[65536];
  while (out_open || err_open || in_fd >= 0) {
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0},
                     {in_fd, POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          (i == 0 ? out_open : err_open) = false;
        } else {
          (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
        }
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = ::write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      }
      if (n <= 0 || written == input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  ::close(out[0]);
  ::close(err[0]);
  result.exit_code = wait_for(pid);
  return result;
}

ProcessResult run_in_pty(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env)
{
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(argv, env);
  }
  ProcessResult result;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n > 0) {
      result.out.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break; // EIO once the child has closed the terminal
    }
  }
  ::close(master);
  result.exit_code = wait_for(pid);
  return result;
}

PtySession::PtySession(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env)
{
  const pid_t pid = ::forkpty(&m_master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(argv, env);
  }
  m_pid = pid;
}

PtySession::~PtySession()
{
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    wait_for(m_pid);
  }
  if (m_master >= 0) {
    ::close(m_master);
  }
}

bool PtySession::expect(const std::string& text)
{
  return expect_any({text}) == 0;
}

int PtySession::expect_any(const std::vector<std::string>& texts)
{
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (true) {
    std::size_t best = std::string::npos;
    int which = -1;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (const auto at = m_out.find(texts[i], m_consumed); at < best) {
        best = at;
        which = static_cast<int>(i);
      }
    }
    if (which >= 0) {
      m_consumed = best + texts[static_cast<std::size_t>(which)].size();
      return which;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return -1;
    }
    pollfd fd{m_master, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    char buffer[4096];
    const ssize_t n = ::read(m_master, buffer, sizeof buffer);
    if (n > 0) {
      m_out.append(buffer, static_cast<std::size_t>(n));
    } else if (!(n < 0 && errno == EINTR)) {
      return -1; // the program closed the terminal
    }
  }
}

void PtySession::send_line(const std::string& line)
{
  send(line + "\r");
}

void PtySession::send(const std::string& keys)
{
  if (::write(m_master, keys.data(), keys.size()) != static_cast<ssize_t>(keys.size())) {
    throw std::runtime_error("cannot write to the pseudo-terminal");
  }
}

int PtySession::finish()
{
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(m_master, buffer, sizeof buffer);
    if (n > 0) {
      m_out.append(buffer, static_cast<std::size_t>(n));
    } else if (!(n < 0 && errno == EINTR)) {
      break;
    }
  }
  const int status = wait_for(m_pid);
  m_pid = -1;
  return status;
}

} // namespace dftriage::test

namespace dftriage::test {

Server::Server(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env)
{
  int out[2];
  make_pipe(out);
  m_pid = ::fork();
  if (m_pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    exec_child(argv, env);
  }
  ::close(out[1]);
  m_out = out[0];
  // The first line, within 20 s (a hang, not a timing test).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string buffer;
  while (buffer.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{m_out, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      break;
    }
    char c[256];
    const auto n = ::read(m_out, c, sizeof c);
    if (n <= 0) {
      break;
    }
    buffer.append(c, static_cast<std::size_t>(n));
  }
  m_first_line = buffer.substr(0, buffer.find('\n'));
}

Server::~Server()
{
  stop();
}

int Server::stop()
{
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    m_status = wait_for(m_pid);
    m_pid = -1;
    ::close(m_out);
  }
  return m_status;
}

} // namespace dftriage::test
