// The alert queue: duplicates, grouping by the playbooks' incident rules, the window,
// ranking and shards (src/queue/triage.cpp).

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/queue/triage.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

using dftriage::alert::Alert;
using dftriage::alert::Family;
using dftriage::alert::Severity;
using namespace dftriage::queue;

namespace {

const dftriage::engine::Library& triage_library()
{
  static const auto lib = dftriage::engine::load_library();
  return lib;
}

const std::string k_triage_vault =
    "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/"
    "rg/providers/Microsoft.KeyVault/vaults/kv1";

Alert triage_kv_alert(const std::string& id, const std::string& start, const std::string& ip,
                      const std::string& object_id, const std::string& vault = k_triage_vault)
{
  Alert a;
  a.id = id;
  a.alert_type = "KV_TORAccess";
  a.base_alert_type = a.alert_type;
  a.family = Family::keyvault;
  a.severity = Severity::medium;
  a.status = "Active";
  a.start_time = start;
  a.resource_id = vault;
  a.subscription_id = "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";
  if (!ip.empty()) {
    a.entities.ips.push_back({ip, true});
  }
  if (!object_id.empty()) {
    a.entities.accounts.push_back({"", object_id, "", ""});
  }
  a.source.file = "t.json";
  return a;
}

std::vector<Incident> triage_of(const std::vector<Alert>& alerts, TriageOptions options = {})
{
  Triage t(triage_library(), std::move(options));
  for (const auto& a : alerts) {
    t.add(a);
  }
  return t.finish();
}

std::vector<Alert> triage_read_file(const std::string& path)
{
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto r = dftriage::alert::parse_alerts(text.str(), path);
  REQUIRE(r.diagnostics.empty());
  return std::move(r.alerts);
}

const std::string k_triage_queue = dftriage::test::k_source + "/examples/queue/";

} // namespace

TEST_CASE("triage: the same alert as az list, continuous export and a Sentinel row is one",
          "[queue]")
{
  std::vector<Alert> all;
  for (const char* file :
       {"az-alert-list.json", "continuous-export.ndjson", "sentinel-rows.json"}) {
    for (auto& a : triage_read_file(k_triage_queue + file)) {
      all.push_back(std::move(a));
    }
  }
  REQUIRE(all.size() == 12);
  Triage t(triage_library(), {});
  for (const auto& a : all) {
    t.add(a);
  }
  const auto incidents = t.finish();
  CHECK(t.counts().read == 12);
  CHECK(t.counts().duplicates == 2);
  std::size_t alerts = 0;
  for (const auto& inc : incidents) {
    alerts += inc.alerts.size();
  }
  CHECK(alerts == 10);
  // The Key Vault attack: three alert types on one vault, by one caller, in 23 minutes.
  const auto& attack = incidents.at(0);
  CHECK(attack.family == Family::keyvault);
  CHECK(attack.alerts.size() == 3);
  CHECK(attack.severity == Severity::high);
  CHECK(attack.duplicates == 2);
  CHECK(attack.first_seen == "2026-11-27T07:58:12Z");
  CHECK(attack.last_seen == "2026-11-27T08:21:09Z");
  // The newest status of the TOR alert (InProgress, from the export) is kept; the
  // incident is still active through its other alerts.
  CHECK(attack.alerts.at(0).alert_type == "KV_TORAccess");
  CHECK(attack.alerts.at(0).status == "InProgress");
  CHECK(attack.alerts.at(0).copies == 2);
  CHECK(attack.status == "Active");
  REQUIRE(attack.ties.size() == 2);
  CHECK(attack.ties[0].key == "callerObjectId");
  CHECK(attack.ties[1].value == "185.220.101.47");
  // The sample alert on the same vault stays apart and ranks after the real ones.
  CHECK(incidents.back().simulated);
  CHECK(incidents.back().alerts.at(0).alert_type == "SIMULATED_KV_TORAccess");
  // The mining VM's hourly DNS alerts, from two files, are one incident.
  const auto dns = std::find_if(incidents.begin(), incidents.end(),
                                [](const Incident& i) { return i.family == Family::dns; });
  REQUIRE(dns != incidents.end());
  CHECK(dns->alerts.size() == 4);
  CHECK(incidents.size() == 5);
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    CHECK(incidents[i].rank == i + 1);
  }
}

TEST_CASE("triage: a later status wins over an earlier one, whichever copy comes first", "[queue]")
{
  auto resolved = triage_kv_alert("A1", "2026-11-27T08:00:00Z", "192.0.2.1", "");
  resolved.status = "Resolved";
  const auto active = triage_kv_alert("a1", "2026-11-27T08:00:00Z", "192.0.2.1", "");
  for (const auto& order : {std::vector<Alert>{resolved, active}, {active, resolved}}) {
    const auto incidents = triage_of(order);
    REQUIRE(incidents.size() == 1);
    CHECK(incidents[0].alerts.at(0).status == "Resolved");
    CHECK(incidents[0].alerts.at(0).copies == 2);
  }
}

TEST_CASE("triage: unrelated alerts stay apart", "[queue]")
{
  const std::string other_vault =
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg/providers/"
      "Microsoft.KeyVault/vaults/kv2";
  const auto incidents = triage_of({
      triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", ""),
      triage_kv_alert("b", "2026-11-27T08:01:00Z", "192.0.2.2", ""),              // another caller
      triage_kv_alert("c", "2026-11-27T08:02:00Z", "192.0.2.1", "", other_vault), // another vault
  });
  CHECK(incidents.size() == 3);
}

TEST_CASE("triage: alerts a caller ties are one incident, through either key", "[queue]")
{
  // a and b share an IP, b and c an object ID: one chain.
  const auto incidents = triage_of({
      triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", ""),
      triage_kv_alert("b", "2026-11-27T08:10:00Z", "192.0.2.1",
                      "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f"),
      triage_kv_alert("c", "2026-11-27T08:20:00Z", "", "6C2F8A1E-4B3D-4F5A-9E7C-1D2B3A4C5E6F"),
  });
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].alerts.size() == 3);
  CHECK(incidents[0].group_by == std::vector<std::string>{"resource"});
}

TEST_CASE("triage: the window boundary", "[queue]")
{
  TriageOptions options;
  options.window_s = 3600;
  SECTION("exactly the window apart: together")
  {
    CHECK(triage_of({triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", ""),
                     triage_kv_alert("b", "2026-11-27T09:00:00Z", "192.0.2.1", "")},
                    options)
              .size() == 1);
  }
  SECTION("one second more: apart")
  {
    CHECK(triage_of({triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", ""),
                     triage_kv_alert("b", "2026-11-27T09:00:01Z", "192.0.2.1", "")},
                    options)
              .size() == 2);
  }
  SECTION("a chain: each within the window of the one before, read in any order")
  {
    const auto incidents =
        triage_of({triage_kv_alert("c", "2026-11-27T10:00:00Z", "192.0.2.1", ""),
                   triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", ""),
                   triage_kv_alert("b", "2026-11-27T09:00:00Z", "192.0.2.1", "")},
                  options);
    REQUIRE(incidents.size() == 1);
    CHECK(incidents[0].alerts.at(0).id == "a");
    CHECK(incidents[0].alerts.at(2).id == "c");
  }
}

TEST_CASE("triage: an alert without a caller groups only with its own alert type", "[queue]")
{
  auto a = triage_kv_alert("a", "2026-11-27T08:00:00Z", "", "");
  auto b = triage_kv_alert("b", "2026-11-27T09:00:00Z", "", "");
  auto c = triage_kv_alert("c", "2026-11-27T09:30:00Z", "", "");
  c.alert_type = c.base_alert_type = "KV_AppAnomaly";
  const auto incidents = triage_of({a, b, c});
  CHECK(incidents.size() == 2);
}

TEST_CASE("triage: ranking by severity, activity, recency and family", "[queue]")
{
  auto low_new = triage_kv_alert("low", "2026-11-28T08:00:00Z", "192.0.2.1", "");
  low_new.severity = Severity::low;
  auto high_old = triage_kv_alert("high", "2026-11-20T08:00:00Z", "192.0.2.2", "");
  high_old.severity = Severity::high;
  auto high_resolved = triage_kv_alert("resolved", "2026-11-28T08:00:00Z", "192.0.2.3", "");
  high_resolved.severity = Severity::high;
  high_resolved.status = "Resolved";
  auto high_new = triage_kv_alert("new", "2026-11-27T08:00:00Z", "192.0.2.4", "");
  high_new.severity = Severity::high;
  const auto incidents = triage_of({low_new, high_old, high_resolved, high_new});
  REQUIRE(incidents.size() == 4);
  CHECK(incidents[0].alerts[0].id == "new");
  CHECK(incidents[1].alerts[0].id == "high");
  CHECK(incidents[2].alerts[0].id == "resolved");
  CHECK(incidents[3].alerts[0].id == "low");
}

TEST_CASE("triage: filters apply to an alert's merged copy", "[queue]")
{
  auto resolved = triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", "");
  resolved.status = "Resolved";
  const auto active = triage_kv_alert("a", "2026-11-27T08:00:00Z", "192.0.2.1", "");
  TriageOptions options;
  options.statuses = {"active"};
  Triage t(triage_library(), options);
  t.add(active);
  t.add(resolved);
  CHECK(t.finish().empty());
  CHECK(t.counts().filtered == 1);
}

TEST_CASE("triage: shards cover every incident exactly once, by subscription", "[queue]")
{
  std::vector<Alert> alerts;
  for (int i = 0; i < 200; ++i) {
    auto a = triage_kv_alert("id" + std::to_string(i), "2026-11-27T08:00:00Z",
                             "192.0.2." + std::to_string(i % 50), "");
    a.subscription_id = "00000000-0000-0000-0000-0000000000" + std::to_string(10 + i % 37);
    a.resource_id = "/subscriptions/" + a.subscription_id +
                    "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" +
                    std::to_string(i % 11);
    alerts.push_back(a);
  }
  const auto whole = triage_of(alerts);
  std::set<std::string> ids;
  for (const auto& inc : whole) {
    ids.insert(inc.id);
  }
  REQUIRE(ids.size() == whole.size());
  for (const std::size_t shards : {1U, 3U, 7U}) {
    std::multiset<std::string> seen;
    std::map<std::string, std::size_t> shard_of_subscription;
    for (std::size_t k = 1; k <= shards; ++k) {
      TriageOptions options;
      options.shard = k;
      options.shards = shards;
      for (const auto& inc : triage_of(alerts, options)) {
        seen.insert(inc.id);
        const auto [it, fresh] = shard_of_subscription.emplace(inc.subscription_id, k);
        CHECK(it->second == k); // one subscription, one shard
      }
    }
    CHECK(seen.size() == whole.size());
    CHECK(std::set<std::string>(seen.begin(), seen.end()) == ids);
  }
}

TEST_CASE("triage: windows as --window takes them", "[queue]")
{
  CHECK(parse_window("24h") == 86400);
  CHECK(parse_window("90m") == 5400);
  CHECK(parse_window("7d") == 7 * 86400);
  CHECK(parse_window("3600s") == 3600);
  CHECK(parse_window("3600") == 3600);
  CHECK_FALSE(parse_window(""));
  CHECK_FALSE(parse_window("h"));
  CHECK_FALSE(parse_window("-1h"));
  CHECK_FALSE(parse_window("1.5h"));
  CHECK_FALSE(parse_window("99999999999d"));
}

TEST_CASE("triage: an incident's NDJSON line is its JSON form's bytes", "[queue]")
{
  std::vector<Alert> all;
  for (const char* file :
       {"az-alert-list.json", "continuous-export.ndjson", "sentinel-rows.json"}) {
    for (auto& a : triage_read_file(k_triage_queue + file)) {
      all.push_back(std::move(a));
    }
  }
  // Text no parser would let through: a control character, a quote, invalid UTF-8 in
  // the file name (which comes from the command line).
  auto odd = triage_kv_alert("odd\"\x01", "", "192.0.2.1", "");
  odd.display_name = "tab\there \xe4\xb8\xad";
  odd.source.file = "bad\xff.json";
  odd.status.clear();
  all.push_back(odd);
  const auto incidents = triage_of(all);
  REQUIRE(incidents.size() == 6);
  for (const auto& inc : incidents) {
    std::string line;
    append_json(inc, 3600, line);
    CHECK(line == to_json(inc, 3600).dump(-1, ' ', false,
                                          nlohmann::ordered_json::error_handler_t::replace));
  }
}
