// The Azure client's plumbing: the observer and the log, waiting, clocks, randomness.

#include "azure/headers.hpp"
#include "dftriage/azure/client.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace dftriage::azure {

namespace {

using std::chrono::milliseconds;

// How often a sleep without the interrupt pipe looks at the interrupt flag.
constexpr milliseconds k_interrupt_check{100};

void interruptible_sleep(milliseconds duration)
{
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!signals::interrupted()) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return;
    }
    const int fd = signals::interrupt_fd();
    if (fd >= 0) {
      pollfd wake{fd, POLLIN, 0};
      ::poll(&wake, 1, static_cast<int>(std::min(left, milliseconds(60'000)).count()));
    } else {
      std::this_thread::sleep_for(std::min(left, k_interrupt_check));
    }
  }
}

} // namespace

void Client::observe(const HttpRequest& sent, const HttpResponse* received,
                     const std::string& error, int attempt,
                     std::chrono::steady_clock::duration elapsed) const
{
  const std::string client_request_id = header_value(sent.headers, "x-ms-client-request-id");
  const auto ms = std::chrono::duration_cast<milliseconds>(elapsed);
  if (received == nullptr) {
    spdlog::debug("{} {}: {} (attempt {}, x-ms-client-request-id {}, {} ms)", sent.method,
                  terminal::sanitize(sent.url), error, attempt, client_request_id, ms.count());
  } else {
    spdlog::debug(
        "{} {} -> {} (attempt {}, x-ms-request-id {}, x-ms-correlation-request-id {}, "
        "x-ms-client-request-id {}, {} ms)",
        sent.method, terminal::sanitize(sent.url), received->status, attempt,
        terminal::sanitize(header_value(received->headers, "x-ms-request-id")),
        terminal::sanitize(header_value(received->headers, "x-ms-correlation-request-id")),
        client_request_id, ms.count());
    for (const auto& h : received->headers) {
      // The remaining ARM request budget (CONTRACTS.md §1.3), to see throttling coming.
      if (text::istarts_with(h.name, "x-ms-ratelimit-remaining-")) {
        spdlog::debug("{} {}: {}: {}", sent.method, terminal::sanitize(sent.url), h.name,
                      terminal::sanitize(h.value));
      }
    }
  }
  if (!m_options.observer) {
    return;
  }
  Exchange exchange;
  exchange.method = sent.method;
  exchange.url = sent.url;
  exchange.request_headers = sent.headers;
  for (auto& h : exchange.request_headers) {
    if (text::iequals(h.name, "Authorization")) {
      h.value = "Bearer ***";
    }
  }
  exchange.request_body = sent.body;
  exchange.transport_error = error;
  if (received != nullptr) {
    exchange.status = received->status;
    exchange.response_headers = received->headers;
    exchange.response_body = received->body;
    exchange.request_id = header_value(received->headers, "x-ms-request-id");
    exchange.correlation_id = header_value(received->headers, "x-ms-correlation-request-id");
  }
  exchange.client_request_id = client_request_id;
  exchange.attempt = attempt;
  exchange.elapsed = ms;
  m_options.observer(exchange);
}

void Client::wait(milliseconds duration)
{
  if (m_options.sleep) {
    m_options.sleep(duration);
  } else {
    interruptible_sleep(duration);
  }
  if (signals::interrupted()) {
    throw Interrupted();
  }
}

std::chrono::system_clock::time_point Client::now() const
{
  return m_options.now ? m_options.now() : std::chrono::system_clock::now();
}

double Client::random_unit()
{
  if (m_options.random) {
    return m_options.random();
  }
  return std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
}

std::string Client::new_request_id()
{
  // A random (version 4) UUID: 122 random bits, the version and variant bits fixed.
  std::uint64_t high = m_random();
  std::uint64_t low = m_random();
  high = (high & ~std::uint64_t{0xF000}) | std::uint64_t{0x4000};
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) {
      out += '-';
    }
    const std::uint64_t word = i < 16 ? high : low;
    const int shift = 60 - 4 * (i % 16);
    out += k_hex[(word >> shift) & 0xF];
  }
  return out;
}

} // namespace dftriage::azure
