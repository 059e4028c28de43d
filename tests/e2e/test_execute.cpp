// End-to-end: run, apply, undo and report against `dftriage lab serve`, as a responder
// would use them; crash safety and faults during changes.

#include "support/served_lab.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

using dftriage::test::PtySession;
using dftriage::test::run_process;
using dftriage::test::Server;
using namespace dftriage::test::served;

TEST_CASE(
    "run carries out the Key Vault playbook on a served lab, undo restores the vault and the alert",
    "[e2e][exec]")
{
  ServedLab lab("run-undo");
  const auto before = lab.vault();
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_kv_alert, "--case", case_dir, "--answers", k_answers, "--yes",
                          "--reason", "TOR access confirmed malicious", "-o", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 5); // everything done but the tasks a person checks off
  const auto outcomes = outcomes_of(r.out);
  for (const auto& [step, outcome] : outcomes.items()) {
    INFO(step);
    CHECK(outcome != "failed");
    CHECK(outcome != "awaiting-confirmation");
  }
  CHECK(outcomes["trusted-networks"] == "open");
  CHECK(outcomes["owner-tags"] == "done");
  CHECK(outcomes["enable-firewall"] == "done");
  CHECK(outcomes["remove-access-policy"] == "done");
  CHECK(outcomes["resolve-alert"] == "done");
  CHECK(outcomes["disable-secret-version"] == "done");
  CHECK(outcomes["log-by-ip"] == "done");
  CHECK(lab.secret_enabled() == false);

  const auto after = lab.vault();
  CHECK(after["properties"]["networkAcls"]["defaultAction"] == "Deny");
  CHECK(after["properties"]["networkAcls"]["ipRules"].dump().find("203.0.113.0/24") !=
        std::string::npos);
  CHECK(after["properties"]["accessPolicies"].dump().find("d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f") ==
        std::string::npos);
  CHECK(lab.alert_status() == "Resolved");

  // The case folder: private, complete, chained, free of secrets.
  struct stat st
  {
  };
  REQUIRE(::stat(case_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(case_dir)) {
    REQUIRE(::stat(entry.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (entry.is_directory() ? 0700u : 0600u));
    const auto content = slurp(entry.path().string());
    CHECK(content.find(lab.connection["clientSecret"].get<std::string>()) == std::string::npos);
    CHECK(content.find("Bearer ey") == std::string::npos);
  }
  for (const char* file : {"alert.json", "plan.json", "journal.jsonl"}) {
    CHECK(std::filesystem::exists(std::filesystem::path(case_dir) / file));
  }
  const auto verify = run_process({k_bin, "case", "verify", case_dir});
  CHECK(verify.exit_code == 0);
  const auto journal = slurp(case_dir + "/journal.jsonl");
  CHECK(journal.find("\"reason\":\"TOR access confirmed malicious\"") != std::string::npos);
  CHECK(journal.find("\"event\":\"pre-image.captured\"") != std::string::npos);

  const auto report = run_process({k_bin, "report", case_dir, "-o", "json"});
  REQUIRE(report.exit_code == 0);
  const auto rep = nlohmann::json::parse(report.out);
  CHECK(rep["journal"]["chainIntact"] == true);
  bool firewall_listed = false;
  for (const auto& a : rep["actions"]) {
    if (a["step"] == "enable-firewall") {
      firewall_listed = true;
      CHECK(a["status"] == "done");
      CHECK(!a["requestIds"].empty());
      CHECK(a["reason"] == "TOR access confirmed malicious");
    }
  }
  CHECK(firewall_listed);
  const auto md = run_process({k_bin, "report", case_dir, "--lang", "zh-CN"});
  CHECK(md.out.find("# 事件记录") != std::string::npos);
  CHECK(md.out.find(lab.connection["clientSecret"].get<std::string>()) == std::string::npos);

  // Undo without --yes off a terminal changes nothing; with it, everything comes back.
  CHECK(lab.run({"undo", case_dir}).exit_code == 5);
  CHECK(lab.alert_status() == "Resolved");
  const auto undo = lab.run({"undo", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  const auto restored = lab.vault();
  CHECK(restored["properties"]["networkAcls"] == before["properties"]["networkAcls"]);
  CHECK(restored["properties"]["accessPolicies"] == before["properties"]["accessPolicies"]);
  CHECK(lab.alert_status() == "Active");
  CHECK(lab.secret_enabled() == true);
  // Undo is idempotent.
  const auto again = lab.run({"undo", case_dir, "--yes"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("Nothing to undo"));
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

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
      const auto undo = lab.run({"undo", case_dir, "--yes"});
      INFO(undo.out + undo.err);
      CHECK(undo.exit_code == 0);
      const auto after = lab.vault();
      CHECK(after["properties"]["networkAcls"] == before["properties"]["networkAcls"]);
      CHECK(after["properties"]["accessPolicies"] == before["properties"]["accessPolicies"]);
      CHECK(lab.alert_status() == "Active");
    }
  }
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
  std::string journal = slurp(case_dir + "/journal.jsonl");
  const auto at = journal.find("\"time\":\"20");
  REQUIRE(at != std::string::npos);
  journal[at + 9] = journal[at + 9] == '2' ? '3' : '2';
  std::ofstream(case_dir + "/journal.jsonl", std::ios::trunc) << journal;
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 7);
  // Resuming refuses to add to it; undo takes back what it records.
  const auto resumed = lab.run({"run", "--case", case_dir, "--yes"});
  CHECK(resumed.exit_code == 7);
  CHECK_THAT(resumed.err, Catch::Contains("the journal's chain breaks"));
  const auto undo = lab.run({"undo", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  CHECK_THAT(undo.err, Catch::Contains("warning: "));
  CHECK_THAT(undo.err, Catch::Contains("undoing from what it still records"));
  CHECK(lab.vault()["properties"]["networkAcls"] == before["properties"]["networkAcls"]);
  CHECK(lab.vault()["properties"]["accessPolicies"] == before["properties"]["accessPolicies"]);
  CHECK(lab.alert_status() == "Active");
  // What undo did is journaled after the damaged record.
  CHECK(slurp(case_dir + "/journal.jsonl").find("\"event\":\"undo.done\"") != std::string::npos);
}

TEST_CASE("the alert is not closed while a read that assesses the incident failed", "[e2e][exec]")
{
  // The vault's keys cannot be listed: the assessment is incomplete.
  ServedLab lab("unassessed", {"403:GET:every:path=/keys"});
  const std::string case_dir = (lab.dir / "case").string();
  SECTION("off a terminal the walk stops there with the failure status")
  {
    const auto r = lab.run(
        {"run", k_kv_alert, "--case", case_dir, "--answers", k_answers, "--yes", "-o", "json"});
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
    PtySession pty({k_bin, "run", k_kv_alert, "--case", case_dir, "--answers", k_answers, "--yes"},
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
    const auto journal = slurp(case_dir + "/journal.jsonl");
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
  const auto journal = slurp(case_dir + "/journal.jsonl");
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

TEST_CASE("apply carries out a captured plan and refuses a tampered or drifted one", "[e2e][exec]")
{
  ServedLab lab("apply");
  const auto plan = lab.run({"plan", k_kv_alert, "--capture", "--set",
                             "allowed_ranges=203.0.113.0/24, 127.0.0.1", "-o", "json"});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = (lab.dir / "plan.json").string();
  std::ofstream(plan_file) << plan.out;

  auto tampered = nlohmann::ordered_json::parse(plan.out);
  tampered[0]["phases"][1]["steps"][1]["action"]["params"]["allowedIps"] = {"0.0.0.0/0"};
  const std::string tampered_file = (lab.dir / "tampered.json").string();
  std::ofstream(tampered_file) << tampered.dump();
  const auto refused =
      lab.run({"apply", tampered_file, "--yes", "--case", (lab.dir / "t").string()});
  CHECK(refused.exit_code == 6); // refused: edited since review
  CHECK_THAT(refused.err, Catch::Contains("altered after it was made"));
  CHECK(lab.changes_received().empty());

  const auto applied = lab.run({"apply", plan_file, "--yes", "--case", (lab.dir / "a").string()});
  INFO(applied.out + applied.err);
  CHECK(applied.exit_code == 0);
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");

  // The vault changed since the plan was made (this apply changed it): a second apply
  // of the same plan is refused at the first change.
  const auto drifted = lab.run({"apply", plan_file, "--yes", "--case", (lab.dir / "d").string()});
  CHECK(drifted.exit_code == 6); // refused: drifted, not an Azure failure
  CHECK_THAT(drifted.out, Catch::Contains("changed since the plan was made"));
}

TEST_CASE(
    "no secret or token reaches the output, the case or the lab's recording, at any verbosity",
    "[e2e][exec]")
{
  ServedLab lab("canary");
  const std::string secret = lab.connection["clientSecret"];
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"-vvv", "run", k_kv_alert, "--case", case_dir, "--answers", k_answers,
                          "--yes", "-o", "json"});
  CHECK(r.out.find(secret) == std::string::npos);
  CHECK(r.err.find(secret) == std::string::npos);
  CHECK(r.err.find("Bearer ey") == std::string::npos);
  const auto report = run_process({k_bin, "-vvv", "report", case_dir});
  CHECK(report.out.find(secret) == std::string::npos);
  lab.server->stop();
  const auto record = slurp((lab.dir / "record.ndjson").string());
  REQUIRE(!record.empty());
  CHECK(record.find(secret) == std::string::npos);
  // Every Authorization header in the recording is redacted.
  std::istringstream lines(record);
  for (std::string line; std::getline(lines, line);) {
    const auto pair = nlohmann::json::parse(line);
    const auto& headers = pair["liveRequest"]["headers"];
    if (headers.contains("authorization")) {
      CHECK(headers["authorization"].get<std::string>().find("redacted") != std::string::npos);
    }
    if (pair["liveResponse"]["body"].contains("access_token")) {
      CHECK(pair["liveResponse"]["body"]["access_token"].get<std::string>().find("redacted") !=
            std::string::npos);
    }
  }
  // The lab's own secret values (the seeded secrets) never leave the lab through dftriage.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(case_dir)) {
    CHECK(slurp(entry.path().string()).find("lab-value-of-") == std::string::npos);
  }
}

TEST_CASE("run at a terminal on the lab confirms with reasons and declines one change",
          "[e2e][exec]")
{
  ServedLab lab("pty");
  const std::string case_dir = (lab.dir / "case").string();
  PtySession pty({k_bin, "run", k_kv_alert, "--case", case_dir, "--answers", k_answers},
                 {{"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", lab.cloud_file}});
  // Answer whatever the walk asks: defaults for questions, Enter between steps, y with
  // a reason for every change but the access-policy removal, which is declined.
  int changes = 0;
  while (true) {
    const int prompt = pty.expect_any(
        {"Carry out this change? [y]es / [n]o / b / q / ? > ", "q: stop · ? > ", "\n  ? ",
         "Summary:", "Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > "});
    INFO("change " << changes << "\n"
                   << pty.transcript().substr(
                          pty.transcript().size() > 3000 ? pty.transcript().size() - 3000 : 0));
    REQUIRE(prompt >= 0);
    if (prompt == 3) {
      break;
    }
    if (prompt == 4) { // a task for a person: checked off, with a note
      pty.send_line("d");
      REQUIRE(pty.expect("Note for the case record (Enter: none · b back · q stop) > "));
      pty.send_line("done by the network team");
      continue;
    }
    if (prompt == 0) {
      ++changes;
      // The change shown last is the access-policy removal when its URL says so.
      const auto& t = pty.transcript();
      if (t.find("accessPolicies/remove", t.rfind("About to change Azure")) != std::string::npos) {
        pty.send_line("n");
        REQUIRE(pty.expect("Why not? For the case record (Enter: no reason) > "));
        pty.send_line("the owner vouches for this application");
        continue;
      }
      pty.send_line("y");
      REQUIRE(pty.expect("Reason, for the case record (b back · q stop) > "));
      pty.send_line(""); // a reason is required
      REQUIRE(pty.expect("Reason, for the case record (b back · q stop) > "));
      pty.send_line("analyst confirms change " + std::to_string(changes));
    } else {
      if (prompt == 2) {
        REQUIRE(pty.expect(" > ")); // the rest of the question: take its default
      }
      pty.send_line("");
    }
  }
  CHECK(changes >= 3);
  CHECK(pty.finish() == 0);
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");
  CHECK(lab.vault()["properties"]["accessPolicies"].dump().find("d3b07384") !=
        std::string::npos); // declined
  const auto journal = slurp(case_dir + "/journal.jsonl");
  CHECK(journal.find("\"reason\":\"analyst confirms change 1\"") != std::string::npos);
  CHECK(journal.find("\"event\":\"step.declined\",\"step\":\"remove-access-policy\"") !=
        std::string::npos);
}

TEST_CASE("run carries out the DNS playbook on a served lab: the VM is isolated and scanned, undo "
          "reconnects it",
          "[e2e][exec]")
{
  ServedLab lab("dns", {}, k_dns_alert);
  const std::string original_nsg = nsg_of(lab);
  CHECK_THAT(original_nsg, Catch::EndsWith("/networkSecurityGroups/vm-web-01-nsg"));
  const std::string case_dir = (lab.dir / "case").string();
  // Without --yes-irreversible, the scripts run on the VM wait for a person.
  const auto cautious = lab.run(
      {"run", k_dns_alert, "--case", (lab.dir / "cautious").string(), "--yes", "-o", "json"});
  CHECK(cautious.exit_code == 5); // the scan waits for a person, as do the tasks
  CHECK(outcomes_of(cautious.out)["antimalware-scan"] == "awaiting-confirmation");
  CHECK(lab.run({"undo", (lab.dir / "cautious").string(), "--yes"}).exit_code == 0);
  CHECK(nsg_of(lab) == original_nsg);

  const auto sent_before = lab.changes_received();
  const auto r = lab.run({"run", k_dns_alert, "--case", case_dir, "--yes", "--yes-irreversible",
                          "--reason", "tor lookups from the web VM", "-o", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 5); // all done but the tasks a person checks off
  const auto outcomes = outcomes_of(r.out);
  for (const char* step : {"vm-details", "create-isolation-nsg", "attach-isolation-nsg",
                           "antimalware-scan", "installed-software", "running-processes-windows",
                           "fix-recommendations", "resolve-alert"}) {
    INFO(step);
    CHECK(outcomes[step] == "done");
  }

  // The NIC now sits behind an NSG named from the alert, tagged with it, denying all.
  const std::string isolation = nsg_of(lab);
  CHECK_THAT(isolation, Catch::Contains("/networkSecurityGroups/vm-web-01-isolation-"));
  const auto nsg = lab.get(isolation, "2024-05-01");
  CHECK(nsg["tags"]["dftriageAlert"] == "2517138462720000000_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d");
  int denies = 0;
  for (const auto& rule : nsg["properties"]["securityRules"]) {
    if (rule["properties"]["access"] == "Deny" &&
        rule["properties"]["sourceAddressPrefix"] == "*") {
      ++denies;
    }
  }
  CHECK(denies == 2); // inbound and outbound
  CHECK(lab.get(k_dns_alert_id, "2022-01-01")["properties"]["status"] == "Resolved");
  // What the VM reported is kept as evidence.
  bool software_kept = false;
  for (const auto& entry : std::filesystem::directory_iterator(case_dir + "/evidence")) {
    software_kept = software_kept || entry.path().filename().string().find("installed-software") !=
                                         std::string::npos;
  }
  CHECK(software_kept);
  // This run's changes reached the lab once each, six run commands (processes,
  // connections, sign-ins, persistence, software, scan); the snapshot the cautious run
  // took, which its undo kept as evidence, was found in place and not taken again.
  for (const auto& [change, count] : lab.changes_received()) {
    INFO(change);
    const int before = sent_before.count(change) != 0 ? sent_before.at(change) : 0;
    const int sent = count - before;
    if (change.find("/runCommand") != std::string::npos) {
      CHECK(sent == 6);
    } else if (change.find("/snapshots/") != std::string::npos || change.rfind("DELETE ", 0) == 0 ||
               change.find("/activate") != std::string::npos) {
      CHECK(sent == 0); // the kept snapshot; the cautious case's undo
    } else {
      CHECK(sent == 1);
    }
  }

  const auto undo = lab.run({"undo", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  CHECK(nsg_of(lab) == original_nsg);
  CHECK(lab.get_status(isolation + "?api-version=2024-05-01", lab.cloud.arm_audience).first == 404);
  CHECK(lab.get(k_dns_alert_id, "2022-01-01")["properties"]["status"] == "Active");
  CHECK_THAT(undo.out, Catch::Contains("cannot be undone")); // the run commands
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
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
      const auto undo = lab.run({"undo", case_dir, "--yes"});
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
  CHECK(lab.changes_received()[std::string("POST https://127.0.0.1:") + std::to_string(lab.port) +
                               k_web + "Microsoft.Compute/virtualMachines/vm-web-01/runCommand"] ==
        6);
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

TEST_CASE("run carries out the Resource Manager playbook on a served lab, undo restores what can "
          "be restored",
          "[e2e][exec]")
{
  ServedLab lab("rm", {}, k_rm_alert);
  const std::string user =
      "/v1.0/users/6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f?$select=accountEnabled";
  const std::string graph = lab.cloud.graph_audience;
  nlohmann::ordered_json answers = nlohmann::ordered_json::parse(slurp(k_rm_answers));
  const std::string assignment = answers["role_assignment_id"];
  const std::string runbooks = answers["automation_account"].get<std::string>() + "/runbooks";
  const auto assignment_before = lab.get(assignment, "2022-04-01");
  REQUIRE(assignment_before.contains("properties"));
  CHECK(lab.get_status(user, graph).second["accountEnabled"] == true);

  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_rm_alert, "--case", case_dir, "--answers", k_rm_answers, "--yes",
                          "--yes-irreversible", "--reason",
                          "MicroBurst run by an unknown automation account", "-o", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 5); // all done but the tasks a person checks off
  const auto outcomes = outcomes_of(r.out);
  for (const auto& [step, outcome] : outcomes.items()) {
    INFO(step);
    CHECK(outcome != "failed");
  }
  for (const char* step :
       {"account-kind", "account-details", "block-unfamiliar-account", "revoke-sessions",
        "account-activity", "eligible-roles", "custom-roles", "webhooks", "job-schedules",
        "subscription-resources", "subscription-iam", "remove-role-assignment", "runbooks",
        "delete-runbook", "resolve-alert"}) {
    INFO(step);
    CHECK(outcomes[step] == "done");
  }
  CHECK(lab.get_status(user, graph).second["accountEnabled"] == false);
  CHECK(lab.get_status(assignment + "?api-version=2022-04-01", lab.cloud.arm_audience).first ==
        404);
  CHECK(lab.get_status(runbooks + "/Update-ModuleCache?api-version=2023-11-01",
                       lab.cloud.arm_audience)
            .first == 404);
  CHECK(lab.get_status(runbooks + "/Stop-DevVMs?api-version=2023-11-01", lab.cloud.arm_audience)
            .first == 200);
  CHECK(rm_alert(lab)["properties"]["status"] == "Resolved");
  // The account's activity in the alert's window was read and kept.
  const auto journal = slurp(case_dir + "/journal.jsonl");
  CHECK(journal.find("MicroBurst run by an unknown automation account") != std::string::npos);

  const auto undo = lab.run({"undo", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  CHECK(lab.get_status(user, graph).second["accountEnabled"] == true);
  const auto assignment_after = lab.get(assignment, "2022-04-01");
  CHECK(assignment_after["properties"]["principalId"] ==
        assignment_before["properties"]["principalId"]);
  CHECK(assignment_after["properties"]["roleDefinitionId"] ==
        assignment_before["properties"]["roleDefinitionId"]);
  CHECK(rm_alert(lab)["properties"]["status"] == "Active");
  // A deleted runbook cannot come back; undo says so rather than pretending.
  CHECK(lab.get_status(runbooks + "/Update-ModuleCache?api-version=2023-11-01",
                       lab.cloud.arm_audience)
            .first == 404);
  CHECK_THAT(undo.out, Catch::Contains("cannot be undone"));
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

namespace {

bool has_report_line(const std::string& text, const std::string& line)
{
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("report on a case run with --lab --yes is a record to paste into a ticket",
          "[e2e][exec][report]")
{
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dftriage-e2e-report-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string case_dir = (dir / "case").string();
  const auto run =
      run_process({k_bin, "run", k_kv_alert, "--lab", "--case", case_dir, "--answers", k_answers,
                   "--yes", "--reason", "TOR access confirmed malicious", "-o", "json"});
  INFO(run.err);
  REQUIRE(std::filesystem::exists(case_dir + "/journal.jsonl"));

  const auto md = run_process({k_bin, "report", case_dir});
  INFO(md.out + md.err);
  CHECK(md.exit_code == 0);
  CHECK_THAT(md.out, Catch::StartsWith("# Incident record: `KV_TORAccess`\n"));
  CHECK_THAT(md.out, Catch::Contains("\n- **Playbook**: `keyvault` "));
  CHECK(has_report_line(
      md.out,
      "- **Owner**: `payments-platform@lab.localhost` (tag `owner`, read by `owner-tags`)"));
  CHECK_THAT(md.out, Catch::Contains(" (`enable-firewall`)\n- **Total time**: "));
  CHECK_THAT(md.out, Catch::Contains(
                         "\n| IP address | `185.220.101.47` | Germany, DE | alert, `evidence/"));
  CHECK(has_report_line(md.out, "| Resource | `" + k_vault + "` | attacked resource | alert |"));
  CHECK_THAT(md.out,
             Catch::Contains("\n| `origin_verified` | `false` | answers file (--answers) | `"));
  CHECK_THAT(md.out, Catch::Contains("\n| `enable-firewall` | `keyvault.firewall.enable` | TOR "
                                     "access confirmed malicious | `"));
  CHECK(has_report_line(
      md.out, "- [ ] `trusted-networks`: manual step still open: check it off with `dftriage run "
              "--case " +
                  case_dir + "`."));
  CHECK(md.out.find("\\_") == std::string::npos);
  CHECK(md.out.find("\\[") == std::string::npos);

  const auto js = run_process({k_bin, "report", case_dir, "-o", "json"});
  REQUIRE(js.exit_code == 0);
  const auto rep = nlohmann::json::parse(js.out);
  CHECK(rep["playbook"] == "keyvault");
  CHECK(rep["durations"]["toFirstContainment"]["step"] == "enable-firewall");
  CHECK(rep["durations"]["total"]["seconds"].get<long long>() >=
        rep["durations"]["toFirstContainment"]["seconds"].get<long long>());
  CHECK(rep["owner"]["found"] == true);
  CHECK(rep["owner"]["step"] == "owner-tags");
  CHECK(rep["indicators"]["ips"][0]["address"] == "185.220.101.47");
  CHECK(rep["indicators"]["principals"][0]["objectId"] == "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f");
  bool from_file = false;
  for (const auto& a : rep["answers"]) {
    from_file = from_file || (a["question"] == "origin_verified" && a["source"] == "file" &&
                              !a["by"]["user"].empty());
  }
  CHECK(from_file);
  bool open_listed = false;
  for (const auto& f : rep["followUps"]) {
    open_listed = open_listed || (f["kind"] == "open" && f["step"] == "trusted-networks");
  }
  CHECK(open_listed);

  const auto zh = run_process({k_bin, "report", case_dir, "--lang", "zh-CN"});
  CHECK(zh.exit_code == 0);
  CHECK_THAT(zh.out, Catch::StartsWith("# 事件记录：`KV_TORAccess`\n"));
  CHECK(has_report_line(zh.out, "## 威胁指标"));
  CHECK(has_report_line(zh.out, "## 待跟进事项"));
  CHECK_THAT(zh.out,
             Catch::Contains("\n| IP 地址 | `185.220.101.47` | Germany，DE | 告警，`evidence/"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("undo journals who asked for it and why, the report shows it", "[e2e][exec][report]")
{
  ServedLab lab("undo-reason");
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_kv_alert, "--case", case_dir, "--answers", k_answers, "--yes",
                          "--reason", "TOR access confirmed malicious", "-o", "json"});
  INFO(r.err);
  REQUIRE(std::filesystem::exists(case_dir + "/journal.jsonl"));

  // Off a terminal, --yes without --reason says so in the record.
  const auto one = lab.run({"undo", case_dir, "--step", "resolve-alert", "--yes"});
  INFO(one.out + one.err);
  CHECK(one.exit_code == 0);
  CHECK(lab.alert_status() == "Active");
  // At a terminal the reason is asked for after the y, and an empty one is not taken.
  PtySession pty({k_bin, "undo", case_dir, "--step", "enable-firewall"},
                 {{"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", lab.cloud_file}});
  REQUIRE(pty.expect("Undo these changes? [y/N] > "));
  pty.send_line("y");
  REQUIRE(pty.expect("Reason, for the case record > "));
  pty.send_line("");
  REQUIRE(pty.expect("Reason, for the case record > "));
  pty.send_line("owner vouches | for the app");
  CHECK(pty.finish() == 0);
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] != "Deny");
  // With --reason, as given.
  const auto rest =
      lab.run({"undo", case_dir, "--yes", "--reason", "false positive: our own scanner"});
  INFO(rest.out + rest.err);
  CHECK(rest.exit_code == 0);

  std::vector<nlohmann::json> requested;
  std::istringstream lines(slurp(case_dir + "/journal.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    auto e = nlohmann::json::parse(line);
    if (e["event"] == "undo.requested") {
      requested.push_back(std::move(e));
    }
  }
  REQUIRE(requested.size() == 3);
  const std::string user = requested[0]["operator"]["user"];
  CHECK(requested[0]["steps"] == nlohmann::json::array({"resolve-alert"}));
  CHECK(requested[0]["reason"] == "undo confirmed with --yes by " + user);
  CHECK(requested[1]["steps"] == nlohmann::json::array({"enable-firewall"}));
  CHECK(requested[1]["reason"] == "owner vouches | for the app");
  CHECK(requested[2]["reason"] == "false positive: our own scanner");
  CHECK(!requested[2]["operator"]["principal"].get<std::string>().empty());

  const auto js = run_process({k_bin, "report", case_dir, "-o", "json"});
  REQUIRE(js.exit_code == 0);
  const auto rep = nlohmann::json::parse(js.out);
  std::map<std::string, nlohmann::json> undone;
  for (const auto& u : rep["undone"]) {
    undone[u["step"].get<std::string>()] = u;
  }
  CHECK(undone["resolve-alert"]["status"] == "done");
  CHECK(undone["resolve-alert"]["reason"] == "undo confirmed with --yes by " + user);
  CHECK(undone["enable-firewall"]["reason"] == "owner vouches | for the app");
  CHECK(undone["enable-firewall"]["by"]["user"] == user);
  CHECK(undone["remove-access-policy"]["reason"] == "false positive: our own scanner");
  const auto md = run_process({k_bin, "report", case_dir});
  CHECK(has_report_line(md.out, "| `enable-firewall` | `keyvault.firewall.enable` | done | owner "
                                "vouches \\| for the app | `" +
                                    user + "` | " +
                                    undone["enable-firewall"]["time"].get<std::string>() + " |"));
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}
