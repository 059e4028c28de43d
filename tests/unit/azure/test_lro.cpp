#include "dftriage/azure/azure_error.hpp"
#include "support/client_harness.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::azure;
using dftriage::test::ClientHarness;
using dftriage::test::header_of;
using dftriage::test::k_vault_url;
using dftriage::test::make_request;
using std::chrono::milliseconds;

namespace {

const std::string k_operation =
    "https://management.azure.com/subscriptions/s/providers/Microsoft.Network/locations/westeurope/"
    "operations/op1?api-version=2025-09-01";
const std::string k_location =
    "https://management.azure.com/subscriptions/s/providers/Microsoft.Compute/locations/westeurope/"
    "operationResults/op2?api-version=2025-04-01";

} // namespace

TEST_CASE("a PUT polled through Azure-AsyncOperation returns the re-read resource")
{
  ClientHarness h;
  h.transport
      .reply(201, R"({"properties":{"provisioningState":"Updating"}})",
             {{"Azure-AsyncOperation", k_operation}, {"Retry-After", "3"}})
      .reply(200, R"({"status":"InProgress"})")
      .reply(200, R"({"status":"Succeeded"})")
      .reply(200, R"({"name":"kv1","properties":{"provisioningState":"Succeeded"}})");
  auto client = h.client();
  const Response response = client.send(make_request("PUT"));

  CHECK(response.status == 200);
  CHECK(response.body["name"] == "kv1");
  const auto& sent = h.transport.sent();
  REQUIRE(sent.size() == 4);
  CHECK(sent[1].method == "GET");
  CHECK(sent[1].url == k_operation);
  CHECK(sent[2].url == k_operation);
  CHECK(sent[3].method == "GET");
  CHECK(sent[3].url == k_vault_url);
  CHECK(sent[3].body.empty());
  CHECK_FALSE(header_of(sent[1], "Authorization").empty());
  // The first poll waits the Retry-After, the next backs off from 5 s.
  CHECK(h.waits == std::vector<milliseconds>{milliseconds(3000), milliseconds(10'000)});
}

TEST_CASE("a failed asynchronous operation throws the operation's error")
{
  ClientHarness h;
  h.transport.reply(202, "", {{"Azure-AsyncOperation", k_operation}})
      .reply(
          200,
          R"({"status":"Failed","error":{"code":"InUseSubnetCannotBeDeleted","message":"Subnet in use"}})",
          {{"x-ms-request-id", "op-req"}});
  auto client = h.client();
  try {
    client.send(make_request("DELETE"));
    FAIL("no error");
  } catch (const AzureError& e) {
    CHECK(e.code() == "InUseSubnetCannotBeDeleted");
    CHECK(std::string(e.what()) ==
          "DELETE " + k_vault_url +
              ": operation Failed: InUseSubnetCannotBeDeleted: Subnet in use (request ID op-req)");
  }
  CHECK(h.waits == std::vector<milliseconds>{milliseconds(5000)});
}

TEST_CASE("a POST polled through Location returns the Location's result")
{
  ClientHarness h;
  h.transport.reply(202, "", {{"Location", k_location}, {"Retry-After", "1"}})
      .reply(202, "", {{"Retry-After", "2"}})
      .reply(200, R"({"value":[{"message":"scan done"}]})");
  auto client = h.client();
  const Response response = client.send(make_request("POST"));
  CHECK(response.body["value"][0]["message"] == "scan done");
  REQUIRE(h.transport.sent().size() == 3);
  CHECK(h.transport.sent()[2].url == k_location);
  CHECK(h.waits == std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)});
}

TEST_CASE("a Location poll answering an error fails the operation")
{
  ClientHarness h;
  h.transport.reply(202, "", {{"Location", k_location}})
      .reply(400, R"({"error":{"code":"VMAgentNotReady","message":"agent down"}})");
  auto client = h.client();
  CHECK_THROWS_WITH(client.send(make_request("POST")),
                    "POST " + k_vault_url +
                        ": operation failed: 400 Bad Request: VMAgentNotReady: agent down");
}

TEST_CASE("a PATCH answering a non-terminal provisioningState is polled to the end")
{
  ClientHarness h;
  h.transport.reply(200, R"({"properties":{"provisioningState":"RegisteringDns"}})")
      .reply(200, R"({"properties":{"provisioningState":"Updating"}})")
      .reply(200, R"({"properties":{"provisioningState":"Succeeded"},"name":"kv1"})");
  auto client = h.client();
  const Response response = client.send(make_request("PATCH"));
  CHECK(response.body["name"] == "kv1");
  CHECK(h.transport.sent()[1].method == "GET");
  CHECK(h.transport.sent()[2].url == k_vault_url);

  SECTION("but not when it is a pre-image read")
  {
    h.transport.reply(200, R"({"properties":{"provisioningState":"Updating"}})");
    auto read = make_request("GET");
    read.purpose = "pre-image";
    CHECK(client.send(read).status == 200);
    CHECK(h.transport.left() == 0);
  }
}

TEST_CASE("polls that never finish give up after the total wait")
{
  ClientHarness h;
  h.transport.reply(202, "", {{"Azure-AsyncOperation", k_operation}});
  for (int i = 0; i < 40; ++i) {
    h.transport.reply(200, R"({"status":"InProgress"})");
  }
  auto options = h.options();
  options.poll.max_total_wait = milliseconds(60'000);
  Client client(public_cloud(), &h.credential, h.transport, options);
  CHECK_THROWS_WITH(client.send(make_request("DELETE")),
                    Catch::Contains("the operation did not finish within 35 s"));
}

TEST_CASE("list follows nextLink over three pages")
{
  ClientHarness h;
  const std::string page2 =
      "https://kv1.vault.azure.net:443/secrets?api-version=2025-07-01&$skiptoken=a";
  const std::string page3 =
      "https://kv1.vault.azure.net:443/secrets?api-version=2025-07-01&$skiptoken=b";
  h.transport.reply(200, R"({"value":[{"id":"s1"},{"id":"s2"}],"nextLink":")" + page2 + "\"}")
      .reply(200, R"({"value":[{"id":"s3"}],"nextLink":")" + page3 + "\"}")
      .reply(200, R"({"value":[{"id":"s4"}],"nextLink":null})");
  auto client = h.client();
  auto request = make_request("GET", "https://kv1.vault.azure.net/secrets?api-version=2025-07-01");
  request.audience = "keyvault";
  const auto items = client.list(request);
  REQUIRE(items.size() == 4);
  CHECK(items[0]["id"] == "s1");
  CHECK(items[3]["id"] == "s4");
  REQUIRE(h.transport.sent().size() == 3);
  CHECK(h.transport.sent()[1].url == page2);
  CHECK(h.transport.sent()[2].url == page3);
  CHECK(h.credential.audiences().back() == "https://vault.azure.net");
}

TEST_CASE("list follows Graph's @odata.nextLink")
{
  ClientHarness h;
  h.transport
      .reply(
          200,
          R"({"value":[1],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=x"})")
      .reply(200, R"({"value":[2]})");
  auto client = h.client();
  auto request = make_request("GET", "https://graph.microsoft.com/v1.0/users");
  request.audience = "graph";
  CHECK(client.list(request) == std::vector<nlohmann::ordered_json>{1, 2});
}

TEST_CASE("list refuses a next link to another host, endless pages and non-lists")
{
  ClientHarness h;
  auto client = h.client();
  SECTION("another host")
  {
    h.transport.reply(200, R"({"value":[],"nextLink":"https://evil.example.com/steal"})");
    CHECK_THROWS_WITH(client.list(make_request("GET")),
                      "refusing to follow \"https://evil.example.com/steal\": it leaves "
                      "https://management.azure.com");
    CHECK(h.transport.sent().size() == 1);
  }
  SECTION("endless pages")
  {
    auto options = h.options();
    options.max_pages = 2;
    Client limited(public_cloud(), &h.credential, h.transport, options);
    h.transport.reply(200, R"({"value":[],"nextLink":"/next"})")
        .reply(200, R"({"value":[],"nextLink":"/next"})");
    CHECK_THROWS_WITH(limited.list(make_request("GET")), Catch::Contains("more than 2 pages"));
  }
  SECTION("not a list")
  {
    h.transport.reply(200, R"({"name":"kv1"})");
    CHECK_THROWS_WITH(client.list(make_request("GET")), Catch::Contains("no \"value\" array"));
  }
}

TEST_CASE("the wait observer hears each poll of a long-running operation")
{
  const std::string nsg =
      "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
      "Microsoft.Network/networkSecurityGroups/nsg-isolation-1?api-version=2024-05-01";
  ClientHarness h;
  h.transport
      .reply(201, R"({"properties":{"provisioningState":"Updating"}})",
             {{"Azure-AsyncOperation", k_operation}, {"Retry-After", "8"}})
      .reply(200, R"({"status":"InProgress"})", {{"Retry-After", "8"}})
      .reply(200, R"({"status":"Succeeded"})")
      .reply(200, R"({"name":"nsg-isolation-1","properties":{"provisioningState":"Succeeded"}})");
  std::vector<Wait> told;
  auto options = h.options();
  options.wait_observer = [&](const Wait& w) {
    // Told before the client sleeps, and after.
    CHECK(h.waits.size() == (w.ended ? 1u : 0u) + static_cast<std::size_t>(w.attempt - 1));
    told.push_back(w);
  };
  Client client(public_cloud(), &h.credential, h.transport, options);
  client.send(make_request("PUT", nsg));

  CHECK(h.waits == std::vector<milliseconds>{milliseconds(8000), milliseconds(8000)});
  REQUIRE(told.size() == 4);
  for (std::size_t i = 0; i < told.size(); ++i) {
    INFO(i);
    CHECK(told[i].kind == WaitKind::operation);
    CHECK(told[i].what == "PUT …/networkSecurityGroups/nsg-isolation-1");
    CHECK(told[i].duration == milliseconds(8000));
    CHECK(told[i].attempt == static_cast<int>(i / 2) + 1);
    CHECK(told[i].ended == (i % 2 == 1));
  }
  CHECK(told[0].status == 201); // the answer that said to wait
  CHECK(told[2].status == 200);
  CHECK(told[0].max_attempts == 0);
  CHECK(to_string(told[0].kind) == "long-running operation");
}
