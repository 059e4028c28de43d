#pragma once

#include "dftriage/azure/cloud.hpp"
#include "dftriage/azure/credentials.hpp"
#include "dftriage/azure/http.hpp"
#include "dftriage/azure/read_pacer.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/azure/retry.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// live: send to Azure (or the lab). dry_run: send nothing, record what would be sent.
enum class ClientMode { live, dry_run };

// One HTTP exchange as the client saw it, for the journal and the --record log. Secret
// headers (redact::is_secret_header) read "***", Authorization "Bearer ***". Bodies are
// as sent and received: they can hold secret values (a rotated secret, a GET secret
// reply), so the observer decides what to keep (redact::json_body).
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

// Why the client waits: polling a long-running operation, retrying after a 408/5xx or
// a transport failure, or retrying after Azure throttled it (429) or holding a read
// back for the read pacer (Wait::paced tells these apart).
enum class WaitKind { operation, retry, throttled };

// Returns "long-running operation", "retry" or "throttled".
std::string_view to_string(WaitKind kind);

// A wait the client is about to start (ended false) or has just finished (ended true),
// told to ClientOptions::wait_observer. Every string is sanitised for a terminal and
// never holds a token, a query string or a body.
struct Wait
{
  WaitKind kind = WaitKind::retry;
  std::string what; // the request waited on: "PUT …/networkSecurityGroups/nsg-1"
  std::chrono::milliseconds duration{0};
  // What comes after the wait: the poll number (1 = the first poll) for an operation,
  // the send number (2 = the first retry) for a retry.
  int attempt = 1;
  int max_attempts = 0;        // sends allowed in all (retries); 0 for an operation
  int status = 0;              // the status that caused a retry; the last poll's for an operation
  std::string error_code;      // the error code of the response that caused a retry, if any
  std::string transport_error; // why no response came ("Timeout was reached"), if so
  // Set for a wait of ClientOptions::pacer (kind throttled) before a send: why it holds
  // the read back. `status` is then 429 for a server_pause, 0 otherwise, and `attempt`
  // the send that waits (1 = the first).
  std::optional<PaceReason> paced;
  bool ended = false;
};

// Sleeps `duration`, returning early once SIGINT or SIGTERM has arrived (the caller
// checks signals::interrupted()). The default sleep of the client and the read pacer.
void sleep_interruptibly(std::chrono::milliseconds duration);

// Returns `method` and the last segments of `url`'s path, enough to name a resource or
// an action on it ("PUT …/networkSecurityGroups/nsg-1", "POST …/vm-1/runCommand"),
// without scheme, host, query or fragment, sanitised for a terminal.
std::string wait_target(std::string_view method, std::string_view url);

struct ClientOptions
{
  // Waits at least this long are told to wait_observer; shorter ones pass silently.
  static constexpr std::chrono::milliseconds k_default_wait_threshold{1000};

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
  // Called before and after every wait of at least wait_threshold (a poll interval, a
  // backoff, a Retry-After), also when the wait ends with Interrupted; must not throw.
  std::function<void(const Wait&)> wait_observer;
  std::chrono::milliseconds wait_threshold = k_default_wait_threshold;
  // Asked before every send of a GET or HEAD (each attempt, poll and page) and told every
  // response; may be shared by clients on several threads (ParallelReader shares it with
  // all its workers). Its waits are told to wait_observer as throttled waits when long
  // enough. Null: reads are not paced.
  std::shared_ptr<ReadPacer> pacer;
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
  std::optional<std::string> header(std::string_view name) const
  {
    return header_in(headers, name);
  }
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
  // poll/next URL leaves the request's origin, Interrupted on Ctrl-C. In dry-run: records the
  // request, sends nothing, and returns {dry_run: true, status 0, body {"dryRun": true}}.
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
  // Sleeps `waiting.duration`, telling wait_observer before and after when it is long
  // enough. Throws Interrupted on Ctrl-C.
  void wait(Wait waiting);
  // Waits until the pacer lets send number `attempt` of `call` go, telling its waits to
  // wait_observer; does nothing without a pacer or for a write. Throws Interrupted.
  void pace(const Call& call, int attempt);
  // Returns a retry Wait of `delay` after `attempt` failed: throttled for a 429.
  Wait retry_wait(const Call& call, std::chrono::milliseconds delay, int attempt,
                  const HttpResponse* response, const std::string& transport_error) const;
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
