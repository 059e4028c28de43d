#include "dftriage/util/signals.hpp"

#include <csignal>

namespace dftriage::signals {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;  // written only by the signal handler

extern "C" void on_interrupt(int) { g_interrupted = 1; }

} // namespace

void install_interrupt_handlers()
{
  struct sigaction action = {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return g_interrupted != 0; }

} // namespace dftriage::signals
