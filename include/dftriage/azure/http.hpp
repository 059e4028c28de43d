#pragma once

#include "dftriage/util/error.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// One HTTP header as sent or received.
struct Header
{
  std::string name;
  std::string value;
};

// Returns the value of the first header called `name` in `headers`, ignoring ASCII
// case as HTTP does, or nullopt when there is none. The one header lookup of the
// client: HttpResponse::header and Response::header are this.
std::optional<std::string> header_in(const std::vector<Header>& headers, std::string_view name);

// One HTTP exchange at the wire level: no retries, no tokens, no JSON. The Azure client
// (client.hpp) builds these from a Request and adds authentication, retries, polling and
// paging on top.
struct HttpRequest
{
  std::string method; // GET, PUT, PATCH, POST, DELETE
  std::string url;    // absolute
  std::vector<Header> headers;
  std::string body; // empty: no body
};

struct HttpResponse
{
  int status = 0;
  std::vector<Header> headers;
  std::string body;

  // Returns the first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const
  {
    return header_in(headers, name);
  }
};

// The request never produced a response: refused, reset, timed out, TLS failure.
// `may_have_reached_server` is false only when the connection was never established
// (DNS, connect refused, TLS handshake), so a non-idempotent request is safe to repeat.
class TransportError : public Error
{
public:
  TransportError(const std::string& message, bool may_have_reached_server)
      : Error(message, ExitStatus::azure_failure)
      , m_may_have_reached_server(may_have_reached_server)
  {
  }

  bool may_have_reached_server() const { return m_may_have_reached_server; }

private:
  bool m_may_have_reached_server;
};

// Sends one HTTP request. The libcurl implementation (curl_transport.cpp, the only
// file that includes curl.h) and the recording fakes of the tests implement it.
class HttpTransport
{
public:
  virtual ~HttpTransport() = default;

  // Sends `request` and returns the response whatever its status; throws
  // TransportError when no response arrived, Interrupted on Ctrl-C.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

} // namespace dftriage::azure
