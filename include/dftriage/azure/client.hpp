#pragma once

#include "dftriage/azure/cloud.hpp"
#include "dftriage/azure/credentials.hpp"
#include "dftriage/azure/http.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/azure/retry.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace dftriage::azure {

// live: send to Azure (or the lab). dry_run: send nothing, record what would be sent.
enum class ClientMode { live, dry_run };

// One HTTP exchange as the client saw it, for the journal and the --record log. The
// Authorization header reads "Bearer ***". Bodies are as sent and received: they can
// hold secret values (a rotated secret, a GET secret reply), so the observer decides
// what to keep.
struct Exchange
{
  std::string method;
  std::string url;
  std::vector<Header> request_headers;
  std::string request_body;
  int status = 0;              // 0: no response (see transport_error)
  std::string transport_error; // TransportError::what() when no response arrived
  std::vector<Header> response_headers;
  std::string response_body;
  std::string request_id;        // x-ms-request-id
  std::string correlation_id;    // x-ms-correlation-request-id
  std::string client_request_id; // ours, x-ms-client-request-id
  int attempt = 1;               // 1 for the first send of this request
  std::chrono::milliseconds elapsed{0};
};

struct ClientOptions
{
  // Pages list() follows before it gives up (a server looping on nextLink).
  static constexpr std::size_t k_default_max_pages = 1000;

  ClientMode mode = ClientMode::live;
  RetryPolicy retry;
  PollPolicy poll;
  std::size_t max_pages = k_default_max_pages;
  // Waits between retries and polls; empty: a real sleep that ends early and throws
  // Interrupted on Ctrl-C. Tests inject one that records and returns at once.
  std::function<void(std::chrono::milliseconds)> sleep;
  // The wall clock, for Retry-After HTTP-dates; empty: system_clock::now.
  std::function<std::chrono::system_clock::time_point()> now;
  // A number in [0, 1] for backoff jitter; empty: a seeded generator.
  std::function<double()> random;
  // Called once per exchange (every attempt, poll and page), after it ended.
  std::function<void(const Exchange&)> observer;
};

// What Azure answered (the last response, for an operation that was polled).
struct Response
{
  int status = 0;              // 0 in dry-run
  nlohmann::ordered_json body; // parsed; null when the body is empty or not JSON
  std::string raw_body;
  std::vector<Header> headers;
  std::string request_id;        // x-ms-request-id (or Graph's request-id)
  std::string correlation_id;    // x-ms-correlation-request-id
  std::string client_request_id; // the x-ms-client-request-id we sent
  bool dry_run = false;

  // Returns the first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// The one way dftriage talks to Azure: adds the bearer token and the standard headers,
// retries transient failures, polls long-running operations and follows pages, on top
// of an HttpTransport. Not thread-safe.
class Client
{
public:
  // `credential` may be null in dry-run mode only (throws Error otherwise). `cloud`,
  // `credential` and `transport` must outlive the client.
  Client(const Cloud& cloud, TokenCredential* credential, HttpTransport& transport,
         ClientOptions options = {});

  // Sends `request` and returns the final answer: for a long-running operation (201/202,
  // or 200 with a non-terminal provisioningState for a PUT/PATCH action), after polling
  // Azure-AsyncOperation or Location to the end. Retries 408/429/5xx and transport
  // failures with backoff and jitter, honouring Retry-After; never repeats a POST/PATCH
  // that may have reached the server (unless request.retry_safe), except after 429.
  // After a 401 asks the credential for a token once more and resends once (a caching
  // credential helps only if it hands out a fresh token then). Throws AzureError for an
  // error status or a failed operation, TransportError when no response came, Error when
  // a token cannot be had, would go over plain HTTP to a non-loopback host, or a
  // poll/next URL leaves the request's origin, Interrupted on Ctrl-C. In dry-run: records the request, sends
  // nothing, and returns {dry_run: true, status 0, body {"dryRun": true}}.
  Response send(const Request& request);

  // Sends `request` (a list call) and follows `nextLink` / `@odata.nextLink` until it is
  // absent, returning every page's `value` items in order. Throws as send() does, and
  // Error when a page has no `value` array or more than max_pages pages come. In dry-run:
  // records the request and returns no items.
  std::vector<nlohmann::ordered_json> list(const Request& request);

  // Returns the requests recorded in dry-run mode, in order.
  const std::vector<Request>& dry_run_log() const { return m_dry_run_log; }

private:
  // One logical HTTP request, sent by transmit() possibly several times.
  struct Call
  {
    std::string method;
    std::string url;
    std::string body;
    std::vector<Header> headers;
    std::string audience;
    bool retry_safe = false;
  };

  Response dry_run(const Request& request);
  Call make_call(const Request& request) const;
  Call follow_up(const Call& original, const std::string& url) const;
  Response transmit(const Call& call);
  Response transmit_ok(const Call& call); // throws AzureError unless 2xx
  HttpRequest build(const Call& call, const std::string& client_request_id);
  void observe(const HttpRequest& sent, const HttpResponse* received, const std::string& error,
               int attempt, std::chrono::steady_clock::duration elapsed) const;
  void wait(std::chrono::milliseconds duration);
  std::chrono::system_clock::time_point now() const;
  double random_unit();
  std::string new_request_id();

  Response finish_operation(const Call& original, Response first, const Request& request);
  Response poll_async_operation(const Call& original, const Response& first,
                                const std::string& operation_url);
  Response poll_location(const Call& original, const Response& first, const std::string& location);
  Response poll_provisioning(const Call& original, const Response& first);
  // Waits and GETs `poll` until `finished` (which may throw) says the operation is over.
  Response poll_until(const Call& original, const Response& first, const Call& poll,
                      const std::function<bool(const Response&)>& finished);
  void poll_wait(const Call& original, const Response& last, int poll,
                 std::chrono::milliseconds& waited);

  const Cloud& m_cloud;
  TokenCredential* m_credential;
  HttpTransport& m_transport;
  ClientOptions m_options;
  std::mt19937_64 m_random;
  std::vector<Request> m_dry_run_log;
};

} // namespace dftriage::azure
