#pragma once

// The lab: a loopback fake Azure tenant (ARM, Entra token endpoint, Key Vault data
// plane, Graph, Log Analytics) on one port of 127.0.0.1, for `dftriage lab serve`,
// `dftriage run --lab` and integration tests. See src/lab/README.md.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::lab {

// How many reads ARM lets each subscription make: a token bucket of `reads` tokens
// that refills continuously at `reads` per `period` (src/lab/README.md, "Throttling").
// `reads` 0: no budget; ARM's hourly defaults are counted down but never enforced. The
// lab takes at most 1000000 reads over a period of 1 s to 24 h (larger values are clamped).
struct ReadBudget
{
  int reads = 0;
  std::chrono::seconds period{std::chrono::hours(1)};
};

// Returns the budget `text` states: "N/h", "N/m" or "N/s" (N reads per hour, minute or
// second, N from 1 to 1000000). Throws UsageError naming --read-budget and quoting `text`
// ("--read-budget: expected N/h, N/m or N/s, got \"abc\"").
ReadBudget parse_read_budget(std::string_view text);

// The clock of the read budget; empty: std::chrono::steady_clock::now.
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

struct LabOptions
{
  std::string bind = "127.0.0.1";       // only 127.0.0.1 (or "localhost") is accepted
  int port = 0;                         // 0: an ephemeral port
  bool https = false;                   // serve TLS with a generated CA (in state_dir)
  std::string state_dir;                // where the CA and certificate go; "" = $XDG_STATE_HOME or
                                        // ~/.local/state/dftriage/lab
  std::vector<std::string> seed_files;  // alert exports or scenario JSON files (src/lab/README.md)
  std::string record_file;              // NDJSON {liveRequest, liveResponse} pairs; "" = none
  int latency_ms = 0;                   // added to every response
  std::vector<std::string> fault_rules; // --fault rules (src/lab/README.md)
  int token_lifetime_s = 3600;          // expires_in of issued tokens
  std::size_t page_size = 2;            // items per page of lists that grow
  int retry_after_s = 1;                // Retry-After of 202s
  // Restricted mode (src/lab/README.md): with neither, the lab's principal may do anything.
  std::vector<std::string> roles; // built-in roles (names or GUIDs) it holds at the subscription
  std::vector<std::string> deny; // operations taken from it everywhere (RBAC, access policy, Graph)
  ReadBudget read_budget;        // reads per subscription (--read-budget); default: none
  SteadyClock throttle_clock;    // the read budget's clock, for tests; empty: steady_clock
};

class Lab
{
public:
  // Checks the options and reads the seed files; throws UsageError for a bind address
  // other than loopback, a bad fault rule, a role that is not built in or an operation to
  // deny that is none of the kinds it takes; InputError for an unreadable seed file.
  explicit Lab(LabOptions options);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // Binds, seeds, and serves on a background thread until stop(). Throws Error when
  // the port cannot be bound or the certificate cannot be made.
  void start();
  // Stops serving and joins the thread; idempotent.
  void stop();
  // Returns the bound port (valid after start()).
  int port() const;
  // Returns what `dftriage lab serve` prints first: {"cloud": {...az cloud show
  // fields...}, "tenantId", "clientId", "clientSecret", "subscriptionId", "objectId" (the
  // client's service principal)[, "caCertificate"]}.
  nlohmann::ordered_json connection() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace dftriage::lab
