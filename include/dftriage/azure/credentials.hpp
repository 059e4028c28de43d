#pragma once

#include <chrono>
#include <string>

namespace dftriage::azure {

// A bearer token and when it stops being valid. The token text must never reach a log,
// the journal, a report, an error message or a command line.
struct AccessToken
{
  std::string token;
  std::chrono::system_clock::time_point expires_on;
};

// Anything that hands out tokens: one credential (client secret, certificate, workload
// identity, managed identity, Azure CLI) or the chain of them.
class TokenCredential
{
public:
  virtual ~TokenCredential() = default;

  // Returns a token for `audience` (a resource ID such as Cloud::arm_audience), from a
  // cache while it has more than a few minutes left; throws Error (azure_failure) naming
  // the credential and the reason when none can be had - never including secrets.
  virtual AccessToken get_token(const std::string& audience) = 0;

  // Describes the credential that answered last: "client secret", "managed identity", ...
  virtual std::string description() const = 0;
};

} // namespace dftriage::azure
