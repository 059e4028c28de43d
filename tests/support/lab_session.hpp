#pragma once

// Test support: an in-process lab over HTTPS seeded from alert files, with a Cloud and a
// credential for it, and a live Client talking to it through the curl transport.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/lab/lab.hpp"

#include <filesystem>
#include <httplib.h>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>

namespace dftriage::test {

// Returns a Cloud for the lab's connection JSON (the first line of `lab serve`).
inline azure::Cloud cloud_of(const nlohmann::ordered_json& c)
{
  auto strip = [](std::string s) {
    while (!s.empty() && s.back() == '/') {
      s.pop_back();
    }
    return s;
  };
  const auto& e = c["cloud"]["endpoints"];
  azure::Cloud cloud;
  cloud.name = c["cloud"]["name"];
  cloud.resource_manager = strip(e["resourceManager"]);
  cloud.authority = strip(e["activeDirectory"]);
  cloud.keyvault_suffix = c["cloud"]["suffixes"]["keyvaultDns"];
  cloud.graph = strip(e["microsoftGraphResourceId"]);
  cloud.log_analytics = strip(e["logAnalyticsResourceId"]);
  cloud.arm_audience = e["activeDirectoryResourceId"];
  cloud.keyvault_audience = "https://vault.azure.net";
  cloud.graph_audience = e["microsoftGraphResourceId"];
  cloud.log_analytics_audience = e["logAnalyticsResourceId"];
  cloud.ca_bundle = c.value("caCertificate", "");
  return cloud;
}

// A client-secret credential for the lab's token endpoint (test-only; tokens cached).
class LabTestCredential : public azure::TokenCredential
{
public:
  LabTestCredential(nlohmann::ordered_json connection, int port)
      : m_c(std::move(connection))
      , m_port(port)
  {
  }

  azure::AccessToken get_token(const std::string& audience) override
  {
    if (auto it = m_cache.find(audience); it != m_cache.end()) {
      return it->second;
    }
    httplib::SSLClient http("127.0.0.1", m_port);
    http.set_ca_cert_path(m_c["caCertificate"].get<std::string>().c_str());
    http.enable_server_certificate_verification(true);
    const std::string form =
        "grant_type=client_credentials&client_id=" + m_c["clientId"].get<std::string>() +
        "&client_secret=" + m_c["clientSecret"].get<std::string>() +
        "&scope=" + httplib::detail::encode_query_param(audience + "/.default");
    auto r = http.Post("/" + m_c["tenantId"].get<std::string>() + "/oauth2/v2.0/token", form,
                       "application/x-www-form-urlencoded");
    if (!r || r->status != 200) {
      throw std::runtime_error("lab token request failed");
    }
    azure::AccessToken t{nlohmann::json::parse(r->body)["access_token"].get<std::string>(),
                         std::chrono::system_clock::now() + std::chrono::minutes(30)};
    m_cache[audience] = t;
    ++requests;
    return t;
  }
  std::string description() const override { return "lab test credential"; }

  int requests = 0;

private:
  nlohmann::ordered_json m_c;
  int m_port;
  std::map<std::string, azure::AccessToken> m_cache;
};

// A started lab with everything needed to talk to it.
struct LabSession
{
  explicit LabSession(std::vector<std::string> seeds, std::vector<std::string> faults = {},
                      int token_lifetime_s = 3600)
  {
    state_dir =
        std::filesystem::temp_directory_path() /
        ("dftriage-labsession-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()));
    lab::LabOptions options;
    options.https = true;
    options.state_dir = state_dir.string();
    options.seed_files = std::move(seeds);
    options.fault_rules = std::move(faults);
    options.token_lifetime_s = token_lifetime_s;
    lab = std::make_unique<lab::Lab>(options);
    lab->start();
    connection = lab->connection();
    cloud = cloud_of(connection);
    credential = std::make_unique<LabTestCredential>(connection, lab->port());
    azure::TransportOptions transport_options;
    transport_options.ca_bundle = cloud.ca_bundle;
    transport = azure::make_curl_transport(transport_options);
    azure::ClientOptions client_options;
    client_options.sleep = [](std::chrono::milliseconds) {};
    client = std::make_unique<azure::Client>(cloud, credential.get(), *transport, client_options);
  }
  ~LabSession()
  {
    // The client's kept-alive connections are closed first: httplib's stop() waits for
    // an open idle connection until its keep-alive timeout (5 s) runs out.
    client.reset();
    transport.reset();
    credential.reset();
    lab->stop();
    std::error_code ignored;
    std::filesystem::remove_all(state_dir, ignored);
  }

  static int& counter()
  {
    static int n = 0;
    return n;
  }

  std::filesystem::path state_dir;
  std::unique_ptr<lab::Lab> lab;
  nlohmann::ordered_json connection;
  azure::Cloud cloud;
  std::unique_ptr<LabTestCredential> credential;
  std::unique_ptr<azure::HttpTransport> transport;
  std::unique_ptr<azure::Client> client;
};

} // namespace dftriage::test
