#pragma once

// Internal to src/cli: a plan (plan.cpp's JSON) as text for a person.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace dftriage::cli {

// How a plan's text shows its requests.
struct PlanTextOptions
{
  bool colour = false; // paint it (a terminal)
  // The language of our words around the plan's (which Plan::to_json chose): phases,
  // statuses, answer sources, notes, what each request is.
  playbook::Lang lang = playbook::Lang::en;
  // Why its playbook was chosen, in `lang` (engine::Match::reason_zh); empty: the plan's
  // "reason", which is English.
  std::string reason;
  // Besides what a change changes (against a captured target), its whole body.
  bool full_bodies = false;
  // Each request as the curl command that sends it, with where each token comes from
  // once at the top; else as "METHOD URL  [purpose, …]".
  bool curl = false;
  // The cloud the plan is for: token audiences and a lab's CA (for `curl`). Null: none.
  const azure::Cloud* cloud = nullptr;
  // What each change's pre-image reads found when the plan was made (plan --capture),
  // by step ID: its values are filled in and a change is shown as what it changes.
  // Null or no entry: not read; its body is shown once, run-time values as $NAME.
  const std::map<std::string, azure::PreImage>* captured = nullptr;
};

// Returns the plan `plan` (engine::Plan::to_json, sealed) as text.
std::string plan_text(const nlohmann::ordered_json& plan, const PlanTextOptions& options);

// The same with only `colour` set.
std::string plan_text(const nlohmann::ordered_json& plan, bool colour);

} // namespace dftriage::cli
