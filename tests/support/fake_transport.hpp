#pragma once

// Test support: a scripted HttpTransport that records what it was asked to send, and a
// TokenCredential that hands out a recognisable (canary) token.

#include "dftriage/azure/credentials.hpp"
#include "dftriage/azure/http.hpp"
#include "dftriage/util/error.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace dftriage::test {

// One scripted outcome: a response, or a transport failure.
struct TransportFailure
{
  std::string message;
  bool may_have_reached_server = true;
};

class FakeTransport : public azure::HttpTransport
{
public:
  // Queues a response with `status`, `body` and `headers`.
  FakeTransport& reply(int status, std::string body = {}, std::vector<azure::Header> headers = {})
  {
    m_script.emplace_back(azure::HttpResponse{status, std::move(headers), std::move(body)});
    return *this;
  }

  // Queues a response made from the request when it comes (to echo what was sent).
  using Answer = std::function<azure::HttpResponse(const azure::HttpRequest&)>;
  FakeTransport& reply_with(Answer answer)
  {
    m_script.emplace_back(std::move(answer));
    return *this;
  }

  // Queues a TransportError.
  FakeTransport& fail(std::string message, bool may_have_reached_server)
  {
    m_script.emplace_back(TransportFailure{std::move(message), may_have_reached_server});
    return *this;
  }

  // Returns the next scripted outcome; throws std::logic_error when the script is over.
  azure::HttpResponse send(const azure::HttpRequest& request) override
  {
    m_sent.push_back(request);
    if (m_script.empty()) {
      throw std::logic_error("FakeTransport: unexpected request " + request.method + " " +
                             request.url);
    }
    auto next = std::move(m_script.front());
    m_script.pop_front();
    if (auto* failure = std::get_if<TransportFailure>(&next)) {
      throw azure::TransportError(failure->message, failure->may_have_reached_server);
    }
    if (auto* answer = std::get_if<Answer>(&next)) {
      return (*answer)(request);
    }
    return std::get<azure::HttpResponse>(std::move(next));
  }

  // The requests sent so far, in order.
  const std::vector<azure::HttpRequest>& sent() const { return m_sent; }
  // Scripted outcomes not consumed yet.
  std::size_t left() const { return m_script.size(); }

private:
  std::deque<std::variant<azure::HttpResponse, TransportFailure, Answer>> m_script;
  std::vector<azure::HttpRequest> m_sent;
};

// The headers of a JSON reply.
inline const std::vector<azure::Header> k_json_headers{{"Content-Type", "application/json"}};

// The token every FakeCredential hands out; it must never show up in logs or errors.
inline const std::string k_canary_token = "eyJ0eXAi.CANARY-SECRET-TOKEN.c2lnbmF0dXJl";

class FakeCredential : public azure::TokenCredential
{
public:
  // Returns k_canary_token followed by the call count, and records the audience.
  azure::AccessToken get_token(const std::string& audience) override
  {
    m_audiences.push_back(audience);
    return {k_canary_token + std::to_string(m_audiences.size()),
            std::chrono::system_clock::now() + std::chrono::hours(1)};
  }

  std::string description() const override { return "fake"; }

  // The audiences asked for, one per get_token call.
  const std::vector<std::string>& audiences() const { return m_audiences; }

private:
  std::vector<std::string> m_audiences;
};

// Returns the message of the Error `credential` throws for `audience`, or "no error".
inline std::string token_error(azure::TokenCredential& credential, const std::string& audience)
{
  try {
    credential.get_token(audience);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// Returns the value of header `name` in `request` (case-insensitive), or "" when absent.
inline std::string header_of(const azure::HttpRequest& request, const std::string& name)
{
  for (const auto& h : request.headers) {
    if (h.name.size() == name.size() &&
        std::equal(h.name.begin(), h.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return h.value;
    }
  }
  return {};
}

} // namespace dftriage::test
