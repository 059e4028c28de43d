#pragma once

// The route tables of each imitated service, all on one Router over one State.

#include "router.hpp"
#include "state.hpp"

#include <string_view>

namespace dftriage::lab {

// Subscriptions, resource groups, resources, the activity log (arm_resources.cpp).
void add_resource_routes(Router& router, State& state);
// Microsoft.KeyVault vaults (arm_keyvault.cpp).
void add_keyvault_routes(Router& router, State& state);
// Microsoft.Authorization role assignments (arm_authorization.cpp).
void add_authorization_routes(Router& router, State& state);
// Microsoft.Security alerts (arm_security.cpp).
void add_security_routes(Router& router, State& state);
// Microsoft.Compute VMs, run command, reimage, extensions (arm_compute.cpp).
void add_compute_routes(Router& router, State& state);
// Microsoft.Automation accounts and runbooks (arm_automation.cpp).
void add_automation_routes(Router& router, State& state);
// Microsoft.Network NSGs and NICs (arm_network.cpp).
void add_network_routes(Router& router, State& state);
// Microsoft.Resources tags at any scope (arm_tags.cpp).
void add_tag_routes(Router& router, State& state);
// The Key Vault data plane on <vault>.vault.localhost (keyvault_data.cpp).
void add_keyvault_data_routes(Router& router, State& state);
// Microsoft Graph under /v1.0 (graph.cpp).
void add_graph_routes(Router& router, State& state);
// Log Analytics query under /v1/workspaces (log_analytics.cpp).
void add_log_analytics_routes(Router& router, State& state);

// Seeds a vault's keys and certificates and a retired (disabled) secret (keyvault_data.cpp).
void seed_vault_objects(State& state, const std::string& vault_name, long long created);
// Gives `principal` a directory role (graph.cpp).
void seed_directory_role(State& state, const std::string& principal, const std::string& role_name);

// Returns `s` without leading and trailing spaces.
std::string_view text_trim(std::string_view s);

} // namespace dftriage::lab
