#pragma once

// Builders of the lab's network, compute and automation resources in the shapes Azure
// returns them, shared by the providers (a PUT of something new) and by seeding.

#include "state.hpp"

#include <string>
#include <vector>

namespace dftriage::lab {

// A virtual machine's resource type, as ARM spells it.
inline constexpr const char* k_vm_type = "Microsoft.Compute/virtualMachines";

// Returns a new ETag in the Network provider's form: W/"<guid>".
std::string new_etag(State& state);

// Sets `etag` on `resource` and on the sub-resources Network nests in it (security rules,
// default rules, IP configurations), which carry their parent's ETag as Azure's do.
void stamp_etag(Json& resource, const std::string& etag);

// Returns `rules` (request form: [{name, properties}]) as the NSG at `nsg_id` stores
// them: each with id, etag, type and provisioningState. Throws ArmFault 400 for a rule
// without a name or with a priority outside 100..4096, and for two rules of one
// direction with the same priority (SecurityRuleConflict).
Json security_rules(State& state, const std::string& nsg_id, const Json& rules);

// Returns a new NSG (not stored) with `rules` (request form) and the six default rules.
Json make_nsg(State& state, const std::string& id, const std::string& location, const Json& rules);

// Returns a new NIC (not stored) with one dynamic IPv4 configuration on a subnet of a
// virtual network named after the group; no NSG and no VM yet.
Json make_nic(State& state, const std::string& id, const std::string& location,
              const std::string& private_ip);

// Returns a new VM (not stored) of `os` ("Windows" or "Linux") using `nics` (the first
// is primary), with a managed OS disk from a marketplace image.
Json make_vm(State& state, const std::string& id, const std::string& location,
             const std::string& os, const std::vector<std::string>& nics);

// Returns a new Automation account (not stored).
Json make_automation_account(State& state, const std::string& id, const std::string& location);

// Returns a new runbook (not stored) of `account_id`, with an ETag no other runbook has;
// `properties` overrides the defaults (runbookType PowerShell, state Published, times now).
Json make_runbook(State& state, const std::string& account_id, const std::string& name,
                  const std::string& location, const Json& properties);

// Stores a VM, its runtime entry (os) and its managed OS disk, and links each of its NICs
// back to it. Returns the stored VM.
Json& put_vm(State& state, Json vm, const std::string& os);

} // namespace dftriage::lab
