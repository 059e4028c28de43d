#pragma once

// ARM's subscription request limits (CONTRACTS §1.3, src/lab/README.md "Throttling"): a
// token bucket per subscription for reads and one for writes, the remaining-budget
// header of every response, and the 429 of a read past the read budget. Not thread-safe:
// the Tenant calls it under its lock.

#include "router.hpp"
#include "state.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace dftriage::lab {

// Returns the subscription ID (lower case) of a request to ARM under
// `/subscriptions/{id}`, or "" for any other: no subscription in the path, or a Key
// Vault data-plane host. Graph, Log Analytics and the token endpoints have no such path.
std::string arm_subscription(const LabRequest& request);

class Throttle
{
public:
  // What ARM says of one request to a subscription.
  struct Verdict
  {
    // x-ms-ratelimit-remaining-subscription-reads (GET, HEAD) or -writes (PUT, PATCH,
    // POST, DELETE); "" for any other method, which is not counted.
    std::string header;
    long remaining = 0;    // the whole tokens left after the request
    int retry_after_s = 0; // > 0: the read is throttled; seconds until a token is back
  };

  // Counts a `method` request to `subscription` (arm_subscription's) against the
  // budget of `config` and returns the verdict. A read past config.read_budget is
  // throttled and takes no token; without a budget, and for writes, ARM's hourly
  // defaults count down to 0 but never throttle.
  Verdict take(const LabConfig& config, const std::string& subscription, const std::string& method);
  // Returns the verdict of a request that was not counted (it never got past
  // authentication): what remains, nothing taken, never throttled.
  Verdict peek(const LabConfig& config, const std::string& subscription, const std::string& method);

private:
  struct Bucket
  {
    long capacity = 0;                  // tokens when full; refilled at that many per period
    std::chrono::microseconds period{}; // the refill period
    // Tokens times the period in microseconds: a refill adds `capacity` per microsecond,
    // so it stays exact (capacity × period fits: at most 10^6 × 8.64·10^10, 24 hours).
    std::int64_t credit = 0;
    std::chrono::steady_clock::time_point refilled;
  };

  Bucket& bucket(const LabConfig& config, const std::string& subscription, bool read);

  std::map<std::string, Bucket> m_buckets; // key: "reads/" or "writes/" + subscription
};

// Returns ARM's answer to a read past the budget: 429 SubscriptionRequestsThrottled,
// naming the subscription and `actor` (the caller's object ID), with Retry-After.
LabResponse throttled_response(const std::string& subscription, const std::string& actor,
                               int retry_after_s);

} // namespace dftriage::lab
