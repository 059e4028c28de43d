#include "connection.hpp"

#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/util/error.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace dftriage::cli {

namespace {

std::string without_slash(std::string s)
{
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

// The lab's connection object as a Cloud (field names of `az cloud show`).
azure::Cloud lab_cloud(const nlohmann::ordered_json& c)
{
  const auto& e = c.at("cloud").at("endpoints");
  azure::Cloud cloud;
  cloud.name = c["cloud"].value("name", "DftriageLab");
  cloud.resource_manager = without_slash(e.at("resourceManager"));
  cloud.authority = without_slash(e.at("activeDirectory"));
  cloud.keyvault_suffix = c["cloud"].at("suffixes").at("keyvaultDns");
  cloud.graph = without_slash(e.at("microsoftGraphResourceId"));
  cloud.log_analytics = without_slash(e.at("logAnalyticsResourceId"));
  cloud.arm_audience = e.at("activeDirectoryResourceId");
  cloud.keyvault_audience = "https://vault.azure.net";
  cloud.graph_audience = e.at("microsoftGraphResourceId");
  cloud.log_analytics_audience = e.at("logAnalyticsResourceId");
  cloud.ca_bundle = c.value("caCertificate", "");
  return cloud;
}

// The lab's service principal: OAuth2 client credentials through the transport, one
// token per audience until shortly before it expires.
class LabPrincipal : public azure::TokenCredential
{
public:
  LabPrincipal(const azure::Cloud& cloud, azure::HttpTransport& transport, std::string tenant, std::string client,
               std::string secret)
    : m_cloud(cloud), m_transport(transport), m_tenant(std::move(tenant)), m_client(std::move(client)),
      m_secret(std::move(secret))
  {
  }

  azure::AccessToken get_token(const std::string& audience) override
  {
    const auto now = std::chrono::system_clock::now();
    if (const auto it = m_cache.find(audience); it != m_cache.end() && it->second.expires_on - now > std::chrono::minutes(5)) {
      return it->second;
    }
    azure::HttpRequest request;
    request.method = "POST";
    request.url = m_cloud.authority + "/" + azure::encode_segment(m_tenant) + "/oauth2/v2.0/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = "grant_type=client_credentials&client_id=" + azure::encode_query_value(m_client)
                   + "&client_secret=" + azure::encode_query_value(m_secret)
                   + "&scope=" + azure::encode_query_value(audience + "/.default");
    const auto response = m_transport.send(request);
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status != 200 || !body.is_object() || !body.contains("access_token")) {
      throw Error("the lab's token endpoint refused the lab principal (HTTP " + std::to_string(response.status) + ")",
                  ExitStatus::azure_failure);
    }
    azure::AccessToken token{body["access_token"].get<std::string>(),
                             now + std::chrono::seconds(body.value("expires_in", 3600))};
    m_cache[audience] = token;
    return token;
  }

  std::string description() const override { return "client " + m_client + " in tenant " + m_tenant + " (lab)"; }

private:
  const azure::Cloud& m_cloud;
  azure::HttpTransport& m_transport;
  std::string m_tenant;
  std::string m_client;
  std::string m_secret;
  std::map<std::string, azure::AccessToken> m_cache;
};

} // namespace

Connection::~Connection()
{
  client.reset();
  if (lab) {
    lab->stop();
  }
  if (!lab_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(lab_dir, ignored);
  }
}

std::string Connection::principal() const
{
  return credential ? credential->description() : std::string();
}

std::unique_ptr<Connection> connect_lab(const std::vector<std::string>& seed_files)
{
  auto owner = std::make_unique<Connection>();
  Connection& c = *owner;
  c.mode = "lab";
  c.lab_dir = (std::filesystem::temp_directory_path() / ("dftriage-lab-" + std::to_string(::getpid()))).string();
  lab::LabOptions options;
  options.https = true;
  options.state_dir = c.lab_dir;
  options.seed_files = seed_files;
  c.lab = std::make_unique<lab::Lab>(options);
  c.lab->start();
  const auto connection = c.lab->connection();
  c.cloud = lab_cloud(connection);
  c.subscription = connection.value("subscriptionId", "");
  azure::TransportOptions transport;
  transport.ca_bundle = c.cloud.ca_bundle;
  c.transport = azure::make_curl_transport(transport);
  c.credential = std::make_unique<LabPrincipal>(c.cloud, *c.transport, connection.at("tenantId"),
                                                connection.at("clientId"), connection.at("clientSecret"));
  c.client = std::make_unique<azure::Client>(c.cloud, c.credential.get(), *c.transport);
  return owner;
}

std::unique_ptr<Connection> connect_cloud()
{
  const char* file = std::getenv("DFTRIAGE_CLOUD");
  if (file == nullptr || *file == '\0') {
    throw UsageError("acting on Azure itself needs the credential chain, which is not built yet; "
                     "use --lab, a lab's connection file in DFTRIAGE_CLOUD, or --dry-run");
  }
  std::ifstream in(file, std::ios::binary);
  std::string first_line;
  if (!in || !std::getline(in, first_line)) {
    throw InputError(std::string(file) + ": cannot read the cloud file");
  }
  nlohmann::ordered_json c;
  try {
    c = nlohmann::ordered_json::parse(first_line);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(std::string(file) + ":1: not JSON: " + e.what());
  }
  if (!c.contains("cloud") || !c.contains("clientSecret")) {
    throw UsageError(std::string(file) + ": only a lab's connection line is understood until the credential chain lands");
  }
  auto owner = std::make_unique<Connection>();
  Connection& conn = *owner;
  conn.mode = "lab";
  conn.cloud = lab_cloud(c);
  conn.subscription = c.value("subscriptionId", "");
  azure::TransportOptions transport;
  transport.ca_bundle = conn.cloud.ca_bundle;
  conn.transport = azure::make_curl_transport(transport);
  conn.credential = std::make_unique<LabPrincipal>(conn.cloud, *conn.transport, c.at("tenantId"), c.at("clientId"),
                                                   c.at("clientSecret"));
  conn.client = std::make_unique<azure::Client>(conn.cloud, conn.credential.get(), *conn.transport);
  return owner;
}

} // namespace dftriage::cli
