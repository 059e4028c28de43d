// End-to-end: one response for an incident of triage's queue (run/plan --incident, or
// several alert files that make one incident), carried out on a served lab.

#include "support/served_lab.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

using namespace dftriage::test;
using namespace dftriage::test::served;

namespace {

const std::string k_ir_queue = k_source + "/examples/queue/az-alert-list.json";

// The queue's Key Vault incident of three alerts (TOR access, then listing, then an
// unusual IP on kv-payments-prod): its triage record.
nlohmann::json ir_kv_incident()
{
  const auto r = run_process({k_bin, "triage", k_ir_queue, "-o", "json"});
  REQUIRE(r.exit_code == 0);
  for (const auto& inc : nlohmann::json::parse(r.out)) {
    if (inc["family"] == "keyvault" && inc["alerts"].size() == 3) {
      return inc;
    }
  }
  FAIL("the example queue has no three-alert Key Vault incident");
  return {};
}

// The Key Vault answers of examples/answers without the secret's (the queue's vault has
// none of the demo's secrets).
std::string ir_answers(const std::filesystem::path& dir)
{
  auto answers = nlohmann::json::parse(read_file(k_kv_answers));
  for (const char* key : {"secret_name", "secret_version", "secret_rotation", "delete_secret"}) {
    answers.erase(key);
  }
  auto path = (dir / "incident-answers.json").string();
  std::ofstream(path) << answers.dump();
  return path;
}

// The ARM ID of alert `alert_id` in the example queue (az security alert list's "id").
std::string ir_arm_id(const std::string& alert_id)
{
  for (const auto& each : nlohmann::json::parse(read_file(k_ir_queue))) {
    if (each["name"] == alert_id) {
      return each["id"];
    }
  }
  FAIL("no alert " + alert_id + " in the example queue");
  return {};
}

int ir_count(const std::map<std::string, int>& changes, const std::string& part)
{
  int n = 0;
  for (const auto& [request, count] : changes) {
    if (request.find(part) != std::string::npos) {
      n += count;
    }
  }
  return n;
}

} // namespace

TEST_CASE("run --incident answers a three-alert Key Vault attack once: the firewall changed once, "
          "every alert resolved",
          "[e2e][exec][incident]")
{
  ServedLab lab("incident", {}, k_ir_queue);
  const auto incident = ir_kv_incident();
  const auto id = incident["incident"].get<std::string>();
  const std::string case_dir = (lab.dir / "case").string();
  const auto r =
      lab.run({"run", k_ir_queue, "--incident", id, "--case", case_dir, "--answers",
               ir_answers(lab.dir), "--yes", "--reason", "one attack, three alerts", "-o", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 5); // all done but the manual checks a person ticks off
  const auto outcomes = outcomes_of(r.out);
  CHECK(outcomes["enable-firewall"] == "done");
  CHECK_FALSE(outcomes.contains("enable-firewall@2"));
  CHECK(outcomes["remove-access-policy"] == "done");
  for (const char* step : {"alert-details", "alert-details@2", "alert-details@3", "resolve-alert",
                           "resolve-alert@2", "resolve-alert@3"}) {
    INFO(step);
    CHECK(outcomes[step] == "done");
  }

  // Each change reached the lab once; each alert was resolved once.
  const auto changes = lab.changes_received();
  CHECK(ir_count(changes, "PATCH https://127.0.0.1") == 1); // the vault's firewall
  CHECK(ir_count(changes, "/accessPolicies/remove") == 1);
  for (const auto& a : incident["alerts"]) {
    const std::string alert_id = a["id"];
    INFO(alert_id);
    CHECK(ir_count(changes, alert_id + "/resolve") == 1);
    const auto alert = lab.get(ir_arm_id(alert_id), "2022-01-01");
    CHECK(alert["properties"]["status"] == "Resolved");
  }
  // The firewall blocks every caller of the incident.
  const auto vault = lab.vault();
  CHECK(vault["properties"]["networkAcls"]["defaultAction"] == "Deny");

  // One case for the incident: its alerts kept, verified, reported.
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
  const auto report = run_process({k_bin, "report", case_dir, "-o", "json"});
  REQUIRE(report.exit_code == 0);
  const auto rep = nlohmann::json::parse(report.out);
  CHECK(rep["incident"]["id"] == id);
  REQUIRE(rep["incident"]["alerts"].size() == 3);
  const auto journal_text = read_file(case_dir + "/journal.jsonl");
  const auto opened = nlohmann::json::parse(journal_text.substr(0, journal_text.find('\n')));
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(rep["incident"]["alerts"][i]["id"] == incident["alerts"][i]["id"]);
    // The status triage showed is recorded when the case opens, and reported.
    CHECK(opened["incident"]["alerts"][i]["status"] == incident["alerts"][i]["status"]);
    CHECK(rep["incident"]["alerts"][i]["status"] == incident["alerts"][i]["status"]);
  }
  const auto md = run_process({k_bin, "report", case_dir});
  // Titled by the incident as triage lists it, not by its first alert (a Medium one).
  CHECK(md.out.rfind("# Incident record: `" + id + "` (" + incident["severity"].get<std::string>() +
                         ", 3 alerts: `KV_TORAccess`, ",
                     0) == 0);
  CHECK(rep["lang"] == "en");
  // Asked for in Chinese, the record says so, and still that the case was walked in English.
  const auto zh = nlohmann::json::parse(
      run_process({k_bin, "report", case_dir, "--lang", "zh-CN", "-o", "json"}).out);
  CHECK(zh["lang"] == "zh-CN");
  CHECK(zh["caseLang"] == "en");
  CHECK(zh["incident"]["severity"] == incident["severity"]);
  const auto zh_md = run_process({k_bin, "report", case_dir, "--lang", "zh-CN"}).out;
  CHECK(zh_md.rfind("# 事件记录：`" + id + "`（", 0) == 0);
  CHECK(zh_md.find("client secret") == std::string::npos);

  // Resumed, the case walks the same incident and sends no change again.
  const auto again = lab.run({"run", "--case", case_dir, "--yes", "-o", "json"});
  INFO(again.err);
  CHECK(again.exit_code == 5);
  CHECK(lab.changes_received() == changes);

  // Undo reverts the incident's changes, every alert's status among them.
  const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  for (const auto& a : incident["alerts"]) {
    const auto alert = lab.get(ir_arm_id(a["id"]), "2022-01-01");
    CHECK(alert["properties"]["status"] == "Active");
  }
}

TEST_CASE("several alerts are one case only as one incident", "[e2e][incident]")
{
  const auto incident = ir_kv_incident();
  TempDir dir("incident-files");
  // The incident's three alerts, one file each: they make one incident.
  const auto all = nlohmann::json::parse(read_file(k_ir_queue));
  std::vector<std::string> files;
  for (const auto& a : incident["alerts"]) {
    for (const auto& each : all) {
      if (each["name"] == a["id"]) {
        files.push_back((dir.path / (a["id"].get<std::string>() + ".json")).string());
        std::ofstream(files.back()) << each.dump(2);
      }
    }
  }
  REQUIRE(files.size() == 3);
  std::vector<std::string> plan_argv{
      k_bin, "plan", "--incident", incident["incident"].get<std::string>(), "-o", "json"};
  for (const auto& f : files) {
    plan_argv.push_back(f);
  }
  const auto plan = run_process(plan_argv);
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  const auto p = nlohmann::json::parse(plan.out);
  REQUIRE(p.size() == 1);
  CHECK(p[0]["incident"]["id"] == incident["incident"]);
  CHECK(p[0]["incident"]["alerts"].size() == 3);

  SECTION("a queue of several incidents needs --incident, and names them")
  {
    const auto r =
        run_process({k_bin, "run", k_ir_queue, "--case", (dir.path / "case").string(), "--yes"}, {},
                    {{"DFTRIAGE_CLOUD", ""}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--incident") != std::string::npos);
    CHECK(r.err.find(incident["incident"].get<std::string>()) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path / "case"));
  }
  SECTION("an incident the queue does not hold is a usage error before anything is sent")
  {
    const auto r = run_process({k_bin, "plan", k_ir_queue, "--incident", "INC-000000000000"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no such incident") != std::string::npos);
  }
  SECTION("a bad --window names the option")
  {
    const auto r = run_process({k_bin, "plan", k_ir_queue, "--incident",
                                incident["incident"].get<std::string>(), "--window", "soon"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--window") != std::string::npos);
  }
}
