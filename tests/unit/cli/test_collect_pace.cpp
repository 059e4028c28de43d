// How collect keeps its reads within a budget and absorbs 429s (src/cli/collect_pace.cpp),
// and its progress line (src/cli/collect_progress.cpp). End to end, on a served lab:
// tests/e2e/test_collect.cpp.

#include "cli/collect_pace.hpp"
#include "cli/collect_progress.hpp"
#include "support/fake_transport.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace dftriage;
using std::chrono::milliseconds;

namespace {

const std::string k_col_sub_a =
    "https://management.azure.com/subscriptions/AAAA/resourceGroups/rg/providers/x?api-version=1";
const std::string k_col_sub_b =
    "https://management.azure.com/subscriptions/bbbb/providers/Microsoft.Security/alerts";
const std::string k_col_graph = "https://graph.microsoft.com/v1.0/users/u1";

std::string col_usage_message(const std::string& value)
{
  try {
    cli::parse_read_budget_option(value);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(accepted)";
}

azure::HttpRequest col_get(const std::string& url)
{
  return {"GET", url, {}, {}};
}

} // namespace

TEST_CASE("collect's --read-budget takes N/h, N/m or N/s and names itself when it refuses a value",
          "[collect][pacer]")
{
  const auto hourly = cli::parse_read_budget_option("10800/h");
  CHECK(hourly.reads == 10800);
  CHECK(hourly.period == std::chrono::seconds(3600));
  CHECK(cli::parse_read_budget_option("20/s").period == std::chrono::seconds(1));
  CHECK(cli::parse_read_budget_option("600/m").period == std::chrono::seconds(60));
  CHECK(col_usage_message("0/s") == "--read-budget: N must be from 1 to 1000000, got \"0/s\"");
  for (const char* bad : {"20", "20/d", "x/h", "-3/h", "/s", "20/ s"}) {
    INFO(bad);
    CHECK(col_usage_message(bad) == std::string("--read-budget: expected reads per subscription "
                                                "as N/h, N/m or N/s (10800/h, 20/s), got \"") +
                                        bad + "\"");
  }
}

TEST_CASE("an hourly budget is the pacer's, a shorter one needs the gate", "[collect][pacer]")
{
  const auto hourly = cli::parse_read_budget_option("500/h");
  CHECK_FALSE(cli::needs_gate(hourly));
  CHECK(cli::pacer_options_for(hourly).budget == 500u);

  const auto per_second = cli::parse_read_budget_option("20/s");
  CHECK(cli::needs_gate(per_second));
  const auto options = cli::pacer_options_for(per_second);
  CHECK_FALSE(options.budget.has_value());
  CHECK(options.spread == milliseconds(1000)); // the last reads spread over one period
  CHECK(options.reserve_floor == 2);
}

TEST_CASE("the gate never lets more than the budget through in any period, per subscription",
          "[collect][pacer]")
{
  std::chrono::steady_clock::time_point now{std::chrono::seconds(100)};
  std::vector<milliseconds> slept;
  cli::BudgetGate gate(
      cli::parse_read_budget_option("3/s"), [&] { return now; },
      [&](milliseconds d) {
        slept.push_back(d);
        now += d;
      });
  std::vector<std::chrono::steady_clock::time_point> sent;
  for (int i = 0; i < 7; ++i) {
    gate.acquire(k_col_sub_a);
    sent.push_back(now);
    now += milliseconds(100);
  }
  // Any four reads in a row span at least the period.
  for (std::size_t i = 3; i < sent.size(); ++i) {
    CHECK(sent[i] - sent[i - 3] >= std::chrono::seconds(1));
  }
  CHECK(gate.waits() == 2);
  CHECK(slept == std::vector<milliseconds>{milliseconds(700), milliseconds(700)});

  // Another subscription has a budget of its own, and reads of none are not held.
  slept.clear();
  for (int i = 0; i < 3; ++i) {
    CHECK(gate.acquire(k_col_sub_b) == milliseconds(0));
  }
  for (int i = 0; i < 10; ++i) {
    CHECK(gate.acquire(k_col_graph) == milliseconds(0));
  }
  CHECK(slept.empty());
}

TEST_CASE("a 429 to a read is waited out and sent again below the client", "[collect][pacer]")
{
  auto fake = std::make_unique<test::FakeTransport>();
  auto& sent = *fake;
  fake->reply(429, R"({"error":{"code":"SubscriptionRequestsThrottled"}})", {{"Retry-After", "0"}})
      .reply(429, "", {{"x-ms-retry-after-ms", "5"}})
      .reply(200, R"({"value":[]})", {{"x-ms-ratelimit-remaining-subscription-reads", "11"}})
      .reply(429, "", {{"Retry-After", "0"}});
  azure::ReadPacer pacer;
  cli::ThrottleCounters counters;
  cli::ThrottleAbsorber absorber(std::move(fake), pacer, nullptr, counters);

  const auto response = absorber.send(col_get(k_col_sub_a));
  CHECK(response.status == 200);
  CHECK(sent.sent().size() == 3);
  CHECK(counters.absorbed == 2);
  CHECK(pacer.snapshot().total.throttled == 2);

  // A write is the client's to retry, or not: it passes as it came.
  const auto write = absorber.send({"PUT", k_col_sub_a, {}, "{}"});
  CHECK(write.status == 429);
  CHECK(sent.sent().size() == 4);
  CHECK(counters.absorbed == 2);
}

TEST_CASE("a read throttled again and again reaches the client after the last resend",
          "[collect][pacer]")
{
  auto fake = std::make_unique<test::FakeTransport>();
  auto& sent = *fake;
  for (int i = 0; i <= cli::ThrottleAbsorber::k_max_resends; ++i) {
    fake->reply(429, "", {{"x-ms-retry-after-ms", "0"}});
  }
  azure::ReadPacer pacer;
  cli::ThrottleCounters counters;
  cli::ThrottleAbsorber absorber(std::move(fake), pacer, nullptr, counters);
  CHECK(absorber.send(col_get(k_col_graph)).status == 429);
  CHECK(sent.sent().size() == static_cast<std::size_t>(cli::ThrottleAbsorber::k_max_resends + 1));
}

TEST_CASE("collect's progress line counts incidents, requests and waits, and estimates the rest",
          "[collect][progress]")
{
  cli::CollectFigures figures{42, 0, 2};
  CHECK(cli::collect_progress_text(0, 6, figures, milliseconds(500)) ==
        "0/6 incidents, 42 requests, 2 throttled waits");
  CHECK(cli::collect_progress_text(2, 6, figures, milliseconds(10'000)) ==
        "2/6 incidents, 42 requests, 2 throttled waits, about 20 s left");
  figures.throttled = 3;
  figures.waits = 1;
  CHECK(cli::collect_progress_text(1, 2, figures, milliseconds(100'000)) ==
        "1/2 incidents, 42 requests, 1 throttled wait (3 x 429), about 1 min 40 s left");
  CHECK(cli::collect_progress_text(6, 6, figures, milliseconds(1000)) ==
        "6/6 incidents, 42 requests, 1 throttled wait (3 x 429)");
  // Between incidents the estimate counts down (2 done at 10 s: 5 s each, 20 s for the 4
  // left; 5 s later 15 s), not up, and never below 1 s while incidents are left.
  figures = cli::CollectFigures{42, 0, 2};
  const auto at_10s = std::optional<milliseconds>(milliseconds(10'000));
  CHECK(
      cli::collect_progress_text(2, 6, figures, milliseconds(15'000), playbook::Lang::en, at_10s) ==
      "2/6 incidents, 42 requests, 2 throttled waits, about 15 s left");
  CHECK(
      cli::collect_progress_text(2, 6, figures, milliseconds(60'000), playbook::Lang::en, at_10s) ==
      "2/6 incidents, 42 requests, 2 throttled waits, about 1 s left");
}

TEST_CASE("collect's progress line is redrawn in place, and results go above it",
          "[collect][progress]")
{
  std::string out;
  cli::ProgressOptions options;
  options.tty = true;
  options.unicode = false;
  options.animate = false;
  options.columns = 29;
  options.write = [&](std::string_view s) { out += s; };
  std::FILE* results = std::tmpfile();
  REQUIRE(results != nullptr);
  {
    cli::CollectProgress progress(
        3,
        [] {
          return cli::CollectFigures{7, 0, 0};
        },
        options);
    progress.tick();
    CHECK(out == "\r\x1b[K| 0/3 incidents, 7 requests,");
    out.clear();
    progress.incident_done(results, "INC-1 done\n");
    CHECK(out.rfind("\r\x1b[K\r\x1b[K/ 1/3 incidents", 0) == 0);
    out.clear();
  }
  CHECK(out == "\r\x1b[K"); // erased at the end
  std::rewind(results);
  char line[64] = {};
  CHECK(std::fgets(line, sizeof line, results) != nullptr);
  CHECK(std::string(line) == "INC-1 done\n");
  std::fclose(results);

  options.tty = false;
  out.clear();
  {
    cli::CollectProgress quiet(
        1, [] { return cli::CollectFigures{}; }, options);
    quiet.tick();
  }
  CHECK(out.empty());
}
