#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/retry.hpp"
#include "support/client_harness.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::azure;
using dftriage::test::ClientHarness;
using dftriage::test::k_fixed_now;
using dftriage::test::make_request;
using std::chrono::milliseconds;

namespace {

HttpResponse with_headers(std::vector<Header> headers)
{
  return {429, std::move(headers), {}};
}

} // namespace

TEST_CASE("Retry-After is read as seconds, an HTTP-date or x-ms-retry-after-ms")
{
  CHECK(server_wait(with_headers({{"Retry-After", "7"}}), k_fixed_now) == milliseconds(7000));
  CHECK(server_wait(with_headers({{"retry-after", " 0 "}}), k_fixed_now) == milliseconds(0));
  CHECK(server_wait(with_headers({{"Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT"}}),
                    k_fixed_now) == milliseconds(30'000));
  CHECK(server_wait(with_headers({{"Retry-After", "Sun, 06 Nov 1994 08:00:00 GMT"}}),
                    k_fixed_now) == milliseconds(0));
  CHECK(server_wait(with_headers({{"x-ms-retry-after-ms", "250"}}), k_fixed_now) ==
        milliseconds(250));
  CHECK(server_wait(with_headers({{"x-ms-retry-after-ms", "250"}, {"Retry-After", "9"}}),
                    k_fixed_now) == milliseconds(250));
  CHECK(server_wait(with_headers({{"x-ms-retry-after-ms", "soon"}, {"Retry-After", "9"}}),
                    k_fixed_now) == milliseconds(9000));
  CHECK(server_wait(with_headers({{"Retry-After", "99999999999999999999999"}}), k_fixed_now) ==
        milliseconds(1'000'000'000'000));

  SECTION("garbage is no answer")
  {
    for (const char* bad : {"", "soon", "-5", "1.5", "0x10", "Sun, 06 Nov 1994 25:00:00 GMT",
                            "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"}) {
      INFO(bad);
      CHECK_FALSE(server_wait(with_headers({{"Retry-After", bad}}), k_fixed_now));
    }
    CHECK_FALSE(server_wait(with_headers({}), k_fixed_now));
  }
}

TEST_CASE("HTTP-dates convert to the right instant")
{
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == k_fixed_now);
  const auto leap = parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT");
  REQUIRE(leap);
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(leap->time_since_epoch()).count() ==
        1709164800);
}

TEST_CASE("backoff doubles from the base delay up to the maximum, scaled by the jitter")
{
  RetryPolicy policy;
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(1000);
  CHECK(backoff_delay(policy, 1, 1.0) == milliseconds(100));
  CHECK(backoff_delay(policy, 2, 1.0) == milliseconds(200));
  CHECK(backoff_delay(policy, 4, 1.0) == milliseconds(800));
  CHECK(backoff_delay(policy, 5, 1.0) == milliseconds(1000));
  CHECK(backoff_delay(policy, 60, 1.0) == milliseconds(1000));
  CHECK(backoff_delay(policy, 3, 0.0) == milliseconds(0));
  CHECK(backoff_delay(policy, 3, 0.5) == milliseconds(200));
}

TEST_CASE("real jitter stays within the backoff bounds")
{
  ClientHarness h;
  auto options = h.options();
  options.random = nullptr; // the client's own generator
  options.retry.max_attempts = 4;
  Client client(public_cloud(), &h.credential, h.transport, options);
  h.transport.reply(503).reply(503).reply(503).reply(200, "{}");
  client.send(make_request("GET"));
  REQUIRE(h.waits.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(h.waits[i] >= milliseconds(0));
    CHECK(h.waits[i] <= RetryPolicy::k_default_base_delay * (1 << i));
  }
}

TEST_CASE("transient statuses are retried, others are not")
{
  for (const int status : {408, 429, 500, 502, 503, 504}) {
    INFO(status);
    ClientHarness h;
    h.transport.reply(status).reply(200, "{}");
    auto client = h.client();
    CHECK(client.send(make_request("GET")).status == 200);
    CHECK(h.transport.sent().size() == 2);
  }
  for (const int status : {400, 403, 404, 409, 412}) {
    INFO(status);
    ClientHarness h;
    h.transport.reply(status);
    auto client = h.client();
    CHECK_THROWS_AS(client.send(make_request("GET")), AzureError);
    CHECK(h.transport.sent().size() == 1);
    CHECK(h.waits.empty());
  }
}

TEST_CASE("a POST or PATCH is never repeated when it may have taken effect")
{
  ClientHarness h;
  auto client = h.client();
  SECTION("after a 503")
  {
    h.transport.reply(503);
    CHECK_THROWS_AS(client.send(make_request("POST")), AzureError);
    CHECK(h.transport.sent().size() == 1);
  }
  SECTION("after a connection lost mid-request")
  {
    h.transport.fail("connection reset by peer", true);
    CHECK_THROWS_WITH(client.send(make_request("PATCH")), "connection reset by peer");
    CHECK(h.transport.sent().size() == 1);
  }
  SECTION("unless the request says it is safe")
  {
    h.transport.reply(503).reply(200, "{}");
    auto request = make_request("POST");
    request.retry_safe = true;
    CHECK(client.send(request).status == 200);
    CHECK(h.transport.sent().size() == 2);
  }
}

TEST_CASE("a POST is repeated when it never reached the server, or after a 429")
{
  ClientHarness h;
  auto client = h.client();
  SECTION("connection refused")
  {
    h.transport.fail("connection refused", false).reply(200, "{}");
    CHECK(client.send(make_request("POST")).status == 200);
  }
  SECTION("429")
  {
    h.transport.reply(429, "", {{"Retry-After", "2"}}).reply(200, "{}");
    CHECK(client.send(make_request("POST")).status == 200);
    CHECK(h.waits == std::vector<milliseconds>{milliseconds(2000)});
  }
  CHECK(h.transport.sent().size() == 2);
  CHECK(h.transport.sent()[0].method == "POST");
  CHECK(h.transport.sent()[1].body == h.transport.sent()[0].body);
}

TEST_CASE("retries stop after max_attempts sends")
{
  ClientHarness h;
  for (int i = 0; i < 10; ++i) {
    h.transport.reply(500, R"({"error":{"code":"InternalServerError","message":"oops"}})");
  }
  auto client = h.client();
  CHECK_THROWS_WITH(client.send(make_request("GET")), Catch::Contains("500 Internal Server Error"));
  CHECK(h.transport.sent().size() == static_cast<std::size_t>(RetryPolicy::k_default_max_attempts));
  CHECK(h.waits.size() == static_cast<std::size_t>(RetryPolicy::k_default_max_attempts - 1));

  SECTION("transport errors too")
  {
    ClientHarness t;
    for (int i = 0; i < 10; ++i) {
      t.transport.fail("timed out", true);
    }
    auto c = t.client();
    CHECK_THROWS_AS(c.send(make_request("GET")), TransportError);
    CHECK(t.transport.sent().size() ==
          static_cast<std::size_t>(RetryPolicy::k_default_max_attempts));
  }
}

TEST_CASE("waits follow Retry-After, capped, and backoff when there is none")
{
  ClientHarness h;
  h.jitter = 1.0;
  h.transport.reply(429, "", {{"Retry-After", "5"}})
      .reply(503, "", {{"x-ms-retry-after-ms", "1500"}})
      .reply(429, "", {{"Retry-After", "3600"}})
      .reply(200, "{}");
  auto client = h.client();
  client.send(make_request("GET"));
  CHECK(h.waits == std::vector<milliseconds>{milliseconds(5000), milliseconds(1500),
                                             RetryPolicy::k_default_max_server_wait});
  SECTION("no Retry-After: exponential backoff")
  {
    ClientHarness b;
    b.jitter = 1.0;
    b.transport.reply(502).reply(502).reply(200, "{}");
    auto c = b.client();
    c.send(make_request("DELETE"));
    CHECK(b.waits == std::vector<milliseconds>{RetryPolicy::k_default_base_delay,
                                               RetryPolicy::k_default_base_delay * 2});
  }
}

namespace {

const std::string k_nsg_url =
    "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
    "Microsoft.Network/networkSecurityGroups/nsg-isolation-1?api-version=2024-05-01";

// Returns a client over `h` whose wait observer appends to `told`.
Client observed_client(ClientHarness& h, std::vector<Wait>& told, RetryPolicy retry = {})
{
  auto options = h.options();
  options.retry = retry;
  options.wait_observer = [&told](const Wait& w) { told.push_back(w); };
  return Client(public_cloud(), &h.credential, h.transport, options);
}

} // namespace

TEST_CASE("a throttled request tells the wait observer how long, for what and why")
{
  ClientHarness h;
  std::vector<Wait> told;
  h.transport
      .reply(429, R"({"error":{"code":"TooManyRequests","message":"slow down"}})",
             {{"Retry-After", "2"}})
      .reply(200, "{}");
  auto client = observed_client(h, told);
  client.send(make_request("PUT", k_nsg_url));

  CHECK(h.waits == std::vector<milliseconds>{milliseconds(2000)}); // still the injected sleep
  REQUIRE(told.size() == 2);
  CHECK(told[0].kind == WaitKind::throttled);
  CHECK(told[0].what == "PUT …/networkSecurityGroups/nsg-isolation-1");
  CHECK(told[0].duration == milliseconds(2000));
  CHECK(told[0].attempt == 2);
  CHECK(told[0].max_attempts == RetryPolicy::k_default_max_attempts);
  CHECK(told[0].status == 429);
  CHECK(told[0].error_code == "TooManyRequests");
  CHECK_FALSE(told[0].ended);
  CHECK(told[1].ended);
  CHECK(told[1].what == told[0].what);
  CHECK(told[1].duration == told[0].duration);
  CHECK(to_string(told[0].kind) == "throttled");
}

TEST_CASE("a retried 500 is told with its status and code, a backoff under a second is not")
{
  ClientHarness h;
  h.jitter = 1.0;
  std::vector<Wait> told;
  h.transport.reply(500, R"({"error":{"code":"InternalServerError","message":"oops"}})")
      .reply(500, R"({"error":{"code":"InternalServerError","message":"oops"}})")
      .reply(200, "{}");
  auto client = observed_client(h, told);
  client.send(make_request("GET"));

  // 800 ms, then 1600 ms: only the second is long enough to tell.
  CHECK(h.waits == std::vector<milliseconds>{milliseconds(800), milliseconds(1600)});
  REQUIRE(told.size() == 2);
  CHECK(told[0].kind == WaitKind::retry);
  CHECK(told[0].what == "GET …/vaults/kv1");
  CHECK(told[0].duration == milliseconds(1600));
  CHECK(told[0].attempt == 3);
  CHECK(told[0].status == 500);
  CHECK(told[0].error_code == "InternalServerError");
  CHECK(told[1].ended);
}

TEST_CASE("a retry after no response tells the transport's reason without the URL")
{
  ClientHarness h;
  h.jitter = 1.0;
  std::vector<Wait> told;
  h.transport.fail("GET " + test::k_vault_url + ": Timeout was reached", false).reply(200, "{}");
  RetryPolicy retry;
  retry.base_delay = milliseconds(3000);
  auto client = observed_client(h, told, retry);
  client.send(make_request("GET"));

  REQUIRE(told.size() == 2);
  CHECK(told[0].kind == WaitKind::retry);
  CHECK(told[0].duration == milliseconds(3000));
  CHECK(told[0].status == 0);
  CHECK(told[0].transport_error == "Timeout was reached");
  CHECK(told[0].error_code.empty());
  for (const auto& w : told) {
    CHECK(w.what.find("api-version") == std::string::npos);
    CHECK(w.what.find("management.azure.com") == std::string::npos);
    CHECK(w.what.find("CANARY") == std::string::npos);
  }
}
