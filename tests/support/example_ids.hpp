#pragma once

// Test support: the resources of the example incidents (examples/alerts), as the alerts
// name them and the lab seeds them.

#include <string>

namespace dftriage::test {

inline const std::string k_example_subscription_id = "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";
inline const std::string k_example_subscription = "/subscriptions/" + k_example_subscription_id;

// The Key Vault alert's vault and its alert resource.
inline const std::string k_example_vault =
    k_example_subscription +
    "/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod";
inline const std::string k_example_kv_alert_id =
    k_example_subscription +
    "/resourceGroups/rg-payments-prod/providers/Microsoft.Security/locations/westeurope/alerts/"
    "2517138462710000000_5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

// The Key Vault alert's attacker (its "attacker Object ID").
inline const std::string k_example_kv_attacker = "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f";

// The DNS alert's web server (group, VM, NIC, NSG) and its alert resource.
inline const std::string k_example_web_group = k_example_subscription + "/resourceGroups/rg-web";
inline const std::string k_example_vm =
    k_example_web_group + "/providers/Microsoft.Compute/virtualMachines/vm-web-01";
inline const std::string k_example_nic =
    k_example_web_group + "/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic";
inline const std::string k_example_nsg =
    k_example_web_group + "/providers/Microsoft.Network/networkSecurityGroups/vm-web-01-nsg";
inline const std::string k_example_dns_alert_id =
    k_example_web_group + "/providers/Microsoft.Security/locations/westeurope/alerts/"
                          "2517138462720000000_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";

// What the Resource Manager alert's attacker left: a miner VM and an automation account.
inline const std::string k_example_miner =
    k_example_subscription +
    "/resourceGroups/rg-batch-tmp/providers/Microsoft.Compute/virtualMachines/gpu-node-7";
inline const std::string k_example_automation =
    k_example_subscription +
    "/resourceGroups/rg-automation/providers/Microsoft.Automation/automationAccounts/aa-operations";

} // namespace dftriage::test
