#include "dftriage/azure/azure_error.hpp"
#include "support/captured_log.hpp"
#include "support/client_harness.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>

using namespace dftriage;
using namespace dftriage::azure;
using dftriage::test::ClientHarness;
using dftriage::test::header_of;
using dftriage::test::k_vault_url;
using dftriage::test::make_request;

namespace {

using CapturedLog = dftriage::test::CapturedLog;

} // namespace

TEST_CASE("send adds the bearer token, the client request ID and the JSON headers")
{
  ClientHarness h;
  h.transport.reply(200, R"({"name":"kv1"})",
                    {{"x-ms-request-id", "req-1"}, {"x-ms-correlation-request-id", "corr-1"}});
  auto request = make_request("PATCH");
  request.body = nlohmann::ordered_json{{"properties", {{"enableSoftDelete", true}}}};
  request.headers.push_back({"If-Match", "\"etag-1\""});
  auto client = h.client();
  const Response response = client.send(request);

  REQUIRE(h.transport.sent().size() == 1);
  const auto& sent = h.transport.sent()[0];
  CHECK(sent.method == "PATCH");
  CHECK(sent.url == k_vault_url);
  CHECK(sent.body == R"({"properties":{"enableSoftDelete":true}})");
  CHECK(header_of(sent, "Authorization") == "Bearer " + test::k_canary_token + "1");
  CHECK(header_of(sent, "Content-Type") == "application/json");
  CHECK(header_of(sent, "Accept") == "application/json");
  CHECK(header_of(sent, "If-Match") == "\"etag-1\"");
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  CHECK(std::regex_match(header_of(sent, "x-ms-client-request-id"), uuid_v4));
  CHECK(h.credential.audiences() ==
        std::vector<std::string>{"https://management.core.windows.net/"});

  CHECK(response.status == 200);
  CHECK(response.body["name"] == "kv1");
  CHECK(response.request_id == "req-1");
  CHECK(response.correlation_id == "corr-1");
  CHECK(response.client_request_id == header_of(sent, "x-ms-client-request-id"));
  CHECK_FALSE(response.dry_run);
}

TEST_CASE("a request without a body has no Content-Type, and each request its own ID")
{
  ClientHarness h;
  auto client = h.client();
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    h.transport.reply(200, "{}");
    client.send(make_request("GET"));
    const auto& sent = h.transport.sent().back();
    CHECK(sent.body.empty());
    CHECK(header_of(sent, "Content-Type").empty());
    ids.insert(header_of(sent, "x-ms-client-request-id"));
  }
  CHECK(ids.size() == 5);
}

TEST_CASE("the token audience follows the request's audience name")
{
  ClientHarness h;
  h.transport.reply(200, "{}").reply(200, "{}");
  auto client = h.client();
  auto graph = make_request("GET", "https://graph.microsoft.com/v1.0/users/u1");
  graph.audience = "graph";
  client.send(graph);
  auto vault = make_request("GET", "https://kv1.vault.azure.net/secrets?api-version=2025-07-01");
  vault.audience = "keyvault";
  client.send(vault);
  CHECK(h.credential.audiences() ==
        std::vector<std::string>{"https://graph.microsoft.com/", "https://vault.azure.net"});
}

TEST_CASE("the observer sees every exchange with the token redacted")
{
  ClientHarness h;
  h.transport.reply(503).reply(200, R"({"ok":true})", {{"x-ms-request-id", "r2"}});
  auto client = h.client();
  client.send(make_request("GET"));
  REQUIRE(h.exchanges.size() == 2);
  CHECK(h.exchanges[0].status == 503);
  CHECK(h.exchanges[0].attempt == 1);
  CHECK(h.exchanges[1].status == 200);
  CHECK(h.exchanges[1].attempt == 2);
  CHECK(h.exchanges[1].request_id == "r2");
  CHECK(h.exchanges[1].response_body == R"({"ok":true})");
  CHECK(h.exchanges[0].client_request_id == h.exchanges[1].client_request_id);
  for (const auto& e : h.exchanges) {
    bool found = false;
    for (const auto& header : e.request_headers) {
      if (header.name == "Authorization") {
        found = true;
        CHECK(header.value == "Bearer ***");
      }
    }
    CHECK(found);
  }
}

TEST_CASE("a 401 asks the credential once more and resends once")
{
  ClientHarness h;
  SECTION("the second token works")
  {
    h.transport.reply(401).reply(200, "{}");
    auto client = h.client();
    CHECK(client.send(make_request("POST")).status == 200);
    CHECK(h.credential.audiences().size() == 2);
    CHECK(header_of(h.transport.sent()[1], "Authorization") ==
          "Bearer " + test::k_canary_token + "2");
    CHECK(h.waits.empty());
  }
  SECTION("a second 401 is an error")
  {
    h.transport.reply(401, R"({"error":{"code":"InvalidAuthenticationToken","message":"bad"}})")
        .reply(401, R"({"error":{"code":"InvalidAuthenticationToken","message":"bad"}})");
    auto client = h.client();
    CHECK_THROWS_AS(client.send(make_request("GET")), AzureError);
    CHECK(h.transport.sent().size() == 2);
  }
}

TEST_CASE("dry-run sends nothing, needs no credential and records the request")
{
  test::FakeTransport transport;
  ClientOptions options;
  options.mode = ClientMode::dry_run;
  Client client(public_cloud(), nullptr, transport, options);
  auto request = make_request("DELETE");
  const Response response = client.send(request);
  CHECK(response.dry_run);
  CHECK(response.status == 0);
  CHECK(response.body == nlohmann::ordered_json{{"dryRun", true}});
  CHECK(client.list(make_request("GET")).empty());
  CHECK(transport.sent().empty());
  REQUIRE(client.dry_run_log().size() == 2);
  CHECK(client.dry_run_log()[0].method == "DELETE");
  CHECK(client.dry_run_log()[0].url == k_vault_url);
}

TEST_CASE("a live client without a credential is refused")
{
  test::FakeTransport transport;
  CHECK_THROWS_WITH(Client(public_cloud(), nullptr, transport),
                    "the Azure client needs a credential to send requests");
}

TEST_CASE("the token is never sent over plain HTTP except to loopback")
{
  ClientHarness h;
  auto client = h.client();
  CHECK_THROWS_WITH(client.send(make_request("GET", "http://management.example.com/x")),
                    "refusing to send a token over plain HTTP to http://management.example.com");
  CHECK(h.transport.sent().empty());
  h.transport.reply(200, "{}");
  CHECK(client.send(make_request("GET", "http://127.0.0.1:8080/x")).status == 200);
}

TEST_CASE("the token never appears in the log or in error messages")
{
  CapturedLog log;
  ClientHarness h;
  h.transport.reply(429, "", {{"Retry-After", "1"}})
      .fail("connection reset", true)
      .reply(401)
      .reply(409, R"({"error":{"code":"Conflict","message":"busy"}})");
  auto client = h.client();
  auto request = make_request("GET");
  std::string message;
  try {
    client.send(request);
  } catch (const AzureError& e) {
    message = e.what();
  }
  CHECK(message.find("409 Conflict") != std::string::npos);
  CHECK(message.find(test::k_canary_token) == std::string::npos);
  const std::string logged = log.text();
  CHECK(logged.find("x-ms-client-request-id") != std::string::npos); // something was logged
  CHECK(logged.find(test::k_canary_token) == std::string::npos);
  CHECK(logged.find("CANARY") == std::string::npos);
  for (const auto& e : h.exchanges) {
    for (const auto& header : e.request_headers) {
      CHECK(header.value.find("CANARY") == std::string::npos);
    }
  }
}

TEST_CASE("an error's message names the request and never holds its body")
{
  ClientHarness h;
  h.transport.reply(409,
                    R"({"error":{"code":"ConflictError","message":"The vault is being updated"}})",
                    {{"x-ms-request-id", "1234"}});
  auto client = h.client();
  auto request = make_request("PATCH");
  request.body = nlohmann::ordered_json{{"value", "a-new-secret-value"}};
  try {
    client.send(request);
    FAIL("no error");
  } catch (const AzureError& e) {
    CHECK(std::string(e.what()) == "PATCH " + k_vault_url +
                                       ": 409 Conflict: ConflictError: The vault is being updated "
                                       "(request ID 1234)");
    CHECK(e.http_status() == 409);
    CHECK(e.status() == ExitStatus::azure_failure);
  }
}

TEST_CASE("the debug log shows request IDs and the remaining request budget")
{
  CapturedLog log;
  ClientHarness h;
  h.transport.reply(200, "{}",
                    {{"x-ms-request-id", "req-7"},
                     {"x-ms-ratelimit-remaining-subscription-writes", "1199\x1b[2J"}});
  auto client = h.client();
  client.send(make_request("PATCH"));
  const std::string logged = log.text();
  CHECK(logged.find("PATCH " + k_vault_url + " -> 200 (attempt 1, x-ms-request-id req-7") !=
        std::string::npos);
  CHECK(logged.find("x-ms-ratelimit-remaining-subscription-writes: 1199\\x1b[2J") !=
        std::string::npos);
  CHECK(logged.find('\x1b') == std::string::npos);
}

TEST_CASE("wait_target names the resource by its last segments, without host or query")
{
  const std::string arm =
      "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/";
  CHECK(wait_target("PUT", arm + "Microsoft.Network/networkSecurityGroups/nsg-1?api-version=1") ==
        "PUT …/networkSecurityGroups/nsg-1");
  CHECK(wait_target("POST",
                    arm + "Microsoft.Compute/virtualMachines/vm-1/runCommand?api-version=1") ==
        "POST …/virtualMachines/vm-1/runCommand");
  CHECK(
      wait_target("GET", arm + "Microsoft.Network/networkInterfaces/nic-1/ipConfigurations/ip1") ==
      "GET …/ipConfigurations/ip1");
  CHECK(wait_target("GET", "https://kv1.vault.azure.net/secrets/db?api-version=7.5#frag") ==
        "GET /secrets/db");
  CHECK(wait_target("GET", "https://graph.microsoft.com/v1.0/users/u1/memberOf") ==
        "GET …/u1/memberOf");
  CHECK(wait_target("GET", "https://user:secret@example.com") == "GET /");
  CHECK(wait_target("GET", arm + "Microsoft.KeyVault/vaults/kv\x1b[2J") ==
        "GET …/vaults/kv\\x1b[2J");
}

TEST_CASE("a wait under the threshold is not told, and an interrupted wait still ends")
{
  ClientHarness h;
  h.transport.reply(429, "", {{"Retry-After", "2"}}).reply(429, "", {{"Retry-After", "5"}});
  std::vector<Wait> told;
  auto options = h.options();
  options.wait_threshold = std::chrono::milliseconds(3000);
  options.wait_observer = [&](const Wait& w) { told.push_back(w); };
  options.sleep = [&](std::chrono::milliseconds d) {
    h.waits.push_back(d);
    if (d == std::chrono::milliseconds(5000)) {
      throw Interrupted();
    }
  };
  Client client(public_cloud(), &h.credential, h.transport, options);
  CHECK_THROWS_AS(client.send(make_request("GET")), Interrupted);

  CHECK(h.waits.size() == 2);
  REQUIRE(told.size() == 2); // the 2 s wait passed silently
  CHECK(told[0].duration == std::chrono::milliseconds(5000));
  CHECK_FALSE(told[0].ended);
  CHECK(told[1].ended);
}
