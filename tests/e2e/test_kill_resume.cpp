// The kill-and-resume driver: each family's walk on a served lab is killed (like kill -9)
// at points drawn with a fixed seed across the whole run (after any journal entry, and
// between Azure's answer to a change and its journal entry), resumed, then undone. It
// must never send a change more often than an uninterrupted run does, never lose a
// journal entry, and undo must bring the lab back to where it started.

#include "support/paths.hpp"
#include "support/served_lab.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

using namespace dftriage::test;
using namespace dftriage::test::served;
using Json = nlohmann::ordered_json;

namespace {

struct WalkFamily
{
  std::string name;
  std::string alert;
  std::string answers;
  // What the walk changes and undo must restore, read from the lab.
  std::function<Json(ServedLab&)> snapshot;
};

std::vector<std::string> sorted_ids(const Json& list)
{
  std::vector<std::string> ids;
  for (const auto& item : list.value("value", Json::array())) {
    ids.push_back(item.value("id", ""));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Json kv_snapshot(ServedLab& lab)
{
  const auto vault = lab.vault();
  return {
      {"networkAcls", vault["properties"]["networkAcls"]},
      {"accessPolicies", vault["properties"]["accessPolicies"]},
      {"roleAssignments",
       sorted_ids(lab.get(k_example_vault + "/providers/Microsoft.Authorization/roleAssignments",
                          "2022-04-01"))},
      {"alert", lab.alert_status()},
      {"secretEnabled", lab.secret_enabled()}};
}

Json dns_snapshot(ServedLab& lab)
{
  return {{"nicNsg", nsg_of(lab)},
          {"nsgs", sorted_ids(lab.get(k_example_web_group +
                                          "/providers/Microsoft.Network/networkSecurityGroups",
                                      "2024-05-01"))},
          {"alert", lab.get(k_example_dns_alert_id, "2022-01-01")["properties"]["status"]}};
}

Json rm_snapshot(ServedLab& lab)
{
  const auto answers = Json::parse(read_file(k_rm_answers));
  const std::string assignment = answers["role_assignment_id"];
  const auto [status, body] =
      lab.get_status(assignment + "?api-version=2022-04-01", lab.cloud.arm_audience);
  const auto user =
      lab.get_status("/v1.0/users/6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f?$select=accountEnabled",
                     lab.cloud.graph_audience);
  return {{"assignment", status == 200 ? Json{body["properties"]["principalId"],
                                              body["properties"]["roleDefinitionId"]}
                                       : Json(status)},
          {"userEnabled", user.second["accountEnabled"]},
          {"alert", rm_alert(lab)["properties"]["status"]}};
}

std::size_t journal_entries(const std::string& case_dir)
{
  const std::string text = read_file(case_dir + "/journal.jsonl");
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Changes the lab received per "METHOD path" since the record held `from` lines.
std::map<std::string, int> changes_since(const ServedLab& lab, std::size_t from)
{
  std::map<std::string, int> out;
  std::istringstream lines(read_file((lab.dir / "record.ndjson").string()));
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    if (n < from) {
      continue;
    }
    const auto pair = Json::parse(line);
    const std::string method = pair["liveRequest"]["method"];
    const std::string url = pair["liveRequest"]["url"];
    // A Log Analytics query is a read sent by POST: reads sent ahead of their steps and
    // not yet journaled when the process died are read again on resume, harmlessly.
    const bool query = url.find("/v1/workspaces/") != std::string::npos;
    if (method != "GET" && url.find("/oauth2/") == std::string::npos && !query) {
      ++out[method + " " + url.substr(0, url.find('?'))];
    }
  }
  return out;
}

std::size_t record_lines(const ServedLab& lab)
{
  const std::string text = read_file((lab.dir / "record.ndjson").string());
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE(
    "kill -9 anywhere in a walk, resume, undo: nothing sent twice, nothing lost, the lab restored",
    "[e2e][exec][kill]")
{
  const std::vector<WalkFamily> families{
      {"keyvault", k_kv_alert, k_kv_answers, kv_snapshot},
      {"dns", k_dns_alert, k_dns_answers, dns_snapshot},
      {"resource-manager", k_rm_alert, k_rm_answers, rm_snapshot}};
  std::mt19937 random(20261202); // fixed: the same kill points on every run
  std::size_t kills = 0;
  for (const auto& family : families) {
    // One lab per family: every iteration ends with undo, which must restore it.
    ServedLab lab("kill-" + family.name, {}, family.alert);
    const Json start = family.snapshot(lab);
    // An uninterrupted run: how many entries, and how often each change is sent.
    const std::string baseline_case = (lab.dir / "baseline").string();
    std::size_t mark = record_lines(lab);
    const std::vector<std::string> run_args{"--answers",         family.answers, "--yes",
                                            "--non-interactive", "-o",           "json"};
    auto args = std::vector<std::string>{"run", family.alert, "--case", baseline_case};
    args.insert(args.end(), run_args.begin(), run_args.end());
    const auto baseline = lab.run(args);
    INFO(family.name << " baseline: " << baseline.err);
    REQUIRE((baseline.exit_code == 0 || baseline.exit_code == 5));
    const auto sent_once = changes_since(lab, mark);
    REQUIRE(!sent_once.empty());
    const std::size_t entries = journal_entries(baseline_case);
    REQUIRE(lab.run({"undo", "-o", "text", baseline_case, "--yes"}).exit_code == 0);
    REQUIRE(family.snapshot(lab) == start);

    // Kill points: after journal entry N (drawn across the run), and after each change's
    // answer before it is journaled.
    std::vector<std::pair<std::string, int>> points;
    std::uniform_int_distribution<int> entry(1, static_cast<int>(entries));
    std::set<int> drawn;
    // 13 per family (50 kill points in all); the sanitizer build sets fewer, as the plain
    // build already covers them all and each point there costs three slower runs.
    const char* per_family = std::getenv("DFTRIAGE_KILL_POINTS_PER_FAMILY");
    const std::size_t wanted = per_family != nullptr ? std::strtoul(per_family, nullptr, 10) : 13;
    while (drawn.size() < std::min<std::size_t>(wanted, entries)) {
      drawn.insert(entry(random));
    }
    points.reserve(points.size() + drawn.size());
    for (const int n : drawn) {
      points.emplace_back("DFTRIAGE_TEST_KILL_AT_ENTRY", n);
    }
    int changes = 0;
    for (const auto& [change, count] : sent_once) {
      changes += count;
    }
    for (int n = 1; n <= std::min(changes, 4); ++n) {
      points.emplace_back("DFTRIAGE_TEST_KILL_AFTER_CHANGE", n);
    }
    int iteration = 0;
    for (const auto& [hook, n] : points) {
      const std::string case_dir = (lab.dir / ("case-" + std::to_string(++iteration))).string();
      INFO(family.name << ": " << hook << "=" << n);
      mark = record_lines(lab);
      args = {"run", family.alert, "--case", case_dir};
      args.insert(args.end(), run_args.begin(), run_args.end());
      const auto killed = lab.run(args, {{hook, std::to_string(n)}});
      ++kills;
      if (hook == "DFTRIAGE_TEST_KILL_AT_ENTRY") {
        // The uninterrupted run wrote `entries` entries, so this one reaches entry n.
        CHECK(killed.exit_code == 137);
      }
      if (killed.exit_code == 137) {
        CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0); // nothing lost
        const auto resumed =
            lab.run({"run", "--case", case_dir, "--yes", "--non-interactive", "-o", "json"});
        INFO(resumed.err);
        // A script run on a VM whose answer was lost is not run again: that step fails
        // closed (4); anything else completes or waits for a person.
        CHECK((resumed.exit_code == 0 || resumed.exit_code == 5 || resumed.exit_code == 4));
      }
      for (const auto& [change, count] : changes_since(lab, mark)) {
        INFO(change);
        CHECK(count <= (sent_once.count(change) != 0 ? sent_once.at(change) : 0));
      }
      CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
      const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
      INFO(undo.out + undo.err);
      CHECK(undo.exit_code == 0);
      CHECK(family.snapshot(lab) == start);
    }
  }
  CHECK(kills >= (std::getenv("DFTRIAGE_KILL_POINTS_PER_FAMILY") != nullptr ? 3 : 50));
}
