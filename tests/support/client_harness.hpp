#pragma once

// Test support: an Azure client wired to a FakeTransport and a FakeCredential, whose
// waits are recorded instead of slept and whose clock and jitter are fixed.

#include "dftriage/azure/client.hpp"
#include "support/fake_transport.hpp"

#include <chrono>
#include <vector>

namespace dftriage::test {

// "Sun, 06 Nov 1994 08:49:37 GMT" is the harness's "now".
inline const std::chrono::system_clock::time_point k_fixed_now{std::chrono::seconds(784111777)};

inline const std::string k_vault_url =
    "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/kv1?api-version=2026-02-01";

struct ClientHarness
{
  FakeTransport transport;
  FakeCredential credential;
  std::vector<std::chrono::milliseconds> waits; // every wait the client asked for
  std::vector<azure::Exchange> exchanges;       // everything the observer saw
  double jitter = 1.0;                          // the "random" number for backoff

  // Returns options recording waits and exchanges, with a fixed clock and jitter.
  azure::ClientOptions options()
  {
    azure::ClientOptions o;
    o.sleep = [this](std::chrono::milliseconds d) { waits.push_back(d); };
    o.now = [] { return k_fixed_now; };
    o.random = [this] { return jitter; };
    o.observer = [this](const azure::Exchange& e) { exchanges.push_back(e); };
    return o;
  }

  // Returns a live client on the public cloud over the fake transport and credential.
  azure::Client client()
  {
    return azure::Client(azure::public_cloud(), &credential, transport, options());
  }
};

// Returns a request of `method` to `url` with the "arm" audience.
inline azure::Request make_request(std::string method, std::string url = k_vault_url)
{
  azure::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.audience = "arm";
  r.purpose = "action";
  r.mutating = r.method != "GET";
  return r;
}

} // namespace dftriage::test
