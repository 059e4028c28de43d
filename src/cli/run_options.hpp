#pragma once

// Internal to src/cli: the options of `run`, shared by the dry run (run.cpp) and the
// live/lab run (run_live.cpp).

#include "dftriage/cli/output.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/playbook/playbook.hpp"
#include "dftriage/util/exit_status.hpp"
#include "run_preflight.hpp"
#include "walk_inputs.hpp"
#include "walk_text.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

struct RunOptions : WalkInputs
{
  bool dry_run = false;
  bool yes = false;
  bool yes_irreversible =
      false; // --yes-irreversible: --yes covers changes that cannot be undone too
  bool non_interactive = false;
  bool lab = false;
  std::string case_dir;
  bool switch_cloud = false; // --switch-cloud: resume a case on the cloud chosen now, not its own
  std::vector<std::string> subscriptions;
  std::string reason;
  bool quiet = false; // -q: nothing on stderr but errors
  // A training run (`train start`): the scenario's lab state beyond the alert, seeded
  // with it and kept in the case, and what case.opened records under "training"
  // ({scenario, version, trainee}). Empty: an ordinary run.
  std::string training_lab;
  nlohmann::ordered_json training;
  // The alert as text, instead of reading `files` (training: the scenario's alert), and
  // the command a stopped case is resumed with ("" : dftriage run --case DIR).
  std::string alert_text;
  std::string resume_command;
  // run --dry-run --scenario ID [--seed N]: a training scenario's alert instead of a file.
  std::string scenario;
  std::string seed;
  PreflightChoice preflight; // --no-preflight, --allow-missing-permissions
  LabAccess lab_access;      // --lab-role, --lab-deny
};

// run --dry-run --scenario: train start SCENARIO --dry-run with run's options (train.cpp).
ExitStatus run_training_dry_run(const RunOptions& options);

// The dry run's walk without asking anything (run.cpp): answers and defaults decide,
// mutating steps are "confirmed" by `yes` (those that cannot be undone only with
// `yes_irreversible` too) and otherwise "awaiting-confirmation";
// read-only steps are "shown", manual ones "open", refused ones "refused".
std::vector<StepOutcome> walk_unattended(const engine::Plan& plan, bool yes, bool yes_irreversible);

// Carries out the walk against the lab (--lab) or Azure, in a case folder (run_live.cpp).
ExitStatus run_live(const RunOptions& options, playbook::Lang lang, bool interactive,
                    OutputFormat format);

} // namespace dftriage::cli
