// Long-running operations: Azure-AsyncOperation, Location and provisioningState polling
// (CONTRACTS.md §1.2).

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/client.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace dftriage::azure {

namespace {

using std::chrono::milliseconds;

// Polls of one operation before giving up, whatever the waits (a server answering
// "Retry-After: 0" for ever).
constexpr int k_max_polls = 2000;

bool is_success(int status)
{
  return status >= 200 && status <= 299;
}

bool is_terminal(std::string_view state)
{
  return text::iequals(state, "Succeeded") || text::iequals(state, "Failed") ||
         text::iequals(state, "Canceled") || text::iequals(state, "Cancelled");
}

std::string provisioning_state(const Response& response)
{
  const auto& body = response.body;
  if (body.is_object() && body.contains("properties") && body["properties"].is_object()) {
    const auto& properties = body["properties"];
    const auto it = properties.find("provisioningState");
    if (it != properties.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return {};
}

std::string operation_status(const Response& response)
{
  if (response.body.is_object()) {
    const auto it = response.body.find("status");
    if (it != response.body.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return {};
}

HttpResponse raw(const Response& r)
{
  return {r.status, r.headers, r.raw_body};
}

// The error of an operation that ended Failed or Canceled, named after the request that
// started it.
[[noreturn]] void operation_failed(const std::string& method, const std::string& url,
                                   const Response& last, std::string summary)
{
  AzureErrorInfo info = read_error_response(method, url, raw(last));
  info.summary = std::move(summary);
  throw AzureError(std::move(info));
}

bool changes_resource(const std::string& method)
{
  return method == "PUT" || method == "PATCH";
}

} // namespace

Response Client::finish_operation(const Call& original, Response first, const Request& request)
{
  const bool accepted = first.status == 201 || first.status == 202;
  const std::string state = provisioning_state(first);
  const bool provisioning = (first.status == 200 || first.status == 201) &&
                            request.purpose == "action" && changes_resource(original.method) &&
                            !state.empty() && !is_terminal(state);
  const auto operation = first.header("Azure-AsyncOperation");
  const auto location = first.header("Location");
  if (operation && (accepted || provisioning)) {
    Response done = poll_async_operation(original, first, *operation);
    if (changes_resource(original.method)) {
      return transmit_ok(follow_up(original, original.url));
    }
    if (location) {
      return transmit_ok(follow_up(original, *location));
    }
    return done;
  }
  if (location && accepted) {
    return poll_location(original, first, *location);
  }
  if (provisioning) {
    return poll_provisioning(original, first);
  }
  return first;
}

Response Client::transmit_ok(const Call& call)
{
  Response response = transmit(call);
  if (!is_success(response.status)) {
    throw make_azure_error(call.method, call.url, raw(response));
  }
  return response;
}

void Client::poll_wait(const Call& original, const Response& last, int poll, milliseconds& waited)
{
  const PollPolicy& policy = m_options.poll;
  milliseconds delay = policy.first_delay;
  if (const auto asked = server_wait(raw(last), now())) {
    delay = *asked;
  } else {
    for (int i = 1; i < poll && delay < policy.max_delay; ++i) {
      delay *= 2;
    }
  }
  delay = std::min(delay, policy.max_delay);
  if (poll > k_max_polls || waited + delay > policy.max_total_wait) {
    throw Error(original.method + " " + original.url + ": the operation did not finish within " +
                    std::to_string(waited.count() / 1000) + " s",
                ExitStatus::azure_failure);
  }
  spdlog::debug("{} {}: operation running; polling in {} ms", original.method,
                terminal::sanitize(original.url), delay.count());
  waited += delay;
  Wait what;
  what.kind = WaitKind::operation;
  what.what = wait_target(original.method, original.url);
  what.duration = delay;
  what.attempt = poll;
  what.status = last.status;
  wait(std::move(what));
}

Response Client::poll_until(const Call& original, const Response& first, const Call& poll,
                            const std::function<bool(const Response&)>& finished)
{
  milliseconds waited{0};
  Response last = first;
  for (int n = 1;; ++n) {
    poll_wait(original, last, n, waited);
    last = transmit(poll);
    if (finished(last)) {
      return last;
    }
  }
}

Response Client::poll_async_operation(const Call& original, const Response& first,
                                      const std::string& operation_url)
{
  const Call poll = follow_up(original, operation_url);
  return poll_until(original, first, poll, [&](const Response& last) {
    if (!is_success(last.status)) {
      throw make_azure_error(poll.method, poll.url, raw(last));
    }
    const std::string state = operation_status(last);
    if (is_terminal(state) && !text::iequals(state, "Succeeded")) {
      operation_failed(original.method, original.url, last, "operation " + state);
    }
    return text::iequals(state, "Succeeded");
  });
}

Response Client::poll_location(const Call& original, const Response& first,
                               const std::string& location)
{
  return poll_until(original, first, follow_up(original, location), [&](const Response& last) {
    if (last.status != 202 && !is_success(last.status)) {
      // The operation's own failure: name the request that started it.
      AzureErrorInfo info = read_error_response(original.method, original.url, raw(last));
      info.summary = "operation failed: " + info.summary;
      throw AzureError(std::move(info));
    }
    return last.status != 202;
  });
}

Response Client::poll_provisioning(const Call& original, const Response& first)
{
  const Call poll = follow_up(original, original.url);
  return poll_until(original, first, poll, [&](const Response& last) {
    if (!is_success(last.status)) {
      throw make_azure_error(poll.method, poll.url, raw(last));
    }
    const std::string state = provisioning_state(last);
    if (is_terminal(state) && !text::iequals(state, "Succeeded")) {
      operation_failed(original.method, original.url, last, "provisioningState " + state);
    }
    return state.empty() || text::iequals(state, "Succeeded");
  });
}

} // namespace dftriage::azure
