// The built-in Azure clouds. Values are those of `az cloud show -o json` (azure-cli's
// cloud.py) and Microsoft's national-cloud documentation.

#include "dftriage/azure/cloud.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::azure {

namespace {

const std::vector<Cloud>& builtins()
{
  static const std::vector<Cloud> clouds = {
      {"AzureCloud", "https://management.azure.com", ".vault.azure.net",
       "https://graph.microsoft.com", "https://api.loganalytics.io",
       "https://login.microsoftonline.com", "https://management.core.windows.net/",
       "https://vault.azure.net", "https://graph.microsoft.com/", "https://api.loganalytics.io",
       ""},
      {"AzureChinaCloud", "https://management.chinacloudapi.cn", ".vault.azure.cn",
       "https://microsoftgraph.chinacloudapi.cn", "https://api.loganalytics.azure.cn",
       "https://login.chinacloudapi.cn", "https://management.core.chinacloudapi.cn/",
       "https://vault.azure.cn", "https://microsoftgraph.chinacloudapi.cn/",
       "https://api.loganalytics.azure.cn", ""},
      {"AzureUSGovernment", "https://management.usgovcloudapi.net", ".vault.usgovcloudapi.net",
       "https://graph.microsoft.us", "https://api.loganalytics.us",
       "https://login.microsoftonline.us", "https://management.core.usgovcloudapi.net/",
       "https://vault.usgovcloudapi.net", "https://graph.microsoft.us/",
       "https://api.loganalytics.us", ""},
  };
  return clouds;
}

const std::string& defined(const Cloud& cloud, const std::string& audience, const char* service,
                           const char* field)
{
  if (audience.empty()) {
    throw Error("the cloud " + text::quote(cloud.name) + " defines no " + service + " endpoint (" +
                    field + ")",
                ExitStatus::azure_failure);
  }
  return audience;
}

} // namespace

const Cloud& public_cloud()
{
  return builtins().front();
}

const Cloud* builtin_cloud(std::string_view name)
{
  for (const auto& cloud : builtins()) {
    if (text::iequals(cloud.name, name)) {
      return &cloud;
    }
  }
  return nullptr;
}

std::vector<std::string> builtin_cloud_names()
{
  std::vector<std::string> names;
  for (const auto& cloud : builtins()) {
    names.push_back(cloud.name);
  }
  return names;
}

const std::string& Cloud::audience(std::string_view which) const
{
  if (which == "arm") {
    return defined(*this, arm_audience, "Resource Manager", "endpoints.activeDirectoryResourceId");
  }
  if (which == "keyvault") {
    return defined(*this, keyvault_audience, "Key Vault", "suffixes.keyvaultDns");
  }
  if (which == "graph") {
    return defined(*this, graph_audience, "Microsoft Graph", "endpoints.microsoftGraphResourceId");
  }
  if (which == "loganalytics") {
    return defined(*this, log_analytics_audience, "Log Analytics",
                   "endpoints.logAnalyticsResourceId");
  }
  throw Error("unknown token audience \"" + std::string(which) +
                  "\"; expected arm, keyvault, graph or loganalytics",
              ExitStatus::failure);
}

} // namespace dftriage::azure
