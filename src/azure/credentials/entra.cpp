// Client credentials against Entra ID with a secret or a federated (workload identity)
// token as the client assertion.

#include "azure/credentials/support.hpp"
#include "dftriage/util/text.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dftriage::azure {

namespace {

// A federated token larger than this is not a token.
constexpr std::size_t k_max_federated_token = std::size_t{64} * 1024;

std::string read_token_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read the federated token file " + text::quote(path) + " (" +
                    std::strerror(errno) + ")",
                ExitStatus::azure_failure);
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string token(text::trim(content.str()));
  if (token.empty() || token.size() > k_max_federated_token) {
    throw Error("the federated token file " + text::quote(path) + " holds no token",
                ExitStatus::azure_failure);
  }
  return token;
}

} // namespace

ClientSecretCredential::ClientSecretCredential(std::string authority, ClientSecretSettings settings,
                                               CredentialContext context, std::string label)
    : CachingCredential(std::move(context))
    , m_authority(std::move(authority))
    , m_settings(std::move(settings))
    , m_label(std::move(label))
{
  add_secret(m_settings.client_secret);
  set_identity(m_settings.tenant_id, m_settings.client_id);
}

std::string ClientSecretCredential::description() const
{
  return "client secret (" + m_label + ")";
}

CachingCredential::Fetched ClientSecretCredential::fetch(const std::string& audience)
{
  const std::string url = credentials::token_endpoint(m_authority, m_settings.tenant_id);
  const credentials::Form form = {{"grant_type", "client_credentials"},
                                  {"client_id", m_settings.client_id},
                                  {"client_secret", m_settings.client_secret},
                                  {"scope", credentials::scope_for(audience)}};
  return {credentials::request_entra_token(context(), url, form), m_settings.tenant_id,
          m_settings.client_id};
}

WorkloadIdentityCredential::WorkloadIdentityCredential(std::string authority, std::string tenant_id,
                                                       std::string client_id,
                                                       std::string token_file,
                                                       CredentialContext context)
    : CachingCredential(std::move(context))
    , m_authority(std::move(authority))
    , m_tenant_id(std::move(tenant_id))
    , m_client_id(std::move(client_id))
    , m_token_file(std::move(token_file))
{
  set_identity(m_tenant_id, m_client_id);
}

std::string WorkloadIdentityCredential::description() const
{
  return "workload identity";
}

CachingCredential::Fetched WorkloadIdentityCredential::fetch(const std::string& audience)
{
  const std::string url = credentials::token_endpoint(m_authority, m_tenant_id);
  const std::string assertion = read_token_file(m_token_file);
  add_secret(assertion);
  const credentials::Form form = {{"grant_type", "client_credentials"},
                                  {"client_id", m_client_id},
                                  {"client_assertion_type", credentials::k_jwt_bearer},
                                  {"client_assertion", assertion},
                                  {"scope", credentials::scope_for(audience)}};
  return {credentials::request_entra_token(context(), url, form), m_tenant_id, m_client_id};
}

} // namespace dftriage::azure
