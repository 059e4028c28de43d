#pragma once

namespace dftriage::cli {

// Parses the command line and runs the chosen subcommand. Returns the process exit
// status (see ExitStatus). Usage errors are printed here; other failures are thrown
// as dftriage::Error for main() to print once.
int run(int argc, char** argv);

} // namespace dftriage::cli
