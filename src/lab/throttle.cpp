#include "throttle.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

// ARM's documented hourly defaults per subscription (CONTRACTS §1.3), counted down
// when no read budget is set and for writes; the lab never enforces them.
constexpr long k_default_reads_per_hour = 12000;
constexpr long k_default_writes_per_hour = 1200;
// The largest budget parse_read_budget takes; larger in-process budgets are clamped so
// that a bucket's credit (tokens × period in microseconds) fits in 64 bits.
constexpr long k_max_budget_reads = 1000000;
constexpr std::chrono::seconds k_max_budget_period = std::chrono::hours(24);

enum class RequestKind { none, read, write };

RequestKind kind_of(const std::string& method)
{
  if (method == "GET" || method == "HEAD") {
    return RequestKind::read;
  }
  if (method == "PUT" || method == "PATCH" || method == "POST" || method == "DELETE") {
    return RequestKind::write;
  }
  return RequestKind::none;
}

bool enforced(const LabConfig& config, RequestKind kind)
{
  return kind == RequestKind::read && config.read_budget.reads > 0;
}

const char* budget_header(RequestKind kind)
{
  return kind == RequestKind::read ? "x-ms-ratelimit-remaining-subscription-reads"
                                   : "x-ms-ratelimit-remaining-subscription-writes";
}

} // namespace

ReadBudget parse_read_budget(std::string_view text)
{
  const auto slash = text.find('/');
  const std::string_view count = text.substr(0, slash);
  const std::string_view unit = slash == std::string_view::npos ? "" : text.substr(slash + 1);
  const bool digits = !count.empty() && std::all_of(count.begin(), count.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || (unit != "h" && unit != "m" && unit != "s")) {
    throw UsageError("--read-budget: expected N/h, N/m or N/s, got " + text::quote(text));
  }
  const auto first = count.find_first_not_of('0');
  const std::string_view significant =
      first == std::string_view::npos ? std::string_view() : count.substr(first);
  if (significant.empty() || significant.size() > 7 ||
      std::stol(std::string(significant)) > k_max_budget_reads) {
    throw UsageError("--read-budget: N must be from 1 to " + std::to_string(k_max_budget_reads) +
                     ", got " + text::quote(text));
  }
  ReadBudget budget;
  budget.reads = std::stoi(std::string(significant));
  budget.period = unit == "h"   ? std::chrono::seconds(std::chrono::hours(1))
                  : unit == "m" ? std::chrono::seconds(std::chrono::minutes(1))
                                : std::chrono::seconds(1);
  return budget;
}

std::string arm_subscription(const LabRequest& request)
{
  constexpr std::string_view vault_host = ".vault.localhost";
  constexpr std::string_view prefix = "/subscriptions/";
  const std::string& host = request.host;
  if (host.size() >= vault_host.size() &&
      host.compare(host.size() - vault_host.size(), vault_host.size(), vault_host) == 0) {
    return {};
  }
  if (!text::istarts_with(request.path, prefix)) {
    return {};
  }
  const std::string rest = request.path.substr(prefix.size());
  return lower(rest.substr(0, rest.find('/')));
}

Throttle::Bucket& Throttle::bucket(const LabConfig& config, const std::string& subscription,
                                   bool read)
{
  long capacity = read ? k_default_reads_per_hour : k_default_writes_per_hour;
  std::chrono::microseconds period = std::chrono::hours(1);
  if (read && config.read_budget.reads > 0) {
    capacity = std::min<long>(config.read_budget.reads, k_max_budget_reads);
    period = std::clamp<std::chrono::microseconds>(config.read_budget.period,
                                                   std::chrono::seconds(1), k_max_budget_period);
  }
  const auto now =
      config.throttle_clock ? config.throttle_clock() : std::chrono::steady_clock::now();
  const std::int64_t full = capacity * period.count();
  Bucket& b = m_buckets[(read ? "reads/" : "writes/") + subscription];
  if (b.capacity != capacity || b.period != period) {
    b = Bucket{capacity, period, full, now}; // a new budget starts full
  }
  if (now > b.refilled) {
    // Refilled continuously: `capacity` tokens per period, never above `capacity`.
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - b.refilled);
    b.credit = elapsed >= period ? full : std::min(full, b.credit + elapsed.count() * capacity);
    b.refilled = now;
  }
  return b;
}

Throttle::Verdict Throttle::take(const LabConfig& config, const std::string& subscription,
                                 const std::string& method)
{
  const RequestKind kind = kind_of(method);
  if (kind == RequestKind::none) {
    return {};
  }
  Bucket& b = bucket(config, subscription, kind == RequestKind::read);
  const std::int64_t one = b.period.count();
  Verdict verdict{budget_header(kind), 0, 0};
  if (b.credit >= one) {
    b.credit -= one;
  } else if (enforced(config, kind)) {
    // Whole seconds until the bucket holds one token again, at least 1.
    const std::int64_t wait_us = (one - b.credit + b.capacity - 1) / b.capacity;
    verdict.retry_after_s =
        static_cast<int>(std::max<std::int64_t>(1, (wait_us + 999999) / 1000000));
  }
  verdict.remaining = static_cast<long>(b.credit / one);
  return verdict;
}

Throttle::Verdict Throttle::peek(const LabConfig& config, const std::string& subscription,
                                 const std::string& method)
{
  const RequestKind kind = kind_of(method);
  if (kind == RequestKind::none) {
    return {};
  }
  const Bucket& b = bucket(config, subscription, kind == RequestKind::read);
  return Verdict{budget_header(kind), static_cast<long>(b.credit / b.period.count()), 0};
}

LabResponse throttled_response(const std::string& subscription, const std::string& actor,
                               int retry_after_s)
{
  // ARM's wording since its token buckets (2024), as it answers today.
  const std::string seconds = std::to_string(retry_after_s);
  LabResponse response = LabResponse::arm_error(
      429, "SubscriptionRequestsThrottled",
      "Number of 'read' requests for subscription '" + subscription + "' actor '" + actor +
          "' exceeded. Please try again after '" + seconds +
          "' seconds after additional tokens are available. Refer to "
          "https://aka.ms/arm-throttling for additional information.");
  response.with_header("Retry-After", seconds);
  return response;
}

} // namespace dftriage::lab
