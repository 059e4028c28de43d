#pragma once

namespace dftriage::signals {

// Installs SIGINT and SIGTERM handlers that only set a flag (no SA_RESTART, so a
// blocking read returns and the reader can stop). Call once from the CLI.
void install_interrupt_handlers();

// True once SIGINT or SIGTERM has arrived.
bool interrupted();

// Returns a descriptor that becomes readable once SIGINT or SIGTERM has arrived
// (the self-pipe trick), for poll() beside a blocking read; -1 before
// install_interrupt_handlers().
int interrupt_fd();

} // namespace dftriage::signals
