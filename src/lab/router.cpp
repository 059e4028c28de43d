#include "router.hpp"

#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::lab {

std::optional<std::string> LabRequest::query_value(std::string_view name) const
{
  for (const auto& [key, value] : query) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> LabRequest::query_ci(std::string_view name) const
{
  for (const auto& [key, value] : query) {
    if (text::iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> LabRequest::header(std::string_view name) const
{
  for (const auto& [key, value] : headers) {
    if (text::iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

Json LabRequest::json_body() const
{
  try {
    return Json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    throw ArmFault{400,
                   "InvalidRequestContent",
                   std::string("The request content was invalid and could not be deserialized: ") +
                       e.what(),
                   std::nullopt,
                   {}};
  }
}

LabResponse LabResponse::json(int status, const Json& body)
{
  LabResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

LabResponse LabResponse::arm_error(int status, std::string_view code, std::string_view message)
{
  return json(status, Json{{"error", {{"code", code}, {"message", message}}}});
}

LabResponse LabResponse::empty(int status)
{
  LabResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

LabResponse& LabResponse::with_header(std::string name, std::string value)
{
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string> LabResponse::header(std::string_view name) const
{
  for (const auto& [key, value] : headers) {
    if (text::iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

void Router::add(std::string method, std::string path_regex, RouteOptions options, Handler handler)
{
  m_routes.push_back(Route{std::move(method),
                           std::regex(path_regex, std::regex::icase | std::regex::ECMAScript),
                           std::move(options), std::move(handler)});
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix)
{
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Data-plane hosts (".vault.localhost") only match routes made for them.
bool host_matches(const std::string& host, const std::string& suffix)
{
  return suffix.empty() ? !ends_with(host, ".vault.localhost") : ends_with(host, suffix);
}

std::string joined(const std::vector<std::string>& values)
{
  std::string out;
  for (const auto& v : values) {
    out += (out.empty() ? "" : ", ") + v;
  }
  return out;
}

LabResponse api_version_error(const LabRequest& request, const RouteOptions& options)
{
  const auto version = request.query_ci("api-version");
  if (!version || version->empty()) {
    return LabResponse::arm_error(
        400, "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests. "
        "Supported api-versions are '" +
            joined(options.api_versions) + "'.");
  }
  return LabResponse::arm_error(400, "InvalidApiVersionParameter",
                                "The api-version '" + *version +
                                    "' is invalid. The supported versions are '" +
                                    joined(options.api_versions) + "'.");
}

LabResponse fault_response(const ArmFault& fault)
{
  LabResponse r = fault.body ? LabResponse::json(fault.status, *fault.body)
                             : LabResponse::arm_error(fault.status, fault.code, fault.message);
  for (const auto& [name, value] : fault.headers) {
    r.with_header(name, value);
  }
  return r;
}

} // namespace

LabResponse Router::dispatch(const LabRequest& request, const Authorizer& authorize,
                             std::string* caller) const
{
  bool path_matched = false;
  for (const auto& route : m_routes) {
    std::smatch match;
    if (!host_matches(request.host, route.options.host_suffix) ||
        !std::regex_match(request.path, match, route.pattern)) {
      continue;
    }
    path_matched = true;
    if (route.method != request.method) {
      continue;
    }
    const auto& versions = route.options.api_versions;
    if (!versions.empty()) {
      const auto version = request.query_ci("api-version");
      if (!version || std::find(versions.begin(), versions.end(), *version) == versions.end()) {
        return api_version_error(request, route.options);
      }
    }
    LabRequest authorised = request;
    if (!route.options.audience.empty()) {
      auto result = authorize(request, route.options.audience);
      if (!result.caller) {
        return result.failure;
      }
      authorised.caller = *result.caller;
      if (caller) {
        *caller = *result.caller;
      }
    }
    Captures captures(match.begin(), match.end());
    try {
      return route.handler(authorised, captures);
    } catch (const ArmFault& fault) {
      return fault_response(fault);
    }
  }
  if (path_matched) {
    return LabResponse::arm_error(405, "MethodNotAllowed",
                                  "The requested resource does not support http method '" +
                                      request.method + "'.");
  }
  return LabResponse::arm_error(404, "NotFound",
                                "No HTTP resource was found that matches the request URI '" +
                                    request.path + "'.");
}

} // namespace dftriage::lab
