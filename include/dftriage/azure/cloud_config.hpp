#pragma once

// Selecting the cloud dftriage talks to: a built-in one by name, or a custom one from a
// JSON file in the format of `az cloud show -o json` or of the first line `dftriage lab
// serve` prints.

#include "dftriage/azure/cloud.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace dftriage::azure {

// A service principal's client-secret credentials, as the lab's connection line carries
// them. The secret is never logged, printed or written.
struct ClientSecretSettings
{
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;
};

// The selected cloud and what its file carried besides the endpoints.
struct CloudConfig
{
  Cloud cloud;
  std::optional<ClientSecretSettings> credentials; // from a lab's connection line
  std::string subscription_id;                     // "" when the file names none
  std::string source;                              // "built-in" or the file's path
};

// The environment variable that names the cloud when --cloud is not given.
inline constexpr const char* k_cloud_env = "DFTRIAGE_CLOUD";

// Parses a cloud definition: `az cloud show -o json` output ({"name", "endpoints":
// {"resourceManager", "activeDirectory", "activeDirectoryResourceId",
// "microsoftGraphResourceId", "logAnalyticsResourceId", ...}, "suffixes": {"keyvaultDns",
// ...}}), or the lab's connection line ({"cloud": {...as above...}, "tenantId",
// "clientId", "clientSecret", "subscriptionId", "caCertificate"}). Graph and Log
// Analytics are optional (their endpoints stay empty); other fields are ignored. A
// relative caCertificate is taken relative to the directory of `source`. Throws
// InputError "SOURCE:LINE:COL: message" for malformed JSON and "SOURCE: /json/pointer:
// message" for a missing or mistyped field; no message quotes the client secret.
CloudConfig parse_cloud_config(std::string_view text, std::string_view source);

// Returns the built-in cloud called `name_or_path` (case-insensitive), else the cloud
// file at that path. Throws UsageError for a name that is neither (listing the built-in
// names) and InputError for an unreadable or invalid file.
CloudConfig load_cloud(std::string_view name_or_path);

// Returns the cloud to use: `flag` (--cloud) when not empty, else `env` (the value of
// DFTRIAGE_CLOUD, may be null) when not empty, else AzureCloud. Throws as load_cloud.
CloudConfig resolve_cloud(std::string_view flag, const char* env);

} // namespace dftriage::azure
