#include "dftriage/azure/parallel_reads.hpp"
#include "dftriage/azure/read_pacer.hpp"
#include "support/client_harness.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

using namespace dftriage;
using namespace dftriage::azure;
using dftriage::test::ClientHarness;
using dftriage::test::make_request;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view k_remaining_reads = "x-ms-ratelimit-remaining-subscription-reads";
constexpr milliseconds k_hour{3'600'000};
constexpr milliseconds k_minute{60'000};

const std::string k_paced_url_a =
    "https://management.azure.com/subscriptions/AAAA-1111/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/kv1?api-version=2026-02-01";
const std::string k_paced_url_b =
    "https://management.azure.com/subscriptions/bbbb-2222/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/kv2?api-version=2026-02-01";

// A steady clock that only moves when told (or when the pacer sleeps on it).
struct PacerClock
{
  std::atomic<std::int64_t> ms{0};

  std::chrono::steady_clock::time_point now() const
  {
    return std::chrono::steady_clock::time_point(milliseconds(ms.load()));
  }
  void advance(milliseconds d) { ms += d.count(); }
};

// A pacer on `clock` whose sleeps are recorded in `slept` and move the clock on.
struct PacerRig
{
  PacerClock clock;
  std::vector<milliseconds> slept;
  std::shared_ptr<ReadPacer> pacer;

  explicit PacerRig(std::optional<std::uint64_t> budget = std::nullopt)
  {
    ReadPacerOptions options;
    options.budget = budget;
    options.clock = [this] { return clock.now(); };
    options.sleep = [this](milliseconds d) {
      slept.push_back(d);
      clock.advance(d);
    };
    pacer = std::make_shared<ReadPacer>(std::move(options));
  }

  // Acquires a read of `url` and returns the clock when it was let through.
  milliseconds read(const std::string& url)
  {
    pacer->acquire(url);
    return milliseconds(clock.ms.load());
  }

  // Tells the pacer about a response to GET `url`.
  void answer(const std::string& url, int status, std::vector<Header> headers)
  {
    pacer->observe("GET", url, HttpResponse{status, std::move(headers), "{}"});
  }

  SubscriptionPace pace_of(const std::string& id) const
  {
    const auto snapshot = pacer->snapshot();
    for (const auto& s : snapshot.subscriptions) {
      if (s.subscription == id) {
        return s;
      }
    }
    throw std::logic_error("no subscription " + id + " in the snapshot");
  }
};

// The most reads among `times` in any interval [t, t + 1 h).
std::size_t most_in_an_hour(const std::vector<milliseconds>& times)
{
  std::size_t most = 0;
  for (const auto start : times) {
    const auto n = std::count_if(times.begin(), times.end(),
                                 [start](auto t) { return t >= start && t < start + k_hour; });
    most = std::max(most, static_cast<std::size_t>(n));
  }
  return most;
}

} // namespace

TEST_CASE("the pacer paces by the subscription of an ARM path, in any case", "[pacer]")
{
  CHECK(paced_subscription(k_paced_url_a) == "aaaa-1111");
  CHECK(paced_subscription("https://management.azure.com/SUBSCRIPTIONS/Ab-C?api-version=1") ==
        "ab-c");
  CHECK(paced_subscription("https://management.azure.com/subscriptions/s/resources?"
                           "$skiptoken=x%2Fsubscriptions%2Fother") == "s");
  CHECK(paced_subscription("https://graph.microsoft.com/v1.0/subscriptions/s1").empty());
  CHECK(paced_subscription("https://kv1.vault.azure.net/secrets?api-version=7.5").empty());
  CHECK(paced_subscription("https://api.loganalytics.io/v1/workspaces/w/query").empty());
  CHECK(paced_subscription("https://management.azure.com/subscriptions/").empty());
  CHECK(paced_subscription("https://management.azure.com").empty());
}

TEST_CASE("a read budget is never exceeded in any hour", "[pacer]")
{
  PacerRig rig(5);
  std::vector<milliseconds> granted;
  granted.reserve(9);
  for (int i = 0; i < 3; ++i) {
    granted.push_back(rig.read(k_paced_url_a));
  }
  rig.clock.advance(20 * k_minute);
  for (int i = 0; i < 2; ++i) {
    granted.push_back(rig.read(k_paced_url_a));
  }
  CHECK(rig.slept.empty());
  CHECK(rig.pace_of("aaaa-1111").budget_left == 0u);

  // Three more wait for the reads at 0 to leave the window, the next for those at 20 min.
  for (int i = 0; i < 4; ++i) {
    granted.push_back(rig.read(k_paced_url_a));
  }
  CHECK(granted == std::vector<milliseconds>{milliseconds(0), milliseconds(0), milliseconds(0),
                                             20 * k_minute, 20 * k_minute, k_hour, k_hour, k_hour,
                                             k_hour + 20 * k_minute});
  CHECK(rig.slept == std::vector<milliseconds>{40 * k_minute, 20 * k_minute});
  CHECK(most_in_an_hour(granted) == 5);

  const auto pace = rig.pace_of("aaaa-1111");
  CHECK(pace.counters.sent == 9);
  CHECK(pace.counters.waits == 2);
  CHECK(pace.counters.waited == k_hour);
  CHECK(rig.pacer->snapshot().total.waited == k_hour);
}

TEST_CASE("a read budget of 0 is refused", "[pacer]")
{
  ReadPacerOptions options;
  options.budget = 0;
  CHECK_THROWS_AS(ReadPacer(options), Error);
}

TEST_CASE("two subscriptions are paced apart, and reads of no subscription not at all", "[pacer]")
{
  PacerRig rig(2);
  rig.read(k_paced_url_a);
  rig.read(k_paced_url_a);
  rig.read(k_paced_url_b);
  rig.read(k_paced_url_b);
  for (int i = 0; i < 5; ++i) {
    rig.read("https://graph.microsoft.com/v1.0/users/u1");
  }
  CHECK(rig.slept.empty());

  CHECK(rig.read(k_paced_url_a) == k_hour);
  CHECK(rig.slept == std::vector<milliseconds>{k_hour});
  const auto snapshot = rig.pacer->snapshot();
  REQUIRE(snapshot.subscriptions.size() == 2);
  CHECK(snapshot.subscriptions[0].subscription == "aaaa-1111");
  CHECK(snapshot.subscriptions[0].counters.sent == 3);
  CHECK(snapshot.subscriptions[0].counters.waits == 1);
  CHECK(snapshot.subscriptions[1].subscription == "bbbb-2222");
  CHECK(snapshot.subscriptions[1].counters.sent == 2);
  CHECK(snapshot.subscriptions[1].counters.waits == 0);
  CHECK(snapshot.total.sent == 10);
  CHECK(snapshot.total.waits == 1);
}

TEST_CASE("a 429 with Retry-After holds back every read of its subscription", "[pacer]")
{
  PacerRig rig;
  std::vector<PaceWait> told;
  const auto hook = [&told](const PaceWait& w) { told.push_back(w); };

  SECTION("for as long as it asks, and not the other subscription")
  {
    rig.answer(k_paced_url_a, 429, {{"Retry-After", "7"}});
    CHECK(rig.pace_of("aaaa-1111").paused == milliseconds(7000));
    rig.pacer->acquire(k_paced_url_b, hook);
    CHECK(rig.slept.empty());
    CHECK(rig.pacer->acquire(k_paced_url_a, hook) == milliseconds(7000));
    CHECK(rig.slept == std::vector<milliseconds>{milliseconds(7000)});
    REQUIRE(told.size() == 2);
    CHECK(told[0].subscription == "aaaa-1111");
    CHECK(told[0].reason == PaceReason::server_pause);
    CHECK(told[0].duration == milliseconds(7000));
    CHECK_FALSE(told[0].ended);
    CHECK(told[1].ended);
    // The next worker finds the pause over.
    rig.pacer->acquire(k_paced_url_a, hook);
    CHECK(rig.slept.size() == 1);
    const auto pace = rig.pace_of("aaaa-1111");
    CHECK(pace.counters.throttled == 1);
    CHECK(pace.counters.sent == 2);
    CHECK(pace.paused == milliseconds(0));
    CHECK(rig.pace_of("bbbb-2222").counters.throttled == 0);
  }
  SECTION("a later 429 with a longer Retry-After extends the pause, a shorter one does not")
  {
    rig.answer(k_paced_url_a, 429, {{"Retry-After", "7"}});
    rig.answer(k_paced_url_a, 429, {{"x-ms-retry-after-ms", "9500"}});
    rig.answer(k_paced_url_a, 429, {{"Retry-After", "1"}});
    rig.read(k_paced_url_a);
    CHECK(rig.slept == std::vector<milliseconds>{milliseconds(9500)});
  }
  SECTION("no longer than max_pause")
  {
    rig.answer(k_paced_url_a, 429, {{"Retry-After", "3600"}});
    rig.read(k_paced_url_a);
    CHECK(rig.slept == std::vector<milliseconds>{ReadPacerOptions::k_default_max_pause});
  }
  SECTION("but a 429 to a write only counts")
  {
    rig.pacer->observe("PUT", k_paced_url_a, HttpResponse{429, {{"Retry-After", "7"}}, "{}"});
    rig.read(k_paced_url_a);
    CHECK(rig.slept.empty());
    CHECK(rig.pace_of("aaaa-1111").counters.throttled == 1);
  }
}

TEST_CASE("few remaining reads spread the reads out before any 429", "[pacer]")
{
  PacerRig rig;
  // 1000 seen first: the reserve is 100; below it each read waits 60 s / (left + 1).
  std::vector<milliseconds> waits;
  for (const std::int64_t left : {1000, 500, 200, 120, 90, 50, 20, 5, 1}) {
    waits.push_back(rig.pacer->acquire(k_paced_url_a));
    rig.answer(k_paced_url_a, 200, {{std::string(k_remaining_reads), std::to_string(left)}});
  }
  waits.push_back(rig.pacer->acquire(k_paced_url_a));
  CHECK(waits == std::vector<milliseconds>{milliseconds(0), milliseconds(0), milliseconds(0),
                                           milliseconds(0), milliseconds(0), milliseconds(659),
                                           milliseconds(1176), milliseconds(2857),
                                           milliseconds(10'000), milliseconds(30'000)});
  CHECK(rig.pacer->snapshot().total.throttled == 0);
  CHECK(rig.pace_of("aaaa-1111").remaining_reads == 0); // 1, less the read since

  SECTION("and go at full speed again once the count recovers")
  {
    rig.answer(k_paced_url_a, 200, {{std::string(k_remaining_reads), "990"}});
    CHECK(rig.pacer->acquire(k_paced_url_a) == milliseconds(0));
    CHECK(rig.pacer->acquire(k_paced_url_a) == milliseconds(0));
  }
  SECTION("and also count the reads still out: no answer, longer gaps")
  {
    // 30 s after the last count of 1 (and 1 read answered), 1 again: one read came back in
    // 30 s, so no gap is longer than 33 s.
    rig.answer(k_paced_url_a, 200, {{std::string(k_remaining_reads), "1"}});
    CHECK(rig.pacer->acquire(k_paced_url_a) == milliseconds(30'000)); // 1 left
    const auto second = rig.pacer->acquire(k_paced_url_a);            // 0 left: 60 s or 33 s
    CHECK(second >= milliseconds(32'999));
    CHECK(second <= milliseconds(33'001));
  }
}

TEST_CASE("a client with a pacer tells it every send and every response", "[pacer]")
{
  ClientHarness h;
  PacerRig rig;
  auto options = h.options();
  // The client's retry waits pass on the same clock: the 429's pause is over after them.
  options.sleep = [&](milliseconds d) {
    h.waits.push_back(d);
    rig.clock.advance(d);
  };
  options.pacer = rig.pacer;
  Client client(public_cloud(), &h.credential, h.transport, options);
  const std::string k_reads_left(k_remaining_reads);

  SECTION("a 429 and the 200 after it")
  {
    h.transport.reply(429, "{}", {{"Retry-After", "7"}, {k_reads_left, "0"}})
        .reply(200, "{}", {{k_reads_left, "11999"}});
    client.send(make_request("GET"));
    CHECK(h.transport.sent().size() == 2);
    CHECK(h.waits == std::vector<milliseconds>{milliseconds(7000)});
    CHECK(rig.slept.empty()); // no second wait on top of the client's
    const auto snapshot = rig.pacer->snapshot();
    CHECK(snapshot.total.sent == 2);
    CHECK(snapshot.total.throttled == 1);
    REQUIRE(snapshot.subscriptions.size() == 1);
    CHECK(snapshot.subscriptions[0].subscription == "s");
    CHECK(snapshot.subscriptions[0].counters.sent == 2);
    CHECK(snapshot.subscriptions[0].counters.throttled == 1);
    CHECK(snapshot.subscriptions[0].remaining_reads == 11999);
  }
  SECTION("every page of a list")
  {
    h.transport
        .reply(200, R"({"value":[1],"nextLink":"https://management.azure.com/subscriptions/s/p2"})")
        .reply(200, R"({"value":[2]})");
    CHECK(client.list(make_request("GET")).size() == 2);
    CHECK(rig.pacer->snapshot().total.sent == 2);
  }
  SECTION("writes are not paced but seen")
  {
    rig.answer(test::k_vault_url, 429, {{"Retry-After", "7"}});
    h.transport.reply(200, "{}", {{k_reads_left, "500"}});
    client.send(make_request("PATCH"));
    CHECK(rig.slept.empty());
    CHECK(rig.pace_of("s").counters.sent == 0);
    CHECK(rig.pace_of("s").remaining_reads == 500);
  }
}

TEST_CASE("a wait of the pacer is told to the wait observer as a throttled wait", "[pacer]")
{
  ClientHarness h;
  PacerRig rig;
  std::vector<Wait> told;
  auto options = h.options();
  options.pacer = rig.pacer;
  options.wait_observer = [&told](const Wait& w) { told.push_back(w); };
  Client client(public_cloud(), &h.credential, h.transport, options);

  // Another worker's read of the subscription was throttled.
  rig.answer(test::k_vault_url, 429, {{"Retry-After", "7"}});
  h.transport.reply(200, "{}");
  client.send(make_request("GET"));

  CHECK(rig.slept == std::vector<milliseconds>{milliseconds(7000)});
  CHECK(h.waits.empty()); // the pacer's sleep, not the client's
  REQUIRE(told.size() == 2);
  CHECK(told[0].kind == WaitKind::throttled);
  CHECK(told[0].paced == PaceReason::server_pause);
  CHECK(told[0].status == 429);
  CHECK(told[0].what == "GET …/vaults/kv1");
  CHECK(told[0].duration == milliseconds(7000));
  CHECK(told[0].attempt == 1);
  CHECK_FALSE(told[0].ended);
  CHECK(told[1].ended);

  SECTION("but not a wait shorter than the threshold")
  {
    told.clear();
    // 30 left of 1000 seen: under the reserve of 100.
    rig.answer(test::k_vault_url, 200, {{std::string(k_remaining_reads), "1000"}});
    rig.answer(test::k_vault_url, 200, {{std::string(k_remaining_reads), "30"}});
    h.transport.reply(200, "{}");
    client.send(make_request("GET")); // waits 60 s / 31 = 1935 ms after the last read
    CHECK(rig.slept.back() == milliseconds(1935));
    REQUIRE(told.size() == 2);
    CHECK(told[0].paced == PaceReason::remaining_reads);
    CHECK(told[0].status == 0);

    told.clear();
    rig.answer(test::k_vault_url, 200, {{std::string(k_remaining_reads), "90"}});
    h.transport.reply(200, "{}");
    client.send(make_request("GET")); // 60 s / 91 = 659 ms
    CHECK(rig.slept.back() == milliseconds(659));
    CHECK(told.empty());
  }
}

namespace {

// Answers every request with 200 and counts them; safe on several threads at once.
class PacerCountingTransport : public HttpTransport
{
public:
  explicit PacerCountingTransport(std::atomic<int>& sent)
      : m_sent(sent)
  {
  }
  HttpResponse send(const HttpRequest&) override
  {
    ++m_sent;
    return {200, {}, "{}"};
  }

private:
  std::atomic<int>& m_sent;
};

// What the sleep of the parallel test throws instead of waiting.
struct PacerWouldWait : std::runtime_error
{
  PacerWouldWait()
      : std::runtime_error("the pacer would wait")
  {
  }
};

} // namespace

TEST_CASE("parallel readers sharing a pacer never send more than its budget", "[pacer]")
{
  PacerClock clock;
  ReadPacerOptions pacing;
  pacing.budget = 5;
  pacing.clock = [&clock] { return clock.now(); };
  // A worker held back gives up, so what was sent in this hour stays countable.
  pacing.sleep = [](milliseconds) { throw PacerWouldWait(); };
  auto pacer = std::make_shared<ReadPacer>(pacing);

  std::atomic<int> sent{0};
  test::FakeCredential credential;
  ClientOptions options;
  options.pacer = pacer;
  ParallelReader reader(
      public_cloud(), credential,
      [&sent] { return std::make_unique<PacerCountingTransport>(sent); }, options, 4);
  const std::vector<Request> requests(12, make_request("GET", k_paced_url_a));

  for (int hour = 1; hour <= 2; ++hour) {
    const auto fetched = reader.fetch(requests);
    const auto answered = std::count_if(fetched.begin(), fetched.end(),
                                        [](const Fetched& f) { return f.error == nullptr; });
    CHECK(answered == 5);
    CHECK(sent.load() == 5 * hour);
    for (const auto& f : fetched) {
      if (f.error != nullptr) {
        CHECK_THROWS_AS(std::rethrow_exception(f.error), PacerWouldWait);
      }
    }
    clock.advance(k_hour);
  }
  const auto snapshot = pacer->snapshot();
  CHECK(snapshot.total.sent == 10);
  REQUIRE(snapshot.subscriptions.size() == 1);
  CHECK(snapshot.subscriptions[0].counters.sent == 10);
}

namespace {

// ARM's token bucket as the lab keeps it: `capacity` reads, refilled continuously at
// `per_second`; a read finds a token or gets a 429 with the whole seconds until one.
struct PacerBucketServer
{
  double capacity;
  double per_second;
  double tokens;
  milliseconds refilled{0};

  PacerBucketServer(double cap, double rate)
      : capacity(cap)
      , per_second(rate)
      , tokens(cap)
  {
  }

  HttpResponse answer(milliseconds at)
  {
    tokens = std::min(capacity,
                      tokens + per_second * static_cast<double>((at - refilled).count()) / 1000.0);
    refilled = at;
    const std::string remaining(k_remaining_reads);
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return HttpResponse{200, {{remaining, std::to_string(static_cast<long>(tokens))}}, "{}"};
    }
    const double wait = std::ceil((1.0 - tokens) / per_second);
    return HttpResponse{
        429, {{remaining, "0"}, {"Retry-After", std::to_string(static_cast<int>(wait))}}, "{}"};
  }
};

struct PacerBucketRun
{
  milliseconds took{0};
  int throttled = 0;
};

// `reads` reads in a row through `rig`'s pacer, each answered `latency` after it was let
// through; a 429 is retried.
PacerBucketRun read_from_bucket(PacerRig& rig, PacerBucketServer& server, int reads,
                                milliseconds latency)
{
  PacerBucketRun run;
  for (int done = 0; done < reads;) {
    rig.pacer->acquire(k_paced_url_a);
    rig.clock.advance(latency);
    const HttpResponse response = server.answer(milliseconds(rig.clock.ms.load()));
    rig.pacer->observe("GET", k_paced_url_a, response);
    if (response.status == 429) {
      ++run.throttled;
    } else {
      ++done;
    }
  }
  run.took = milliseconds(rig.clock.ms.load());
  return run;
}

} // namespace

TEST_CASE("the pacer learns how fast the count comes back and reads at that pace", "[pacer]")
{
  PacerRig rig;
  SECTION("a bucket smaller than the reserve: about its refill rate, not a crawl")
  {
    // A lab with --read-budget 3/s: the count never reaches the reserve of 25.
    PacerBucketServer server(3, 3);
    const auto run = read_from_bucket(rig, server, 90, milliseconds(50));
    CHECK(run.took < milliseconds(45'000)); // 30 s at the bucket's own pace
    CHECK(run.throttled <= 3);
    const auto refill = rig.pace_of("aaaa-1111").refill_per_second;
    REQUIRE(refill);
    CHECK(*refill == Approx(3.0).epsilon(0.35));
  }
  SECTION("ARM's bucket of 250 read faster than it refills: no 429, near 25 a second")
  {
    PacerBucketServer server(250, 25);
    const auto run = read_from_bucket(rig, server, 1250, milliseconds(20));
    // 250 at once, then 1000 at 25 a second: 40 s; a little slower to keep the margin.
    CHECK(run.took > milliseconds(35'000));
    CHECK(run.took < milliseconds(50'000));
    CHECK(run.throttled == 0);
  }
  SECTION("a count that does not come back keeps the long gaps")
  {
    PacerBucketServer server(40, 0.001);
    const auto run = read_from_bucket(rig, server, 39, milliseconds(20));
    CHECK(run.throttled == 0);
    CHECK(rig.pace_of("aaaa-1111").refill_per_second == 0.0);
    // Below 25 left the gaps grow to 60 s / (left + 1); the probe of 2 s shortens only
    // the first ones, before the refill was measured.
    CHECK(run.took > milliseconds(60'000));
  }
}
