// The side-by-side tool of the collect benchmark: Debian's azure-cli sending the reads a
// collection sent, one `az rest --method get` at a time, as an analyst's shell loop would.
// az is signed in to a lab as tests/contract/az_lab.sh does it: the lab's cloud
// registered with its authority at {activeDirectory}/adfs, the lab's CA trusted through
// REQUESTS_CA_BUNDLE, a throwaway AZURE_CONFIG_DIR, no telemetry, and a dead proxy for any
// host other than the loopback.

#pragma once

#include "bench_collect_lab.hpp"
#include "bench_process.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dftriage::bench {

// az signed in to a lab: the environment its calls run in.
struct AzSession
{
  std::string az;                       // az's path
  std::vector<std::string> environment; // `env` and its NAME=VALUE arguments
  std::string resource_manager;         // the lab's Resource Manager endpoint
  std::filesystem::path dir;            // az's configuration and logs
  double seconds = 0;                   // cloud register + set + login
};

// How az did over the reads it sent.
struct AzTiming
{
  std::vector<double> seconds; // wall time of each `az rest`, in the order sent
  std::uint64_t failed = 0;    // az rest calls that did not exit 0

  double median() const; // of `seconds`
  double mean() const;   // of `seconds`
};

// Picks `count` of `reads` spread evenly over them (all of them when `count` is 0 or at
// least their number).
std::vector<SentRead> sample_reads(const std::vector<SentRead>& reads, std::size_t count);

// Registers `lab` as a cloud in a fresh az configuration under `dir`, selects it, and signs
// in as the lab's service principal. Throws std::runtime_error when az fails.
AzSession sign_in_az(const std::string& az, const CollectLab& lab,
                     const std::filesystem::path& dir);

// Runs `az rest --method get --url URL` for each read (URLs of the session's lab: see
// with_port; `--resource` given only for a host other than Resource Manager's), one after
// the other, stdout to /dev/null, and logs each call's time to stderr.
AzTiming time_az_reads(const AzSession& session, const std::vector<SentRead>& reads);

// Returns `url` with its ":PORT/" changed from `from_port` to `to_port`.
std::string with_port(const std::string& url, const std::string& from_port,
                      const std::string& to_port);

// Returns the port of the lab's Resource Manager endpoint in its connection line.
std::string lab_port(const std::string& connection);

} // namespace dftriage::bench
