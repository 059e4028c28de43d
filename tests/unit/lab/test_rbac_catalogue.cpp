// The lab asks for the right each catalogued request says it needs: the RBAC operation it
// derives from an ARM request, the data action it checks on a Key Vault request and the
// Graph permission it wants for a Graph request agree with every expected request's
// permission (tests/unit/azure/expected_*.cpp).

#include "lab/rbac.hpp"
#include "lab/util.hpp"
#include "unit/azure/action_expectations.hpp"

#include <catch2/catch.hpp>

namespace {

// `url` without its scheme, host and query.
std::string catalogue_path_of(const std::string& url)
{
  const auto host = url.find("://");
  const auto path = url.find('/', host == std::string::npos ? 0 : host + 3);
  const std::string rest = path == std::string::npos ? "/" : url.substr(path);
  return dftriage::lab::url_decode(rest.substr(0, rest.find('?')));
}

} // namespace

TEST_CASE("lab asks each catalogued request for the permission the catalogue names", "[lab][rbac]")
{
  using dftriage::azure::testing::expand;
  for (const auto* row : dftriage::azure::testing::all_expected()) {
    const std::string url = expand(row->url);
    const std::string method = row->method;
    const std::string path = catalogue_path_of(url);
    std::string lab;
    if (url.rfind("https://management.azure.com", 0) == 0) {
      lab = dftriage::lab::arm_operation(method, path).operation;
    } else if (url.find(".vault.azure.net") != std::string::npos) {
      lab = dftriage::lab::keyvault_data_action(method, path);
    } else if (url.rfind("https://graph.microsoft.com", 0) == 0) {
      lab = dftriage::lab::graph_permission_needed(method, path, expand(row->body));
    } else {
      continue; // Log Analytics: one right for its one route
    }
    INFO(row->action << ": " << method << " " << url);
    CHECK(dftriage::lab::lower(lab) == dftriage::lab::lower(row->permission));
  }
}

TEST_CASE("lab names ARM operations as ARM does", "[lab][rbac]")
{
  using dftriage::lab::arm_operation;
  const std::string rg = "/subscriptions/s/resourceGroups/rg";
  const auto op = [](const char* method, const std::string& path) {
    const auto o = arm_operation(method, path);
    return o.operation + " @ " + o.scope;
  };
  CHECK(op("GET", "/subscriptions/s/resourcegroups") ==
        "Microsoft.Resources/subscriptions/resourcegroups/read @ /subscriptions/s");
  CHECK(op("DELETE", rg) == "Microsoft.Resources/subscriptions/resourceGroups/delete @ " + rg);
  CHECK(op("GET", rg + "/providers/Microsoft.Compute/virtualMachines") ==
        "Microsoft.Compute/virtualMachines/read @ " + rg + "/providers/Microsoft.Compute");
  CHECK(op("POST", rg + "/providers/Microsoft.Compute/virtualMachines/vm/runCommand") ==
        "Microsoft.Compute/virtualMachines/runCommand/action @ " + rg +
            "/providers/Microsoft.Compute/virtualMachines/vm");
  CHECK(op("PUT", rg + "/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r") ==
        "Microsoft.Network/networkSecurityGroups/securityRules/write @ " + rg +
            "/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r");
  // An extension resource: what follows the last /providers/ names it.
  CHECK(op("GET", rg + "/providers/Microsoft.KeyVault/vaults/kv/providers/"
                       "Microsoft.Authorization/roleAssignments") ==
        "Microsoft.Authorization/roleAssignments/read @ " + rg +
            "/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization");
  // Azure's own names where the path's differ.
  CHECK(op("POST", "/subscriptions/s/providers/Microsoft.Security/locations/l/alerts/a/"
                   "inProgress") ==
        "Microsoft.Security/locations/alerts/activate/action @ "
        "/subscriptions/s/providers/Microsoft.Security/locations/l/alerts/a");
}
