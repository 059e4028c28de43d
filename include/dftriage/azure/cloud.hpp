#pragma once

#include <string>

namespace dftriage::azure {

// The endpoints of one Azure cloud. The Azure client issue adds China, US Government
// and custom clouds read from a file; plans default to the public cloud.
struct Cloud
{
  std::string name;
  std::string resource_manager;  // "https://management.azure.com", no trailing '/'
  std::string keyvault_suffix;   // ".vault.azure.net"
  std::string graph;             // "https://graph.microsoft.com"
  std::string log_analytics;     // "https://api.loganalytics.io"
};

// Returns the public Azure cloud (AzureCloud).
const Cloud& public_cloud();

} // namespace dftriage::azure
