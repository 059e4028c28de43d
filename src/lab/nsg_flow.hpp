#pragma once

// Whether a lab VM's network security group lets it report to Azure: Run Command and the
// VM agent send their results over HTTPS to Azure's public addresses (the AzureCloud
// service tag), so an NSG that denies that leaves a run command Succeeded but without
// output, as Microsoft documents.

#include "state.hpp"

namespace dftriage::lab {

// Returns true when the NSG of `vm`'s primary NIC lets the VM open TCP 443 to AzureCloud:
// its outbound rules and Azure's default ones (AllowVnetOutBound 65000,
// AllowInternetOutBound 65001, DenyAllOutBound 65500) are tried by priority and the first
// that matches decides. A destination of AzureCloud, AzureCloud.<the VM's region>,
// Internet, * or 0.0.0.0/0 matches. A NIC without an NSG, or a VM without a NIC the lab
// knows, lets it out. Subnet NSGs are not modelled.
bool reaches_azure_cloud(State& state, const Json& vm);

} // namespace dftriage::lab
