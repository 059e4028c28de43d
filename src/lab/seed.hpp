#pragma once

// Seeding the lab: from any alert export dftriage reads (a coherent incident around each
// alert), or from a scenario file that states resources directly (src/lab/README.md).

#include "dftriage/alert/alert.hpp"
#include "state.hpp"

#include <string>
#include <string_view>

namespace dftriage::lab {

// Returns the subscription the seed names first ("" when none): the lab's identity
// follows the incident's.
std::string seed_subscription(std::string_view text, const std::string& source);

// Adds what `text` describes to the state. Throws InputError when it is neither a
// scenario nor holds any alert.
void apply_seed(State& state, std::string_view text, const std::string& source);

// Adds the lab's own subscription and a resource group "rg-lab" when absent.
void seed_defaults(State& state);

// The machine side of an incident (seed_compute.cpp): the VM an alert names (its
// resource, else a host entity's) with a NIC and that NIC's NSG; for Resource Manager
// alerts the attacker's foothold in the subscription (an Owner role assignment, a planted
// runbook, an unordered VM), each with its activity-log event.
void seed_compute_incident(State& state, const alert::Alert& a, const std::string& attacker,
                           const std::string& upn, const std::string& ip);
// The identity side of an incident (seed_identity.cpp): for Resource Manager alerts an
// Authenticator the attacker registered on `attacker`, a client secret it added to an app
// registration, a custom role granting */write, an eligible Owner assignment, and a
// webhook and a job schedule on each runbook `upn` planted; idempotent.
void seed_identity_incident(State& state, const alert::Alert& a, const std::string& attacker,
                            const std::string& upn, const std::string& ip);
// Adds a scenario's groups, applications, authenticationMethods (by user ID, added to the
// default set), roleEligibilities, webhooks and jobSchedules.
void apply_identity_scenario(State& state, const Json& doc);
// Registers a scenario's VM resource with the lab's compute runtime (its OS from
// storageProfile.osDisk.osType); anything else is left alone.
void adopt_compute_resource(State& state, const Json& resource);

} // namespace dftriage::lab
