// End-to-end: dftriage match, plan and playbooks, run as a user would.

#include "support/paths.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace dftriage::test;

namespace {

std::string temp_file(const std::string& name, const std::string& content)
{
  std::string path =
      std::string(P_tmpdir) + "/dftriage-test-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

} // namespace

TEST_CASE("match names the playbook and the reason for each family", "[e2e][plan]")
{
  const auto r = run_process({k_bin, "match", k_alerts + "mixed.ndjson", "-o", "json"});
  CHECK(r.exit_code == 0);
  const auto results = nlohmann::json::parse(r.out);
  REQUIRE(results.size() == 3);
  CHECK(results[0]["playbook"] == "keyvault");
  CHECK(results[0]["reason"] == "alertType KV_TORAccess matches KV_*");
  CHECK(results[1]["playbook"] == "dns");
  CHECK(results[2]["playbook"] == "resource-manager");
  for (const auto& m : results) {
    for (const auto* key : {"alertId", "alertType", "family", "playbook", "reason"}) {
      CHECK(m.contains(key));
    }
  }
}

TEST_CASE("match falls back to the generic playbook and says why", "[e2e][plan]")
{
  const auto r = run_process(
      {k_bin, "match", "-", "-o", "ndjson"},
      R"({"AlertType":"VM_EICAR","SystemAlertId":"e","Severity":"Low","RemediationSteps":["Nothing to do."]})");
  CHECK(r.exit_code == 0);
  const auto m = nlohmann::json::parse(r.out);
  CHECK(m["playbook"] == "generic");
  CHECK(m["reason"] == "no playbook matches alertType VM_EICAR (family other); the alert's own "
                       "remediation steps are used");
}

TEST_CASE("plan is deterministic and every request is complete", "[e2e][plan]")
{
  // Review windows end "now": a plan is the same for the same alert, answers and now.
  const std::vector<std::string> args{k_bin, "plan", k_alerts + "keyvault-tor.json", "-o", "json"};
  const std::map<std::string, std::string> now{{"DFTRIAGE_NOW", "2026-12-02T06:00:00Z"}};
  const auto a = run_process(args, {}, now);
  const auto b = run_process(args, {}, now);
  CHECK(a.exit_code == 0);
  CHECK(a.out == b.out);
  const auto plans = nlohmann::json::parse(a.out);
  REQUIRE(plans.size() == 1);
  CHECK(plans[0]["playbook"] == "keyvault");
  std::size_t requests = 0;
  for (const auto& step : plans[0]["steps"]) {
    if (step["action"].is_null()) {
      continue;
    }
    for (const auto& r : step["action"]["requests"]) {
      ++requests;
      CHECK(r["url"].get<std::string>().rfind("https://", 0) == 0);
      for (const auto* key : {"method", "url", "body", "mutating", "reversible", "permission"}) {
        CHECK(r.contains(key));
      }
    }
  }
  CHECK(requests > 0);
}

TEST_CASE("plan takes answers from a file and --set, and says which were defaults", "[e2e][plan]")
{
  const std::string answers = temp_file("answers.json", R"({"origin_verified": false})");
  const auto r = run_process(
      {k_bin, "plan", k_alerts + "keyvault-tor.json", "--answers", answers, "-o", "json"});
  std::remove(answers.c_str());
  CHECK(r.exit_code == 0);
  const auto plan = nlohmann::json::parse(r.out)[0];
  bool given = false;
  bool defaulted = false;
  for (const auto& a : plan["answers"]) {
    given = given || (a["id"] == "origin_verified" && a["source"] == "given");
    defaulted = defaulted || a["source"] == "default";
  }
  CHECK(given);
  CHECK(defaulted);

  const auto bad = run_process(
      {k_bin, "plan", k_alerts + "keyvault-tor.json", "--set", "origin_verified=perhaps"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("answer origin_verified: expected yes or no") != std::string::npos);
}

TEST_CASE("plan --lang zh-CN gives the Chinese guidance", "[e2e][plan]")
{
  const auto en = run_process({k_bin, "plan", k_alerts + "keyvault-tor.json", "-o", "json"});
  const auto zh =
      run_process({k_bin, "plan", k_alerts + "keyvault-tor.json", "-o", "json", "--lang", "zh-CN"});
  CHECK(zh.exit_code == 0);
  const auto g_en = nlohmann::json::parse(en.out)[0]["steps"][0]["guidance"].get<std::string>();
  const auto g_zh = nlohmann::json::parse(zh.out)[0]["steps"][0]["guidance"].get<std::string>();
  CHECK(g_en != g_zh);
  CHECK(g_zh.find("\xe7") !=
        std::string::npos); // CJK text (UTF-8 lead byte of U+7000–U+7FFF, U+5000–U+5FFF…)
}

TEST_CASE("plan --incident --lang zh-CN -o text names the incident and its alerts in Chinese",
          "[e2e][plan]")
{
  const std::string queue = k_source + "/examples/queue/az-alert-list.json";
  const auto text = [&](const char* lang) {
    const auto r = run_process(
        {k_bin, "plan", queue, "--incident", "INC-67824da8e1eb", "-o", "text", "--lang", lang}, {},
        {{"NO_COLOR", ""}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  const auto en = text("en");
  CHECK(en.find("KV_TORAccess  ->  playbook keyvault  (alertType KV_TORAccess matches KV_*)\n"
                "  incident INC-67824da8e1eb: 3 alerts\n") == 0);
  const auto zh = text("zh-CN");
  CHECK(zh.find("KV_TORAccess  ->  剧本 keyvault（alertType KV_TORAccess 与 KV_* 匹配）\n"
                "  事件 INC-67824da8e1eb：3 条告警\n") == 0);
  CHECK(zh.find("[联系 1/8] ") != std::string::npos);
  for (const char* english : {"playbook ", "incident ", " alerts", "(default)", "(none)",
                              "  planned", "  skipped", "goes to", ", needs "}) {
    INFO(english);
    CHECK(zh.find(english) == std::string::npos);
  }
}

TEST_CASE("playbooks validate: the shipped playbooks are valid, a broken one is not", "[e2e][plan]")
{
  const auto ok = run_process({k_bin, "playbooks", "validate", "-o", "text"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("0 error(s)") != std::string::npos);

  const std::string broken = temp_file(
      "broken.json", R"({"id": "x", "title": "X", "version": "1", "lastReviewed": "2026-01-01",
    "match": {"alertTypes": ["X_*"]}, "phases": {"contact": [{"id": "a", "title": "A", "guidance": "G",
    "action": {"name": "keyvault.firewal.enable", "params": {}}}]}})");
  const auto bad = run_process({k_bin, "playbooks", "validate", broken, "-o", "text"});
  std::remove(broken.c_str());
  CHECK(bad.exit_code == 3);
  CHECK(bad.out.find("/phases/contact/0/action/name: unknown action \"keyvault.firewal.enable\"; "
                     "did you mean \"keyvault.firewall.enable\"?") != std::string::npos);
}

TEST_CASE("playbooks coverage: every shipped alert type has a playbook", "[e2e][plan]")
{
  const auto r = run_process({k_bin, "playbooks", "coverage", "-o", "text"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("no playbook:") == std::string::npos);
  const auto list = run_process({k_bin, "playbooks", "list", "-o", "json"});
  const auto playbooks = nlohmann::json::parse(list.out);
  CHECK(playbooks.size() == 3);
}

TEST_CASE("golden plans: one alert of each family with a fixed set of answers", "[e2e][plan]")
{
  const std::string golden = k_source + "/tests/golden/";
  for (const auto* alert : {"keyvault-tor", "dns-darkweb", "arm-microburst-export"}) {
    INFO(alert << ": if the change is intended, run scripts/update-golden and review the diff");
    // The review windows end "now": fixed, as scripts/update-golden fixes it.
    const auto r = run_process({k_bin, "plan", k_alerts + alert + ".json", "--answers",
                                golden + "answers.json", "-o", "json"},
                               {}, {{"DFTRIAGE_NOW", "2026-12-02T06:00:00Z"}});
    CHECK(r.exit_code == 0);
    std::ifstream in(golden + alert + ".plan.json", std::ios::binary);
    const std::string expected((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    CHECK(r.out == expected);
  }
}

TEST_CASE("plan builds the requests for the cloud chosen with --cloud", "[e2e][plan]")
{
  const auto r =
      run_process({k_bin, "--cloud", "AzureChinaCloud", "plan", k_alerts + "keyvault-tor.json",
                   "--set", "allowed_ranges=203.0.113.0/24", "-o", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("https://management.chinacloudapi.cn/subscriptions/") != std::string::npos);
  CHECK(r.out.find("https://management.azure.com/") == std::string::npos);
  const auto bad =
      run_process({k_bin, "--cloud", "NoSuchCloud", "plan", k_alerts + "keyvault-tor.json"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("playbooks actions lists the catalogue for playbook authors, in text and JSON",
          "[e2e][plan]")
{
  const auto js = run_process({k_bin, "playbooks", "actions", "-o", "json"});
  REQUIRE(js.exit_code == 0);
  const auto actions = nlohmann::json::parse(js.out);
  REQUIRE(actions.is_array());
  bool snapshot = false;
  for (const auto& a : actions) {
    CHECK(!a["summary"].get<std::string>().empty());
    CHECK(!a["permission"].get<std::string>().empty());
    if (a["name"] == "compute.vm.snapshot_disks") {
      snapshot = true;
      CHECK(a["evidence"] == true);
      CHECK(a["reversibility"] == "reversible");
      CHECK(a["params"][1]["name"] == "disks");
      CHECK(a["params"][1]["type"] == "string-list");
    }
  }
  CHECK(snapshot);
  const auto text = run_process({k_bin, "playbooks", "actions", "-o", "text"});
  REQUIRE(text.exit_code == 0);
  CHECK(
      text.out.find(
          "compute.vm.snapshot_disks  [reversible, evidence]  Microsoft.Compute/snapshots/write") !=
      std::string::npos);
}
