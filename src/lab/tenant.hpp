#pragma once

// The whole imitated tenant without HTTP: state, every service's routes, and what
// Azure adds to every response. Thread-safe: one request at a time changes the state.

#include "router.hpp"
#include "state.hpp"
#include "throttle.hpp"

#include <mutex>

namespace dftriage::lab {

class Tenant
{
public:
  // Builds the route table over a state made from `config`.
  explicit Tenant(LabConfig config);
  Tenant(const Tenant&) = delete;
  Tenant& operator=(const Tenant&) = delete;

  // Answers `request` as Azure would: routes it, adds x-ms-request-id,
  // x-ms-correlation-request-id and the echoed x-ms-client-request-id, and logs
  // mutating ARM requests in the activity log. A request to ARM under
  // /subscriptions/{id} is counted against the subscription's budget once its token is
  // good (a read past config.read_budget gets 429 SubscriptionRequestsThrottled), and its
  // answer carries x-ms-ratelimit-remaining-subscription-reads or -writes. Never throws
  // for bad requests.
  LabResponse handle(const LabRequest& request);
  // Answers `request` as handle() does when it starts a long-running operation, but the
  // operation ends Failed and the state is left as it was (the lro-failed fault). A
  // request that starts no operation is answered as handle() answers it.
  LabResponse handle_failing_operation(const LabRequest& request);

  // Returns the state, for seeding and tests; not to be used while serving (no lock).
  State& state() { return m_state; }
  // Runs `change` on the state under the lock.
  template <class F>
  void with_state(F&& change)
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    change(m_state);
  }
  // Returns the route table.
  const Router& router() const { return m_router; }

private:
  LabResponse handle_locked(const LabRequest& request);

  std::mutex m_mutex;
  State m_state;
  Router m_router;
  // Apart from the state: a request the lro-failed fault undoes still counted.
  Throttle m_throttle;
};

} // namespace dftriage::lab
