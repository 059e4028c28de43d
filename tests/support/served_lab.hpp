#pragma once

// A lab served by `dftriage lab serve --https` in the background, for end-to-end tests
// that drive the dftriage binary against it as a responder would, and what they read
// back from it.

#include "support/example_ids.hpp"
#include "support/files.hpp"
#include "support/lab_session.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <httplib.h>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace dftriage::test::served {

using dftriage::test::run_process;
using dftriage::test::Server;

// A lab served by `dftriage lab serve` in the background, with its connection file.
struct ServedLab
{
  // `retry_after`: the seconds long-running operations ask between polls; `more`: further
  // lab serve arguments (--role, --deny).
  explicit ServedLab(const std::string& name, std::vector<std::string> faults = {},
                     const std::string& seed = k_kv_alert, const std::string& retry_after = "0",
                     const std::vector<std::string>& more = {})
      : dir(std::filesystem::temp_directory_path() /
            ("dftriage-e2e-" + std::to_string(::getpid()) + "-" + name))
  {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // Long-running operations answer with Retry-After: 0 (unless told) so that the walks
    // stay quick.
    std::vector<std::string> argv{k_bin,
                                  "lab",
                                  "serve",
                                  "--seed",
                                  seed,
                                  "--https",
                                  "--state-dir",
                                  (dir / "lab").string(),
                                  "--record",
                                  (dir / "record.ndjson").string(),
                                  "--retry-after",
                                  retry_after};
    for (const auto& f : faults) {
      argv.push_back("--fault");
      argv.push_back(f);
    }
    argv.insert(argv.end(), more.begin(), more.end());
    server = std::make_unique<Server>(argv);
    REQUIRE(!server->first_line().empty());
    connection = nlohmann::ordered_json::parse(server->first_line());
    cloud_file = (dir / "lab.json").string();
    std::ofstream(cloud_file) << server->first_line() << "\n";
    cloud = dftriage::test::cloud_of(connection);
    const auto rm = connection["cloud"]["endpoints"]["resourceManager"].get<std::string>();
    port = std::stoi(rm.substr(rm.rfind(':') + 1));
    credential = std::make_unique<dftriage::test::LabTestCredential>(connection, port);
  }
  ~ServedLab()
  {
    server->stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // Runs dftriage with this lab as the cloud.
  dftriage::test::ProcessResult run(std::vector<std::string> args,
                                    std::map<std::string, std::string> env = {}) const
  {
    args.insert(args.begin(), k_bin);
    env["DFTRIAGE_CLOUD"] = cloud_file;
    return run_process(args, {}, env);
  }

  // GETs an ARM path from the lab.
  nlohmann::ordered_json get(const std::string& path, const std::string& api_version)
  {
    return get_status(path + "?api-version=" + api_version, cloud.arm_audience).second;
  }
  // GETs `path_and_query` with a token for `audience`; returns the status and the body
  // (null when empty).
  std::pair<int, nlohmann::ordered_json> get_status(const std::string& path_and_query,
                                                    const std::string& audience)
  {
    httplib::SSLClient http("127.0.0.1", port);
    http.set_ca_cert_path(connection["caCertificate"].get<std::string>().c_str());
    http.enable_server_certificate_verification(true);
    const auto token = credential->get_token(audience).token;
    auto r = http.Get(path_and_query.c_str(), {{"Authorization", "Bearer " + token}});
    REQUIRE(r);
    return {r->status,
            r->body.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json::parse(r->body)};
  }
  nlohmann::ordered_json vault() { return get(k_example_vault, "2026-02-01"); }
  std::string alert_status()
  {
    return get(k_example_kv_alert_id, "2022-01-01")["properties"]["status"];
  }
  // Whether the demo's exposed (older) secret version is enabled, from the Key Vault data plane.
  bool secret_enabled()
  {
    httplib::SSLClient http("kv-payments-prod.vault.localhost", port);
    http.set_ca_cert_path(connection["caCertificate"].get<std::string>().c_str());
    http.enable_server_certificate_verification(true);
    http.set_hostname_addr_map({{"kv-payments-prod.vault.localhost", "127.0.0.1"}});
    const auto token = credential->get_token("https://vault.azure.net").token;
    auto r = http.Get("/secrets/payments-db-password/versions?api-version=2025-07-01",
                      {{"Authorization", "Bearer " + token}});
    REQUIRE(r);
    const auto versions = nlohmann::json::parse(r->body);
    for (const auto& v : versions["value"]) {
      if (v["id"].get<std::string>().find("27adf9a09c6a4db489eed3fa3b312184") !=
          std::string::npos) {
        return v["attributes"]["enabled"];
      }
    }
    FAIL("the demo secret version is missing");
    return false;
  }

  // Counts the changes the lab received per "METHOD path" (token requests aside).
  std::map<std::string, int> changes_received() const
  {
    std::map<std::string, int> out;
    std::istringstream lines(read_file((dir / "record.ndjson").string()));
    for (std::string line; std::getline(lines, line);) {
      const auto pair = nlohmann::json::parse(line);
      const std::string method = pair["liveRequest"]["method"];
      const std::string url = pair["liveRequest"]["url"];
      if (method != "GET" && url.find("/oauth2/") == std::string::npos) {
        ++out[method + " " + url.substr(0, url.find('?'))];
      }
    }
    return out;
  }

  std::filesystem::path dir;
  std::unique_ptr<Server> server;
  nlohmann::ordered_json connection;
  std::string cloud_file;
  dftriage::azure::Cloud cloud;
  int port = 0;
  std::unique_ptr<dftriage::test::LabTestCredential> credential;
};

inline nlohmann::ordered_json outcomes_of(const std::string& out)
{
  nlohmann::ordered_json by_step = nlohmann::ordered_json::object();
  const auto record = nlohmann::ordered_json::parse(out);
  for (const auto& s : record[0]["steps"]) {
    by_step[s["id"].get<std::string>()] = s["outcome"];
  }
  return by_step;
}

inline std::string nsg_of(ServedLab& lab)
{
  const auto nic = lab.get(k_example_nic, "2024-05-01");
  return nic["properties"]["networkSecurityGroup"]["id"];
}

// The Resource Manager alert as the lab holds it (the export names no alert resource ID).
inline nlohmann::ordered_json rm_alert(ServedLab& lab)
{
  const auto list =
      lab.get(k_example_subscription + "/providers/Microsoft.Security/alerts", "2022-01-01");
  for (const auto& a : list["value"]) {
    if (a["properties"]["systemAlertId"] == "8f14e45f-ceea-467e-a8a2-6c1d7b9e0a31") {
      return a;
    }
  }
  FAIL("the lab holds no Resource Manager alert");
  return {};
}

} // namespace dftriage::test::served
