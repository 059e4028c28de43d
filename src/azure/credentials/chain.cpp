// The credential chain, and DefaultAzureCredential's order read from the environment.

#include "azure/credentials/support.hpp"
#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/util/terminal.hpp"

#include <cstdlib>
#include <spdlog/spdlog.h>

namespace dftriage::azure {

namespace {

// A chain member that is not configured: it says why whenever asked.
class UnavailableCredential : public TokenCredential
{
public:
  UnavailableCredential(std::string name, std::string reason)
      : m_name(std::move(name))
      , m_reason(std::move(reason))
  {
  }
  AccessToken get_token(const std::string&) override
  {
    throw CredentialUnavailable(m_name + ": " + m_reason);
  }
  std::string description() const override { return m_name; }

private:
  std::string m_name;
  std::string m_reason;
};

// The chain with the transports its credentials send through.
class DefaultCredential : public TokenCredential
{
public:
  DefaultCredential(std::vector<std::unique_ptr<HttpTransport>> transports,
                    std::vector<std::unique_ptr<TokenCredential>> credentials)
      : m_transports(std::move(transports))
      , m_chain(std::move(credentials))
  {
  }
  AccessToken get_token(const std::string& audience) override
  {
    return m_chain.get_token(audience);
  }
  void forget_token(const std::string& audience) override { m_chain.forget_token(audience); }
  std::string description() const override { return m_chain.description(); }
  CredentialInfo info() const override { return m_chain.info(); }

private:
  std::vector<std::unique_ptr<HttpTransport>> m_transports; // outlive the chain
  ChainedCredential m_chain;
};

struct Environment
{
  EnvironmentReader read;

  std::string get(const std::string& name) const
  {
    const auto value = read(name);
    return value ? *value : std::string();
  }
  bool has(const std::string& name) const { return !get(name).empty(); }
};

std::string missing(const Environment& env, std::initializer_list<const char*> names)
{
  std::string out;
  for (const char* name : names) {
    if (!env.has(name)) {
      out += std::string(out.empty() ? "" : ", ") + name;
    }
  }
  return out;
}

std::unique_ptr<TokenCredential> environment_credential(const Environment& env,
                                                        const std::string& authority,
                                                        const CredentialContext& context)
{
  const std::string tenant = env.get("AZURE_TENANT_ID");
  const std::string client = env.get("AZURE_CLIENT_ID");
  const bool has_secret = env.has("AZURE_CLIENT_SECRET");
  const bool has_certificate = env.has("AZURE_CLIENT_CERTIFICATE_PATH");
  if (!has_secret && !has_certificate) {
    return std::make_unique<UnavailableCredential>(
        "environment", "not configured (AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH are "
                       "not set)");
  }
  const std::string absent = missing(env, {"AZURE_TENANT_ID", "AZURE_CLIENT_ID"});
  if (!absent.empty()) {
    return std::make_unique<UnavailableCredential>(
        "environment",
        "incomplete: " +
            std::string(has_secret ? "AZURE_CLIENT_SECRET" : "AZURE_CLIENT_CERTIFICATE_PATH") +
            " is set but not " + absent);
  }
  if (has_secret) {
    return std::make_unique<ClientSecretCredential>(
        authority, ClientSecretSettings{tenant, client, env.get("AZURE_CLIENT_SECRET")}, context);
  }
  return std::make_unique<ClientCertificateCredential>(
      authority, tenant, client, env.get("AZURE_CLIENT_CERTIFICATE_PATH"), context,
      env.get("AZURE_CLIENT_CERTIFICATE_PASSWORD"));
}

std::unique_ptr<TokenCredential> workload_credential(const Environment& env,
                                                     const std::string& authority,
                                                     const CredentialContext& context)
{
  if (!env.has("AZURE_FEDERATED_TOKEN_FILE")) {
    return std::make_unique<UnavailableCredential>(
        "workload identity", "not configured (AZURE_FEDERATED_TOKEN_FILE is not set)");
  }
  const std::string absent = missing(env, {"AZURE_TENANT_ID", "AZURE_CLIENT_ID"});
  if (!absent.empty()) {
    return std::make_unique<UnavailableCredential>(
        "workload identity", "incomplete: AZURE_FEDERATED_TOKEN_FILE is set but not " + absent);
  }
  return std::make_unique<WorkloadIdentityCredential>(
      authority, env.get("AZURE_TENANT_ID"), env.get("AZURE_CLIENT_ID"),
      env.get("AZURE_FEDERATED_TOKEN_FILE"), context);
}

} // namespace

ChainedCredential::ChainedCredential(std::vector<std::unique_ptr<TokenCredential>> credentials)
    : m_credentials(std::move(credentials))
{
}

void ChainedCredential::forget_token(const std::string& audience)
{
  for (const auto& credential : m_credentials) {
    credential->forget_token(audience);
  }
}

AccessToken ChainedCredential::get_token(const std::string& audience)
{
  if (m_chosen != nullptr) {
    return m_chosen->get_token(audience);
  }
  std::string tried;
  std::string stopped_at;
  for (const auto& credential : m_credentials) {
    try {
      AccessToken token = credential->get_token(audience);
      m_chosen = credential.get();
      spdlog::debug("credential chain: {} answered", credential->description());
      return token;
    } catch (const Interrupted&) {
      throw;
    } catch (const CredentialUnavailable& e) {
      tried += std::string(tried.empty() ? "" : "; ") + e.what();
    } catch (const Error& e) {
      tried += std::string(tried.empty() ? "" : "; ") + e.what();
      stopped_at = credential->description();
      break;
    }
  }
  // One line: main() prints errors sanitised, which shows a line break as "\n".
  std::string message =
      "no credential could get a token for " + terminal::sanitize(audience) + ". Tried: " + tried;
  if (!stopped_at.empty()) {
    message += ". The chain stops at " + stopped_at +
               ": it is configured but failed, and no other identity is tried in its place";
  }
  throw Error(message, ExitStatus::azure_failure);
}

std::string ChainedCredential::description() const
{
  if (m_chosen != nullptr) {
    return m_chosen->description();
  }
  std::string names;
  for (const auto& credential : m_credentials) {
    names += (names.empty() ? "" : ", ") + credential->description();
  }
  return "credential chain (" + names + ")";
}

CredentialInfo ChainedCredential::info() const
{
  if (m_chosen != nullptr) {
    return m_chosen->info();
  }
  if (m_credentials.size() == 1) {
    return m_credentials.front()->info();
  }
  return CredentialInfo{description(), {}, {}};
}

std::unique_ptr<TokenCredential> make_default_credential(const CloudConfig& config,
                                                         DefaultCredentialOptions options)
{
  Environment env{options.getenv};
  if (!env.read) {
    env.read = [](const std::string& name) -> std::optional<std::string> {
      const char* value = std::getenv(name.c_str());
      return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    };
  }
  std::vector<std::unique_ptr<HttpTransport>> owned;
  TransportOptions transport_options;
  transport_options.ca_bundle = config.cloud.ca_bundle;
  if (options.transport == nullptr) {
    owned.push_back(make_curl_transport(transport_options));
    options.transport = owned.back().get();
  }
  const CredentialContext context{options.transport, options.now, options.sleep};
  std::vector<std::unique_ptr<TokenCredential>> chain;
  if (config.credentials) {
    // A lab's connection line brings its own principal. Nothing from the environment is
    // tried in its place: a real secret must never go to a lab's token endpoint.
    chain.push_back(std::make_unique<ClientSecretCredential>(
        config.cloud.authority, *config.credentials, context, "cloud file " + config.source));
    return std::make_unique<DefaultCredential>(std::move(owned), std::move(chain));
  }
  if (options.imds_transport == nullptr) {
    transport_options.connect_timeout = DefaultCredentialOptions::k_imds_connect_timeout;
    transport_options.total_timeout = DefaultCredentialOptions::k_imds_total_timeout;
    owned.push_back(make_curl_transport(transport_options));
    options.imds_transport = owned.back().get();
  }
  CredentialContext imds_context = context;
  imds_context.transport = options.imds_transport;

  std::string authority = env.get("AZURE_AUTHORITY_HOST");
  authority = authority.empty() ? config.cloud.authority : authority;

  chain.push_back(environment_credential(env, authority, context));
  chain.push_back(workload_credential(env, authority, context));

  ManagedIdentityOptions managed;
  managed.identity_endpoint = env.get("IDENTITY_ENDPOINT");
  managed.identity_header = env.get("IDENTITY_HEADER");
  managed.client_id = env.get("AZURE_CLIENT_ID");
  if (!options.imds_endpoint.empty()) {
    managed.imds_endpoint = options.imds_endpoint;
  } else if (env.has(DefaultCredentialOptions::k_imds_env)) {
    managed.imds_endpoint = env.get(DefaultCredentialOptions::k_imds_env);
  }
  const bool app_service = !managed.identity_endpoint.empty() && !managed.identity_header.empty();
  chain.push_back(
      std::make_unique<ManagedIdentityCredential>(managed, app_service ? context : imds_context));

  AzureCliOptions az;
  az.path = env.has("PATH") ? env.get("PATH") : "/usr/local/bin:/usr/bin:/bin";
  az.timeout = options.az_timeout;
  chain.push_back(std::make_unique<AzureCliCredential>(az, context));
  return std::make_unique<DefaultCredential>(std::move(owned), std::move(chain));
}

} // namespace dftriage::azure
