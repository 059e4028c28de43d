#pragma once

// Internal to src/cli: `dftriage collect FILE…|-`, the evidence for the whole queue: the
// alerts grouped into incidents as `triage` groups them, and for each incident of this
// shard the read-only steps of its plan carried out into a case of its own, several
// incidents at once (--jobs), within a read budget per subscription (--read-budget).

#include "command.hpp"

#include <CLI/CLI.hpp>

namespace dftriage::cli {

// Adds collect's options to `command` (the table in app.cpp names and describes it); its
// callback sets invocation.action.
void add_collect(CLI::App& command, Invocation& invocation);

} // namespace dftriage::cli
