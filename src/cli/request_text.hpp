#pragma once

// Internal to src/cli: a request shown to the responder as the curl command that would
// send it. The token is never shown: the command reads it from $TOKEN.

#include "dftriage/azure/request.hpp"

#include <string>
#include <string_view>

namespace dftriage::cli {

// Returns `s` quoted for a POSIX shell: in single quotes, each ' written '\''.
std::string shell_quote(std::string_view s);

// Returns `request` as a multi-line curl command, each line starting with `indent`.
// Bodies are JSON with every non-ASCII character escaped, so the command is plain
// ASCII: safe on a terminal and identical in meaning when pasted.
std::string as_curl(const azure::Request& request, std::string_view indent);

} // namespace dftriage::cli
