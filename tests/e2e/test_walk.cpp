// End-to-end: the Key Vault walk at a terminal as a responder drives it (one set of keys
// at every prompt, answers checked where they are typed, a manual step, q and resume),
// and what a failure prompt offers.

#include "support/served_lab.hpp"
#include "walk_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace dftriage::test;
using dftriage::test::served::ServedLab;
using namespace dftriage::test::walk;

TEST_CASE("the Key Vault walk at a terminal: keys, checked answers, a manual step, a declined "
          "change, q and resume",
          "[e2e][walk]")
{
  TempDir dir("walk-kv");
  const std::string case_dir = dir / "case";
  {
    PtySession pty({k_bin, "run", k_kv_alert, "--lab", "--case", case_dir}, k_terminal);
    REQUIRE(pty.expect("Case " + case_dir)); // the header comes before any request
    REQUIRE(
        pty.expect("Keys at every prompt: Enter accepts the default or goes on · b back one step"));
    REQUIRE(pty.expect("Read the vault's configuration"));
    REQUIRE(pty.expect("v: view the whole result · q: stop · ? > "));
    pty.send_line("v"); // the whole result
    REQUIRE(pty.expect("\"properties\""));
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("x"); // not a key here: said so, asked again
    REQUIRE(pty.expect("Not a key here: \"x\" (Enter, b, v, q, ?)."));
    pty.send_line("");
    REQUIRE(pty.expect("Find the vault's owner"));
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("b"); // back: the vault read is shown as done, nothing is sent again
    REQUIRE(pty.expect("Read the vault's configuration"));
    REQUIRE(pty.expect("Already done in this case; it stays as it is."));
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Find the vault's owner"));
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("[object ID (GUID) or UPN]"));
    pty.send_line("not-a-guid"); // refused where it is typed, asked again
    REQUIRE(pty.expect("Not accepted: answer principal: expected an object ID"));
    REQUIRE(pty.expect("[object ID (GUID) or UPN]"));
    pty.send_line("");
    REQUIRE(pty.expect("[y/n] (default: no) · b · q · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("q: stop · ? > ")); // the notice that sends the walk to mitigation
    pty.send_line("");
    REQUIRE(pty.expect("[y/n] (default: no) · b · q · ? > "));
    pty.send_line("否"); // no, in Chinese, is understood in either language
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Turn on the Key Vault firewall"));
    REQUIRE(pty.expect("comma-separated]"));
    pty.send_line("203.0.113.0/33, 10.1.2.3");
    REQUIRE(pty.expect("Not accepted: answer allowed_ranges: \"203.0.113.0/33\" is not an IP "
                       "address or CIDR range"));
    REQUIRE(pty.expect("comma-separated]"));
    pty.send_line("b"); // back from a question: the step before, nothing sent
    REQUIRE(pty.expect("Judge the caller's IP address"));
    REQUIRE(pty.expect("[y/n] (now: no) · b · q · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Turn on the Key Vault firewall"));
    REQUIRE(pty.expect("comma-separated]"));
    pty.send_line("198.51.100.0/24");
    REQUIRE(pty.expect("[comma-separated]")); // the subnets kept: none in a dry run
    pty.send_line("");
    REQUIRE(pty.expect("(default: yes) · b · q · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Carry out this change? [y]es / [n]o / [v]iew in full / b / q / ? > "));
    pty.send_line("b"); // back from the confirmation: nothing is sent
    REQUIRE(pty.expect("Judge the caller's IP address"));
    REQUIRE(pty.expect("Already done in this case; it stays as it is."));
    REQUIRE(pty.expect("[y/n] (now: no) · b · q · ? > ")); // a decision can be changed
    pty.send_line("");
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Turn on the Key Vault firewall"));
    REQUIRE(pty.expect("(now: 198.51.100.0/24) · b · q · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("[comma-separated]")); // the subnets kept
    pty.send_line("");
    REQUIRE(pty.expect("(default: yes) · b · q · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Carry out this change? [y]es / [n]o / [v]iew in full / b / q / ? > "));
    pty.send_line("y");
    REQUIRE(pty.expect("Reason, for the case record (b back · q stop) > "));
    pty.send_line("unknown Tor exit node read the vault");
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    // A task for a person: checked off by a person only.
    REQUIRE(pty.expect("Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > "));
    pty.send_line("y");
    REQUIRE(pty.expect("Type d, n or a"));
    pty.send_line("n");
    REQUIRE(pty.expect("Note for the case record (Enter: none · b back · q stop) > "));
    pty.send_line("network team on it");
    REQUIRE(
        pty.expect("Kind: #microsoft.graph.user")); // what kind of principal the caller is, read
    REQUIRE(pty.expect(
        "[User/ServicePrincipal] (default: User) · b · q · ? > ")); // from what Entra ID said
    pty.send_line("");
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("q: stop · ? > ")); // the caller's access, read
    pty.send_line("");
    REQUIRE(pty.expect("[remove/restrict/keep]"));
    pty.send_line("REMOVE");               // a choice in any case
    REQUIRE(pty.expect("· b · q · ? > ")); // the role assignment to delete
    pty.send_line(
        "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.Authorization/"
        "roleAssignments/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");
    REQUIRE(pty.expect("Not accepted: step delete-role-assignment: it would touch subscription "
                       "11111111-1111-1111-1111-111111111111, outside this case's scope"));
    REQUIRE(pty.expect("· b · q · ? > "));
    pty.send_line("q");
    REQUIRE(pty.expect("Stopped."));
    REQUIRE(pty.expect("Status: needs-human"));
    CHECK(pty.finish() == 5);
    // Steps this run did and then went back over are "done" in the summary, not done earlier.
    const auto summary = pty.transcript().substr(pty.transcript().rfind("Summary:"));
    CHECK(summary.find("done-earlier") == std::string::npos);
  }
  const auto journal = journal_of(case_dir);
  // The firewall change went out once, after the b at its first confirmation.
  CHECK(count_of(journal, "request.sent", "enable-firewall", "action") == 1);
  CHECK(count_of(journal, "step.left", "enable-firewall") == 1);
  // The vault was read once, though the walk went back over it.
  CHECK(count_of(journal, "request.sent", "read-vault", "read") == 1);
  CHECK(count_of(journal, "step.open", "trusted-networks") == 1);
  CHECK(count_of(journal, "step.done", "trusted-networks") == 0);
  const auto answered = std::find_if(journal.begin(), journal.end(), [](const nlohmann::json& e) {
    return e.value("event", "") == "question.answered" &&
           e.value("question", "") == "allowed_ranges";
  });
  REQUIRE(answered != journal.end());
  CHECK((*answered)["source"] == "typed");
  CHECK((*answered)["value"] == nlohmann::json::array({"198.51.100.0/24"}));

  // Resume without --lab: the case knows it ran on a lab. Done steps are one summary;
  // the walk starts at the first open step (the manual one). Ctrl-C says how to resume.
  {
    PtySession pty({k_bin, "run", "--case", case_dir}, k_terminal);
    REQUIRE(pty.expect("Resuming case " + case_dir));
    REQUIRE(pty.expect("Already done in this case:"));
    REQUIRE(pty.expect("Turn on the Key Vault firewall"));
    REQUIRE(pty.expect("Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > "));
    pty.send_line("b"); // back into the done steps: shown, not repeated
    REQUIRE(
        pty.expect("Already done in this case; it stays as it is (to revert it: dftriage undo " +
                   case_dir + " --step enable-firewall)."));
    REQUIRE(pty.expect("q: stop · ? > "));
    pty.send_line("");
    REQUIRE(pty.expect("Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > "));
    pty.send_line("d");
    REQUIRE(pty.expect("Note for the case record (Enter: none · b back · q stop) > "));
    pty.send_line("");
    REQUIRE(pty.expect("· q · ? > "));
    pty.send("\x03");
    REQUIRE(pty.expect("stopped by Ctrl-C. The case is kept in " + case_dir + "; resume with:"));
    REQUIRE(pty.expect("dftriage run --case " + case_dir));
    CHECK(pty.finish() == 130);
  }
  const auto after = journal_of(case_dir);
  CHECK(count_of(after, "request.sent", "enable-firewall", "action") == 1);
  CHECK(count_of(after, "step.done", "trusted-networks") == 1);
  CHECK(std::any_of(after.begin(), after.end(), [](const nlohmann::json& e) {
    return e.value("event", "") == "case.interrupted";
  }));
  // After Ctrl-C the case resumes where it stopped: the checked-off task is in the summary.
  {
    PtySession pty({k_bin, "run", "--case", case_dir}, k_terminal);
    REQUIRE(pty.expect("Already done in this case:"));
    REQUIRE(pty.expect("Allow the trusted virtual networks"));
    REQUIRE(pty.expect("? > "));
    pty.send_line("q");
    REQUIRE(pty.expect("Stopped."));
    CHECK(pty.finish() == 5);
  }
  CHECK(count_of(journal_of(case_dir), "request.sent", "enable-firewall", "action") == 1);
}

TEST_CASE("at a failure prompt u shows what it would revert and asks again, b and q never revert",
          "[e2e][walk]")
{
  TempDir dir("walk-fail");
  ServedLab lab("walk-lab", {"500:DELETE:path=roleAssignments"});
  const std::string case_dir = dir / "case";
  auto env = k_terminal;
  env["DFTRIAGE_CLOUD"] = lab.cloud_file;
  const std::string answers = dir / "answers.json";
  std::ofstream(answers)
      << R"({"origin_verified": false, "ip_recognised": false, "allowed_ranges": ["198.51.100.0/24", "127.0.0.1"],
                              "response": "remove"})";
  PtySession pty({k_bin, "run", k_kv_alert, "--case", case_dir, "--answers", answers, "--yes",
                  "--reason", "training"},
                 env);
  // Everything up to the failing DELETE is confirmed by --yes; the walk's other prompts stay.
  // At the first failure prompt b goes back a step (nothing reverted); the walk then
  // comes back to the failing step, which fails again.
  int failures = 0;
  while (true) {
    const int seen = pty.expect_any(
        {"Checked off? [d]one", "q: stop · ? > ", "[u]ndo this case's changes / b / q / ? > ",
         "ID of the caller's role assignment to delete", "· b · q · ? > "});
    REQUIRE(seen >= 0);
    if (seen == 3) {
      // No assignment is picked for the responder: they choose one of those listed, in
      // full with its scope, by number.
      REQUIRE(pty.expect("? > "));
      CHECK_THAT(
          pty.transcript(),
          Catch::Contains("1) /subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/"
                          "rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod/"
                          "providers/Microsoft.Authorization/roleAssignments/"));
      CHECK_THAT(pty.transcript(), Catch::Contains("scope: /subscriptions/"));
      pty.send_line("7"); // no such candidate
      REQUIRE(pty.expect("there is no candidate 7 (1 to 1)"));
      REQUIRE(pty.expect("? > "));
      pty.send_line("1");
      continue;
    }
    if (seen == 0) {
      pty.send_line("a");
      REQUIRE(pty.expect("Why does it not apply? (b back · q stop) > "));
      pty.send_line("lab exercise");
    } else if (seen == 2) {
      if (++failures == 2) {
        break;
      }
      pty.send_line("b");
      REQUIRE(pty.expect("Already done in this case"));
    } else {
      pty.send_line("");
    }
  }
  {
    const auto journal = journal_of(case_dir);
    CHECK(count_of(journal, "undo.started", "remove-access-policy") == 0); // b reverted nothing
    CHECK(count_of(journal, "request.sent", "enable-firewall", "action") == 1);
  }
  pty.send_line("u");
  REQUIRE(pty.expect("These changes of this case would be reverted, newest first:"));
  REQUIRE(pty.expect("remove-access-policy (keyvault.access_policy.remove)"));
  REQUIRE(pty.expect("enable-firewall (keyvault.firewall.enable)"));
  REQUIRE(pty.expect("Type yes to revert them, or n > "));
  pty.send_line("n");
  REQUIRE(pty.expect("Nothing was reverted."));
  REQUIRE(pty.expect("[u]ndo this case's changes / b / q / ? > "));
  {
    const auto journal = journal_of(case_dir);
    CHECK(count_of(journal, "undo.started", "enable-firewall") == 0);
  }
  pty.send_line("u");
  REQUIRE(pty.expect("Type yes to revert them, or n > "));
  pty.send_line("yes");
  REQUIRE(pty.expect("enable-firewall: undone"));
  REQUIRE(pty.expect("Summary:"));
  REQUIRE(pty.expect("Status: failed"));
  CHECK(pty.finish() == 4);
  const auto transcript = pty.transcript();
  const auto summary = transcript.substr(transcript.rfind("Summary:"));
  CHECK(summary.find("undone") != std::string::npos);
  CHECK(summary.find("rolled-back") != std::string::npos);
}

TEST_CASE("an answer typed before q is kept in the case", "[e2e][walk]")
{
  TempDir dir("walk-typed");
  const std::string case_dir = dir / "case";
  {
    PtySession pty({k_bin, "run", k_kv_alert, "--lab", "--case", case_dir, "--set",
                    "origin_verified=no", "--set", "ip_recognised=no"},
                   k_terminal);
    while (true) { // Enter up to the firewall's allowed ranges
      const int seen = pty.expect_any({"comma-separated]", "q: stop · ? > ", "· b · q · ? > "});
      REQUIRE(seen >= 0);
      if (seen == 0) {
        break;
      }
      pty.send_line("");
    }
    REQUIRE(pty.expect("· b · q · ? > "));
    pty.send_line("198.51.100.0/24");
    REQUIRE(pty.expect("[comma-separated]")); // the subnets kept: none in a dry run
    pty.send_line("");
    REQUIRE(pty.expect("(default: yes) · b · q · ? > "));
    pty.send_line("q"); // before the step was carried out
    CHECK(pty.finish() == 5);
  }
  PtySession pty({k_bin, "run", "--case", case_dir, "--set", "origin_verified=no", "--set",
                  "ip_recognised=no"},
                 k_terminal);
  while (true) {
    const int seen =
        pty.expect_any({"(now: 198.51.100.0/24) · b · q · ? > ", "comma-separated] (default",
                        "q: stop · ? > ", "· b · q · ? > "});
    REQUIRE(seen >= 0);
    REQUIRE(seen != 1); // the typed ranges were lost
    if (seen == 0) {
      break;
    }
    pty.send_line("");
  }
  pty.send_line("q");
  CHECK(pty.finish() == 5);
}
