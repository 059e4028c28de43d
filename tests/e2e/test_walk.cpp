// End-to-end: the walk at a terminal as a responder drives it (one set of keys at every
// prompt, answers checked where they are typed, manual steps, q / Ctrl-C and resume,
// zh-CN), and the outcome of a run in its exit status.

#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

using dftriage::test::PtySession;
using dftriage::test::run_process;
using dftriage::test::Server;

namespace {

const std::string k_bin = DFTRIAGE_BINARY;
const std::string k_examples = std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/";
const std::string k_kv_alert = k_examples + "keyvault-tor.json";
const std::map<std::string, std::string> k_terminal{
    {"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", ""}};

// A fresh folder for one test's cases, removed afterwards.
struct TempDir
{
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("dftriage-walk-" + std::to_string(::getpid()) + "-" + name))
  {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir()
  {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::filesystem::path path;
};

std::vector<nlohmann::json> journal_of(const std::string& case_dir)
{
  std::vector<nlohmann::json> out;
  std::ifstream in(case_dir + "/journal.jsonl");
  for (std::string line; std::getline(in, line);) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// Counts the journal's entries of `event` for `step` (and `kind`, when given).
std::size_t count_of(const std::vector<nlohmann::json>& journal, const std::string& event,
                     const std::string& step, const std::string& kind = "")
{
  return static_cast<std::size_t>(
      std::count_if(journal.begin(), journal.end(), [&](const nlohmann::json& e) {
        return e.value("event", "") == event && e.value("step", "") == step &&
               (kind.empty() || e.value("kind", "") == kind);
      }));
}

// A lab served in the background (for faults), with its connection file.
struct Served
{
  Served(const TempDir& dir, const std::vector<std::string>& faults)
  {
    std::vector<std::string> argv{k_bin,           "lab",     "serve",       "--seed",
                                  k_kv_alert,      "--https", "--state-dir", dir / "lab",
                                  "--retry-after", "0"};
    for (const auto& f : faults) {
      argv.push_back("--fault");
      argv.push_back(f);
    }
    server = std::make_unique<Server>(argv);
    REQUIRE(!server->first_line().empty());
    cloud_file = dir / "lab.json";
    std::ofstream(cloud_file) << server->first_line() << "\n";
  }
  std::unique_ptr<Server> server;
  std::string cloud_file;
};

} // namespace

TEST_CASE("the Key Vault walk at a terminal: keys, checked answers, a manual step, a declined "
          "change, q and resume",
          "[e2e][walk]")
{
  TempDir dir("kv");
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
    REQUIRE(pty.expect("Not a key here: \"x\""));
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
    REQUIRE(pty.expect("Carry out this change? [y]es / [n]o / b / q / ? > "));
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
    REQUIRE(pty.expect("Carry out this change? [y]es / [n]o / b / q / ? > "));
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
  TempDir dir("fail");
  Served lab(dir, {"500:DELETE:path=roleAssignments"});
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

TEST_CASE("the walk in zh-CN: every word of ours in Chinese, 是 and 否 accepted", "[e2e][walk]")
{
  TempDir dir("zh");
  PtySession pty({k_bin, "run", k_kv_alert, "--lab", "--case", dir / "case", "--lang", "zh-CN"},
                 k_terminal);
  REQUIRE(pty.expect("案例 "));
  REQUIRE(pty.expect("每个提示都可以用"));
  REQUIRE(pty.expect("[联系 1/"));
  REQUIRE(pty.expect("回车：下一步 · b：返回 · v：查看完整结果 · q：停止 · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("q：停止 · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("[对象 ID（GUID）或 UPN]"));
  pty.send_line("");
  REQUIRE(pty.expect("[是/否]（默认：否）"));
  pty.send_line("是"); // yes: the origin is verified, so the walk asks about the caller
  REQUIRE(pty.expect("q：停止 · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("[是/否]"));
  pty.send_line("也许");
  REQUIRE(pty.expect("未接受"));
  pty.send_line("q");
  REQUIRE(pty.expect("已停止。"));
  REQUIRE(pty.expect("小结："));
  CHECK(pty.finish() == 5);
  const auto& transcript = pty.transcript();
  for (const char* english : {"Enter: next step", "Keys at every prompt", "Stopped.",
                              "Summary:", " matches ", "(report: ", "; resume: "}) {
    CHECK(transcript.find(english) == std::string::npos);
  }
  CHECK(transcript.find("（alertType KV_TORAccess 与 KV_* 匹配）") != std::string::npos);
  CHECK(transcript.find("dftriage: 案例 ") != std::string::npos);
  // The record of the case is in the case's language unless asked otherwise.
  const auto report = run_process({k_bin, "report", dir / "case"});
  CHECK(report.out.find("## 时间线") != std::string::npos);
  CHECK(report.out.find("中的客户端") != std::string::npos);
  CHECK(report.out.find("## Timeline") == std::string::npos);
  CHECK(run_process({k_bin, "report", dir / "case", "--lang", "en"}).out.find("## Timeline") !=
        std::string::npos);
}

TEST_CASE("a typo in a question ID is a usage error with did-you-mean, before anything is sent",
          "[e2e][walk]")
{
  TempDir dir("typo");
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
  TempDir dir("bad");
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
  const auto window = run_process({k_bin, "run", k_examples + "arm-microburst-export.json", "--lab",
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
  TempDir dir("tasks");
  const std::string case_dir = dir / "case";
  const auto r = run_process(
      {k_bin, "run", k_kv_alert, "--lab", "--yes", "--yes-irreversible", "--case", case_dir,
       "--answers", std::string(DFTRIAGE_SOURCE_DIR) + "/examples/answers/keyvault-tor.json", "-o",
       "json"});
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

namespace {

// A playbook of one read and one reversible change, so that an unattended run can be
// completed (the shipped ones hold tasks only a person can check off).
const char* k_small_playbook = R"({
  "id": "keyvault", "title": {"en": "Small"}, "version": "9.0.0", "lastReviewed": "2026-12-01",
  "match": {"alertTypes": ["KV_*"]},
  "inputs": [{"id": "vault", "type": "text", "default": "{{alert.resourceId}}", "prompt": {"en": "Vault"}},
             {"id": "ranges", "type": "cidr-list", "default": ["198.51.100.0/24"], "prompt": {"en": "Ranges"}}],
  "phases": {
    "contact": [{"id": "read-vault", "title": {"en": "Read"}, "guidance": {"en": "Read it."},
                 "action": {"name": "keyvault.get", "params": {"vault": "{{alert.resourceId}}"}}}],
    "mitigate": [{"id": "firewall", "title": {"en": "Firewall"}, "guidance": {"en": "On."}, "ask": ["vault", "ranges"],
                  "action": {"name": "keyvault.firewall.enable",
                             "params": {"vault": "{{answers.vault}}", "allowedIps": "{{answers.ranges}}"}}}]
  }})";

// Returns a folder for --playbooks holding k_small_playbook.
std::string small_playbooks(const TempDir& dir)
{
  const std::string playbooks = dir / "playbooks";
  std::filesystem::create_directories(playbooks);
  std::ofstream(playbooks + "/keyvault.json") << k_small_playbook;
  return playbooks;
}

// Carries the small playbook out to the end on an in-process lab (--yes) in `case_dir`.
void complete_lab_case(const std::string& playbooks, const std::string& case_dir)
{
  REQUIRE(run_process({k_bin, "run", k_kv_alert, "--playbooks", playbooks, "--lab", "--yes",
                       "--case", case_dir},
                      {}, {{"DFTRIAGE_CLOUD", ""}})
              .exit_code == 0);
}

} // namespace

TEST_CASE("the exit status tells the outcome: completed 0, needs-human 5, refused 6, failed 4",
          "[e2e][walk]")
{
  TempDir dir("exit");
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

  Served lab(dir, {"500:PATCH"});
  const auto failed = run("failed", {"--yes"}, {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  CHECK(failed.exit_code == 4);
  CHECK(status_of(failed) == "failed");
}

TEST_CASE("a case acts only on the cloud it was opened on", "[e2e][walk]")
{
  TempDir dir("cloud");
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
  const auto undone =
      run_process({k_bin, "undo", case_dir, "--yes", "-v"}, {}, {{"DFTRIAGE_CLOUD", ""}});
  INFO(undone.err);
  CHECK(undone.exit_code == 0);
  CHECK(undone.err.find("1 change(s) replayed onto it") != std::string::npos);
  CHECK(undone.err.find("was refused") == std::string::npos);
}

namespace {

// Drives a walk to its end as a careful responder would: the shown answer at every
// question, Enter after each step, y and a reason for a change that can be undone, n
// for one that cannot, and d for each task. Returns how many of each prompt it met.
std::map<std::string, int> walk_to_the_end(PtySession& pty)
{
  std::map<std::string, int> met;
  while (true) {
    const int seen =
        pty.expect_any({"Carry out this change? [y]es / [n]o / b / q / ? > ",
                        "Type yes to carry it out · n: no · b · q · ? > ",
                        "Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > ",
                        "q: stop · ? > ", "· b · q · ? > ", "Summary:"});
    INFO(pty.transcript().substr(pty.transcript().size() > 2000 ? pty.transcript().size() - 2000
                                                                : 0));
    REQUIRE(seen >= 0);
    if (seen == 5) {
      return met;
    }
    static const char* k_kinds[] = {"change", "irreversible", "task", "step", "question"};
    ++met[k_kinds[seen]];
    if (seen == 0) {
      pty.send_line("y");
      REQUIRE(pty.expect("Reason, for the case record (b back · q stop) > "));
      pty.send_line("containment during the exercise");
    } else if (seen == 1) {
      pty.send_line("n");
      REQUIRE(pty.expect("Why not? For the case record (Enter: no reason) > "));
      pty.send_line("not during the exercise");
    } else if (seen == 2) {
      pty.send_line("d");
      REQUIRE(pty.expect("Note for the case record (Enter: none · b back · q stop) > "));
      pty.send_line("");
    } else {
      pty.send_line("");
    }
  }
}

} // namespace

TEST_CASE("the DNS and Resource Manager walks at a terminal on the lab to the end", "[e2e][walk]")
{
  TempDir dir("families");
  for (const std::string family : {"dns-darkweb", "arm-microburst-export"}) {
    DYNAMIC_SECTION(family)
    {
      const std::string case_dir = dir / family;
      PtySession pty({k_bin, "run", k_examples + family + ".json", "--lab", "--case", case_dir,
                      "--answers",
                      std::string(DFTRIAGE_SOURCE_DIR) + "/examples/answers/" + family + ".json"},
                     k_terminal);
      const auto met = walk_to_the_end(pty);
      CHECK(met.count("change") == 1);
      CHECK(met.count("irreversible") == 1); // declined: the walk goes on
      CHECK(met.count("task") == 1);
      CHECK(pty.finish() == 0); // every step walked, every task checked off
      const auto& transcript = pty.transcript();
      CHECK(transcript.find("End of the playbook.") != std::string::npos);
      CHECK(transcript.find("declined") != std::string::npos);
      const auto journal = journal_of(case_dir);
      CHECK(std::any_of(journal.begin(), journal.end(), [](const nlohmann::json& e) {
        return e.value("event", "") == "case.closed";
      }));
      CHECK(std::any_of(journal.begin(), journal.end(), [](const nlohmann::json& e) {
        return e.value("event", "") == "step.declined" &&
               e.value("reason", "") == "not during the exercise";
      }));
      if (family == "dns-darkweb") {
        // The software inventory is an inspection: y, not the whole word yes.
        CHECK(transcript.find("runs a read-only script on the VM; changes nothing") !=
              std::string::npos);
        CHECK(count_of(journal, "step.done", "installed-software") == 1);
      }
    }
  }
}

TEST_CASE("undo of a lab case acts on a lab rebuilt from the case, a live case refuses --lab",
          "[e2e][walk]")
{
  TempDir dir("undo");
  const std::string playbooks = small_playbooks(dir);
  const std::string case_dir = dir / "case";
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  complete_lab_case(playbooks, case_dir);
  // No --lab: the case knows. The firewall the rebuilt lab holds is put back.
  const auto undone = run_process(
      {k_bin, "undo", case_dir, "--yes", "--reason", "end of the exercise", "-v"}, {}, env);
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
  Served lab(dir, {});
  // apply without --yes leaves the change to a person: needs-human, exit 5.
  const auto plan =
      run_process({k_bin, "plan", k_kv_alert, "--playbooks", playbooks, "--capture", "-o", "json"},
                  {}, {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = dir / "plan.json";
  std::ofstream(plan_file) << plan.out;
  const auto applied = run_process({k_bin, "apply", plan_file, "--case", dir / "applied"}, {},
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
  TempDir dir("redo");
  const std::string playbooks = small_playbooks(dir);
  const std::string case_dir = dir / "case";
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", ""}};
  complete_lab_case(playbooks, case_dir);
  REQUIRE(run_process({k_bin, "undo", case_dir, "--yes"}, {}, env).exit_code == 0);
  // Resumed without --yes: the firewall is not "already done", it awaits a person again.
  const auto waiting = run_process(
      {k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "-o", "json"}, {}, env);
  CHECK(waiting.exit_code == 5);
  // With --yes it is made again, and can be undone again.
  const auto redone = run_process(
      {k_bin, "run", "--case", case_dir, "--playbooks", playbooks, "--yes", "-o", "json"}, {}, env);
  CHECK(redone.exit_code == 0);
  CHECK(count_of(journal_of(case_dir), "request.sent", "firewall", "action") == 2);
  const auto again = run_process({k_bin, "undo", case_dir, "--yes"}, {}, env);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("firewall: undone") != std::string::npos);
  CHECK(count_of(journal_of(case_dir), "undo.done", "firewall") == 2);
}

TEST_CASE("an answer typed before q is kept in the case", "[e2e][walk]")
{
  TempDir dir("typed");
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
