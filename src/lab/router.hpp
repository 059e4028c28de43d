#pragma once

// The lab's HTTP-independent core: a request, a response, a router of handlers and the
// module interface each imitated Azure service implements. Only server.cpp knows
// cpp-httplib; everything else is plain data, so unit tests call Router::dispatch
// directly without a socket.

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::lab {

struct LabRequest
{
  std::string method;  // upper case
  std::string host;    // the Host header without the port, lower case ("127.0.0.1", "kv1.vault.localhost")
  std::string path;    // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;

  // Returns the first query parameter of that name (exact case; ARM's are case-sensitive
  // except api-version, which callers look up with query_ci), or nullopt.
  std::optional<std::string> query_value(std::string_view name) const;
  // Returns the first query parameter whose name matches case-insensitively, or nullopt.
  std::optional<std::string> query_ci(std::string_view name) const;
  // Returns the first header of that name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // Parses the body as JSON; throws ArmFault(400, "InvalidRequestContent", ...) if it is not.
  nlohmann::json json_body() const;
};

struct LabResponse
{
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";

  // Returns a response whose body is `body` serialised.
  static LabResponse json(int status, const nlohmann::json& body);
  // Returns an ARM error: {"error": {"code": code, "message": message}}.
  static LabResponse arm_error(int status, std::string_view code, std::string_view message);
  LabResponse& with_header(std::string name, std::string value);
};

// Thrown by handlers to answer with an error; the router turns it into arm_error (or the
// module's own error shape when it sets `body`).
struct ArmFault
{
  int status;
  std::string code;
  std::string message;
  std::optional<nlohmann::json> body;  // replaces the ARM shape (Graph, Key Vault, Log Analytics)
};

// The regex captures of a matched route, [0] being the whole path.
using Captures = std::vector<std::string>;
using Handler = std::function<LabResponse(const LabRequest&, const Captures&)>;

// Which requests a route accepts beyond method and path.
struct RouteOptions
{
  // ARM routes: the api-versions accepted (empty: no api-version check). A missing or
  // unsupported one gets 400 naming the supported ones, as ARM does.
  std::vector<std::string> api_versions;
  // The token audience required ("arm", "keyvault", "graph", "loganalytics"), or
  // empty for anonymous endpoints (token, discovery).
  std::string audience = "arm";
  // Match only requests to this host suffix (e.g. ".vault.localhost"); empty: any host.
  std::string host_suffix;
};

class Router
{
public:
  // Adds a route: `method` exact, `path_regex` matched case-insensitively against the
  // whole decoded path (ARM paths are case-insensitive).
  void add(std::string method, std::string path_regex, RouteOptions options, Handler handler);

  // Returns the response of the first matching route, 404/405 with an ARM error body
  // when none matches. Checks api-version and the bearer token as RouteOptions ask.
  // `authorize` returns whether a token (the text after "Bearer ") is valid for the
  // audience; it is not called for anonymous routes.
  LabResponse dispatch(const LabRequest& request,
                       const std::function<bool(std::string_view token, std::string_view audience)>& authorize) const;

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

// One imitated Azure service (ARM Key Vault, the Key Vault data plane, Graph, ...).
class Module
{
public:
  virtual ~Module() = default;
  // Registers this module's routes.
  virtual void add_routes(Router& router) = 0;
};

} // namespace dftriage::lab
