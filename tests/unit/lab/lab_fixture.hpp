#pragma once

// Test support for the lab: a tenant with a fixed configuration and a small seeded
// incident, and one-line requests through the full route table (no sockets).

#include "lab/tenant.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dftriage::test {

inline constexpr const char* k_sub = "00000000-0000-0000-0000-0000000000aa";
inline constexpr const char* k_vault_id =
    "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg1/providers/"
    "Microsoft.KeyVault/vaults/kv1";
inline constexpr const char* k_attacker = "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f";

class LabFixture
{
public:
  // A tenant on (pretend) port 8443 with subscription k_sub, group rg1, vault kv1 whose
  // access policies grant k_attacker all secret permissions, a role assignment at kv1,
  // and one alert; the clock stands still until advance().
  LabFixture();

  // Sends a request; `query` is appended as given (already decoded pairs).
  lab::LabResponse send(const std::string& method, const std::string& path,
                        std::vector<std::pair<std::string, std::string>> query = {},
                        const std::string& body = "", const std::string& token = "<arm>",
                        const std::string& host = "127.0.0.1");
  // Returns a valid access token for `scope`.
  std::string token(const std::string& scope);
  // Moves the lab's clock forward.
  void advance(int seconds) { m_now += std::chrono::seconds(seconds); }

  lab::Tenant tenant;

private:
  lab::Clock::time_point m_now;
  std::string m_arm_token;
};

// Returns the response body as JSON.
nlohmann::ordered_json body_of(const lab::LabResponse& response);

// Returns the code of an ARM error response (body_of(r)["error"]["code"]), or "".
std::string error_code_of(const lab::LabResponse& response);

} // namespace dftriage::test
