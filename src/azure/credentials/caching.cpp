// The per-audience token cache every credential shares, and reading a JWT's claims.

#include "azure/credentials/support.hpp"
#include "dftriage/azure/token_credentials.hpp"
#include "dftriage/util/redact.hpp"
#include "dftriage/util/terminal.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace dftriage::azure {

namespace {

using std::chrono::seconds;

// Refresh this long before expiry, or at half the lifetime when that is sooner.
constexpr seconds k_refresh_margin{300};
// A cached token with less than this left is not handed out after a failed refresh.
constexpr seconds k_minimum_left{30};

std::string claim(const nlohmann::json& claims, const char* name)
{
  const auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? terminal::sanitize(it->get<std::string>())
                                               : std::string();
}

} // namespace

CachingCredential::CachingCredential(CredentialContext context)
    : m_context(std::move(context))
{
}

SystemClock::time_point CachingCredential::now() const
{
  return m_context.now ? m_context.now() : SystemClock::now();
}

void CachingCredential::add_secret(std::string secret)
{
  if (!secret.empty() && std::find(m_secrets.begin(), m_secrets.end(), secret) == m_secrets.end()) {
    m_secrets.push_back(std::move(secret));
  }
}

void CachingCredential::set_identity(std::string tenant_id, std::string client_id)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  m_tenant_id = std::move(tenant_id);
  m_client_id = std::move(client_id);
}

std::string CachingCredential::redact(std::string message) const
{
  return dftriage::redact::known_values(std::move(message), m_secrets);
}

void CachingCredential::forget_token(const std::string& audience)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  m_cache.erase(audience);
}

AccessToken CachingCredential::get_token(const std::string& audience)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  const auto started = now();
  const auto cached = m_cache.find(audience);
  if (cached != m_cache.end() && started < cached->second.refresh_at) {
    return cached->second.token;
  }
  Fetched fetched;
  try {
    fetched = fetch(audience);
  } catch (const Interrupted&) {
    throw;
  } catch (const CredentialUnavailable& e) {
    throw CredentialUnavailable(description() + ": " + redact(e.what()));
  } catch (const Error& e) {
    if (cached != m_cache.end() && started + k_minimum_left < cached->second.token.expires_on) {
      spdlog::debug("{}: refreshing the token for {} failed; the cached one is still valid",
                    description(), terminal::sanitize(audience));
      return cached->second.token;
    }
    throw Error(description() + ": " + redact(e.what()), ExitStatus::azure_failure);
  }
  const auto lifetime = std::chrono::duration_cast<seconds>(fetched.token.expires_on - started);
  const auto margin = std::max(seconds(0), std::min(k_refresh_margin, lifetime / 2));
  m_cache[audience] = Entry{fetched.token, fetched.token.expires_on - margin};
  if (!fetched.tenant_id.empty()) {
    m_tenant_id = fetched.tenant_id;
  }
  if (!fetched.client_id.empty()) {
    m_client_id = fetched.client_id;
  }
  spdlog::debug("{}: got a token for {}, valid for {} s", description(),
                terminal::sanitize(audience), lifetime.count());
  return fetched.token;
}

CredentialInfo CachingCredential::info() const
{
  std::lock_guard<std::mutex> lock(m_mutex);
  return CredentialInfo{description(), m_tenant_id, m_client_id};
}

TokenClaims read_token_claims(std::string_view token)
{
  TokenClaims out;
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return out;
  }
  const auto payload = credentials::base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload) {
    return out;
  }
  const auto claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object()) {
    return out;
  }
  out.jwt = true;
  out.tenant_id = claim(claims, "tid");
  out.object_id = claim(claims, "oid");
  out.app_id = claim(claims, "appid");
  if (out.app_id.empty()) {
    out.app_id = claim(claims, "azp");
  }
  for (const char* name : {"upn", "unique_name", "preferred_username"}) {
    if (out.upn.empty()) {
      out.upn = claim(claims, name);
    }
  }
  for (const char* name : {"roles", "groups"}) {
    const auto it = claims.find(name);
    if (it == claims.end() || !it->is_array()) {
      continue;
    }
    for (const auto& item : *it) {
      if (item.is_string()) {
        (std::string_view(name) == "roles" ? out.roles : out.groups)
            .push_back(item.get<std::string>());
      }
    }
  }
  const std::string scopes = claim(claims, "scp");
  for (std::size_t start = 0; start < scopes.size();) {
    const auto space = std::min(scopes.find(' ', start), scopes.size());
    if (space > start) {
      out.scopes.push_back(scopes.substr(start, space - start));
    }
    start = space + 1;
  }
  // Too many groups for the token: Entra names a claim source instead of the list.
  const auto names = claims.find("_claim_names");
  out.group_overage = names != claims.end() && names->is_object() && names->contains("groups");
  return out;
}

} // namespace dftriage::azure
