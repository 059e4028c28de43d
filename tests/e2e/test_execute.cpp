// End-to-end: run and undo against `dftriage lab serve`, as a responder would use them,
// for each family's playbook, unattended and at a terminal.

#include "support/served_lab.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

using namespace dftriage::test;
using namespace dftriage::test::served;

TEST_CASE(
    "run carries out the Key Vault playbook on a served lab, undo restores the vault and the alert",
    "[e2e][exec]")
{
  ServedLab lab("run-undo");
  const auto before = lab.vault();
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_kv_alert, "--case", case_dir, "--answers", k_kv_answers, "--yes",
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
    const auto content = read_file(entry.path().string());
    CHECK(content.find(lab.connection["clientSecret"].get<std::string>()) == std::string::npos);
    CHECK(content.find("Bearer ey") == std::string::npos);
  }
  for (const char* file : {"alert.json", "plan.json", "journal.jsonl"}) {
    CHECK(std::filesystem::exists(std::filesystem::path(case_dir) / file));
  }
  const auto verify = run_process({k_bin, "case", "verify", case_dir});
  CHECK(verify.exit_code == 0);
  const auto journal = read_file(case_dir + "/journal.jsonl");
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
  CHECK(lab.run({"undo", "-o", "text", case_dir}).exit_code == 5);
  CHECK(lab.alert_status() == "Resolved");
  const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  const auto restored = lab.vault();
  CHECK(restored["properties"]["networkAcls"] == before["properties"]["networkAcls"]);
  CHECK(restored["properties"]["accessPolicies"] == before["properties"]["accessPolicies"]);
  CHECK(lab.alert_status() == "Active");
  CHECK(lab.secret_enabled() == true);
  // Undo is idempotent.
  const auto again = lab.run({"undo", "-o", "text", case_dir, "--yes"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("Nothing to undo"));
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

TEST_CASE("run at a terminal on the lab confirms with reasons and declines one change",
          "[e2e][exec]")
{
  ServedLab lab("pty");
  const std::string case_dir = (lab.dir / "case").string();
  PtySession pty({k_bin, "run", k_kv_alert, "--case", case_dir, "--answers", k_kv_answers},
                 {{"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", lab.cloud_file}});
  // Answer whatever the walk asks: defaults for questions, Enter between steps, y with
  // a reason for every change but the access-policy removal, which is declined.
  int changes = 0;
  while (true) {
    const int prompt = pty.expect_any(
        {"Carry out this change? [y]es / [n]o / [v]iew in full / b / q / ? > ", "q: stop · ? > ",
         "\n  ? ",
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
  const auto journal = read_file(case_dir + "/journal.jsonl");
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
  CHECK(lab.run({"undo", "-o", "text", (lab.dir / "cautious").string(), "--yes"}).exit_code == 0);
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
  CHECK(lab.get(k_example_dns_alert_id, "2022-01-01")["properties"]["status"] == "Resolved");
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

  const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  CHECK(nsg_of(lab) == original_nsg);
  CHECK(lab.get_status(isolation + "?api-version=2024-05-01", lab.cloud.arm_audience).first == 404);
  CHECK(lab.get(k_example_dns_alert_id, "2022-01-01")["properties"]["status"] == "Active");
  CHECK_THAT(undo.out, Catch::Contains("cannot be undone")); // the run commands
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
  nlohmann::ordered_json answers = nlohmann::ordered_json::parse(read_file(k_rm_answers));
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
  const auto journal = read_file(case_dir + "/journal.jsonl");
  CHECK(journal.find("MicroBurst run by an unknown automation account") != std::string::npos);

  const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
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
