#pragma once

// Internal to src/cli: the one place a case folder argument is resolved. Every command
// that takes a case folder (run --case, case show, case verify, report, undo) accepts
// `last` for the newest case under the case root.

#include "dftriage/journal/case_folder.hpp"

#include <string>

namespace dftriage::cli {

// The word that names the newest case.
inline constexpr const char* k_last_case = "last";

// Returns `given` unless it is `last`: then the folder of the newest case under `root`
// (the first of `case list`: by its last journal entry), said on stderr unless `quiet`.
// A folder named "last" is reached as ./last. Throws Error (case_problem) when `root`
// holds no case.
std::string resolve_case_dir(const std::string& given, bool quiet,
                             const std::string& root = journal::k_case_root);

// Says on stderr which evidence files opening `folder` set aside (CaseFolder::set_aside),
// in English or, with `zh_cn`, Chinese; nothing when none.
void say_set_aside(const journal::CaseFolder& folder, bool zh_cn);

} // namespace dftriage::cli
