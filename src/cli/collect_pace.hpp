#pragma once

// Internal to src/cli: how `dftriage collect` keeps its reads within ARM's limits. One
// azure::ReadPacer is shared by every worker's client (a budget per hour, the remaining-
// reads header, the pause after a 429); a budget shorter than an hour (--read-budget 20/s)
// is kept by a BudgetGate, since the pacer's budget window is an hour; and a 429 that still
// comes back to a read is waited out and sent again below the client (ThrottleAbsorber),
// so that it never reaches a case as a failed read.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/credentials.hpp"
#include "dftriage/azure/http.hpp"
#include "dftriage/azure/read_pacer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace dftriage::cli {

// Sleeps `duration` (to the millisecond, rounded up), ending early and throwing Interrupted
// on Ctrl-C or SIGTERM: the pacer's, the gate's and the absorber's waits.
void pause_for(std::chrono::milliseconds duration);

// A read budget per subscription: at most `reads` in any interval of `period`.
struct ReadBudget
{
  std::uint64_t reads = 0;
  std::chrono::seconds period{3600};
};

// ARM allows 12,000 reads an hour per subscription; collect leaves a tenth of them to the
// portal and the other tools reading the same subscription.
inline constexpr const char* k_default_read_budget = "10800/h";

// Parses "N/h", "N/m" or "N/s" (N from 1 to 1,000,000). Throws UsageError naming
// --read-budget and quoting the value otherwise.
ReadBudget parse_read_budget_option(std::string_view text);

// The read pacer's options for `budget`: an hourly budget is the pacer's own; a shorter
// one is kept by a BudgetGate, and tells the pacer that the subscription's reads come back
// within that period (a token bucket, as ARM's newer limits and the lab's), so the last
// reads the remaining-reads header counts are spread over one period, not a minute.
azure::ReadPacerOptions pacer_options_for(const ReadBudget& budget);

// Whether `budget` needs a BudgetGate (its period is shorter than the pacer's hour).
bool needs_gate(const ReadBudget& budget);

// Keeps the reads of each subscription within a budget over a sliding window of its
// period. Thread-safe; waits outside its lock.
class BudgetGate
{
public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Sleep = std::function<void(std::chrono::milliseconds)>;

  // `clock` and `sleep` default to steady_clock::now and an interruptible sleep.
  explicit BudgetGate(ReadBudget budget, Clock clock = {}, Sleep sleep = {});

  // Blocks until a read of `url` may go within the budget and counts it; returns how long
  // it waited. A URL of no subscription goes at once. Throws Interrupted on Ctrl-C.
  std::chrono::milliseconds acquire(std::string_view url);

  // Waits that ended before a read could go, and their total length.
  std::uint64_t waits() const { return m_waits.load(); }
  std::chrono::milliseconds waited() const { return std::chrono::milliseconds(m_waited_ms.load()); }

private:
  std::chrono::steady_clock::time_point now() const;

  ReadBudget m_budget;
  Clock m_clock;
  Sleep m_sleep;
  std::mutex m_lock;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>, std::less<>> m_sent;
  std::atomic<std::uint64_t> m_waits{0};
  std::atomic<std::int64_t> m_waited_ms{0};
};

// What collect's reads came to, across workers.
struct ThrottleCounters
{
  std::atomic<std::uint64_t> absorbed{0}; // 429s to reads waited out and sent again
  std::atomic<std::uint64_t> waits{0};    // waits besides the pacer's and the gate's
  std::atomic<std::int64_t> waited_ms{0}; // their total length
};

// A transport that keeps reads within the gate (when there is one) and, when a read still
// comes back 429, tells the pacer (which then holds every read of that subscription until
// Retry-After), waits until the pacer lets it go, and sends it again, up to
// k_max_resends times; only then does the client see the 429 (and retry as its policy
// says). Writes pass through untouched. Not thread-safe: one per worker, like the
// transport it wraps.
class ThrottleAbsorber : public azure::HttpTransport
{
public:
  static constexpr int k_max_resends = 12;

  // `pacer` is required; `gate` may be null. Both and `counters` must outlive this.
  ThrottleAbsorber(std::unique_ptr<azure::HttpTransport> inner, azure::ReadPacer& pacer,
                   BudgetGate* gate, ThrottleCounters& counters);

  azure::HttpResponse send(const azure::HttpRequest& request) override;

private:
  std::unique_ptr<azure::HttpTransport> m_inner;
  azure::ReadPacer& m_pacer;
  BudgetGate* m_gate;
  ThrottleCounters& m_counters;
};

// A credential shared by the workers: every call under one lock.
class SharedCredential : public azure::TokenCredential
{
public:
  explicit SharedCredential(azure::TokenCredential& inner)
      : m_inner(inner)
  {
  }
  azure::AccessToken get_token(const std::string& audience) override;
  void forget_token(const std::string& audience) override;
  std::string description() const override;
  azure::CredentialInfo info() const override;

private:
  azure::TokenCredential& m_inner;
  mutable std::mutex m_lock;
};

} // namespace dftriage::cli
