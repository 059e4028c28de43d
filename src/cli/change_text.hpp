#pragma once

// Internal to src/cli: a change shown as what it changes — its target as its pre-image
// read found it, against the body that will be sent — rather than as the whole body.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// One difference: '~' a value replaced, '+' added, '-' removed, at `path` (a JSON
// pointer, where an element of an array of named objects is "[name=X]").
struct Difference
{
  char op = '~';
  std::string path;
  nlohmann::ordered_json before; // null for '+'
  nlohmann::ordered_json after;  // null for '-'
  // '-' of a member a PUT leaves out: Azure keeps it when it is read-only (which only
  // Azure knows) and resets it otherwise.
  bool left_out = false;
};

// Returns what `body` changes in `current` when sent with `method`: PUT replaces the
// target, so members `current` has and `body` lacks are removed (but not those Azure
// reports and never takes back: id, name, type, systemData, etag, provisioningState…);
// PATCH merges `body` in (a null removes). Arrays of objects that all have a distinct
// "name" are matched by name, others by position. Empty: no difference.
std::vector<Difference> differences(const std::string& method,
                                    const nlohmann::ordered_json& current,
                                    const nlohmann::ordered_json& body);

// Returns `differences` as lines for a person, each starting with `indent`:
// "~ /properties/networkAcls/defaultAction: "Allow" → "Deny"", "+ …", "- …", and the
// members a PUT leaves out on one line of their own at the end; values as compact JSON
// (every non-ASCII character escaped), a long string cut in its middle (a resource ID
// keeps its name), anything else long cut after 100 characters; at most 40 lines, then
// how many more.
std::string differences_text(const std::vector<Difference>& differences, const std::string& indent,
                             bool colour, playbook::Lang lang);

// How one change request is shown before it is confirmed.
struct ChangeView
{
  std::string text;  // what it changes (a diff, or the body when there is nothing to
                     // compare it with), each line starting with the indent given; "" for
                     // a request without a body and nothing to compare
  bool diff = false; // true when `text` shows differences rather than the whole body
};

// Returns `request` (its body resolved, a generated secret still "$(generated
// secret)") as what it changes: against the pre-image read of the same URL in
// `pre_requests` / `pre` when there is one (a 404 there: it creates the target), else
// its whole body once.
ChangeView change_view(const azure::Request& request,
                       const std::vector<azure::Request>& pre_requests, const azure::PreImage& pre,
                       const std::string& indent, bool colour, playbook::Lang lang);

} // namespace dftriage::cli
