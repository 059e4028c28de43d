// End-to-end: crash safety and faults during changes on a served lab: a run killed after
// a change resumes without sending it twice, a damaged journal is still undone, failed
// reads hold the alert open, a failed change stops the walk, throttling is waited out.

#include "support/served_lab.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

using namespace dftriage::test;
using namespace dftriage::test::served;

TEST_CASE("a run killed after each change resumes without sending any change twice", "[e2e][exec]")
{
  for (int kill_at = 1; kill_at <= 3; ++kill_at) {
    DYNAMIC_SECTION("killed after change " << kill_at)
    {
      ServedLab lab("crash-" + std::to_string(kill_at));
      const auto before = lab.vault();
      const std::string case_dir = (lab.dir / "case").string();
      const std::vector<std::string> args{
          "run",    k_kv_alert, "--case",
          case_dir, "--set",    "allowed_ranges=203.0.113.0/24, 127.0.0.1",
          "--yes",  "-o",       "json"};
      const auto killed =
          lab.run(args, {{"DFTRIAGE_TEST_KILL_AFTER_CHANGE", std::to_string(kill_at)}});
      CHECK(killed.exit_code == 137);
      CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);

      const auto resumed = lab.run({"run", "--case", case_dir, "--yes", "-o", "json"});
      INFO(resumed.err);
      const auto outcomes = outcomes_of(resumed.out);
      CHECK(outcomes["resolve-alert"] != "failed");
      for (const auto& [change, count] : lab.changes_received()) {
        INFO(change);
        CHECK(count == 1);
      }
      // firewall, access policy, alert (no role assignment: the playbook never picks one
      // by position, and none is given)
      CHECK(lab.changes_received().size() == 3);
      CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");
      CHECK(lab.alert_status() == "Resolved");
      CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
      // The change the kill cut short is this case's: done, never a no-op, and undone.
      for (const auto& [step, outcome] : outcomes.items()) {
        INFO(step);
        CHECK(outcome != "no-op");
      }
      const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
      INFO(undo.out + undo.err);
      CHECK(undo.exit_code == 0);
      const auto after = lab.vault();
      CHECK(after["properties"]["networkAcls"] == before["properties"]["networkAcls"]);
      CHECK(after["properties"]["accessPolicies"] == before["properties"]["accessPolicies"]);
      CHECK(lab.alert_status() == "Active");
    }
  }
}

TEST_CASE("a DNS run killed after each isolating change resumes without sending it twice",
          "[e2e][exec]")
{
  for (int kill_at = 1; kill_at <= 2; ++kill_at) {
    DYNAMIC_SECTION("killed after change " << kill_at)
    {
      ServedLab lab("dns-crash-" + std::to_string(kill_at), {}, k_dns_alert);
      const std::string original_nsg = nsg_of(lab);
      const std::string case_dir = (lab.dir / "case").string();
      const std::vector<std::string> args{"run",   k_dns_alert,          "--case", case_dir,
                                          "--yes", "--yes-irreversible", "-o",     "json"};
      const auto killed =
          lab.run(args, {{"DFTRIAGE_TEST_KILL_AFTER_CHANGE", std::to_string(kill_at)}});
      CHECK(killed.exit_code == 137);
      const auto resumed =
          lab.run({"run", "--case", case_dir, "--yes", "--yes-irreversible", "-o", "json"});
      INFO(resumed.err);
      // The walk's tasks for a person (remove unknown software, reconnect once clean)
      // stay open off a terminal: the case needs a human, nothing failed.
      CHECK(resumed.exit_code == 5);
      CHECK(nlohmann::json::parse(resumed.out).at(0)["status"] == "needs-human");
      CHECK(outcomes_of(resumed.out)["attach-isolation-nsg"] != "failed");
      // Five read-only scripts and the scan; every other change once.
      for (const auto& [change, count] : lab.changes_received()) {
        INFO(change);
        CHECK(count == (change.find("/runCommand") != std::string::npos ? 6 : 1));
      }
      const std::string isolation = nsg_of(lab);
      CHECK_THAT(isolation, Catch::Contains("-isolation-"));
      CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
      // Undo reconnects the VM and removes the isolation NSG, whichever change was cut short.
      for (const char* step : {"create-isolation-nsg", "attach-isolation-nsg"}) {
        const auto outcome = outcomes_of(resumed.out)[step];
        CHECK((outcome == "done" || outcome == "done-earlier"));
      }
      const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
      INFO(undo.out + undo.err);
      CHECK(undo.exit_code == 0);
      CHECK(nsg_of(lab) == original_nsg);
      CHECK(lab.get_status(isolation + "?api-version=2024-05-01", lab.cloud.arm_audience).first ==
            404);
    }
  }
}

TEST_CASE("a run command whose answer was lost is not run again on resume", "[e2e][exec]")
{
  // A script's effect cannot be read back, so the resumed walk stops there and says so
  // instead of running it a second time.
  ServedLab lab("dns-crash-script", {}, k_dns_alert);
  const std::string case_dir = (lab.dir / "case").string();
  // The scan is the ninth change: isolation NSG, its attachment, the snapshot, then five
  // read-only scripts (processes, connections, sign-ins, persistence, software).
  const auto killed =
      lab.run({"run", k_dns_alert, "--case", case_dir, "--yes", "--yes-irreversible", "-o", "json"},
              {{"DFTRIAGE_TEST_KILL_AFTER_CHANGE", "9"}});
  CHECK(killed.exit_code == 137);
  const auto resumed =
      lab.run({"run", "--case", case_dir, "--yes", "--yes-irreversible", "-o", "json"});
  CHECK(resumed.exit_code == 4);
  CHECK(outcomes_of(resumed.out)["antimalware-scan"] == "failed");
  CHECK_THAT(resumed.out, Catch::Contains("check by hand"));
  CHECK(
      lab.changes_received()[std::string("POST https://127.0.0.1:") + std::to_string(lab.port) +
                             k_example_web_group +
                             "/providers/Microsoft.Compute/virtualMachines/vm-web-01/runCommand"] ==
      6);
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

TEST_CASE("a case whose journal was damaged is still undone from what it records, with a warning",
          "[e2e][exec]")
{
  ServedLab lab("damaged");
  const auto before = lab.vault();
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_kv_alert, "--case", case_dir, "--set",
                          "allowed_ranges=203.0.113.0/24, 127.0.0.1", "--yes", "-o", "json"});
  REQUIRE(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");
  // Someone edits an early entry: the chain breaks there.
  std::string journal = read_file(case_dir + "/journal.jsonl");
  const auto at = journal.find("\"time\":\"20");
  REQUIRE(at != std::string::npos);
  journal[at + 9] = journal[at + 9] == '2' ? '3' : '2';
  std::ofstream(case_dir + "/journal.jsonl", std::ios::trunc) << journal;
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 7);
  // Resuming refuses to add to it; undo takes back what it records.
  const auto resumed = lab.run({"run", "--case", case_dir, "--yes"});
  CHECK(resumed.exit_code == 7);
  CHECK_THAT(resumed.err, Catch::Contains("the journal's chain breaks"));
  const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  CHECK_THAT(undo.err, Catch::Contains("warning: "));
  CHECK_THAT(undo.err, Catch::Contains("undoing from what it still records"));
  CHECK(lab.vault()["properties"]["networkAcls"] == before["properties"]["networkAcls"]);
  CHECK(lab.vault()["properties"]["accessPolicies"] == before["properties"]["accessPolicies"]);
  CHECK(lab.alert_status() == "Active");
  // What undo did is journaled after the damaged record.
  CHECK(read_file(case_dir + "/journal.jsonl").find("\"event\":\"undo.done\"") !=
        std::string::npos);
}

TEST_CASE("the alert is not closed while a read that assesses the incident failed", "[e2e][exec]")
{
  // The vault's keys cannot be listed: the assessment is incomplete.
  ServedLab lab("unassessed", {"403:GET:every:path=/keys"});
  const std::string case_dir = (lab.dir / "case").string();
  SECTION("off a terminal the walk stops there with the failure status")
  {
    const auto r = lab.run(
        {"run", k_kv_alert, "--case", case_dir, "--answers", k_kv_answers, "--yes", "-o", "json"});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    const auto outcomes = outcomes_of(r.out);
    CHECK(outcomes["list-keys"] == "failed");
    CHECK(outcomes["resolve-alert"] == "failed");
    CHECK_THAT(r.out, Catch::Contains("reads that assess the incident failed (list-keys)"));
    CHECK(lab.alert_status() == "Active");
  }
  SECTION("at a terminal the responder reads again, or closes anyway with a reason")
  {
    PtySession pty(
        {k_bin, "run", k_kv_alert, "--case", case_dir, "--answers", k_kv_answers, "--yes"},
        {{"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", lab.cloud_file}});
    int asked = 0;
    for (int i = 0; i < 300 && asked < 2; ++i) {
      const int prompt =
          pty.expect_any({"[r]un them again / [c]lose anyway (with a reason) / b / q / ? > ",
                          "Checked off? [d]one", " > "});
      REQUIRE(prompt >= 0);
      if (prompt == 0) {
        ++asked;
        CHECK_THAT(pty.transcript(), Catch::Contains("These reads failed: list-keys."));
        pty.send_line(asked == 1 ? "r" : "c"); // the read fails again: asked again
      } else {
        pty.send_line(prompt == 1 ? "n" : "");
      }
    }
    REQUIRE(asked == 2);
    REQUIRE(pty.expect("Why close it without them?"));
    pty.send_line("keys listed by hand in the portal: none used");
    for (int i = 0; i < 20 && pty.expect_any({"Summary:", " > "}) == 1; ++i) {
      pty.send_line("");
    }
    pty.finish();
    CHECK(lab.alert_status() == "Resolved");
    const auto journal = read_file(case_dir + "/journal.jsonl");
    CHECK(journal.find("\"event\":\"assessment.waived\"") != std::string::npos);
    CHECK(journal.find("keys listed by hand in the portal") != std::string::npos);
    // The record says who closed it without those reads, and why.
    const auto report = run_process({k_bin, "report", case_dir, "--lang", "en"});
    CHECK_THAT(report.out,
               Catch::Contains(
                   "`resolve-alert`: closing although these reads failed: `list-keys`: keys listed "
                   "by hand in the portal"));
  }
}

TEST_CASE("a change that fails stops the walk, the case resumes once Azure recovers", "[e2e][exec]")
{
  // The lab answers the first PATCH (the firewall) with 503: a PATCH is never resent
  // blindly, so the step fails and nothing after it runs.
  ServedLab lab("fault", {"503:PATCH:1"});
  const std::string case_dir = (lab.dir / "case").string();
  const auto failed = lab.run({"run", k_kv_alert, "--case", case_dir, "--yes", "-o", "json"});
  CHECK(failed.exit_code == 4);
  const auto outcomes = outcomes_of(failed.out);
  CHECK(outcomes["enable-firewall"] == "failed");
  CHECK(!outcomes.contains("remove-access-policy"));
  CHECK(lab.vault()["properties"]["accessPolicies"].dump().find("d3b07384") != std::string::npos);
  const auto journal = read_file(case_dir + "/journal.jsonl");
  CHECK(journal.find("\"event\":\"step.failed\"") != std::string::npos);
  CHECK(journal.find("\"status\":503") != std::string::npos);

  const auto resumed = lab.run({"run", "--case", case_dir, "--yes", "-o", "json"});
  const auto after = outcomes_of(resumed.out);
  CHECK(after["enable-firewall"] == "done");
  CHECK(after["remove-access-policy"] == "done");
  CHECK(lab.alert_status() == "Resolved");
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

TEST_CASE("throttling during a change is waited out", "[e2e][exec]")
{
  ServedLab lab("throttle", {"429:PATCH:1:retry-after=1"});
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_kv_alert, "--case", case_dir, "--yes", "-o", "json"});
  CHECK(outcomes_of(r.out)["enable-firewall"] == "done");
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");
}
