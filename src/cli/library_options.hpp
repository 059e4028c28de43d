#pragma once

// Internal to src/cli: loading the playbook library for a command.

#include "dftriage/engine/library.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace dftriage::cli {

// Loads the built-in playbooks and those of `dirs`; prints every issue to stderr and
// throws InputError when any playbook failed to load (acting on a partial library
// would silently pick the generic playbook).
inline engine::Library load_library_or_throw(const std::vector<std::string>& dirs)
{
  auto library = engine::load_library(dirs);
  bool failed = false;
  for (const auto& issue : library.issues) {
    std::fprintf(stderr, "%s\n", terminal::sanitize(issue.to_string()).c_str());
    failed = failed || issue.is_error();
  }
  if (failed) {
    throw InputError("some playbooks are invalid; see above (dftriage playbooks validate)");
  }
  return library;
}

// Adds --playbooks DIR (repeatable) to `command`.
inline CLI::Option* add_playbooks_option(CLI::App& command, std::vector<std::string>& dirs)
{
  return command
      .add_option("--playbooks", dirs, "Also load the playbooks of this directory (repeatable)")
      ->type_name("DIR");
}

} // namespace dftriage::cli
