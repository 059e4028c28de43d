#pragma once

// The lab's HTTP-independent core: a request, a response and a router of handlers.
// Only server.cpp knows cpp-httplib; everything else is plain data, so unit tests call
// Router::dispatch directly without a socket.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::lab {

using Json = nlohmann::ordered_json;

struct LabRequest
{
  std::string method; // upper case
  std::string
      host; // the Host header without the port, lower case ("127.0.0.1", "kv1.vault.localhost")
  std::string path;                                       // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query; // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers; // as received
  std::string body;
  std::string remote_addr = "127.0.0.1"; // the client's address, for audit logs
  std::string caller; // set by Router::dispatch: the client ID of a valid bearer token

  // Returns the first query parameter of that name (exact case), or nullopt.
  std::optional<std::string> query_value(std::string_view name) const;
  // Returns the first query parameter whose name matches case-insensitively, or nullopt.
  std::optional<std::string> query_ci(std::string_view name) const;
  // Returns the first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // Parses the body as JSON; throws ArmFault(400, "InvalidRequestContent", ...) if it is not.
  Json json_body() const;
};

struct LabResponse
{
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";

  // Returns a response whose body is `body` serialised.
  static LabResponse json(int status, const Json& body);
  // Returns an ARM error: {"error": {"code": code, "message": message}}.
  static LabResponse arm_error(int status, std::string_view code, std::string_view message);
  // Returns a response without a body (204, or 202 with headers added later).
  static LabResponse empty(int status);
  // Adds a header; returns *this.
  LabResponse& with_header(std::string name, std::string value);
  // Returns the first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// Thrown by handlers to answer with an error; the router turns it into arm_error (or
// `body` when set: Graph, Key Vault, Log Analytics and Entra have their own shapes).
struct ArmFault
{
  int status;
  std::string code;
  std::string message;
  std::optional<Json> body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The regex captures of a matched route, [0] being the whole path.
using Captures = std::vector<std::string>;
using Handler = std::function<LabResponse(const LabRequest&, const Captures&)>;

// Which requests a route accepts beyond method and path.
struct RouteOptions
{
  // The api-versions accepted (empty: no api-version check). A missing or unsupported
  // one gets 400 naming the supported ones, as ARM does.
  std::vector<std::string> api_versions;
  // The token audience required ("arm", "keyvault", "graph", "loganalytics"), or empty
  // for anonymous endpoints (token, discovery).
  std::string audience = "arm";
  // Match only requests to hosts ending in this suffix (".vault.localhost"); empty: only
  // requests to any other host (ARM, Graph, Log Analytics and Entra share one).
  std::string host_suffix;
};

// What an Authorizer decides: the caller (a client ID) or the 401 to answer with.
struct AuthResult
{
  std::optional<std::string> caller;
  LabResponse failure;
};
using Authorizer = std::function<AuthResult(const LabRequest&, std::string_view audience)>;

class Router
{
public:
  // Adds a route: `method` exact, `path_regex` matched case-insensitively against the
  // whole decoded path (ARM paths are case-insensitive).
  void add(std::string method, std::string path_regex, RouteOptions options, Handler handler);

  // Returns the response of the first matching route; 404 (no path matched) or 405 (the
  // path matched for another method) with an ARM error body otherwise. Checks the
  // api-version, then asks `authorize` for non-anonymous routes. Never throws for an
  // ArmFault: it becomes the response.
  // `caller`, when given, receives the authorised caller ("" when none).
  LabResponse dispatch(const LabRequest& request, const Authorizer& authorize,
                       std::string* caller = nullptr) const;

private:
  struct Route
  {
    std::string method;
    std::regex pattern;
    RouteOptions options;
    Handler handler;
  };
  std::vector<Route> m_routes;
};

} // namespace dftriage::lab
