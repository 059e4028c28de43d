#include "dftriage/azure/azure_error.hpp"

#include "dftriage/util/terminal.hpp"

namespace dftriage::azure {

namespace {

constexpr std::size_t k_max_text_body = 200; // characters of a non-JSON body kept
constexpr int k_max_inner_depth = 8;         // levels of innererror followed

std::string string_at(const nlohmann::json& object, const char* key)
{
  const auto it = object.find(key);
  if (it != object.end() && it->is_string()) {
    return it->get<std::string>();
  }
  return {};
}

const nlohmann::json* inner_of(const nlohmann::json& object)
{
  for (const char* key : {"innererror", "innerError"}) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_object()) {
      return &*it;
    }
  }
  return nullptr;
}

void read_error_object(const nlohmann::json& error, AzureErrorInfo& info)
{
  info.code = string_at(error, "code");
  info.message = string_at(error, "message");
  info.target = string_at(error, "target");
  const auto details = error.find("details");
  if (details != error.end() && details->is_array()) {
    for (const auto& d : *details) {
      if (d.is_object()) {
        info.details.push_back({string_at(d, "code"), string_at(d, "message")});
      }
    }
  }
  const nlohmann::json* inner = inner_of(error);
  if (inner != nullptr && info.request_id.empty()) {
    info.request_id = string_at(*inner, "request-id"); // Graph
  }
  for (int depth = 0; inner != nullptr && depth < k_max_inner_depth; ++depth) {
    ErrorDetail detail{string_at(*inner, "code"), string_at(*inner, "message")};
    if (!detail.code.empty() || !detail.message.empty()) {
      info.details.push_back(std::move(detail));
    }
    inner = inner_of(*inner);
  }
}

std::string describe(const AzureErrorInfo& info)
{
  std::string out = info.method + " " + terminal::sanitize(info.url) + ": " + info.summary;
  if (!info.code.empty()) {
    out += ": " + terminal::sanitize(info.code);
  }
  if (!info.message.empty()) {
    out += ": " + terminal::sanitize(info.message);
  }
  if (!info.request_id.empty()) {
    out += " (request ID " + terminal::sanitize(info.request_id) + ")";
  }
  return out;
}

} // namespace

AzureError::AzureError(AzureErrorInfo info)
    : Error(describe(info), ExitStatus::azure_failure)
    , m_info(std::move(info))
{
}

std::string_view reason_phrase(int status)
{
  switch (status) {
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 409:
    return "Conflict";
  case 410:
    return "Gone";
  case 412:
    return "Precondition Failed";
  case 413:
    return "Payload Too Large";
  case 415:
    return "Unsupported Media Type";
  case 422:
    return "Unprocessable Entity";
  case 429:
    return "Too Many Requests";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return "";
  }
}

void parse_error_body(std::string_view body, AzureErrorInfo& info)
{
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return;
  }
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    info.message = terminal::sanitize(body.substr(0, k_max_text_body));
    return;
  }
  const auto error = json.find("error");
  if (error != json.end() && error->is_object()) {
    read_error_object(*error, info);
  } else if (error != json.end() && error->is_string()) {
    info.code = error->get<std::string>(); // OAuth: {error, error_description}
    info.message = string_at(json, "error_description");
  } else {
    read_error_object(json, info); // flat {code, message}
  }
}

AzureErrorInfo read_error_response(std::string_view method, std::string_view url,
                                   const HttpResponse& response)
{
  AzureErrorInfo info;
  info.method = std::string(method);
  info.url = std::string(url);
  info.status = response.status;
  info.summary = std::to_string(response.status);
  const std::string_view reason = reason_phrase(response.status);
  if (!reason.empty()) {
    info.summary += " " + std::string(reason);
  }
  info.request_id = response.header("x-ms-request-id")
                        .value_or(response.header("request-id").value_or(std::string()));
  parse_error_body(response.body, info);
  return info;
}

AzureError make_azure_error(std::string_view method, std::string_view url,
                            const HttpResponse& response)
{
  return AzureError(read_error_response(method, url, response));
}

} // namespace dftriage::azure
