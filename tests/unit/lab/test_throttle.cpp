// The lab's ARM throttling (src/lab/throttle.cpp): the remaining-budget headers, the
// read budget's token bucket with an injected clock, concurrent reads over sockets, and
// --read-budget's syntax.

#include "dftriage/lab/lab.hpp"
#include "dftriage/util/error.hpp"
#include "lab/resources.hpp"
#include "lab/throttle.hpp"
#include "lab_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <httplib.h>
#include <thread>

using dftriage::test::body_of;
using dftriage::test::error_code_of;
using dftriage::test::k_sub;
using dftriage::test::k_vault_id;
using dftriage::test::LabFixture;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* k_throttle_other_sub = "00000000-0000-0000-0000-0000000000bb";
constexpr const char* k_reads_header = "x-ms-ratelimit-remaining-subscription-reads";
constexpr const char* k_writes_header = "x-ms-ratelimit-remaining-subscription-writes";

// A lab whose read budget is `budget` (none when empty) and whose throttle clock stands
// still until moved.
class ThrottledLab : public LabFixture
{
public:
  explicit ThrottledLab(const std::string& budget = "")
  {
    auto& config = tenant.state().config;
    if (!budget.empty()) {
      config.read_budget = dftriage::lab::parse_read_budget(budget);
    }
    config.throttle_clock = [this] { return m_steady; };
    dftriage::lab::ensure_subscription(tenant.state(), k_throttle_other_sub);
  }

  // GETs a subscription (k_sub when empty).
  dftriage::lab::LabResponse read(const std::string& subscription = k_sub)
  {
    return send("GET", "/subscriptions/" + subscription, {{"api-version", "2022-12-01"}});
  }
  // PATCHes the vault's tags: a write to k_sub.
  dftriage::lab::LabResponse write()
  {
    return send("PATCH", k_vault_id, {{"api-version", "2026-02-01"}},
                R"({"tags":{"owner":"secops"}})");
  }
  void pass(int seconds) { m_steady += std::chrono::seconds(seconds); }

private:
  std::chrono::steady_clock::time_point m_steady{std::chrono::hours(100)};
};

std::string throttle_header(const dftriage::lab::LabResponse& response, const std::string& name)
{
  return response.header(name).value_or("<none>");
}

} // namespace

TEST_CASE("lab: ARM responses carry the remaining reads or writes of their subscription, "
          "counted down from ARM's hourly defaults per subscription",
          "[lab]")
{
  ThrottledLab lab;
  CHECK(throttle_header(lab.read(), k_reads_header) == "11999");
  CHECK(throttle_header(lab.read(), k_reads_header) == "11998");
  const auto other = lab.read(k_throttle_other_sub);
  CHECK(other.status == 200);
  CHECK(throttle_header(other, k_reads_header) == "11999"); // its own budget
  const auto third = lab.read();
  CHECK(throttle_header(third, k_reads_header) == "11997");
  CHECK(throttle_header(third, k_writes_header) == "<none>");

  const auto written = lab.write();
  REQUIRE(written.status == 200);
  CHECK(throttle_header(written, k_writes_header) == "1199");
  CHECK(throttle_header(written, k_reads_header) == "<none>");
  CHECK(throttle_header(lab.write(), k_writes_header) == "1198");
  CHECK(throttle_header(lab.read(), k_reads_header) == "11996"); // writes take no reads

  SECTION("an hour refills the budget")
  {
    lab.pass(3600);
    CHECK(throttle_header(lab.read(), k_reads_header) == "11999");
  }
  SECTION("answers that are not ARM's under a subscription carry neither header")
  {
    const auto graph_token = lab.token("https://graph.microsoft.com/.default");
    const auto vault_token = lab.token("https://vault.azure.net/.default");
    const std::vector<dftriage::lab::LabResponse> others{
        lab.send("GET", "/subscriptions", {{"api-version", "2022-12-01"}}),
        lab.send("GET", "/v1.0/users/" + std::string(dftriage::test::k_attacker), {}, "",
                 graph_token),
        lab.send("GET", "/secrets", {{"api-version", "2025-07-01"}}, "", vault_token,
                 "kv1.vault.localhost"),
        lab.send("POST", "/" + lab.tenant.state().config.tenant_id + "/oauth2/v2.0/token", {},
                 "grant_type=client_credentials", "")};
    for (const auto& r : others) {
      INFO(r.status << " " << r.body);
      CHECK(throttle_header(r, k_reads_header) == "<none>");
      CHECK(throttle_header(r, k_writes_header) == "<none>");
    }
  }
  SECTION("a request whose token is refused is not counted, but is told what remains")
  {
    const auto refused = lab.send("GET", "/subscriptions/" + std::string(k_sub),
                                  {{"api-version", "2022-12-01"}}, "", "not-a-token");
    CHECK(refused.status == 401);
    CHECK(throttle_header(refused, k_reads_header) == "11996");
    CHECK(throttle_header(lab.read(), k_reads_header) == "11995");
  }
}

TEST_CASE("lab: without a read budget ARM's defaults run down to 0 and never throttle", "[lab]")
{
  dftriage::lab::LabConfig config;
  const auto still = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  config.throttle_clock = [still] { return still; };
  dftriage::lab::Throttle throttle;
  dftriage::lab::Throttle::Verdict last;
  for (int i = 0; i < 12001; ++i) {
    last = throttle.take(config, k_sub, "GET");
  }
  CHECK(last.header == k_reads_header);
  CHECK(last.remaining == 0);
  CHECK(last.retry_after_s == 0);
  for (int i = 0; i < 1201; ++i) {
    last = throttle.take(config, k_sub, "DELETE");
  }
  CHECK(last.header == k_writes_header);
  CHECK(last.remaining == 0);
  CHECK(last.retry_after_s == 0);
  CHECK(throttle.take(config, k_sub, "OPTIONS").header.empty()); // not counted
}

TEST_CASE("lab: a read past the read budget gets ARM's 429 SubscriptionRequestsThrottled with "
          "Retry-After, takes no token, and passes once a token is back",
          "[lab]")
{
  SECTION("3/m: a token every 20 s")
  {
    ThrottledLab lab("3/m");
    CHECK(throttle_header(lab.read(), k_reads_header) == "2");
    CHECK(throttle_header(lab.read(), k_reads_header) == "1");
    const auto last = lab.read();
    CHECK(last.status == 200);
    CHECK(throttle_header(last, k_reads_header) == "0");

    const auto throttled = lab.read();
    REQUIRE(throttled.status == 429);
    CHECK(error_code_of(throttled) == "SubscriptionRequestsThrottled");
    CHECK(body_of(throttled)["error"]["message"] ==
          "Number of 'read' requests for subscription '" + std::string(k_sub) + "' actor '" +
              lab.tenant.state().config.object_id +
              "' exceeded. Please try again after '20' seconds after additional tokens are "
              "available. Refer to https://aka.ms/arm-throttling for additional information.");
    CHECK(throttle_header(throttled, "Retry-After") == "20");
    CHECK(throttle_header(throttled, k_reads_header) == "0");
    CHECK(lab.tenant.state().activity_log.empty()); // never reached the resource provider

    // Asking again at once is refused again, and takes nothing: the token comes back
    // when the first refusal said.
    lab.pass(19);
    const auto again = lab.read();
    CHECK(again.status == 429);
    CHECK(throttle_header(again, "Retry-After") == "1");
    lab.pass(1);
    const auto back = lab.read();
    CHECK(back.status == 200);
    CHECK(throttle_header(back, k_reads_header) == "0");

    // Another subscription has a bucket of its own; writes are not held back.
    const auto other = lab.read(k_throttle_other_sub);
    CHECK(other.status == 200);
    CHECK(throttle_header(other, k_reads_header) == "2");
    CHECK(lab.write().status == 200);

    lab.pass(60); // a whole period fills the bucket, and no more
    CHECK(throttle_header(lab.read(), k_reads_header) == "2");
  }
  SECTION("7/m: Retry-After rounds a token's 8.57 s up to whole seconds")
  {
    ThrottledLab lab("7/m");
    for (int i = 0; i < 7; ++i) {
      REQUIRE(lab.read().status == 200);
    }
    const auto throttled = lab.read();
    CHECK(throttled.status == 429);
    CHECK(throttle_header(throttled, "Retry-After") == "9");
    lab.pass(8);
    CHECK(lab.read().status == 429);
    lab.pass(1);
    CHECK(lab.read().status == 200);
  }
  SECTION("2/h: Retry-After counts the seconds of a slow refill")
  {
    ThrottledLab lab("2/h");
    lab.read();
    lab.read();
    const auto throttled = lab.read();
    CHECK(throttled.status == 429);
    CHECK(throttle_header(throttled, "Retry-After") == "1800");
  }
}

TEST_CASE("lab: the read budget holds writes back never, and reads of no subscription not at "
          "all",
          "[lab]")
{
  ThrottledLab lab("1/m");
  CHECK(lab.read().status == 200);
  CHECK(lab.read().status == 429);
  for (int i = 0; i < 5; ++i) {
    const auto written = lab.write();
    CHECK(written.status == 200);
    CHECK(throttle_header(written, k_writes_header) == std::to_string(1199 - i));
  }
  CHECK(lab.send("GET", "/subscriptions", {{"api-version", "2022-12-01"}}).status == 200);
  CHECK(lab.read().status == 429);
}

TEST_CASE("lab: reads sent at once on many connections take exactly the read budget, one "
          "token each",
          "[lab][socket]")
{
  dftriage::lab::LabOptions options;
  options.read_budget = {10, std::chrono::hours(1)};
  const auto still = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  options.throttle_clock = [still] { return still; }; // nothing refills meanwhile
  dftriage::lab::Lab lab(options);
  lab.start();
  const auto c = lab.connection();
  httplib::Client http("127.0.0.1", lab.port());
  const auto token =
      http.Post("/" + c["tenantId"].get<std::string>() + "/oauth2/v2.0/token",
                "grant_type=client_credentials&client_id=" + c["clientId"].get<std::string>() +
                    "&client_secret=" + c["clientSecret"].get<std::string>() +
                    "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default",
                "application/x-www-form-urlencoded");
  REQUIRE(token);
  REQUIRE(token->status == 200);
  const httplib::Headers auth{
      {"Authorization", "Bearer " + Json::parse(token->body)["access_token"].get<std::string>()}};
  const std::string path =
      "/subscriptions/" + c["subscriptionId"].get<std::string>() + "?api-version=2022-12-01";

  constexpr int k_readers = 4;
  constexpr int k_reads_each = 6;
  // Per reader: the status and remaining-reads header of each answer ("" when none came).
  std::vector<std::vector<std::pair<int, std::string>>> answers(k_readers);
  std::vector<std::thread> readers;
  for (int i = 0; i < k_readers; ++i) {
    readers.emplace_back([&, i] {
      httplib::Client own("127.0.0.1", lab.port());
      for (int n = 0; n < k_reads_each; ++n) {
        const auto r = own.Get(path.c_str(), auth);
        answers[i].emplace_back(r ? r->status : 0,
                                r ? r->get_header_value(k_reads_header) : std::string());
      }
    });
  }
  for (auto& reader : readers) {
    reader.join();
  }
  lab.stop();
  std::vector<std::string> passed; // the remaining counts the 200s were told
  int throttled = 0;
  for (const auto& reader : answers) {
    for (const auto& [status, remaining] : reader) {
      if (status == 200) {
        passed.push_back(remaining);
      } else {
        CHECK(status == 429);
        CHECK(remaining == "0");
        ++throttled;
      }
    }
  }
  std::sort(passed.begin(), passed.end());
  CHECK(passed == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  CHECK(throttled == k_readers * k_reads_each - 10);
}

TEST_CASE("lab serve --read-budget takes N/h, N/m or N/s and refuses anything else", "[lab]")
{
  using dftriage::lab::parse_read_budget;
  CHECK(parse_read_budget("12000/h").reads == 12000);
  CHECK(parse_read_budget("12000/h").period == std::chrono::hours(1));
  CHECK(parse_read_budget("20/m").reads == 20);
  CHECK(parse_read_budget("20/m").period == std::chrono::minutes(1));
  CHECK(parse_read_budget("5/s").period == std::chrono::seconds(1));
  CHECK(parse_read_budget("007/s").reads == 7);
  CHECK(parse_read_budget("1000000/s").reads == 1000000);

  const auto refused_with = [](const std::string& text) {
    try {
      parse_read_budget(text);
    } catch (const dftriage::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("<accepted>");
  };
  CHECK(refused_with("abc") == R"(--read-budget: expected N/h, N/m or N/s, got "abc")");
  for (const char* bad : {"20", "20/", "/m", "20/d", "20/M", "20/min", "-1/m", "2.5/m", " 20/m"}) {
    CHECK(refused_with(bad) ==
          std::string("--read-budget: expected N/h, N/m or N/s, got ") + Json(bad).dump());
  }
  CHECK(refused_with("0/m") == R"(--read-budget: N must be from 1 to 1000000, got "0/m")");
  CHECK(refused_with("1000001/h") ==
        R"(--read-budget: N must be from 1 to 1000000, got "1000001/h")");
  CHECK(refused_with("99999999999999999999/h") ==
        R"(--read-budget: N must be from 1 to 1000000, got "99999999999999999999/h")");
}
