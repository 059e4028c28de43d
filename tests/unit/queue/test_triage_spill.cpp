// A queue past triage's memory budget, triaged through spill files: the same bytes as in
// memory, no file left behind, a clear error where none can be written
// (src/queue/triage_spill.cpp).

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/queue/triage.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/time.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using dftriage::alert::Alert;
using dftriage::alert::Family;
using dftriage::alert::Severity;
using dftriage::queue::Incident;
using dftriage::queue::Triage;
using dftriage::queue::TriageCounts;
using dftriage::queue::TriageOptions;

namespace {

const dftriage::engine::Library& tq_library()
{
  static const auto lib = dftriage::engine::load_library();
  return lib;
}

// Deterministic draws (xorshift64), so every run tests the same queue.
class TqDraws
{
public:
  std::uint64_t below(std::uint64_t n)
  {
    m_state ^= m_state << 13U;
    m_state ^= m_state >> 7U;
    m_state ^= m_state << 17U;
    return m_state % n;
  }
  bool chance(std::uint64_t percent) { return below(100) < percent; }

private:
  std::uint64_t m_state = 0x9e3779b97f4a7c15ULL;
};

constexpr std::int64_t k_tq_epoch = 1795737600; // 2026-11-27T00:00:00Z

// One generated alert of kind 0 (Key Vault), 1 (DNS), 2 (Resource Manager) or 3 (other).
Alert tq_alert(TqDraws& draw, int n)
{
  static const char* const k_statuses[] = {
      "Active", "Active", "InProgress", "Resolved", "Dismissed", "active", ""};
  static const char* const k_kv_types[] = {"KV_TORAccess", "KV_ListGetAnomaly",
                                           "KV_SuspiciousPolicy"};
  Alert a;
  a.id = "alert-" + std::to_string(n);
  const std::string subscription =
      "00000000-0000-0000-0000-00000000000" + std::to_string(draw.below(3));
  a.subscription_id = subscription;
  a.severity = static_cast<Severity>(draw.below(4));
  a.status = k_statuses[draw.below(7)];
  // Offsets on a 10-minute grid: many pairs exactly one window (3600 s) apart.
  a.start_time = draw.chance(3)
                     ? ""
                     : dftriage::time::from_unix_seconds(
                           k_tq_epoch + static_cast<std::int64_t>(draw.below(360)) * 600);
  const std::string ip = "192.0.2." + std::to_string(draw.below(4));
  const std::string object_id =
      "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6" + std::to_string(draw.below(3));
  const auto kind = draw.below(4);
  const std::string rg = "/subscriptions/" + subscription + "/resourceGroups/rg/providers/";
  if (kind == 0) {
    a.alert_type = k_kv_types[draw.below(3)];
    a.family = Family::keyvault;
    a.resource_id = rg + "Microsoft.KeyVault/vaults/kv" + std::to_string(draw.below(3));
  } else if (kind == 1) {
    a.alert_type = "AzureDNS_DarkWeb";
    a.family = Family::dns;
    const std::string vm = "vm" + std::to_string(draw.below(3));
    if (!draw.chance(10)) { // else no host at all: an incident of its own
      a.resource_id = rg + "Microsoft.Compute/virtualMachines/" + vm;
      a.entities.hosts.push_back({vm, a.resource_id});
    }
    a.entities.domains.push_back("pool" + std::to_string(draw.below(3)) + ".example");
  } else if (kind == 2) {
    a.alert_type = "ARM_MicroBurst.AzureDomainInfo";
    a.family = Family::resourcemanager;
    a.resource_id = "/subscriptions/" + subscription;
  } else {
    a.alert_type = "VM_SuspectProcess";
    a.resource_id = rg + "Microsoft.Compute/virtualMachines/vm" + std::to_string(draw.below(2));
  }
  if (kind == 0 || kind == 2) {
    const auto callers = draw.below(4); // neither, the IP, the object ID, both
    if ((callers & 1U) != 0) {
      a.entities.ips.push_back({ip, true});
    }
    if ((callers & 2U) != 0) {
      a.entities.accounts.push_back({"", object_id, "", ""});
    }
  }
  if (draw.chance(5)) {
    a.alert_type = "SIMULATED_" + a.alert_type;
    a.simulated = true;
  }
  a.base_alert_type = a.simulated ? a.alert_type.substr(10) : a.alert_type;
  a.display_name = "Alert " + std::to_string(n);
  if (draw.chance(3)) {
    a.id.clear(); // nothing to recognise it by: its own
  }
  a.source.file = "gen.json";
  a.source.index = static_cast<std::uint64_t>(n) + 1;
  return a;
}

// The example queue in its three shapes, then a generated one with copies (another
// status, the ID in capitals, a Sentinel row's VendorOriginalId), in a scrambled order.
const std::vector<Alert>& tq_queue()
{
  static const std::vector<Alert> alerts = [] {
    std::vector<Alert> out;
    for (const char* file :
         {"az-alert-list.json", "continuous-export.ndjson", "sentinel-rows.json"}) {
      const std::string path = dftriage::test::k_source + "/examples/queue/" + file;
      std::ifstream in(path);
      std::stringstream text;
      text << in.rdbuf();
      for (auto& a : dftriage::alert::parse_alerts(text.str(), path).alerts) {
        out.push_back(std::move(a));
      }
    }
    TqDraws draw;
    std::vector<Alert> generated;
    for (int n = 0; n < 700; ++n) {
      generated.push_back(tq_alert(draw, n));
      const Alert& first = generated.back();
      if (!first.id.empty() && draw.chance(30)) {
        Alert copy = first;
        copy.status = draw.chance(50) ? "Resolved" : "InProgress";
        if (draw.chance(50)) {
          copy.original_id = first.id; // a SecurityAlert row names it so
          copy.id = "sentinel-row-" + std::to_string(n);
        } else {
          std::transform(copy.id.begin(), copy.id.end(), copy.id.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        }
        copy.source.file = "copy.json";
        copy.source.index = static_cast<std::uint64_t>(n) + 1;
        generated.push_back(std::move(copy));
      }
    }
    // Scrambled, copies before or after their first: as files come in any order.
    for (std::size_t i = generated.size() - 1; i > 0; --i) {
      std::swap(generated[i], generated[draw.below(i + 1)]);
    }
    for (auto& a : generated) {
      out.push_back(std::move(a));
    }
    return out;
  }();
  return alerts;
}

// Triages the queue and returns its NDJSON output and counts, as bytes.
std::string tq_output(const TriageOptions& options, TriageCounts& counts)
{
  Triage t(tq_library(), options);
  for (const auto& a : tq_queue()) {
    t.add(a);
  }
  std::string out;
  t.finish([&](Incident&& incident) {
    dftriage::queue::append_json(incident, options.window_s, out);
    out += '\n';
  });
  counts = t.counts();
  out += "read " + std::to_string(counts.read) + ", duplicates " +
         std::to_string(counts.duplicates) + ", filtered " + std::to_string(counts.filtered) +
         ", other shards " + std::to_string(counts.other_shards) + "\n";
  return out;
}

} // namespace

TEST_CASE("triage past its memory budget writes the same bytes as in memory", "[queue]")
{
  const dftriage::test::TempDir dir("tq-spill");
  std::vector<std::pair<std::string, TriageOptions>> cases;
  cases.emplace_back("defaults", TriageOptions{});
  TriageOptions hour;
  hour.window_s = 3600;
  cases.emplace_back("a one-hour window", hour);
  TriageOptions filtered;
  filtered.statuses = {"active", "inprogress"};
  filtered.families = {Family::keyvault, Family::dns, Family::other};
  filtered.since = k_tq_epoch + 3600;
  cases.emplace_back("filters", filtered);
  TriageOptions subscription;
  subscription.subscriptions = {"00000000-0000-0000-0000-000000000001",
                                "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"};
  cases.emplace_back("--subscription", subscription);
  for (std::size_t k = 1; k <= 3; ++k) {
    TriageOptions shard;
    shard.window_s = 1800;
    shard.shard = k;
    shard.shards = 3;
    cases.emplace_back("shard " + std::to_string(k) + "/3", shard);
  }
  for (const auto& [name, options] : cases) {
    INFO(name);
    TriageCounts in_memory;
    const auto expected = tq_output(options, in_memory);
    REQUIRE(in_memory.spilled_bytes == 0);
    for (const std::size_t budget : {std::size_t{1}, std::size_t{20000}}) {
      INFO("budget " << budget);
      auto small = options;
      small.memory_budget_bytes = budget;
      small.spill_dir = dir.path.string();
      TriageCounts spilled;
      CHECK(tq_output(small, spilled) == expected);
      CHECK(spilled.spilled_bytes > 0);
      CHECK(spilled.spill_files > (budget == 1 ? 100U : 3U));
    }
  }
  // What the queue holds, so that the comparison means something: copies, chains, and
  // incidents left to other shards.
  TriageCounts counts;
  const auto whole = tq_output({}, counts);
  CHECK(counts.duplicates > 150);
  CHECK(whole.find("\"alertCount\":5,") != std::string::npos);
  CHECK(whole.find("\"startTime\":null") != std::string::npos);
  CHECK(whole.find("\"id\":\"\"") != std::string::npos);
  CHECK(whole.find("\"simulated\":true") != std::string::npos);
}

TEST_CASE("triage leaves no spill file behind, even while it runs", "[queue]")
{
  const dftriage::test::TempDir dir("tq-spill-left");
  TriageOptions options;
  options.memory_budget_bytes = 4096;
  options.spill_dir = dir.path.string();
  SECTION("finished")
  {
    Triage t(tq_library(), options);
    for (const auto& a : tq_queue()) {
      t.add(a);
    }
    CHECK(std::filesystem::is_empty(dir.path)); // spilled runs are open, already unlinked
    CHECK_FALSE(t.finish().empty());
    CHECK(t.counts().spill_files > 10);
    CHECK(std::filesystem::is_empty(dir.path));
  }
  SECTION("given up half-way, as on an error or Ctrl-C")
  {
    {
      Triage t(tq_library(), options);
      for (std::size_t i = 0; i < tq_queue().size() / 2; ++i) {
        t.add(tq_queue()[i]);
      }
    }
    CHECK(std::filesystem::is_empty(dir.path));
  }
}

TEST_CASE("triage says which folder it cannot write its spill files to", "[queue]")
{
  const dftriage::test::TempDir dir("tq-spill-denied");
  const std::string not_a_folder = dir / "tq_file";
  std::ofstream(not_a_folder) << "a file, not a folder\n";
  const std::string expected =
      "cannot make a spill file in \"" + not_a_folder +
      "\": Not a directory (triage spills to disk when a queue outgrows its memory budget; set "
      "TMPDIR to a writable folder with room)";
  TriageOptions options;
  options.memory_budget_bytes = 1;
  const auto add_all = [&] {
    Triage t(tq_library(), options);
    for (const auto& a : tq_queue()) {
      t.add(a);
    }
  };
  SECTION("as configured")
  {
    options.spill_dir = not_a_folder;
    CHECK_THROWS_WITH(add_all(), expected);
    try {
      add_all();
    } catch (const dftriage::Error& e) {
      CHECK(e.status() == dftriage::ExitStatus::failure);
    }
  }
  SECTION("from TMPDIR")
  {
    const char* before = std::getenv("TMPDIR");
    const std::string saved = before != nullptr ? before : "";
    ::setenv("TMPDIR", not_a_folder.c_str(), 1);
    CHECK_THROWS_WITH(add_all(), expected);
    if (before != nullptr) {
      ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
}
