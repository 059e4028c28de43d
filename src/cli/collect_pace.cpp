#include "collect_pace.hpp"

#include "dftriage/azure/retry.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace dftriage::cli {

namespace {

using std::chrono::milliseconds;

constexpr std::uint64_t k_most_budget_reads = 1'000'000;
// The wait before sending a throttled read again when the 429 named none, and the most
// any one wait lasts (as the client's RetryPolicy::max_server_wait).
constexpr milliseconds k_unnamed_wait{1000};
constexpr milliseconds k_longest_wait{60'000};

bool is_paced_read(std::string_view method)
{
  return method == "GET" || method == "HEAD";
}

} // namespace

void pause_for(milliseconds duration)
{
  // Whole milliseconds left, rounded up: a rest shorter than one is still waited (rounded
  // down, a waiter would wake early and ask again at once, again and again).
  const auto until = std::chrono::steady_clock::now() + duration;
  for (;;) {
    if (signals::interrupted()) {
      throw Interrupted();
    }
    const auto left = std::chrono::ceil<milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return;
    }
    const milliseconds step = std::min(left, milliseconds(60'000));
    if (const int fd = signals::interrupt_fd(); fd >= 0) {
      pollfd wake{fd, POLLIN, 0};
      ::poll(&wake, 1, static_cast<int>(step.count()));
    } else {
      std::this_thread::sleep_for(std::min(step, milliseconds(100)));
    }
  }
}

ReadBudget parse_read_budget_option(std::string_view text)
{
  const auto bad = [&](const std::string& why) {
    return UsageError("--read-budget: " + why + ", got " + text::quote(text));
  };
  const auto slash = text.find('/');
  const std::string_view count = text.substr(0, slash);
  const std::string_view unit = slash == std::string_view::npos ? "" : text.substr(slash + 1);
  if (count.empty() || count.size() > 9 ||
      count.find_first_not_of("0123456789") != std::string_view::npos ||
      (unit != "h" && unit != "m" && unit != "s")) {
    throw bad("expected reads per subscription as N/h, N/m or N/s (10800/h, 20/s)");
  }
  ReadBudget budget;
  budget.reads = std::stoull(std::string(count));
  if (budget.reads < 1 || budget.reads > k_most_budget_reads) {
    throw bad("N must be from 1 to " + std::to_string(k_most_budget_reads));
  }
  budget.period = unit == "h"   ? std::chrono::seconds(3600)
                  : unit == "m" ? std::chrono::seconds(60)
                                : std::chrono::seconds(1);
  return budget;
}

bool needs_gate(const ReadBudget& budget)
{
  return budget.period < azure::ReadPacerOptions::k_window;
}

azure::ReadPacerOptions pacer_options_for(const ReadBudget& budget)
{
  azure::ReadPacerOptions options;
  options.sleep = pause_for;
  if (!needs_gate(budget)) {
    options.budget = budget.reads;
    return options;
  }
  options.spread = std::min<milliseconds>(options.spread, budget.period);
  options.reserve_floor = std::max<std::int64_t>(1, static_cast<std::int64_t>(budget.reads / 10));
  return options;
}

BudgetGate::BudgetGate(ReadBudget budget, Clock clock, Sleep sleep)
    : m_budget(budget)
    , m_clock(std::move(clock))
    , m_sleep(std::move(sleep))
{
}

std::chrono::steady_clock::time_point BudgetGate::now() const
{
  return m_clock ? m_clock() : std::chrono::steady_clock::now();
}

milliseconds BudgetGate::acquire(std::string_view url)
{
  const std::string id = azure::paced_subscription(url);
  milliseconds waited{0};
  if (id.empty()) {
    return waited;
  }
  for (;;) {
    milliseconds wait{0};
    {
      const std::lock_guard<std::mutex> hold(m_lock);
      auto& sent = m_sent[id];
      const auto t = now();
      while (!sent.empty() && sent.front() + m_budget.period <= t) {
        sent.pop_front();
      }
      if (sent.size() < m_budget.reads) {
        sent.push_back(t);
        return waited;
      }
      wait = std::chrono::ceil<milliseconds>(sent.front() + m_budget.period - t);
    }
    spdlog::debug("read budget of subscription {}: waiting {} ms", terminal::sanitize(id),
                  wait.count());
    if (m_sleep) {
      m_sleep(wait);
    } else {
      pause_for(wait);
    }
    waited += wait;
    ++m_waits;
    m_waited_ms += wait.count();
  }
}

ThrottleAbsorber::ThrottleAbsorber(std::unique_ptr<azure::HttpTransport> inner,
                                   azure::ReadPacer& pacer, BudgetGate* gate,
                                   ThrottleCounters& counters)
    : m_inner(std::move(inner))
    , m_pacer(pacer)
    , m_gate(gate)
    , m_counters(counters)
{
}

azure::HttpResponse ThrottleAbsorber::send(const azure::HttpRequest& request)
{
  if (!is_paced_read(request.method)) {
    return m_inner->send(request);
  }
  for (int resend = 0;; ++resend) {
    if (m_gate != nullptr) {
      m_gate->acquire(request.url);
    }
    auto response = m_inner->send(request);
    if (response.status != 429 || resend >= k_max_resends) {
      return response;
    }
    // The pacer holds the subscription's other reads from now until Retry-After; this one
    // sleeps it out, then queues behind them for the pacer's (and the gate's) leave.
    m_pacer.observe(request.method, request.url, response);
    const auto asked = azure::server_wait(response, std::chrono::system_clock::now());
    const milliseconds wait =
        std::min(asked ? *asked : k_unnamed_wait * (resend + 1), k_longest_wait);
    spdlog::debug("{}: 429; sending it again in {} ms",
                  azure::wait_target(request.method, request.url), wait.count());
    ++m_counters.absorbed;
    ++m_counters.waits;
    m_counters.waited_ms += wait.count();
    pause_for(wait);
    m_pacer.acquire(request.url);
  }
}

azure::AccessToken SharedCredential::get_token(const std::string& audience)
{
  const std::lock_guard<std::mutex> hold(m_lock);
  return m_inner.get_token(audience);
}

void SharedCredential::forget_token(const std::string& audience)
{
  const std::lock_guard<std::mutex> hold(m_lock);
  m_inner.forget_token(audience);
}

std::string SharedCredential::description() const
{
  const std::lock_guard<std::mutex> hold(m_lock);
  return m_inner.description();
}

azure::CredentialInfo SharedCredential::info() const
{
  const std::lock_guard<std::mutex> hold(m_lock);
  return m_inner.info();
}

} // namespace dftriage::cli
