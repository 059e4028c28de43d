// End-to-end: apply of a reviewed plan, the incident record of a case, who undid what,
// and no secret in any of it.

#include "support/served_lab.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

using namespace dftriage::test;
using namespace dftriage::test::served;

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

TEST_CASE("apply carries out a captured plan and refuses a tampered or drifted one", "[e2e][exec]")
{
  ServedLab lab("apply");
  const auto plan = lab.run({"plan", k_kv_alert, "--capture", "--set",
                             "allowed_ranges=203.0.113.0/24, 127.0.0.1", "-o", "json"});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = (lab.dir / "plan.json").string();
  std::ofstream(plan_file) << plan.out;

  auto tampered = nlohmann::ordered_json::parse(plan.out);
  bool edited = false;
  for (auto& step : tampered[0]["steps"]) {
    if (!edited && step["action"].is_object() && step["action"]["params"].contains("allowedIps")) {
      step["action"]["params"]["allowedIps"] = {"0.0.0.0/0"};
      edited = true;
    }
  }
  REQUIRE(edited);
  const std::string tampered_file = (lab.dir / "tampered.json").string();
  std::ofstream(tampered_file) << tampered.dump();
  const auto refused =
      lab.run({"apply", "-o", "text", tampered_file, "--yes", "--case", (lab.dir / "t").string()});
  CHECK(refused.exit_code == 6); // refused: edited since review
  CHECK_THAT(refused.err, Catch::Contains("altered after it was made"));
  CHECK(lab.changes_received().empty());

  const auto applied =
      lab.run({"apply", "-o", "text", plan_file, "--yes", "--case", (lab.dir / "a").string()});
  INFO(applied.out + applied.err);
  CHECK(applied.exit_code == 0);
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");

  // The vault changed since the plan was made (this apply changed it): a second apply
  // of the same plan is refused at the first change.
  const auto drifted =
      lab.run({"apply", "-o", "text", plan_file, "--yes", "--case", (lab.dir / "d").string()});
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
  const auto r = lab.run({"-vvv", "run", k_kv_alert, "--case", case_dir, "--answers", k_kv_answers,
                          "--yes", "-o", "json"});
  CHECK(r.out.find(secret) == std::string::npos);
  CHECK(r.err.find(secret) == std::string::npos);
  CHECK(r.err.find("Bearer ey") == std::string::npos);
  const auto report = run_process({k_bin, "-vvv", "report", case_dir});
  CHECK(report.out.find(secret) == std::string::npos);
  lab.server->stop();
  const auto record = read_file((lab.dir / "record.ndjson").string());
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
    CHECK(read_file(entry.path().string()).find("lab-value-of-") == std::string::npos);
  }
}

TEST_CASE("report on a case run with --lab --yes is a record to paste into a ticket",
          "[e2e][exec][report]")
{
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dftriage-e2e-report-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string case_dir = (dir / "case").string();
  const auto run =
      run_process({k_bin, "run", k_kv_alert, "--lab", "--case", case_dir, "--answers", k_kv_answers,
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
  CHECK(has_report_line(md.out,
                        "| Resource | `" + k_example_vault + "` | attacked resource | alert |"));
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
  const auto r = lab.run({"run", k_kv_alert, "--case", case_dir, "--answers", k_kv_answers, "--yes",
                          "--reason", "TOR access confirmed malicious", "-o", "json"});
  INFO(r.err);
  REQUIRE(std::filesystem::exists(case_dir + "/journal.jsonl"));

  // Off a terminal, --yes without --reason says so in the record.
  const auto one = lab.run({"undo", "-o", "text", case_dir, "--step", "resolve-alert", "--yes"});
  INFO(one.out + one.err);
  CHECK(one.exit_code == 0);
  CHECK(lab.alert_status() == "Active");
  // At a terminal the reason is asked for after the y, and an empty one is not taken.
  PtySession pty({k_bin, "undo", "-o", "text", case_dir, "--step", "enable-firewall"},
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
  const auto rest = lab.run(
      {"undo", "-o", "text", case_dir, "--yes", "--reason", "false positive: our own scanner"});
  INFO(rest.out + rest.err);
  CHECK(rest.exit_code == 0);

  std::vector<nlohmann::json> requested;
  std::istringstream lines(read_file(case_dir + "/journal.jsonl"));
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

TEST_CASE("apply refuses an empty, garbled, unsealed or many-plan file, saying why", "[e2e][exec]")
{
  dftriage::test::TempDir dir("apply-bad");
  const auto apply = [&](const std::string& name, const std::string& content) {
    const std::string file = dir / name;
    std::ofstream(file, std::ios::binary) << content;
    return run_process(
        {k_bin, "apply", "-o", "text", file, "--yes", "--case", dir / (name + ".case")}, {},
        {{"DFTRIAGE_CLOUD", ""}});
  };
  for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
           {"empty.json", ""},
           {"cut.json", R"({"alertId": "a-1", "phases": [)"},
           {"binary.json", std::string("\x00\xff\xfe garbage", 11)}}) {
    INFO(name);
    const auto r = apply(name, content);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(name) && Catch::Contains("not a plan file"));
    CHECK(r.out.empty());
    CHECK_FALSE(std::filesystem::exists(dir / (name + ".case")));
  }
  const auto many = apply("many.json", "[{}, {}]");
  CHECK(many.exit_code == 3);
  CHECK_THAT(many.err, Catch::Contains("one plan"));
  const auto unsealed = apply("unsealed.json", R"({"alertId": "a-1", "phases": []})");
  CHECK(unsealed.exit_code == 6);
  CHECK_THAT(unsealed.err, Catch::Contains("carries no digest"));
  CHECK_FALSE(std::filesystem::exists(dir / "unsealed.json.case"));
}

TEST_CASE("apply at a terminal lists the changes and asks: no keeps everything (exit 5, no "
          "case), yes asks why and carries them out, in either language",
          "[e2e][exec]")
{
  ServedLab lab("apply-tty");
  const auto plan = lab.run({"plan", k_kv_alert, "--capture", "--set",
                             "allowed_ranges=203.0.113.0/24, 127.0.0.1", "-o", "json"});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = (lab.dir / "plan.json").string();
  std::ofstream(plan_file) << plan.out;
  const std::map<std::string, std::string> env{
      {"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", lab.cloud_file}};
  {
    const std::string case_dir = (lab.dir / "declined").string();
    PtySession pty({k_bin, "apply", plan_file, "--case", case_dir}, env);
    REQUIRE(pty.expect("Changes in " + plan_file + ", in order:"));
    REQUIRE(
        pty.expect("enable-firewall: Turn on the Key Vault firewall (keyvault.firewall.enable)"));
    REQUIRE(pty.expect("Carry out the 3 change(s) that can be undone? [y/N] > "));
    pty.send_line("");
    REQUIRE(pty.expect("Nothing was carried out."));
    CHECK(pty.finish() == 5);
    CHECK(pty.transcript().find("awaiting-confirmation") == std::string::npos); // seen above
    CHECK_FALSE(std::filesystem::exists(case_dir));
    CHECK(lab.changes_received().empty());
  }
  const std::string case_dir = (lab.dir / "applied").string();
  PtySession pty({k_bin, "apply", plan_file, "--case", case_dir, "--lang", "zh-CN"}, env);
  REQUIRE(pty.expect(plan_file + " 中的更改（按顺序）："));
  REQUIRE(pty.expect("执行其中 3 项可以撤销的更改吗？ [y]是 / [N]否 > "));
  pty.send_line("是");
  REQUIRE(pty.expect("理由（记入案例） > "));
  pty.send_line(""); // a reason is needed: asked again
  REQUIRE(pty.expect("理由（记入案例） > "));
  pty.send_line("计划已复核");
  REQUIRE(pty.expect("done                   enable-firewall"));
  CHECK(pty.finish() == 0);
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Deny");
  const std::string journal = read_file(case_dir + "/journal.jsonl");
  CHECK(journal.find("\"reason\":\"计划已复核\"") != std::string::npos);
  CHECK(journal.find("\"lang\":\"zh-CN\"") != std::string::npos); // undo speaks it
}
