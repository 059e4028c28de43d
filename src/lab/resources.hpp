#pragma once

// Builders of the lab's resources in the shapes Azure returns them, shared by the
// providers (PUT of something new) and by seeding.

#include "state.hpp"

#include <string>

namespace dftriage::lab {

// Adds the subscription (and returns it) unless it exists.
Json& ensure_subscription(State& state, const std::string& subscription);
// Adds the resource group (and the subscription) unless it exists.
Json& ensure_group(State& state, const std::string& subscription, const std::string& group,
                   const std::string& location);
// Returns a new vault (not stored): standard SKU, soft delete on, firewall open,
// vaultUri on the lab's data-plane host.
Json make_vault(State& state, const std::string& subscription, const std::string& group,
                const std::string& name, const std::string& location);
// Returns a new role assignment (not stored) of `role` (a built-in role name or a
// definition GUID) to `principal` at `scope`.
Json make_role_assignment(State& state, const std::string& scope, const std::string& name,
                          const std::string& role, const std::string& principal,
                          const std::string& principal_type);
// Returns the role definition ID of a built-in role's name or GUID (builtin_roles()), or
// of the GUID `role` is when it names none.
std::string role_definition_id(const std::string& subscription, const std::string& role);
// Returns a built-in role's name for its definition GUID, or "".
std::string role_name(const std::string& guid);

} // namespace dftriage::lab
