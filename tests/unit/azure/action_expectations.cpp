// The {placeholders} of the expected-request tables, and the tables together.

#include "unit/azure/action_expectations.hpp"

#include <cstring>

namespace dftriage::azure::testing {

std::string expand(std::string s)
{
  static const std::pair<const char*, const char*> k_names[] = {
      {"{kv}", "{rg}/providers/Microsoft.KeyVault/vaults/kv1"},
      {"{vm}", "{rg}/providers/Microsoft.Compute/virtualMachines/vm1"},
      {"{nic}", "{rg}/providers/Microsoft.Network/networkInterfaces/nic1"},
      {"{nsg}", "{rg}/providers/Microsoft.Network/networkSecurityGroups/nsg1"},
      {"{aa}", "{rg}/providers/Microsoft.Automation/automationAccounts/aa1"},
      {"{alert}", "{sub}/providers/Microsoft.Security/locations/westeurope/alerts/2518_abc"},
      {"{ra}", "{sub}/providers/Microsoft.Authorization/roleAssignments/"
               "b0f43c54-e787-4862-89b1-a653fa9cf747"},
      {"{rg}", "{sub}/resourceGroups/rg1"},
      {"{sub}", "/subscriptions/sub1"},
      {"{arm}", "https://management.azure.com"},
      {"{dp}", "https://kv1.vault.azure.net"},
      {"{graph}", "https://graph.microsoft.com/v1.0"},
      {"{oid}", "9a8b7c6d-1111-2222-3333-444455556666"},
      {"{ws}", "b2c3d4e5-0000-4000-8000-123456789abc"},
  };
  for (const auto& [from, to] : k_names) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) {
      s.replace(at, std::strlen(from), to);
    }
  }
  return s;
}

std::vector<const Expected*> all_expected()
{
  std::vector<const Expected*> out;
  for (const auto* table :
       {&k_expected_core, &k_expected_compute, &k_expected_keyvault, &k_expected_identity}) {
    for (const auto& e : *table) {
      out.push_back(&e);
    }
  }
  return out;
}

} // namespace dftriage::azure::testing
