#pragma once

// Internal to src/cli: the requests of a step as the walk shows them — curl commands a
// person can run (with where the token comes from, once per step) — and a change
// about to be sent as what it changes, with the whole of it on request.

#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/exec/executor.hpp"

#include <string>

namespace dftriage::cli {

struct StepRequestsOptions
{
  const azure::Cloud* cloud = nullptr; // token audiences and a lab's CA; null: none known
  playbook::Lang lang = playbook::Lang::en;
  bool colour = false;
  // Nothing is sent: a change is shown whole here, its pre-image values as shell
  // variables. Otherwise a change is shown when it is about to be sent (pending_change_text),
  // so here only its method and URL.
  bool dry_run = true;
};

// Returns the step's requests for the walk, indented two columns: the token comment for
// each audience they use, then the pre-image reads and the requests as curl commands
// (a change, when it is to be carried out, by its method and URL only).
std::string step_requests_text(const engine::PlannedStep& step, const StepRequestsOptions& options);

// Returns `change` as the walk shows it before asking: each request's method and URL,
// then what it changes against the pre-image (or its body, once, when there is nothing to
// compare it with), indented four columns.
std::string pending_change_text(const exec::PendingChange& change, bool colour,
                                playbook::Lang lang);

// Returns `change` in full: each request as its curl command with its body as it will be
// sent (a generated secret still a variable), after the token comments.
std::string pending_change_full(const exec::PendingChange& change, playbook::Lang lang);

} // namespace dftriage::cli
