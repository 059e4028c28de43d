// The Azure client's plumbing: the observers and the log, waiting, clocks, randomness.

#include "azure/headers.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/client.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/redact.hpp"
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

// Returns `headers` with the value of each secret one hidden, for the observer.
std::vector<Header> redacted(std::vector<Header> headers)
{
  for (auto& h : headers) {
    h.value = redact::header_value(h.name, h.value);
  }
  return headers;
}

// Longest error code a Wait carries (a server could send a page of text as one).
constexpr std::size_t k_max_code_length = 80;

std::vector<std::string_view> path_segments(std::string_view url)
{
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    const auto path = url.find('/', scheme + 3);
    url = path == std::string_view::npos ? std::string_view() : url.substr(path);
  }
  url = url.substr(0, url.find_first_of("?#"));
  std::vector<std::string_view> segments;
  while (!url.empty()) {
    const auto slash = url.find('/');
    if (slash != 0) {
      segments.push_back(url.substr(0, slash));
    }
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash + 1);
  }
  return segments;
}

// How many trailing segments name the resource: its type and name, and the action when
// an ARM path ends with one (".../virtualMachines/vm-1/runCommand").
std::size_t named_segments(const std::vector<std::string_view>& segments)
{
  for (std::size_t i = segments.size(); i-- > 0;) {
    if (text::iequals(segments[i], "providers")) {
      const std::size_t after_namespace = segments.size() - std::min(segments.size(), i + 2);
      return after_namespace % 2 == 1 && after_namespace >= 3 ? 3 : 2;
    }
  }
  return 2;
}

// The reason in a TransportError's message, which starts with "METHOD URL: ".
std::string transport_reason(const std::string& method, const std::string& url,
                             const std::string& message)
{
  const std::string prefix = method + " " + url + ": ";
  if (message.size() > prefix.size() && message.compare(0, prefix.size(), prefix) == 0) {
    return terminal::sanitize(message.substr(prefix.size()));
  }
  return "no response";
}

} // namespace

void sleep_interruptibly(milliseconds duration)
{
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!signals::interrupted()) {
    // Rounded up: a wait of under a millisecond still waits, rather than returning at
    // once to a caller that would ask again (and spin).
    const auto left = std::chrono::ceil<milliseconds>(until - std::chrono::steady_clock::now());
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

std::string_view to_string(WaitKind kind)
{
  switch (kind) {
  case WaitKind::operation:
    return "long-running operation";
  case WaitKind::throttled:
    return "throttled";
  case WaitKind::retry:
    break;
  }
  return "retry";
}

std::string wait_target(std::string_view method, std::string_view url)
{
  const auto segments = path_segments(url);
  const std::size_t shown = std::min(segments.size(), named_segments(segments));
  std::string path = shown < segments.size() ? "\u2026" : "";
  for (std::size_t i = segments.size() - shown; i < segments.size(); ++i) {
    path += "/";
    path += segments[i];
  }
  return terminal::sanitize(method) + " " + terminal::sanitize(path.empty() ? "/" : path);
}

Wait Client::retry_wait(const Call& call, milliseconds delay, int attempt,
                        const HttpResponse* response, const std::string& transport_error) const
{
  Wait out;
  out.kind = response != nullptr && response->status == 429 ? WaitKind::throttled : WaitKind::retry;
  out.what = wait_target(call.method, call.url);
  out.duration = delay;
  out.attempt = attempt + 1;
  out.max_attempts = m_options.retry.max_attempts;
  if (response != nullptr) {
    out.status = response->status;
    AzureErrorInfo info;
    parse_error_body(response->body, info);
    out.error_code = terminal::sanitize(info.code.substr(0, k_max_code_length));
  } else {
    out.transport_error = transport_reason(call.method, call.url, transport_error);
  }
  return out;
}

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
  exchange.request_headers = redacted(sent.headers);
  exchange.request_body = sent.body;
  exchange.transport_error = error;
  if (received != nullptr) {
    exchange.status = received->status;
    exchange.response_headers = redacted(received->headers);
    exchange.response_body = received->body;
    exchange.request_id = header_value(received->headers, "x-ms-request-id");
    exchange.correlation_id = header_value(received->headers, "x-ms-correlation-request-id");
  }
  exchange.client_request_id = client_request_id;
  exchange.attempt = attempt;
  exchange.elapsed = ms;
  m_options.observer(exchange);
}

void Client::wait(Wait waiting)
{
  const bool told = m_options.wait_observer && waiting.duration >= m_options.wait_threshold;
  if (told) {
    m_options.wait_observer(waiting);
  }
  try {
    if (m_options.sleep) {
      m_options.sleep(waiting.duration);
    } else {
      sleep_interruptibly(waiting.duration);
    }
  } catch (...) {
    if (told) {
      waiting.ended = true;
      m_options.wait_observer(waiting);
    }
    throw;
  }
  if (told) {
    waiting.ended = true;
    m_options.wait_observer(waiting);
  }
  if (signals::interrupted()) {
    throw Interrupted();
  }
}

void Client::pace(const Call& call, int attempt)
{
  if (!m_options.pacer || (call.method != "GET" && call.method != "HEAD")) {
    return;
  }
  Wait waiting;
  waiting.kind = WaitKind::throttled;
  waiting.what = wait_target(call.method, call.url);
  waiting.attempt = attempt;
  waiting.max_attempts = m_options.retry.max_attempts;
  m_options.pacer->acquire(call.url, [this, &waiting](const PaceWait& paced) {
    if (!m_options.wait_observer || paced.duration < m_options.wait_threshold) {
      return;
    }
    waiting.duration = paced.duration;
    waiting.status = paced.reason == PaceReason::server_pause ? 429 : 0;
    waiting.paced = paced.reason;
    waiting.ended = paced.ended;
    m_options.wait_observer(waiting);
  });
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
