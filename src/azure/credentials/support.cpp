#include "azure/credentials/support.hpp"

#include "azure/follow_url.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/azure/retry.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace dftriage::azure::credentials {

namespace {

constexpr int k_token_attempts = 3;
constexpr std::chrono::milliseconds k_retry_base{500};
constexpr std::chrono::milliseconds k_max_retry_wait{10'000};

bool valid_tenant(std::string_view tenant)
{
  if (tenant.empty()) {
    return false;
  }
  return std::all_of(tenant.begin(), tenant.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

SystemClock::time_point now_of(const CredentialContext& context)
{
  return context.now ? context.now() : SystemClock::now();
}

// Entra's error: "STATUS error_code: first line of error_description".
std::string entra_failure(const HttpResponse& response)
{
  std::string message = "the token endpoint answered " + std::to_string(response.status);
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    if (const auto it = body.find("error"); it != body.end() && it->is_string()) {
      message += " " + first_line(it->get<std::string>(), 80);
    }
    if (const auto it = body.find("error_description"); it != body.end() && it->is_string()) {
      message += ": " + first_line(it->get<std::string>());
    }
  }
  return message;
}

} // namespace

std::string form_encode(const Form& form)
{
  std::string out;
  for (const auto& [name, value] : form) {
    out += (out.empty() ? "" : "&") + encode_query_value(name) + "=" + encode_query_value(value);
  }
  return out;
}

std::string token_endpoint(std::string_view authority, std::string_view tenant)
{
  if (!valid_tenant(tenant)) {
    throw Error("the tenant " + text::quote(tenant) + " is not a tenant ID or domain name",
                ExitStatus::azure_failure);
  }
  std::string base(authority);
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  if (!text::istarts_with(base, "https://") && !is_loopback_url(base)) {
    throw Error("refusing to send credentials over plain HTTP to " + url_origin(base),
                ExitStatus::azure_failure);
  }
  return base + "/" + std::string(tenant) + "/oauth2/v2.0/token";
}

std::string scope_for(std::string_view audience)
{
  return std::string(audience) + "/.default";
}

AccessToken request_entra_token(const CredentialContext& context, const std::string& token_url,
                                const Form& form)
{
  HttpRequest request;
  request.method = "POST";
  request.url = token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = form_encode(form);
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= k_token_attempts;
    HttpResponse response;
    try {
      response = context.transport->send(request);
    } catch (const TransportError& e) {
      if (last) {
        throw Error(std::string("no answer from the token endpoint: ") + e.what(),
                    ExitStatus::azure_failure);
      }
      spdlog::debug("token request to {}: no answer (attempt {}); retrying",
                    terminal::sanitize(token_url), attempt);
      wait(context, k_retry_base * attempt);
      continue;
    }
    if (!last && (response.status == 429 || response.status >= 500)) {
      const auto asked = server_wait(response, now_of(context));
      spdlog::debug("token request to {}: {} (attempt {}); retrying", terminal::sanitize(token_url),
                    response.status, attempt);
      wait(context, asked ? std::min(*asked, k_max_retry_wait) : k_retry_base * attempt);
      continue;
    }
    if (response.status != 200) {
      throw Error(entra_failure(response), ExitStatus::azure_failure);
    }
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const auto token = body.is_object() ? body.find("access_token") : body.end();
    if (!body.is_object() || token == body.end() || !token->is_string() || token->empty()) {
      throw Error("the token endpoint's answer has no access_token", ExitStatus::azure_failure);
    }
    const auto expires_in = json_number(body.value("expires_in", nlohmann::json()));
    if (!expires_in || *expires_in <= 0) {
      throw Error("the token endpoint's answer has no expires_in", ExitStatus::azure_failure);
    }
    return AccessToken{token->get<std::string>(),
                       now_of(context) + std::chrono::seconds(*expires_in)};
  }
}

void wait(const CredentialContext& context, std::chrono::milliseconds duration)
{
  if (context.sleep) {
    context.sleep(duration);
  } else {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (!signals::interrupted() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (signals::interrupted()) {
    throw Interrupted();
  }
}

std::optional<long long> json_number(const nlohmann::json& value)
{
  if (value.is_number_integer()) {
    return value.get<long long>();
  }
  if (value.is_number_float()) {
    return static_cast<long long>(value.get<double>());
  }
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    if (s.empty() || s.size() > 18 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    return std::stoll(s);
  }
  return std::nullopt;
}

std::string first_line(std::string_view s, std::size_t limit)
{
  s = s.substr(0, s.find_first_of("\r\n"));
  s = text::trim(s);
  std::string out = terminal::sanitize(s.substr(0, limit));
  if (s.size() > limit) {
    out += "...";
  }
  return out;
}

std::string random_uuid()
{
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw Error("cannot get random bytes from OpenSSL", ExitStatus::failure);
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += k_hex[bytes[i] >> 4];
    out += k_hex[bytes[i] & 0xF];
  }
  return out;
}

} // namespace dftriage::azure::credentials
