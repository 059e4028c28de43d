#include "dftriage/azure/client.hpp"

#include "azure/follow_url.hpp"
#include "azure/headers.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace dftriage::azure {

namespace {

using std::chrono::milliseconds;

Response to_response(HttpResponse http, std::string client_request_id)
{
  Response out;
  out.status = http.status;
  out.request_id = header_value(http.headers, "x-ms-request-id");
  if (out.request_id.empty()) {
    out.request_id = header_value(http.headers, "request-id");
  }
  out.correlation_id = header_value(http.headers, "x-ms-correlation-request-id");
  out.client_request_id = std::move(client_request_id);
  out.body = nlohmann::ordered_json::parse(http.body, nullptr, false);
  if (out.body.is_discarded()) {
    out.body = nullptr;
  }
  out.raw_body = std::move(http.body);
  out.headers = std::move(http.headers);
  return out;
}

} // namespace

Client::Client(const Cloud& cloud, TokenCredential* credential, HttpTransport& transport,
               ClientOptions options)
    : m_cloud(cloud)
    , m_credential(credential)
    , m_transport(transport)
    , m_options(std::move(options))
{
  if (m_credential == nullptr && m_options.mode == ClientMode::live) {
    throw Error("the Azure client needs a credential to send requests", ExitStatus::failure);
  }
  std::random_device device;
  m_random.seed((static_cast<std::uint64_t>(device()) << 32) ^ device());
}

Response Client::send(const Request& request)
{
  if (m_options.mode == ClientMode::dry_run) {
    return dry_run(request);
  }
  const Call call = make_call(request);
  Response first = transmit(call);
  if (first.status < 200 || first.status > 299) {
    throw make_azure_error(call.method, call.url, {first.status, first.headers, first.raw_body});
  }
  return finish_operation(call, std::move(first), request);
}

Response Client::dry_run(const Request& request)
{
  spdlog::debug("dry run: not sending {} {}", request.method, request.url);
  m_dry_run_log.push_back(request);
  Response out;
  out.dry_run = true;
  out.body = {{"dryRun", true}};
  out.raw_body = out.body.dump();
  return out;
}

Client::Call Client::make_call(const Request& request) const
{
  Call call;
  call.method = request.method;
  call.url = request.url;
  if (request.body) {
    call.body = request.body->dump();
  }
  call.headers = request.headers;
  call.audience = request.audience.empty() ? "arm" : request.audience;
  call.retry_safe = request.retry_safe;
  return call;
}

Client::Call Client::follow_up(const Call& original, const std::string& url) const
{
  // Polls and next pages are GETs on the URL exactly as the server gave it.
  Call call;
  call.method = "GET";
  call.url = resolve_follow_up(original.url, url);
  call.audience = original.audience;
  call.retry_safe = true;
  return call;
}

Response Client::transmit(const Call& call)
{
  // One client request ID for every attempt: support can follow the retries of one call.
  const std::string client_request_id = new_request_id();
  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    const int counted = refreshed ? attempt - 1 : attempt; // the 401 resend is free
    // Paced before the token is taken: a long wait must not leave it to expire.
    pace(call, counted);
    const HttpRequest http = build(call, client_request_id);
    const bool last = counted >= m_options.retry.max_attempts;
    const auto started = std::chrono::steady_clock::now();
    HttpResponse response;
    try {
      response = m_transport.send(http);
    } catch (const TransportError& e) {
      observe(http, nullptr, e.what(), attempt, std::chrono::steady_clock::now() - started);
      if (last || !may_retry_transport(call.method, call.retry_safe, e.may_have_reached_server())) {
        throw;
      }
      const milliseconds delay = backoff_delay(m_options.retry, counted, random_unit());
      spdlog::debug("{} {}: no response (attempt {}); retrying in {} ms", call.method,
                    terminal::sanitize(call.url), attempt, delay.count());
      wait(retry_wait(call, delay, counted, nullptr, e.what()));
      continue;
    }
    observe(http, &response, {}, attempt, std::chrono::steady_clock::now() - started);
    if (m_options.pacer) {
      m_options.pacer->observe(call.method, call.url, response);
    }
    if (response.status == 401 && !refreshed) {
      // The token may have been revoked or rotated: drop it and ask the credential once
      // more (a cached token would be sent again as it was).
      refreshed = true;
      if (m_credential != nullptr) {
        m_credential->forget_token(m_cloud.audience(call.audience));
      }
      spdlog::debug("{} {}: 401, asking for a token again", call.method,
                    terminal::sanitize(call.url));
      continue;
    }
    if (!last && may_retry_status(call.method, call.retry_safe, response.status)) {
      const auto asked = server_wait(response, now());
      const milliseconds delay = asked ? std::min(*asked, m_options.retry.max_server_wait)
                                       : backoff_delay(m_options.retry, counted, random_unit());
      spdlog::debug("{} {}: {} (attempt {}); retrying in {} ms", call.method,
                    terminal::sanitize(call.url), response.status, attempt, delay.count());
      wait(retry_wait(call, delay, counted, &response, {}));
      continue;
    }
    return to_response(std::move(response), client_request_id);
  }
}

HttpRequest Client::build(const Call& call, const std::string& client_request_id)
{
  HttpRequest http;
  http.method = call.method;
  http.url = call.url;
  if (m_credential != nullptr) {
    if (!text::istarts_with(call.url, "https://") && !is_loopback_url(call.url)) {
      throw Error("refusing to send a token over plain HTTP to " + url_origin(call.url),
                  ExitStatus::azure_failure);
    }
    const AccessToken token = m_credential->get_token(m_cloud.audience(call.audience));
    http.headers.push_back({"Authorization", "Bearer " + token.token});
  }
  http.headers.push_back({"x-ms-client-request-id", client_request_id});
  http.headers.push_back({"Accept", "application/json"});
  if (!call.body.empty()) {
    http.headers.push_back({"Content-Type", "application/json"});
    http.body = call.body;
  }
  for (const auto& h : call.headers) {
    http.headers.push_back(h);
  }
  return http;
}

} // namespace dftriage::azure
