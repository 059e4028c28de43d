// The alert types the synthetic generator draws from, and the texts it dresses them in.

#pragma once

#include <string>
#include <vector>

namespace dftriage::bench {

// The Defender plan that raises an alert type.
enum class Family { key_vault, dns, resource_manager };

// One alert type as the Defender for Cloud reference lists it.
struct AlertKind
{
  std::string type;         // alertType without the SIMULATED_ prefix
  std::string display_name; // alertDisplayName
  std::string severity;     // Informational, Low, Medium or High
  std::string intent;       // the REST `intent` (MITRE tactic, no spaces)
  Family family = Family::key_vault;
};

// Returns every alert type the generator may emit.
const std::vector<AlertKind>& alert_kinds();

// Returns the description paragraphs of a family; one is chosen per alert.
const std::vector<std::string>& family_descriptions(Family family);

// Returns the remediation steps of a family (the REST `remediationSteps` array).
const std::vector<std::string>& family_remediation(Family family);

// Returns the `productComponentName` / `resourceType` label of a family.
std::string family_component(Family family);

} // namespace dftriage::bench
