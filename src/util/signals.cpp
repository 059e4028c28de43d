#include "dftriage/util/signals.hpp"

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace dftriage::signals {

namespace {

// Process-wide by nature: written only by the signal handler, and the pipe it wakes.
volatile std::sig_atomic_t g_interrupted = 0;
int g_pipe[2] = {-1, -1};

extern "C" void on_interrupt(int)
{
  g_interrupted = 1;
  if (g_pipe[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_pipe[1], &byte, 1); // async-signal-safe
  }
}

} // namespace

void install_interrupt_handlers()
{
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    g_pipe[0] = g_pipe[1] = -1;
  }
  struct sigaction action = {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted()
{
  return g_interrupted != 0;
}

int interrupt_fd()
{
  return g_pipe[0];
}

} // namespace dftriage::signals
