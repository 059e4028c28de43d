// End-to-end: what a run refuses before it starts (a typo in a question, a bad value),
// tasks left open, the outcome in the exit status, the cloud a case belongs to, and undo
// and resume of a lab case.

#include "support/paths.hpp"
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

TEST_CASE("a typo in a question ID is a usage error with did-you-mean, before anything is sent",
          "[e2e][walk]")
{
  TempDir dir("walk-typo");
  SECTION("--set")
  {
    for (const std::vector<std::string>& mode :
         {std::vector<std::string>{"--dry-run", "--non-interactive"},
          std::vector<std::string>{"--lab", "--yes", "--case", dir / "case"}}) {
      std::vector<std::string> argv{k_bin, "run", k_kv_alert, "--set", "origin_verifed=yes"};
      argv.insert(argv.end(), mode.begin(), mode.end());
      const auto r = run_process(argv);
      CHECK(r.exit_code == 2);
      CHECK(
          r.err.find(
              R"(--set "origin_verifed": no playbook asks a question with this ID; did you mean "origin_verified"?)") !=
          std::string::npos);
      CHECK_FALSE(std::filesystem::exists(dir / "case"));
    }
    const auto plan = run_process({k_bin, "plan", k_kv_alert, "--set", "origin_verifed=yes"});
    CHECK(plan.exit_code == 2);
    CHECK(plan.err.find("did you mean \"origin_verified\"?") != std::string::npos);
  }
  SECTION("--answers")
  {
    const std::string answers = dir / "answers.json";
    std::ofstream(answers) << R"({"orgin_verified": true})";
    const auto r = run_process(
        {k_bin, "run", k_kv_alert, "--dry-run", "--non-interactive", "--answers", answers});
    CHECK(r.exit_code == 2);
    CHECK(
        r.err.find(
            answers +
            R"(: "orgin_verified": no playbook asks a question with this ID; did you mean "origin_verified"?)") !=
        std::string::npos);
  }
}

TEST_CASE("a bad given value names the question and why, before a case is opened", "[e2e][walk]")
{
  TempDir dir("walk-bad");
  const auto ranges =
      run_process({k_bin, "run", k_kv_alert, "--lab", "--yes", "--case", dir / "case", "--set",
                   "allowed_ranges=203.0.113.0/33, 10.1.2.3"});
  CHECK(ranges.exit_code == 2);
  CHECK(ranges.err.find(
            R"(answer allowed_ranges: "203.0.113.0/33" is not an IP address or CIDR range)") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "case"));
  const std::string answers = dir / "answers.json";
  std::ofstream(answers) << R"({"principal": "not-a-guid"})";
  const auto principal = run_process(
      {k_bin, "run", k_kv_alert, "--dry-run", "--non-interactive", "--answers", answers});
  CHECK(principal.exit_code == 2);
  CHECK(principal.err.find("answer principal: expected an object ID (a GUID") != std::string::npos);
  // An end before its start is refused for the answer that makes it so.
  const auto window = run_process({k_bin, "run", k_alerts + "arm-microburst-export.json", "--lab",
                                   "--yes", "--non-interactive", "--case", dir / "window", "--set",
                                   "window_end=2020-01-01T00:00:00Z"});
  CHECK(window.exit_code == 2);
  CHECK(window.err.find("--set window_end: step account-activity: parameter start:") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "window"));
  const auto role = run_process({k_bin, "run", k_kv_alert, "--dry-run", "--non-interactive",
                                 "--set", "role_assignment_id=not-an-id"});
  CHECK(role.exit_code == 2);
  CHECK(role.err.find(
            "--set role_assignment_id: step delete-role-assignment: parameter roleAssignmentId") !=
        std::string::npos);
}

TEST_CASE("tasks for a person stay open under --yes, the case is not completed", "[e2e][walk]")
{
  TempDir dir("walk-tasks");
  const std::string case_dir = dir / "case";
  const auto r = run_process({k_bin, "run", k_kv_alert, "--lab", "--yes", "--yes-irreversible",
                              "--case", case_dir, "--answers", k_kv_answers, "-o", "json"});
  CHECK(r.exit_code == 5);
  const auto record = nlohmann::json::parse(r.out).at(0);
  CHECK(record["status"] == "needs-human");
  std::map<std::string, std::string> outcome;
  for (const auto& s : record["steps"]) {
    outcome[s["id"]] = s["outcome"];
  }
  CHECK(outcome["trusted-networks"] == "open");
  CHECK(outcome["app-owner-audit"] == "open");
  CHECK(outcome["enable-firewall"] == "done");
  CHECK(outcome["verify-origin"] == "done"); // a decision, settled by its answers
  const auto journal = journal_of(case_dir);
  CHECK(count_of(journal, "step.done", "trusted-networks") == 0);
  CHECK(count_of(journal, "step.open", "app-owner-audit") == 1);
  CHECK(std::none_of(journal.begin(), journal.end(), [](const nlohmann::json& e) {
    return e.value("event", "") == "case.closed";
  }));
  CHECK(r.err.find("needs-human") != std::string::npos);
}

TEST_CASE("the exit status tells the outcome: completed 0, needs-human 5, refused 6, failed 4",
          "[e2e][walk]")
{
  TempDir dir("walk-exit");
  const std::string playbooks = small_playbooks(dir);
  auto run = [&](const std::string& name, std::vector<std::string> extra,
                 std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv{k_bin,    "run",      k_kv_alert, "--playbooks", playbooks,
                                  "--case", dir / name, "-o",       "json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    env.emplace("DFTRIAGE_CLOUD", "");
    return run_process(argv, {}, env);
  };
  auto status_of = [](const dftriage::test::ProcessResult& r) {
    return r.out.empty() ? std::string() : nlohmann::json::parse(r.out).at(0).value("status", "");
  };

  const auto completed = run("completed", {"--lab", "--yes"});
  CHECK(completed.exit_code == 0);
  CHECK(status_of(completed) == "completed");

  const auto awaiting = run("awaiting", {"--lab"});
  CHECK(awaiting.exit_code == 5);
  CHECK(status_of(awaiting) == "needs-human");

  // A change aimed outside the case's subscription is refused before it is sent.
  const auto refused =
      run("refused", {"--lab", "--yes", "--set",
                      "vault=/subscriptions/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/rg/"
                      "providers/Microsoft.KeyVault/vaults/elsewhere"});
  CHECK(refused.exit_code == 6);
  CHECK(refused.err.find("--set vault: step firewall: it would touch subscription "
                         "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d, "
                         "outside this case's scope") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "refused")); // refused before a case was opened

  ServedLab lab("walk-lab", {"500:PATCH"});
  const auto failed = run("failed", {"--yes"}, {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  CHECK(failed.exit_code == 4);
  CHECK(status_of(failed) == "failed");
}

TEST_CASE("a case acts only on the cloud it was opened on", "[e2e][walk]")
{
  TempDir dir("walk-cloud");
  const std::string playbooks = small_playbooks(dir);
  const std::string case_dir = dir / "case";
  // Opened on an in-process lab, left awaiting confirmation.
  const auto first =
      run_process({k_bin, "run", k_kv_alert, "--playbooks", playbooks, "--lab", "--case", case_dir},
                  {}, {{"DFTRIAGE_CLOUD", ""}});
  REQUIRE(first.exit_code == 5);
  // Another cloud chosen now: refused, nothing sent.
  const auto other =
      run_process({k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "--yes"}, {},
                  {{"DFTRIAGE_CLOUD", "AzureChinaCloud"}});
  CHECK(other.exit_code == 6);
  CHECK(other.err.find("this case ran on an in-process lab") != std::string::npos);
  // Without --lab, the case resumes on a lab rebuilt from itself, never on a real tenant.
  const auto resumed = run_process(
      {k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "--yes", "-o", "json"}, {},
      {{"DFTRIAGE_CLOUD", ""}});
  CHECK(resumed.exit_code == 0);
  CHECK(nlohmann::json::parse(resumed.out).at(0)["mode"] == "lab");
  // Resumed once more, the firewall the rebuilt lab holds is found in place, not sent again.
  const auto again = run_process(
      {k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "--yes", "-o", "json"}, {},
      {{"DFTRIAGE_CLOUD", ""}});
  CHECK(again.exit_code == 0);
  const auto journal = journal_of(case_dir);
  CHECK(count_of(journal, "request.sent", "firewall", "action") == 1);
  // The change was made by the second run, on a lab of its own (another port): an undo
  // rebuilds a lab with it, and puts it back there.
  const auto undone = run_process({k_bin, "undo", "-o", "text", case_dir, "--yes", "-v"}, {},
                                  {{"DFTRIAGE_CLOUD", ""}});
  INFO(undone.err);
  CHECK(undone.exit_code == 0);
  CHECK(undone.err.find("1 change(s) replayed onto it") != std::string::npos);
  CHECK(undone.err.find("was refused") == std::string::npos);
}

TEST_CASE("undo of a lab case acts on a lab rebuilt from the case, a live case refuses --lab",
          "[e2e][walk]")
{
  TempDir dir("walk-undo");
  const std::string playbooks = small_playbooks(dir);
  const std::string case_dir = dir / "case";
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  complete_lab_case(playbooks, case_dir);
  // No --lab: the case knows. The firewall the rebuilt lab holds is put back.
  const auto undone = run_process(
      {k_bin, "undo", "-o", "text", case_dir, "--yes", "--reason", "end of the exercise", "-v"}, {},
      env);
  INFO(undone.out + undone.err);
  CHECK(undone.exit_code == 0);
  CHECK(undone.err.find("rebuilt the lab from the case: 1 change(s) replayed onto it") !=
        std::string::npos);
  CHECK(undone.out.find("firewall: undone") != std::string::npos);
  const auto journal = journal_of(case_dir);
  CHECK(count_of(journal, "undo.done", "firewall") == 1);
  CHECK(count_of(journal, "request.sent", "firewall", "undo") == 1);
  // --lab on a case opened on another cloud (here a served lab, which stands in for
  // Azure) is refused before anything is sent.
  ServedLab lab("walk-lab", {});
  // apply without --yes leaves the change to a person: needs-human, exit 5.
  const auto plan =
      run_process({k_bin, "plan", k_kv_alert, "--playbooks", playbooks, "--capture", "-o", "json"},
                  {}, {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = dir / "plan.json";
  std::ofstream(plan_file) << plan.out;
  const auto applied =
      run_process({k_bin, "apply", "-o", "text", plan_file, "--case", dir / "applied"}, {},
                  {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  CHECK(applied.exit_code == 5);
  CHECK(applied.err.find("needs-human (changes await --yes)") != std::string::npos);
  const std::string served_case = dir / "served";
  REQUIRE(run_process({k_bin, "run", k_kv_alert, "--playbooks", playbooks, "--case", served_case},
                      {}, {{"DFTRIAGE_CLOUD", lab.cloud_file}})
              .exit_code == 5);
  const auto refused =
      run_process({k_bin, "run", "--case", served_case, "--playbooks", playbooks, "--lab", "--yes"},
                  {}, {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  CHECK(refused.exit_code == 6);
  CHECK(refused.err.find("not on a lab: drop --lab") != std::string::npos);
  // Resumed with nothing chosen, it goes back to its own cloud file.
  const auto resumed =
      run_process({k_bin, "run", "--case", served_case, "--playbooks", playbooks, "--yes"}, {},
                  {{"DFTRIAGE_CLOUD", ""}});
  CHECK(resumed.exit_code == 0);
}

TEST_CASE(
    "a change undone since is offered again on resume, and the case is not completed without it",
    "[e2e][walk]")
{
  TempDir dir("walk-redo");
  const std::string playbooks = small_playbooks(dir);
  const std::string case_dir = dir / "case";
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  complete_lab_case(playbooks, case_dir);
  REQUIRE(run_process({k_bin, "undo", "-o", "text", case_dir, "--yes"}, {}, env).exit_code == 0);
  // Resumed without --yes: the firewall is not "already done", it awaits a person again.
  const auto waiting = run_process(
      {k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "-o", "json"}, {}, env);
  CHECK(waiting.exit_code == 5);
  // With --yes it is made again, and can be undone again.
  const auto redone = run_process(
      {k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "--yes", "-o", "json"}, {}, env);
  CHECK(redone.exit_code == 0);
  CHECK(count_of(journal_of(case_dir), "request.sent", "firewall", "action") == 2);
  const auto again = run_process({k_bin, "undo", "-o", "text", case_dir, "--yes"}, {}, env);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("firewall: undone") != std::string::npos);
  CHECK(count_of(journal_of(case_dir), "undo.done", "firewall") == 2);
}

TEST_CASE("undo at a terminal: the changes listed, no keeps them (exit 5), yes with a reason "
          "undoes them, in either language",
          "[e2e][walk]")
{
  TempDir dir("walk-undo-tty");
  const std::string playbooks = small_playbooks(dir);
  const auto& env = k_terminal;
  for (const std::string lang : {"en", "zh-CN"}) {
    DYNAMIC_SECTION(lang)
    {
      const bool zh = lang == "zh-CN";
      const std::string case_dir = dir / ("case-" + lang);
      complete_lab_case(playbooks, case_dir, lang);
      {
        // -o json at a terminal: the questions on stderr (the terminal), the record alone
        // on stdout (a file).
        const std::string out = dir / ("declined-" + lang + ".json");
        PtySession pty(
            {"/bin/sh", "-c", "exec \"$0\" undo -o json \"$1\" > \"$2\"", k_bin, case_dir, out},
            env);
        REQUIRE(pty.expect(zh ? "将在 " : "To undo in "));
        REQUIRE(pty.expect("firewall"));
        REQUIRE(
            pty.expect(zh ? "撤销这些更改吗？ [y]是 / [N]否 > " : "Undo these changes? [y/N] > "));
        pty.send_line(zh ? "否" : "n");
        REQUIRE(pty.expect(zh ? "没有撤销任何更改。" : "Nothing was undone."));
        CHECK(pty.finish() == 5);
        std::ifstream in(out);
        const auto record = nlohmann::json::parse(in); // one document, nothing else
        CHECK(record["status"] == "declined");
        CHECK(record["steps"][0]["id"] == "firewall");
        CHECK(record["steps"][0]["outcome"] == "awaiting-confirmation");
        CHECK(count_of(journal_of(case_dir), "undo.done", "firewall") == 0);
      }
      PtySession pty({k_bin, "undo", case_dir}, env);
      REQUIRE(pty.expect(zh ? "[y]是 / [N]否 > " : "[y/N] > "));
      pty.send_line(zh ? "是" : "y");
      REQUIRE(pty.expect(zh ? "理由（记入案例） > " : "Reason, for the case record > "));
      pty.send_line(zh ? "演练结束" : "end of the exercise");
      REQUIRE(pty.expect("firewall"));
      CHECK(pty.finish() == 0);
      const auto journal = journal_of(case_dir);
      CHECK(count_of(journal, "undo.done", "firewall") == 1);
      const std::string reason = zh ? "演练结束" : "end of the exercise";
      CHECK(std::any_of(journal.begin(), journal.end(),
                        [&](const nlohmann::json& e) { return e.value("reason", "") == reason; }));
    }
  }
}
