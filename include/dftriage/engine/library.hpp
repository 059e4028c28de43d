#pragma once

#include "dftriage/playbook/playbook.hpp"

#include <string>
#include <vector>

namespace dftriage::engine {

// Returns the action catalogue as the playbook loader sees it.
playbook::ActionDirectory action_directory();

// The playbooks in use: the ones built into dftriage (from playbooks/*.json at build
// time), then those of `extra_dirs` (a file there with the same id replaces a
// built-in one).
struct Library
{
  std::vector<playbook::Playbook> playbooks;
  std::vector<Diagnostic> issues; // problems met while loading

  const playbook::Playbook* find(std::string_view id) const;
};

// Loads the built-in playbooks and every *.json file of `extra_dirs`. Throws
// InputError when a directory cannot be read; bad playbooks become issues.
Library load_library(const std::vector<std::string>& extra_dirs = {});

// Loads one playbook file. Throws InputError when it cannot be read.
playbook::LoadResult load_playbook_file(const std::string& path);

// The shipped list of Key Vault, DNS and Resource Manager alert types
// (data/alert-types.tsv): ("alert-types.tsv", text) — lines "type<TAB>family<TAB>status".
const std::vector<std::pair<std::string, std::string>>& builtin_alert_types();

// The built-in playbooks' (file name, JSON text) pairs.
const std::vector<std::pair<std::string, std::string>>& builtin_playbooks();

} // namespace dftriage::engine
