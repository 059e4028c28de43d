// Benchmark of the Azure client against the lab: N GETs with --latency-ms added to every
// response, sequentially and from several clients at once (the client is not
// thread-safe, so concurrency is one client and transport per thread). Prints requests
// per second and the ratio to the latency floor (what the latency alone allows).
//
//   dftriage_bench_client [--requests N] [--latency-ms L] [--threads T]

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/lab/lab.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace dftriage;

// Client-credentials tokens from the lab, through the same transport kind.
class LabTokens : public azure::TokenCredential
{
public:
  LabTokens(const azure::Cloud& cloud, azure::HttpTransport& transport, nlohmann::ordered_json c)
      : m_cloud(cloud)
      , m_transport(transport)
      , m_c(std::move(c))
  {
  }
  azure::AccessToken get_token(const std::string& audience) override
  {
    if (const auto it = m_cache.find(audience); it != m_cache.end()) {
      return it->second;
    }
    azure::HttpRequest r{
        "POST",
        m_cloud.authority + "/" + m_c["tenantId"].get<std::string>() + "/oauth2/v2.0/token",
        {{"Content-Type", "application/x-www-form-urlencoded"}},
        "grant_type=client_credentials&client_id=" + m_c["clientId"].get<std::string>() +
            "&client_secret=" + m_c["clientSecret"].get<std::string>() +
            "&scope=" + azure::encode_query_value(audience + "/.default")};
    const auto response = m_transport.send(r);
    const auto body = nlohmann::json::parse(response.body);
    azure::AccessToken token{body.at("access_token"),
                             std::chrono::system_clock::now() + std::chrono::hours(1)};
    m_cache[audience] = token;
    return token;
  }
  std::string description() const override { return "lab"; }

private:
  const azure::Cloud& m_cloud;
  azure::HttpTransport& m_transport;
  nlohmann::ordered_json m_c;
  std::map<std::string, azure::AccessToken> m_cache;
};

std::string strip(std::string s)
{
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

// Runs `count` GETs on one client; returns false on any failure.
bool run_gets(const azure::Cloud& cloud, const nlohmann::ordered_json& c, int count)
{
  azure::TransportOptions options;
  options.ca_bundle = cloud.ca_bundle;
  auto transport = azure::make_curl_transport(options);
  LabTokens tokens(cloud, *transport, c);
  azure::Client client(cloud, &tokens, *transport);
  azure::Request r;
  r.method = "GET";
  r.url = cloud.resource_manager + "/subscriptions/" + c["subscriptionId"].get<std::string>() +
          "?api-version=2022-09-01";
  r.audience = "arm";
  for (int i = 0; i < count; ++i) {
    if (client.send(r).status != 200) {
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv)
{
  int requests = 200;
  int latency = 50;
  int threads = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--requests") == 0) {
      requests = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--latency-ms") == 0) {
      latency = std::atoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::atoi(argv[i + 1]);
    }
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("dftriage-bench-lab-" + std::to_string(::getpid()));
  lab::LabOptions options;
  options.https = true;
  options.state_dir = dir.string();
  options.latency_ms = latency;
  lab::Lab lab(options);
  lab.start();
  const auto c = lab.connection();
  azure::Cloud cloud;
  cloud.name = "lab";
  cloud.resource_manager = strip(c["cloud"]["endpoints"]["resourceManager"]);
  cloud.authority = strip(c["cloud"]["endpoints"]["activeDirectory"]);
  cloud.arm_audience = c["cloud"]["endpoints"]["activeDirectoryResourceId"];
  cloud.ca_bundle = c["caCertificate"];

  std::printf("%d GETs against the lab over HTTPS, %d ms latency per response\n\n", requests,
              latency);
  std::printf("%-12s %8s %10s %12s %14s\n", "mode", "threads", "seconds", "requests/s", "vs floor");
  for (const int t : {1, threads}) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    bool ok = true;
    std::vector<char> results(static_cast<std::size_t>(t), 1);
    for (int w = 0; w < t; ++w) {
      workers.emplace_back(
          [&, w] { results[static_cast<std::size_t>(w)] = run_gets(cloud, c, requests / t); });
    }
    for (auto& w : workers) {
      w.join();
    }
    for (const char r : results) {
      ok = ok && r != 0;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int done = (requests / t) * t;
    const double rate = done / seconds;
    const double floor = latency > 0 ? 1000.0 / latency * t : 0;
    std::printf("%-12s %8d %10.2f %12.1f %13.0f%%%s\n", t == 1 ? "sequential" : "concurrent", t,
                seconds, rate, floor > 0 ? 100.0 * rate / floor : 0.0, ok ? "" : "  (FAILURES)");
  }
  lab.stop();
  std::filesystem::remove_all(dir);
  return 0;
}
