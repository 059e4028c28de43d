#pragma once

// The credentials of dftriage, chained like the Azure SDKs' DefaultAzureCredential and
// read from the same environment variables. Every request they make goes through an
// HttpTransport; tokens are cached per audience and never logged.

#include "dftriage/azure/cloud_config.hpp"
#include "dftriage/azure/credentials.hpp"
#include "dftriage/azure/http.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::azure {

using SystemClock = std::chrono::system_clock;

// What the credentials share: where HTTP goes, the clock and how to wait.
struct CredentialContext
{
  // Sends every request of the credential; must outlive it. Null only for the Azure CLI.
  HttpTransport* transport = nullptr;
  // The wall clock; empty: system_clock::now.
  std::function<SystemClock::time_point()> now;
  // Waits between retries of a token request; empty: a sleep that Ctrl-C ends with
  // Interrupted.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Caches tokens per audience until shortly before expiry (5 minutes, or half the token's
// lifetime when that is less); when a refresh fails while the cached token still has 30
// seconds left, hands that out. Errors are prefixed with description() and have every
// registered secret replaced by "***".
class CachingCredential : public TokenCredential
{
public:
  // A token as a credential got it, with who it is for as far as the answer says.
  struct Fetched
  {
    AccessToken token;
    std::string tenant_id; // "" when this credential does not know it
    std::string client_id;
  };

  AccessToken get_token(const std::string& audience) final;
  void forget_token(const std::string& audience) final;
  CredentialInfo info() const override;

protected:
  explicit CachingCredential(CredentialContext context);
  // Gets a fresh token; throws CredentialUnavailable or Error with the bare reason.
  virtual Fetched fetch(const std::string& audience) = 0;
  // Registers a value that must never appear in an error message.
  void add_secret(std::string secret);
  // Records whom the credential is for before any token was fetched (info() shows it).
  void set_identity(std::string tenant_id, std::string client_id);
  SystemClock::time_point now() const;
  const CredentialContext& context() const { return m_context; }

private:
  struct Entry
  {
    AccessToken token;
    SystemClock::time_point refresh_at;
  };
  std::string redact(std::string message) const;

  CredentialContext m_context;
  std::vector<std::string> m_secrets;
  mutable std::mutex m_mutex;
  std::map<std::string, Entry> m_cache;
  std::string m_tenant_id;
  std::string m_client_id;
};

// OAuth 2.0 client credentials with a secret, POSTed to
// {authority}/{tenant}/oauth2/v2.0/token with scope = audience + "/.default".
class ClientSecretCredential : public CachingCredential
{
public:
  // `authority` is the cloud's endpoints.activeDirectory (no trailing '/'); `label`
  // says where the settings came from ("environment", "cloud file lab.json").
  ClientSecretCredential(std::string authority, ClientSecretSettings settings,
                         CredentialContext context, std::string label = "environment");
  std::string description() const override;

protected:
  Fetched fetch(const std::string& audience) override;

private:
  std::string m_authority;
  ClientSecretSettings m_settings;
  std::string m_label;
};

// Client credentials with a certificate: an RS256 JWT client assertion (x5t = base64url
// SHA-1 thumbprint of the certificate, aud = the token endpoint, iss = sub = the client,
// jti, nbf, exp in 10 minutes) signed with the private key of a PEM file holding the
// certificate and an RSA key (AZURE_CLIENT_CERTIFICATE_PATH; an encrypted key takes
// AZURE_CLIENT_CERTIFICATE_PASSWORD). The file is read at the first token request.
class ClientCertificateCredential : public CachingCredential
{
public:
  ClientCertificateCredential(std::string authority, std::string tenant_id, std::string client_id,
                              std::string pem_path, CredentialContext context,
                              std::string password = {});
  ~ClientCertificateCredential() override;
  std::string description() const override;

  // Returns the signed client assertion for `token_url` (loading the PEM first if
  // needed); throws Error when the file has no certificate or no RSA key matching it.
  std::string make_assertion(const std::string& token_url);

protected:
  Fetched fetch(const std::string& audience) override;

private:
  struct Key;
  void load();

  std::string m_authority;
  std::string m_tenant_id;
  std::string m_client_id;
  std::string m_pem_path;
  std::string m_password;
  std::unique_ptr<Key> m_key;
};

// Workload identity federation: the token in AZURE_FEDERATED_TOKEN_FILE (read again for
// every request, as it rotates) as the client assertion.
class WorkloadIdentityCredential : public CachingCredential
{
public:
  WorkloadIdentityCredential(std::string authority, std::string tenant_id, std::string client_id,
                             std::string token_file, CredentialContext context);
  std::string description() const override;

protected:
  Fetched fetch(const std::string& audience) override;

private:
  std::string m_authority;
  std::string m_tenant_id;
  std::string m_client_id;
  std::string m_token_file;
};

struct ManagedIdentityOptions
{
  static constexpr const char* k_default_imds = "http://169.254.169.254";
  static constexpr const char* k_imds_api_version = "2018-02-01";
  static constexpr const char* k_app_service_api_version = "2019-08-01";

  // The IMDS origin (the lab's on 127.0.0.1 in tests); the path is added.
  std::string imds_endpoint = k_default_imds;
  // App Service's IDENTITY_ENDPOINT and IDENTITY_HEADER; when both are set, they are
  // used instead of IMDS.
  std::string identity_endpoint;
  std::string identity_header;
  // A user-assigned identity's client ID; "": the system-assigned identity.
  std::string client_id;
};

// Managed identity: IMDS (GET /metadata/identity/oauth2/token?api-version=2018-02-01
// &resource=..., "Metadata: true") or App Service (GET IDENTITY_ENDPOINT?api-version=
// 2019-08-01&resource=..., X-IDENTITY-HEADER). Unavailable when IMDS does not answer
// (give the transport a short connect timeout) or has no identity for this host.
class ManagedIdentityCredential : public CachingCredential
{
public:
  ManagedIdentityCredential(ManagedIdentityOptions options, CredentialContext context);
  std::string description() const override;

protected:
  Fetched fetch(const std::string& audience) override;

private:
  Fetched fetch_imds(const std::string& audience);
  Fetched fetch_app_service(const std::string& audience);

  ManagedIdentityOptions m_options;
  bool m_imds_answered = false;
};

struct AzureCliOptions
{
  static constexpr std::chrono::milliseconds k_default_timeout{60'000};

  // The PATH searched for `az` (colon-separated).
  std::string path;
  std::chrono::milliseconds timeout = k_default_timeout;
};

// The Azure CLI's login: `az account get-access-token --resource AUDIENCE -o json`, run
// directly (fork and exec, no shell). Unavailable when az is not on the PATH or not
// logged in.
class AzureCliCredential : public CachingCredential
{
public:
  AzureCliCredential(AzureCliOptions options, CredentialContext context);
  std::string description() const override;

protected:
  Fetched fetch(const std::string& audience) override;

private:
  AzureCliOptions m_options;
};

// Tries its credentials in order until one gives a token, then keeps to that one. Moves
// on after CredentialUnavailable; stops at any other failure. The error lists every
// credential tried and why it failed. info() is the chosen credential's, or the only
// one's while none has answered yet.
class ChainedCredential : public TokenCredential
{
public:
  explicit ChainedCredential(std::vector<std::unique_ptr<TokenCredential>> credentials);
  AccessToken get_token(const std::string& audience) override;
  void forget_token(const std::string& audience) override;
  std::string description() const override;
  CredentialInfo info() const override;

private:
  std::vector<std::unique_ptr<TokenCredential>> m_credentials;
  TokenCredential* m_chosen = nullptr;
};

// Reads an environment variable: nullopt when unset.
using EnvironmentReader = std::function<std::optional<std::string>(const std::string&)>;

struct DefaultCredentialOptions
{
  static constexpr std::chrono::milliseconds k_imds_connect_timeout{1'000};
  static constexpr std::chrono::milliseconds k_imds_total_timeout{10'000};
  static constexpr const char* k_imds_env = "DFTRIAGE_IMDS_ENDPOINT";

  // Empty: the process environment.
  EnvironmentReader getenv;
  // Sends Entra and App Service requests; null: a libcurl transport trusting the
  // cloud's CA bundle.
  HttpTransport* transport = nullptr;
  // Sends IMDS requests; null: libcurl with the short IMDS timeouts above.
  HttpTransport* imds_transport = nullptr;
  // The IMDS origin; "": $DFTRIAGE_IMDS_ENDPOINT, else http://169.254.169.254.
  std::string imds_endpoint;
  std::function<SystemClock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::chrono::milliseconds az_timeout = AzureCliOptions::k_default_timeout;
};

// Returns the credential for `config`'s cloud. When the cloud file carries a client
// secret (a lab's connection line), that secret alone, labelled "cloud file PATH";
// nothing from the environment is tried in its place. Otherwise the chain of
// DefaultAzureCredential:
// 1. environment: AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, else
//    AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD);
// 2. workload identity: AZURE_FEDERATED_TOKEN_FILE + AZURE_TENANT_ID + AZURE_CLIENT_ID;
// 3. managed identity: IDENTITY_ENDPOINT + IDENTITY_HEADER, else IMDS; AZURE_CLIENT_ID
//    picks a user-assigned identity;
// 4. the Azure CLI.
// AZURE_AUTHORITY_HOST replaces the cloud's authority for 1 and 2. Throws Error when a
// transport cannot be made.
std::unique_ptr<TokenCredential> make_default_credential(const CloudConfig& config,
                                                         DefaultCredentialOptions options = {});

} // namespace dftriage::azure
