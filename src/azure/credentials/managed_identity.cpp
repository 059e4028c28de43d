// Managed identity: the Instance Metadata Service (VMs, scale sets, AKS) and the App
// Service / Functions identity endpoint.

#include "azure/credentials/support.hpp"
#include "azure/follow_url.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <spdlog/spdlog.h>

namespace dftriage::azure {

namespace {

constexpr int k_attempts = 3;
constexpr std::chrono::milliseconds k_retry_base{500};

std::string error_text(const HttpResponse& response)
{
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    return {};
  }
  for (const char* key : {"error_description", "message", "error"}) {
    const auto it = body.find(key);
    if (it != body.end() && it->is_string()) {
      return credentials::first_line(it->get<std::string>());
    }
  }
  return {};
}

// IMDS says a retry may help (it is updating, throttling or failing for a moment).
bool retriable(int status)
{
  return status == 404 || status == 410 || status == 429 || status >= 500;
}

CachingCredential::Fetched parse_token(const HttpResponse& response, SystemClock::time_point now)
{
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  const auto token = body.is_object() ? body.find("access_token") : body.end();
  if (!body.is_object() || token == body.end() || !token->is_string() || token->empty()) {
    throw Error("the managed identity endpoint's answer has no access_token",
                ExitStatus::azure_failure);
  }
  CachingCredential::Fetched out;
  out.token.token = token->get<std::string>();
  if (const auto on = credentials::json_number(body.value("expires_on", nlohmann::json()))) {
    out.token.expires_on = SystemClock::time_point(std::chrono::seconds(*on));
  } else if (const auto in = credentials::json_number(body.value("expires_in", nlohmann::json()))) {
    out.token.expires_on = now + std::chrono::seconds(*in);
  } else {
    throw Error("the managed identity endpoint's answer has no expires_on",
                ExitStatus::azure_failure);
  }
  const auto client = body.value("client_id", nlohmann::json());
  if (client.is_string()) {
    out.client_id = terminal::sanitize(client.get<std::string>());
  }
  return out;
}

} // namespace

ManagedIdentityCredential::ManagedIdentityCredential(ManagedIdentityOptions options,
                                                     CredentialContext context)
    : CachingCredential(std::move(context))
    , m_options(std::move(options))
{
  add_secret(m_options.identity_header);
}

std::string ManagedIdentityCredential::description() const
{
  const bool app_service =
      !m_options.identity_endpoint.empty() && !m_options.identity_header.empty();
  return app_service ? "managed identity (App Service)" : "managed identity (IMDS)";
}

CachingCredential::Fetched ManagedIdentityCredential::fetch(const std::string& audience)
{
  if (!m_options.identity_endpoint.empty() && !m_options.identity_header.empty()) {
    return fetch_app_service(audience);
  }
  return fetch_imds(audience);
}

CachingCredential::Fetched ManagedIdentityCredential::fetch_imds(const std::string& audience)
{
  std::string base = m_options.imds_endpoint;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  const std::string origin = url_origin(base);
  UrlBuilder url(base + "/metadata/identity/oauth2/token");
  url.query("api-version", ManagedIdentityOptions::k_imds_api_version).query("resource", audience);
  if (!m_options.client_id.empty()) {
    url.query("client_id", m_options.client_id);
  }
  HttpRequest request{"GET", url.str(), {{"Metadata", "true"}}, {}};
  for (int attempt = 1;; ++attempt) {
    HttpResponse response;
    try {
      response = context().transport->send(request);
    } catch (const TransportError& e) {
      if (!m_imds_answered) {
        throw CredentialUnavailable("no managed identity endpoint answered at " + origin + " (" +
                                    e.what() + ")");
      }
      if (attempt >= k_attempts) {
        throw Error(std::string("IMDS did not answer: ") + e.what(), ExitStatus::azure_failure);
      }
      credentials::wait(context(), k_retry_base * attempt);
      continue;
    }
    const bool json = nlohmann::json::parse(response.body, nullptr, false).is_object();
    if (response.status == 200) {
      m_imds_answered = true;
      return parse_token(response, now());
    }
    if (!json && !m_imds_answered) {
      throw CredentialUnavailable(origin + " answered " + std::to_string(response.status) +
                                  " and is not IMDS");
    }
    m_imds_answered = true;
    if (response.status == 400) {
      const std::string reason = error_text(response);
      throw CredentialUnavailable("IMDS has no managed identity for this host" +
                                  (reason.empty() ? std::string() : ": " + reason));
    }
    if (retriable(response.status) && attempt < k_attempts) {
      spdlog::debug("IMDS answered {} (attempt {}); retrying", response.status, attempt);
      credentials::wait(context(), k_retry_base * attempt);
      continue;
    }
    const std::string reason = error_text(response);
    throw Error("IMDS answered " + std::to_string(response.status) +
                    (reason.empty() ? std::string() : ": " + reason),
                ExitStatus::azure_failure);
  }
}

CachingCredential::Fetched ManagedIdentityCredential::fetch_app_service(const std::string& audience)
{
  const std::string& endpoint = m_options.identity_endpoint;
  if (!text::istarts_with(endpoint, "http://") && !text::istarts_with(endpoint, "https://")) {
    throw Error("IDENTITY_ENDPOINT is not an http(s) URL", ExitStatus::azure_failure);
  }
  std::string url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") +
                    "api-version=" + ManagedIdentityOptions::k_app_service_api_version +
                    "&resource=" + encode_query_value(audience);
  if (!m_options.client_id.empty()) {
    url += "&client_id=" + encode_query_value(m_options.client_id);
  }
  HttpRequest request{"GET", url, {{"X-IDENTITY-HEADER", m_options.identity_header}}, {}};
  HttpResponse response;
  try {
    response = context().transport->send(request);
  } catch (const TransportError& e) {
    throw Error(std::string("the App Service identity endpoint did not answer: ") + e.what(),
                ExitStatus::azure_failure);
  }
  if (response.status != 200) {
    const std::string reason = error_text(response);
    throw Error("the App Service identity endpoint answered " + std::to_string(response.status) +
                    (reason.empty() ? std::string() : ": " + reason),
                ExitStatus::azure_failure);
  }
  return parse_token(response, now());
}

} // namespace dftriage::azure
