#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// The endpoints of one Azure cloud. Field meanings follow `az cloud show -o json`:
// endpoints.resourceManager, endpoints.activeDirectory, endpoints.microsoftGraphResourceId,
// endpoints.logAnalyticsResourceId (+ the query endpoint), suffixes.keyvaultDns.
// URLs carry no trailing '/'.
struct Cloud
{
  std::string name; // "AzureCloud", "AzureChinaCloud", "AzureUSGovernment", or a custom name
  std::string resource_manager; // "https://management.azure.com"
  std::string keyvault_suffix; // ".vault.azure.net" (a lab may add a port: ".vault.localhost:8443")
  std::string graph;           // "https://graph.microsoft.com"
  std::string log_analytics;   // "https://api.loganalytics.io" (the query endpoint)
  std::string authority;       // "https://login.microsoftonline.com" (endpoints.activeDirectory)

  // Token audiences (resource IDs); a scope is the audience + "/.default".
  std::string arm_audience;           // "https://management.core.windows.net/"
  std::string keyvault_audience;      // "https://vault.azure.net"
  std::string graph_audience;         // "https://graph.microsoft.com/"
  std::string log_analytics_audience; // "https://api.loganalytics.io"

  // A CA bundle (PEM) to trust in addition to the system's, for a lab serving HTTPS with
  // its own certificate; empty: the system's only.
  std::string ca_bundle;

  // Returns the audience for a Request::audience name ("arm", "keyvault", "graph",
  // "loganalytics"); throws Error for any other name, and for a service this cloud
  // defines no endpoint for (a custom cloud without Graph or Log Analytics).
  const std::string& audience(std::string_view name) const;
};

// Returns the public Azure cloud (AzureCloud).
const Cloud& public_cloud();

// Returns the built-in cloud of that name (AzureCloud, AzureChinaCloud,
// AzureUSGovernment; case-insensitive), or nullptr.
const Cloud* builtin_cloud(std::string_view name);

// Returns the names of the built-in clouds, AzureCloud first.
std::vector<std::string> builtin_cloud_names();

} // namespace dftriage::azure
