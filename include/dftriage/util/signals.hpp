#pragma once

namespace dftriage::signals {

// Installs SIGINT and SIGTERM handlers that only set a flag (no SA_RESTART, so a
// blocking read returns and the reader can stop). Call once from the CLI.
void install_interrupt_handlers();

// True once SIGINT or SIGTERM has arrived.
bool interrupted();

} // namespace dftriage::signals
