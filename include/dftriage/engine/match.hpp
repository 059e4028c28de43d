#pragma once

#include "dftriage/alert/alert.hpp"
#include "dftriage/engine/library.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace dftriage::engine {

struct MatchResult
{
  const playbook::Playbook* playbook = nullptr; // nullptr: the generic playbook
  std::string reason;                           // "alertType KV_TORAccess matches KV_*"
  std::string reason_zh;                        // the same in Chinese (zh-CN)

  // Returns "keyvault", "dns", "resource-manager" or "generic".
  std::string playbook_id() const { return playbook ? playbook->id : "generic"; }
};

// Picks the playbook for `alert`: the first whose alertTypes glob matches the base
// alert type, else whose families contain the alert's family, else whose
// resourceTypes contain the attacked resource's type; else the generic playbook.
// Never by display name.
MatchResult match_alert(const alert::Alert& alert, const Library& library);

// Returns {alertId, alertType, family, playbook, reason, source}.
nlohmann::ordered_json to_json(const alert::Alert& alert, const MatchResult& match);

// Returns the generic playbook for `alert`: its own remediation steps as manual steps,
// then the alert's status set to Resolved.
playbook::Playbook generic_playbook(const alert::Alert& alert);

} // namespace dftriage::engine
