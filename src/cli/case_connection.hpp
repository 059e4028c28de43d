#pragma once

// Internal to src/cli: a case acts on the cloud it was opened on. `run --case` and
// `undo` connect through here, so that a lab case never reaches a real tenant and a
// live case never silently acts on another cloud.

#include "connection.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

struct CaseCloudOptions
{
  bool lab = false;          // --lab was given
  bool switch_cloud = false; // --switch-cloud: act on the cloud chosen now, not the case's
  std::string cloud;         // --cloud as given ("" : $DFTRIAGE_CLOUD, else the case's own)
  // --lab-role/--lab-deny as given to undo: the rebuilt lab's principal holds these instead
  // of what the case's lab held (rehearsing an undo with fewer rights); empty: the case's.
  LabAccess lab_access;
};

// Returns what case.opened records of `connection`: {mode, cloud, cloudSource,
// resourceManager[, lab: {inProcess, seed}]}.
nlohmann::ordered_json connection_record(const Connection& connection);

// Starts a lab (connect_lab) seeded from `alert_text`, the alert of a case not yet
// written to its folder, after `more_seed` (a lab scenario, "" for none: a training
// scenario's state beyond the alert, into which the alert's incident is seeded). The lab reads its
// seeds from private temporary files, removed once it has read them. Throws as connect_lab, and
// Error when a file cannot be made.
std::unique_ptr<Connection> connect_lab_for_alert(const std::string& alert_text,
                                                  const std::string& more_seed = "",
                                                  int retry_after_s = 1,
                                                  const LabAccess& access = {});

// The file a training case keeps its scenario's lab state in, beside alert.json.
inline constexpr const char* k_training_lab_seed = "training-lab.json";

// Connects for a case whose journal holds `entries` (its first entry case.opened) in
// folder `case_dir`:
// - a case opened on an in-process lab (run --lab) gets a new lab seeded from the case's
//   seeds its case.opened names under lab.seeds (default alert.json) with every change the journal
//   records as answered replayed onto it, so it is as the case left it;
// - any other case gets the cloud it was opened on: the one chosen now (--cloud,
//   DFTRIAGE_CLOUD) when its Resource Manager endpoint is the case's, else the case's
//   own cloud name or file.
// Throws Error (refused) when --lab is asked for a live case, or when the cloud chosen
// now is another than the case's and `switch_cloud` is not set.
std::unique_ptr<Connection> connect_for_case(const std::string& case_dir,
                                             const std::vector<nlohmann::ordered_json>& entries,
                                             const CaseCloudOptions& options);

} // namespace dftriage::cli
