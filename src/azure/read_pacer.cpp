#include "dftriage/azure/read_pacer.hpp"

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/retry.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace dftriage::azure {

namespace {

constexpr std::string_view k_remaining_reads_header = "x-ms-ratelimit-remaining-subscription-reads";

bool is_read_method(std::string_view method)
{
  return method == "GET" || method == "HEAD";
}

// The remaining-reads count of `response`, or nullopt when absent or not a count.
std::optional<std::int64_t> remaining_reads_of(const HttpResponse& response)
{
  const auto value = response.header(k_remaining_reads_header);
  if (!value) {
    return std::nullopt;
  }
  const std::string_view s = text::trim(*value);
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), count);
  if (s.empty() || error != std::errc() || end != s.data() + s.size() || count < 0) {
    return std::nullopt;
  }
  return count;
}

std::chrono::milliseconds ceil_ms(std::chrono::steady_clock::duration d)
{
  return std::chrono::ceil<std::chrono::milliseconds>(d);
}

} // namespace

std::string_view to_string(PaceReason reason)
{
  switch (reason) {
  case PaceReason::budget:
    return "read budget";
  case PaceReason::remaining_reads:
    return "few reads left";
  case PaceReason::server_pause:
    break;
  }
  return "Retry-After";
}

std::string paced_subscription(std::string_view url)
{
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    const auto path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view() : url.substr(path);
  }
  url = url.substr(0, url.find_first_of("?#"));
  constexpr std::string_view k_prefix = "/subscriptions/";
  if (url.size() <= k_prefix.size() || !text::istarts_with(url, k_prefix)) {
    return {};
  }
  const std::string_view rest = url.substr(k_prefix.size());
  return text::to_lower(rest.substr(0, rest.find('/')));
}

ReadPacer::ReadPacer(ReadPacerOptions options)
    : m_options(std::move(options))
{
  if (m_options.budget && *m_options.budget == 0) {
    throw Error("a read budget of 0 reads an hour lets no read go", ExitStatus::failure);
  }
}

std::chrono::milliseconds ReadPacer::acquire(std::string_view url, const WaitHook& hook)
{
  const std::string id = paced_subscription(url);
  std::chrono::milliseconds waited{0};
  if (id.empty()) {
    const std::lock_guard<std::mutex> locked(m_lock);
    ++m_total.sent;
    return waited;
  }
  for (;;) {
    PaceWait waiting;
    {
      const std::lock_guard<std::mutex> locked(m_lock);
      Subscription& s = m_subscriptions[id];
      const TimePoint t = now();
      const auto held = hold(s, t);
      if (!held) {
        ++m_total.sent;
        ++s.counters.sent;
        s.last_sent = t;
        if (m_options.budget) {
          s.sent_times.push_back(t);
        }
        if (s.remaining) {
          *s.remaining = std::max<std::int64_t>(0, *s.remaining - 1);
        }
        return waited;
      }
      waiting.subscription = id;
      waiting.reason = held->reason;
      waiting.duration = ceil_ms(held->until - t);
    }
    sleep(waiting, hook);
    waited += waiting.duration;
    const std::lock_guard<std::mutex> locked(m_lock);
    for (PaceCounters* c : {&m_total, &m_subscriptions[id].counters}) {
      ++c->waits;
      c->waited += waiting.duration;
    }
  }
}

std::optional<ReadPacer::Hold> ReadPacer::hold(Subscription& s, TimePoint t) const
{
  std::optional<Hold> out;
  auto later = [&out, t](TimePoint until, PaceReason reason) {
    if (until > t && (!out || until > out->until)) {
      out = Hold{until, reason};
    }
  };
  if (s.paused_until) {
    later(*s.paused_until, PaceReason::server_pause);
  }
  if (m_options.budget) {
    // A read at t falls in every window that starts after t - k_window.
    while (!s.sent_times.empty() && s.sent_times.front() + ReadPacerOptions::k_window <= t) {
      s.sent_times.pop_front();
    }
    if (s.sent_times.size() >= *m_options.budget) {
      later(s.sent_times.front() + ReadPacerOptions::k_window, PaceReason::budget);
    }
  }
  if (s.remaining && s.last_sent && *s.remaining < reserve(s)) {
    // Fewer reads left, longer gaps: reads go out slower and slower as the count falls
    // instead of running into a 429, and at full speed again once it recovers.
    later(*s.last_sent + gap(s, *s.remaining), PaceReason::remaining_reads);
  }
  return out;
}

std::chrono::steady_clock::duration ReadPacer::gap(const Subscription& s, std::int64_t left) const
{
  const std::chrono::steady_clock::duration spread = m_options.spread / (left + 1);
  if (!s.refill) {
    return std::min<std::chrono::steady_clock::duration>(spread, m_options.probe);
  }
  if (*s.refill <= 0) {
    return spread;
  }
  const std::chrono::duration<double> one_back(1.1 / *s.refill);
  return std::min(spread,
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(one_back));
}

void ReadPacer::measure_refill(Subscription& s, std::int64_t left, TimePoint t) const
{
  // The count before this read was answered was at its highest seen: it may have been
  // full for a while, so the growth over the span only bounds the refill from below.
  const bool full = left >= s.most_remaining;
  ++s.answered;
  const std::int64_t granted = left + s.answered;
  if (!s.span_start) {
    s.span_start.emplace(t, granted);
    return;
  }
  const std::chrono::duration<double> span = t - s.span_start->first;
  if (span < m_options.refill_span) {
    return;
  }
  const double rate =
      std::max(0.0, static_cast<double>(granted - s.span_start->second) / span.count());
  // A full count says the refill is faster than measured: try half again as fast (a gap
  // too short shows in the next span as a falling count, which measures the refill).
  s.refill = full ? std::max(s.refill.value_or(0.0), 1.5 * rate) : rate;
  s.span_start.emplace(t, granted);
}

std::int64_t ReadPacer::reserve(const Subscription& s) const
{
  const double fraction = std::clamp(m_options.reserve_fraction, 0.0, 1.0);
  const double share = std::ceil(fraction * static_cast<double>(s.most_remaining));
  const std::int64_t reserve = std::max(m_options.reserve_floor, static_cast<std::int64_t>(share));
  // A bucket smaller than twice the floor (a lab's --read-budget 3/s) keeps half of it.
  return std::min(reserve, std::max<std::int64_t>(1, s.most_remaining / 2));
}

void ReadPacer::observe(std::string_view method, std::string_view url, const HttpResponse& response)
{
  const std::string id = paced_subscription(url);
  std::optional<std::chrono::milliseconds> pause;
  if (response.status == 429 && is_read_method(method) && !id.empty()) {
    pause = server_wait(response, m_options.wall_clock ? m_options.wall_clock()
                                                       : std::chrono::system_clock::now());
  }
  const auto remaining = remaining_reads_of(response);
  const std::lock_guard<std::mutex> locked(m_lock);
  if (response.status == 429) {
    ++m_total.throttled;
  }
  if (id.empty()) {
    return;
  }
  Subscription& s = m_subscriptions[id];
  if (response.status == 429) {
    ++s.counters.throttled;
  }
  const TimePoint t = now();
  if (remaining) {
    if (response.status != 429) {
      measure_refill(s, *remaining, t);
    }
    s.remaining = *remaining;
    s.most_remaining = std::max(s.most_remaining, *remaining);
  }
  if (pause) {
    const TimePoint until = t + std::min(*pause, m_options.max_pause);
    s.paused_until = s.paused_until ? std::max(*s.paused_until, until) : until;
    // The pause stands for the count now. With a known refill the reads after it go at
    // its pace from an empty count (all at once, they would empty it again); without one,
    // an old low count would only add a gap after the pause.
    if (s.refill && *s.refill > 0) {
      s.remaining = 0;
    } else {
      s.remaining.reset();
    }
  }
}

ReadPacerSnapshot ReadPacer::snapshot() const
{
  const std::lock_guard<std::mutex> locked(m_lock);
  const TimePoint t = now();
  ReadPacerSnapshot out;
  out.total = m_total;
  for (const auto& [id, s] : m_subscriptions) {
    SubscriptionPace pace;
    pace.subscription = id;
    pace.counters = s.counters;
    pace.remaining_reads = s.remaining;
    pace.refill_per_second = s.refill;
    if (m_options.budget) {
      const auto in_window = std::count_if(s.sent_times.begin(), s.sent_times.end(), [t](auto at) {
        return at + ReadPacerOptions::k_window > t;
      });
      pace.budget_left = *m_options.budget - static_cast<std::uint64_t>(in_window);
    }
    if (s.paused_until && *s.paused_until > t) {
      pace.paused = ceil_ms(*s.paused_until - t);
    }
    out.subscriptions.push_back(std::move(pace));
  }
  return out;
}

ReadPacer::TimePoint ReadPacer::now() const
{
  return m_options.clock ? m_options.clock() : std::chrono::steady_clock::now();
}

void ReadPacer::sleep(PaceWait& waiting, const WaitHook& hook) const
{
  if (hook) {
    hook(waiting);
  }
  try {
    if (m_options.sleep) {
      m_options.sleep(waiting.duration);
    } else {
      sleep_interruptibly(waiting.duration);
    }
  } catch (...) {
    waiting.ended = true;
    if (hook) {
      hook(waiting);
    }
    throw;
  }
  waiting.ended = true;
  if (hook) {
    hook(waiting);
  }
  if (signals::interrupted()) {
    throw Interrupted();
  }
}

} // namespace dftriage::azure
