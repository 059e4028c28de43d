#pragma once

// Internal to src/cli: a request shown to a person as the curl command that sends it.
// The token is never shown: the command reads it from a shell variable, and a comment
// says how to get one. Values known only when the step runs (what its pre-image read
// finds, a password made then) are shell variables, each explained by a comment.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// Where a body holds a value made when the step runs (a VM's new password).
inline constexpr std::string_view k_generated_secret = "$(generated secret)";

// Returns `s` quoted for a POSIX shell: in single quotes, each ' written '\''.
std::string shell_quote(std::string_view s);

// What the curl form of a step's requests knows besides the requests.
struct CurlContext
{
  // The cloud they go to: its token audiences and, for a lab over HTTPS, its CA
  // (--cacert). Null: the token comment names the audience by its short name.
  const azure::Cloud* cloud = nullptr;
  // The reads of the step's pre-image (step.requests.pre_image), for naming what a
  // value is read from.
  const std::vector<azure::Request>* pre_requests = nullptr;
  // What those reads found, when they have been sent: "$(pre-image N POINTER)" values
  // are then filled in. Null: not read yet; each is a shell variable.
  const azure::PreImage* pre_image = nullptr;
  playbook::Lang lang = playbook::Lang::en;
  // Bodies longer than a line are shown indented over several lines (still one shell
  // word); false: always on one line.
  bool pretty = true;
};

// Returns the shell variable a request for `audience` reads its token from: TOKEN
// (arm), KEYVAULT_TOKEN, GRAPH_TOKEN, LOGANALYTICS_TOKEN.
std::string token_variable(std::string_view audience);

// Returns comment lines, each starting with `indent`, saying how to get the token of
// each audience in `audiences` (short names, in that order, each once):
// "# TOKEN=$(az account get-access-token --resource https://management.core.windows.net/
// --query accessToken -o tsv)", and on a lab how to ask its token endpoint instead.
std::string token_comments(const std::vector<std::string>& audiences, const CurlContext& context,
                           std::string_view indent);

// Returns the audiences of `requests`, in order of first use, each once.
std::vector<std::string> audiences_of(const std::vector<const azure::Request*>& requests);

// Returns `request` as a curl command, each line starting with `indent`: comment lines
// first for the values only known when the step runs, then the command. The command is
// valid shell whatever the values hold; where every value is known it runs as is (with
// the token variable set). Bodies are JSON with every non-ASCII character escaped.
std::string as_curl(const azure::Request& request, std::string_view indent,
                    const CurlContext& context);

// The same with no context: markers become shell variables, the token is $TOKEN.
std::string as_curl(const azure::Request& request, std::string_view indent);

// Returns `body` as JSON text for a person (not shell): values known only at run time
// shown as $NAME, followed by lines (each starting with `indent`) saying what each NAME
// is. Multi-line when long and `context.pretty`, each further line starting with
// `indent`.
std::string body_text(const nlohmann::ordered_json& body, std::string_view indent,
                      const CurlContext& context);

} // namespace dftriage::cli
