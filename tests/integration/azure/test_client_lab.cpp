// The live client (libcurl) against the lab over HTTPS: paging, throttling, server
// errors, dropped connections, expired tokens and certificate checks, end to end on
// 127.0.0.1.

#include "dftriage/azure/azure_error.hpp"
#include "support/example_ids.hpp"
#include "support/lab_session.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

using namespace dftriage;

namespace {

// A GET of `path` on the lab's Resource Manager.
azure::Request arm_get(const test::LabSession& lab, const std::string& path,
                       const std::string& api_version)
{
  azure::Request r;
  r.method = "GET";
  r.url = lab.cloud.resource_manager + path + "?api-version=" + api_version;
  r.audience = "arm";
  return r;
}

// Writes `n` copies of the example alert with distinct names, for paging.
std::string many_alerts(int n)
{
  std::ifstream in(test::k_kv_alert);
  const auto one = nlohmann::ordered_json::parse(in);
  auto all = nlohmann::ordered_json::array();
  for (int i = 0; i < n; ++i) {
    auto a = one;
    const std::string name =
        "2517138462710000000_00000000-0000-4000-8000-00000000000" + std::to_string(i);
    a["name"] = name;
    a["properties"]["systemAlertId"] = name;
    const std::string id = a["id"];
    a["id"] = id.substr(0, id.rfind('/') + 1) + name;
    all.push_back(a);
  }
  auto path = (std::filesystem::temp_directory_path() /
               ("dftriage-many-" + std::to_string(::getpid()) + ".json"))
                  .string();
  std::ofstream(path) << all.dump();
  return path;
}

// Records every wait the client asks for instead of sleeping.
struct Waits
{
  std::vector<std::chrono::milliseconds> seen;
  void install(test::LabSession& lab)
  {
    azure::ClientOptions options;
    options.sleep = [this](std::chrono::milliseconds d) { seen.push_back(d); };
    lab.client =
        std::make_unique<azure::Client>(lab.cloud, lab.credential.get(), *lab.transport, options);
  }
};

} // namespace

TEST_CASE("client follows nextLink through every page the lab serves", "[azure][lab]")
{
  const auto file = many_alerts(5);
  test::LabSession lab({file});
  const auto items = lab.client->list(arm_get(
      lab, test::k_example_subscription + "/providers/Microsoft.Security/alerts", "2022-01-01"));
  CHECK(items.size() == 5); // page size 2: three pages
  std::filesystem::remove(file);
}

TEST_CASE("client waits out a 429 with the lab's Retry-After and retries", "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert}, {"429:GET:1:retry-after=2"});
  Waits waits;
  waits.install(lab);
  const auto response = lab.client->send(arm_get(lab, test::k_example_subscription, "2022-09-01"));
  CHECK(response.status == 200);
  REQUIRE(!waits.seen.empty());
  CHECK(waits.seen.front() >= std::chrono::milliseconds(2000));
}

TEST_CASE("client retries a read after a 503 and after a dropped connection", "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert}, {"503:GET:1", "drop:GET:2"});
  Waits waits;
  waits.install(lab);
  const auto response = lab.client->send(arm_get(lab, test::k_example_subscription, "2022-09-01"));
  CHECK(response.status == 200);
  // At least the 503 was waited out (libcurl itself may reconnect once when a reused
  // connection is closed before any byte of the answer, which the lab's drop can be).
  CHECK(!waits.seen.empty());
  CHECK(!response.request_id.empty());
}

TEST_CASE("client never resends a change whose connection dropped after it was sent",
          "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert}, {"drop:PATCH:1"});
  azure::Request patch =
      arm_get(lab,
              test::k_example_subscription +
                  "/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/"
                  "kv-payments-prod",
              "2026-02-01");
  patch.method = "PATCH";
  patch.mutating = true;
  patch.body = nlohmann::ordered_json{{"tags", {{"incident", "soc"}}}};
  // A read first, so the PATCH goes over a reused connection: libcurl would resend a
  // request on its own when a reused connection dies before any answer.
  CHECK(lab.client->send(arm_get(lab, test::k_example_subscription, "2022-09-01")).status == 200);
  try {
    lab.client->send(patch);
    FAIL("the PATCH should have failed");
  } catch (const azure::TransportError& e) {
    CHECK(e.may_have_reached_server());
  }
  // Nothing was resent: the vault has no such tag.
  const auto vault =
      lab.client->send(arm_get(lab,
                               test::k_example_subscription +
                                   "/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/"
                                   "vaults/kv-payments-prod",
                               "2026-02-01"));
  CHECK(!vault.body["tags"].contains("incident"));
}

TEST_CASE("client reports the lab's ARM error with code, message and request ID", "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert});
  try {
    lab.client->send(
        arm_get(lab, test::k_example_subscription + "/resourceGroups/no-such-group", "2022-09-01"));
    FAIL("expected a 404");
  } catch (const azure::AzureError& e) {
    CHECK(e.http_status() == 404);
    CHECK(e.code() == "ResourceGroupNotFound");
    CHECK(!e.request_id().empty());
    CHECK_THAT(e.what(), Catch::Contains("no-such-group"));
  }
  try {
    lab.client->send(arm_get(lab, test::k_example_subscription, "1999-01-01"));
    FAIL("expected a 400");
  } catch (const azure::AzureError& e) {
    CHECK(e.http_status() == 400);
    CHECK_THAT(e.info().message, Catch::Contains("api-version"));
  }
}

namespace {

// Hands out a new lab token on every call, so that a resend after a 401 can succeed.
class FreshTokens : public azure::TokenCredential
{
public:
  FreshTokens(test::LabSession& lab)
      : m_lab(lab)
  {
  }
  azure::AccessToken get_token(const std::string& audience) override
  {
    ++calls;
    test::LabTestCredential fresh(m_lab.connection, m_lab.lab->port());
    return fresh.get_token(audience);
  }
  std::string description() const override { return "fresh tokens"; }
  int calls = 0;

private:
  test::LabSession& m_lab;
};

} // namespace

TEST_CASE("client asks for a new token once when the lab says the old one expired", "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert}, {}, 1); // tokens live one second
  FreshTokens tokens(lab);
  // A credential that cached the first token hands it out again; the fresh one does not.
  azure::ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  azure::Client client(lab.cloud, &tokens, *lab.transport, options);
  CHECK(client.send(arm_get(lab, test::k_example_subscription, "2022-09-01")).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  test::LabTestCredential stale(lab.connection, lab.lab->port());
  stale.get_token(lab.cloud.arm_audience);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  azure::Client stuck(lab.cloud, &stale, *lab.transport, options);
  CHECK_THROWS_AS(stuck.send(arm_get(lab, test::k_example_subscription, "2022-09-01")),
                  azure::AzureError);
  const int before = tokens.calls;
  CHECK(client.send(arm_get(lab, test::k_example_subscription, "2022-09-01")).status == 200);
  CHECK(tokens.calls > before);
}

TEST_CASE("client refuses the lab's certificate without the lab's CA", "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert});
  auto plain = azure::make_curl_transport({});
  azure::ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  azure::Client client(lab.cloud, lab.credential.get(), *plain, options);
  CHECK_THROWS_AS(client.send(arm_get(lab, test::k_example_subscription, "2022-09-01")),
                  azure::TransportError);
}

namespace {

const std::string k_quarantine_nsg =
    test::k_example_web_group + "/providers/Microsoft.Network/networkSecurityGroups/soc-quarantine";

azure::Request put_nsg(const test::LabSession& lab)
{
  azure::Request put = arm_get(lab, k_quarantine_nsg, "2024-05-01");
  put.method = "PUT";
  put.mutating = true;
  put.body =
      nlohmann::ordered_json{{"location", "westeurope"},
                             {"properties", {{"securityRules", nlohmann::ordered_json::array()}}}};
  return put;
}

} // namespace

TEST_CASE("client polls a long-running operation of the lab to success", "[azure][lab]")
{
  test::LabSession lab({test::k_dns_alert});
  Waits waits;
  waits.install(lab);
  const auto response = lab.client->send(put_nsg(lab));
  // The PUT answered 201 with Azure-AsyncOperation; the client polled it (waiting the
  // lab's Retry-After each time) and then read the resource back.
  CHECK(response.status == 200);
  CHECK(response.body["properties"]["provisioningState"] == "Succeeded");
  CHECK(response.body["name"] == "soc-quarantine");
  REQUIRE(!waits.seen.empty());
  CHECK(waits.seen.front() == std::chrono::milliseconds(1000));
}

TEST_CASE("client reports a long-running operation of the lab that ends Failed", "[azure][lab]")
{
  test::LabSession lab({test::k_dns_alert}, {"lro-failed:PUT:1"});
  try {
    lab.client->send(put_nsg(lab));
    FAIL("the operation should have failed");
  } catch (const azure::AzureError& e) {
    CHECK(e.code() == "InternalOperationError");
    CHECK_THAT(e.info().message, Catch::Contains("lro-failed"));
  }
  // The failed operation changed nothing; the next PUT (the rule fired once) goes through.
  CHECK_THROWS_AS(lab.client->send(arm_get(lab, k_quarantine_nsg, "2024-05-01")),
                  azure::AzureError);
  CHECK(lab.client->send(put_nsg(lab)).status == 200);
}

TEST_CASE("client gives up on a body that stalls and retries the read", "[azure][lab]")
{
  test::LabSession lab({test::k_kv_alert}, {"slow-body:GET:1"});
  azure::TransportOptions quick;
  quick.ca_bundle = lab.cloud.ca_bundle;
  quick.total_timeout = std::chrono::milliseconds(1500);
  auto transport = azure::make_curl_transport(quick);
  Waits waits;
  azure::ClientOptions options;
  options.sleep = [&waits](std::chrono::milliseconds d) { waits.seen.push_back(d); };
  azure::Client client(lab.cloud, lab.credential.get(), *transport, options);
  const auto response = client.send(arm_get(lab, test::k_example_subscription, "2022-09-01"));
  CHECK(response.status == 200);
  CHECK(waits.seen.size() == 1); // one timed-out attempt, then the answer
}
