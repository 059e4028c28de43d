#pragma once

// Pacing reads per subscription, for a run of many reads at once (dftriage collect): one
// ReadPacer is shared by every client of a ParallelReader (ClientOptions::pacer). It keeps
// each subscription within an optional hourly budget, slows its reads down when ARM's
// x-ms-ratelimit-remaining-subscription-reads runs low, and holds all of them back after a
// 429 with Retry-After (CONTRACTS.md §1.3).

#include "dftriage/azure/http.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// Why the pacer holds a read back.
enum class PaceReason {
  server_pause,    // ARM answered a read of the subscription with 429 and Retry-After
  budget,          // the reads of the last hour reached ReadPacerOptions::budget
  remaining_reads, // x-ms-ratelimit-remaining-subscription-reads is below the reserve
};

// Returns "Retry-After", "read budget" or "few reads left".
std::string_view to_string(PaceReason reason);

// A wait of the pacer, told to ReadPacer::acquire's hook before it starts (ended false)
// and after it ended (ended true, also when the sleep threw).
struct PaceWait
{
  std::string subscription; // the ID, lower case
  PaceReason reason = PaceReason::server_pause;
  std::chrono::milliseconds duration{0};
  bool ended = false;
};

// What the pacer has seen, for a progress display.
struct PaceCounters
{
  std::uint64_t sent = 0;              // reads let through (every attempt, page and poll)
  std::uint64_t throttled = 0;         // 429 responses seen (reads and writes)
  std::uint64_t waits = 0;             // waits that ended before a read was let through
  std::chrono::milliseconds waited{0}; // their total length
};

// One subscription's pace, as ReadPacer::snapshot sees it.
struct SubscriptionPace
{
  std::string subscription; // the ID, lower case
  PaceCounters counters;
  // x-ms-ratelimit-remaining-subscription-reads of the last response, less the reads let
  // through since; nullopt before any response carried it, and after a 429 pause unless
  // the refill is known (then 0).
  std::optional<std::int64_t> remaining_reads;
  // Reads a second the count was last seen to come back at; nullopt before it was measured.
  std::optional<double> refill_per_second;
  // Reads the budget allows now; nullopt without a budget.
  std::optional<std::uint64_t> budget_left;
  std::chrono::milliseconds paused{0}; // left of a 429 pause; 0 when none
};

// Everything the pacer counts. `total` also counts the reads and 429s of requests that
// name no subscription (Graph, Key Vault data plane, Log Analytics), which are not paced.
struct ReadPacerSnapshot
{
  PaceCounters total;
  std::vector<SubscriptionPace> subscriptions; // ordered by ID
};

struct ReadPacerOptions
{
  // The budget's window: at most `budget` reads in any interval this long.
  static constexpr std::chrono::milliseconds k_window{3'600'000};
  static constexpr double k_default_reserve_fraction = 0.1;
  static constexpr std::int64_t k_default_reserve_floor = 25;
  static constexpr std::chrono::milliseconds k_default_spread{60'000};
  static constexpr std::chrono::milliseconds k_default_max_pause{60'000};
  static constexpr std::chrono::milliseconds k_default_refill_span{1'000};
  static constexpr std::chrono::milliseconds k_default_probe{2'000};

  // Reads per subscription in any hour (a sliding window, not a refilling bucket: no
  // interval of k_window ever holds more); nullopt: no budget. Must be at least 1.
  std::optional<std::uint64_t> budget;
  // With fewer reads left than the reserve, max(reserve_floor, reserve_fraction (in
  // [0, 1]) * the highest remaining count seen) but at most half that highest count (and
  // at least 1), the pacer spreads the rest out: a read
  // waits spread / (left + 1) after the one before it, so the waits grow as the count
  // falls (60 s / 101 = 0.6 s at 100 left, 30 s at 1) and end once it recovers. Each
  // read let through counts one less, so reads still unanswered count too.
  //
  // ARM counts reads in a token bucket (250, refilled at 25 a second) rather than an
  // hour, so the pacer also learns how fast the count comes back: from two responses at
  // least `refill_span` apart, the count plus the reads answered between them grew by
  // the reads refilled. Once it knows, a gap is never longer than the time one read
  // takes to come back (with 10% to spare); before it knows, never longer than `probe`.
  // Either way a count that does not come back keeps the gaps above.
  double reserve_fraction = k_default_reserve_fraction;
  std::int64_t reserve_floor = k_default_reserve_floor;
  std::chrono::milliseconds spread = k_default_spread;
  std::chrono::milliseconds refill_span = k_default_refill_span;
  std::chrono::milliseconds probe = k_default_probe;
  // A Retry-After longer than this pauses the subscription this long (the client's
  // RetryPolicy::max_server_wait shortens its own retry wait alike).
  std::chrono::milliseconds max_pause = k_default_max_pause;
  // The clock all pacing is measured on; empty: steady_clock::now. Called under the
  // pacer's lock: must not call the pacer.
  std::function<std::chrono::steady_clock::time_point()> clock;
  // Waits before a read; empty: a real sleep that ends early and throws Interrupted on
  // Ctrl-C. Called without the pacer's lock, by each waiting thread at once.
  std::function<void(std::chrono::milliseconds)> sleep;
  // The wall clock, for a Retry-After HTTP-date; empty: system_clock::now.
  std::function<std::chrono::system_clock::time_point()> wall_clock;
};

// Returns the subscription ID of an ARM `url` (the segment after a first path segment
// "subscriptions", any case), lower case; "" when its path does not start so.
std::string paced_subscription(std::string_view url);

// Paces the reads of every thread that shares it, per subscription. Thread-safe.
class ReadPacer
{
public:
  using WaitHook = std::function<void(const PaceWait&)>;

  // Throws Error when options.budget is 0.
  explicit ReadPacer(ReadPacerOptions options = {});

  // Blocks until a read of `url` may be sent, then counts it as sent, and returns how
  // long it waited in all. A `url` of no subscription goes at once. Waits in turns (a
  // 429 told meanwhile, or another thread taking the free place, makes another), each
  // told to `hook` before and after; the hook is called without the pacer's lock held,
  // so it may call snapshot(). Throws what the sleep throws (Interrupted on Ctrl-C).
  std::chrono::milliseconds acquire(std::string_view url, const WaitHook& hook = {});

  // Learns from a response to `method` `url`: its remaining subscription reads, and for
  // a 429 to a read (GET, HEAD) its Retry-After, which holds back every read of the
  // subscription until then. A 429 to a write is counted, and pauses nothing.
  void observe(std::string_view method, std::string_view url, const HttpResponse& response);

  // Returns the counters and state of every subscription seen so far.
  ReadPacerSnapshot snapshot() const;

private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Subscription
  {
    PaceCounters counters;
    std::deque<TimePoint> sent_times; // reads of the last window; kept with a budget only
    std::optional<TimePoint> last_sent;
    std::optional<std::int64_t> remaining;
    std::int64_t most_remaining = 0; // the highest remaining count seen
    std::optional<TimePoint> paused_until;
    // Refill measurement: reads answered with a count (each took one), and the count plus
    // that number at the start of the current span.
    std::int64_t answered = 0;
    std::optional<std::pair<TimePoint, std::int64_t>> span_start;
    std::optional<double> refill; // reads a second; nullopt: not measured yet
  };
  struct Hold
  {
    TimePoint until;
    PaceReason reason;
  };

  TimePoint now() const;
  // Returns until when and why `s` must wait at `t`, or nullopt when a read may go.
  std::optional<Hold> hold(Subscription& s, TimePoint t) const;
  std::int64_t reserve(const Subscription& s) const;
  // The wait between two reads of `s` with `left` reads left, below the reserve.
  std::chrono::steady_clock::duration gap(const Subscription& s, std::int64_t left) const;
  // Learns the refill rate from a count `left` answered at `t`.
  void measure_refill(Subscription& s, std::int64_t left, TimePoint t) const;
  // Sleeps `waiting.duration`, telling `hook` before and after.
  void sleep(PaceWait& waiting, const WaitHook& hook) const;

  ReadPacerOptions m_options;
  mutable std::mutex m_lock;
  std::map<std::string, Subscription, std::less<>> m_subscriptions;
  PaceCounters m_total;
};

} // namespace dftriage::azure
