// End-to-end: the permission preflight (dftriage preflight, and at the start of run) on an
// in-process lab whose principal is limited with --lab-role and --lab-deny.

#include "support/files.hpp"
#include "support/run_dftriage.hpp"
#include "support/served_lab.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <tuple>

using namespace dftriage::test;
using PreflightJson = nlohmann::ordered_json;

namespace {

// The one preflight `preflight -o json` printed for one alert.
PreflightJson preflight_of(const ProcessResult& r)
{
  const auto parsed = PreflightJson::parse(r.out, nullptr, false);
  REQUIRE(parsed.is_array());
  REQUIRE(parsed.size() == 1);
  return parsed[0];
}

// The checks of `step` (in `result`) whose result is `grant`.
std::vector<PreflightJson> checks_of(const PreflightJson& result, const std::string& step,
                                     const std::string& grant)
{
  std::vector<PreflightJson> out;
  for (const auto& c : result["checks"]) {
    if (c["step"] == step && c["result"] == grant) {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> not_permitted(const PreflightJson& result)
{
  return result["summary"]["notPermitted"].get<std::vector<std::string>>();
}

bool has(const std::vector<std::string>& list, const std::string& item)
{
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Every resolved change check of `result` is missing and every resolved ARM read granted.
void check_reader(const PreflightJson& result)
{
  std::size_t changes = 0;
  for (const auto& c : result["checks"]) {
    if (!c["resolved"].get<bool>() || c["via"] != "rbac") {
      continue;
    }
    const bool write = c["permission"].get<std::string>().find("/read") == std::string::npos;
    if (write) {
      ++changes;
      CHECK(c["result"] == "missing");
      CHECK_FALSE(c["remedies"].empty());
      CHECK(c["remedies"][0] != "Reader");
    } else {
      CHECK(c["result"] == "granted");
    }
  }
  CHECK(changes > 0);
}

} // namespace

TEST_CASE("preflight on an unrestricted lab grants everything each family's walk needs",
          "[e2e][preflight]")
{
  for (const auto& [alert, answers, playbook] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {k_kv_alert, k_kv_answers, "keyvault"},
           {k_dns_alert, k_dns_answers, "dns"},
           {k_rm_alert, k_rm_answers, "resource-manager"}}) {
    INFO(alert);
    const auto r = run_dftriage({"preflight", alert, "--lab", "--answers", answers, "-o", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto result = preflight_of(r);
    CHECK(result["playbook"] == playbook);
    CHECK(result["summary"]["missing"] == 0);
    CHECK(result["summary"]["unknown"] == 0);
    CHECK(result["summary"]["notPermitted"].empty());
    CHECK_FALSE(result["principal"]["objectId"].get<std::string>().empty());
    CHECK(result["summary"]["granted"].get<int>() > 10);
  }
}

TEST_CASE("preflight with Reader only: every change missing, reads granted, roles named",
          "[e2e][preflight]")
{
  for (const auto& [alert, answers] : std::vector<std::pair<std::string, std::string>>{
           {k_kv_alert, k_kv_answers}, {k_dns_alert, k_dns_answers}, {k_rm_alert, k_rm_answers}}) {
    INFO(alert);
    const auto r = run_dftriage(
        {"preflight", alert, "--lab", "--lab-role", "Reader", "--answers", answers, "-o", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 9);
    const auto result = preflight_of(r);
    check_reader(result);
    CHECK_FALSE(not_permitted(result).empty());
  }
  const auto r = run_dftriage({"preflight", k_kv_alert, "--lab", "--lab-role", "Reader",
                               "--answers", k_kv_answers, "-o", "json"});
  const auto firewall = checks_of(preflight_of(r), "enable-firewall", "missing");
  REQUIRE(firewall.size() == 1);
  CHECK(firewall[0]["permission"] == "Microsoft.KeyVault/vaults/write");
  CHECK(firewall[0]["remedies"][0] == "Key Vault Contributor");
}

TEST_CASE("preflight with one action denied flags only that step, with the narrowest role",
          "[e2e][preflight]")
{
  const auto r = run_dftriage({"preflight", k_kv_alert, "--lab", "--lab-deny",
                               "Microsoft.KeyVault/vaults/accessPolicies/write", "--answers",
                               k_kv_answers, "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 9);
  const auto result = preflight_of(r);
  CHECK(not_permitted(result) == std::vector<std::string>{"remove-access-policy"});
  const auto missing = checks_of(result, "remove-access-policy", "missing");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0]["remedies"][0] == "Key Vault Contributor");
  CHECK(result["summary"]["missing"] ==
        1 + checks_of(result, "restrict-access-policy", "missing").size());
}

TEST_CASE("preflight reads an access-policy vault's policies for the data plane",
          "[e2e][preflight]")
{
  const auto r = run_dftriage({"preflight", k_kv_alert, "--lab", "--lab-deny", "secrets/list",
                               "--answers", k_kv_answers, "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 9);
  const auto result = preflight_of(r);
  const auto missing = checks_of(result, "list-secrets", "missing");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0]["via"] == "access-policy");
  CHECK(missing[0]["remedies"][0] == "access policy: secrets list");
  CHECK(checks_of(result, "list-keys", "granted").size() == 1);
  CHECK(has(not_permitted(result), "list-secrets"));
}

TEST_CASE("preflight reads the Graph token's application permissions", "[e2e][preflight]")
{
  // The caller is a user whose account is to be deleted: the Graph changes are certain.
  const auto r = run_dftriage({"preflight", k_rm_alert, "--lab", "--lab-deny", "User.ReadWrite.All",
                               "--answers", k_rm_answers, "--set", "account_type=User", "--set",
                               "delete_account=true", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 9);
  const auto result = preflight_of(r);
  for (const auto& c : result["checks"]) {
    if (c["via"] != "graph-token") {
      continue;
    }
    INFO(c.dump());
    CHECK(c["result"] == (c["permission"] == "User.ReadWrite.All" ? "missing" : "granted"));
    if (c["result"] == "missing") {
      CHECK(c["remedies"][0] == "User.ReadWrite.All");
    }
  }
  CHECK(not_permitted(result) == std::vector<std::string>{"delete-unfamiliar-account"});
  CHECK(checks_of(result, "revoke-sessions", "granted").size() == 1);
}

TEST_CASE("run stops before its first request when a change is not permitted", "[e2e][preflight]")
{
  TempDir dir("preflight-run");
  // Reader only, for each family; then one action denied, a vault's access policy without
  // secrets list, and a Graph token without User.ReadWrite.All.
  const std::vector<std::vector<std::string>> cases = {
      {k_kv_alert, "--answers", k_kv_answers, "--lab-role", "Reader"},
      {k_dns_alert, "--answers", k_dns_answers, "--lab-role", "Reader"},
      {k_rm_alert, "--answers", k_rm_answers, "--lab-role", "Reader"},
      {k_kv_alert, "--answers", k_kv_answers, "--lab-deny",
       "Microsoft.KeyVault/vaults/accessPolicies/write"},
      {k_kv_alert, "--answers", k_kv_answers, "--lab-deny", "secrets/list"},
      {k_rm_alert, "--answers", k_rm_answers, "--set", "account_type=User", "--set",
       "delete_account=true", "--lab-deny", "User.ReadWrite.All"}};
  for (const auto& args : cases) {
    std::vector<std::string> argv{"run", "--lab", "--yes", "--yes-irreversible", "-o", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    INFO(args.back());
    const auto r = run_dftriage_in(dir.path.string(), argv);
    INFO(r.err);
    CHECK(r.exit_code == 9);
    const auto result = preflight_of(r);
    CHECK_FALSE(not_permitted(result).empty());
    CHECK(r.err.find("--allow-missing-permissions") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "cases")); // no case: nothing was done
  }
}

TEST_CASE("run --allow-missing-permissions records the steps as not-permitted and goes on",
          "[e2e][preflight]")
{
  TempDir dir("preflight-allow");
  const auto r = run_dftriage_in(
      dir.path.string(), {"run", k_kv_alert, "--lab", "--lab-deny",
                          "Microsoft.KeyVault/vaults/write", "--allow-missing-permissions",
                          "--answers", k_kv_answers, "--yes", "-o", "json", "--case", "cases/kv"});
  INFO(r.err);
  CHECK(r.exit_code == 9);
  const auto record = PreflightJson::parse(r.out).at(0);
  CHECK(record["status"] == "not-permitted");
  bool firewall = false;
  bool policy = false;
  for (const auto& s : record["steps"]) {
    firewall = firewall || (s["id"] == "enable-firewall" && s["outcome"] == "not-permitted");
    policy = policy || (s["id"] == "remove-access-policy" && s["outcome"] == "done");
  }
  CHECK(firewall);
  CHECK(policy); // the rest of the walk went on
  const auto journal = lines_of(read_file(dir / "cases/kv/journal.jsonl"));
  bool journaled = false;
  for (const auto& line : journal) {
    const auto e = PreflightJson::parse(line);
    journaled =
        journaled || (e["event"] == "preflight" && e["allowMissing"] == true &&
                      e["summary"]["notPermitted"] == PreflightJson::array({"enable-firewall"}));
  }
  CHECK(journaled);
  const auto report = run_dftriage_in(dir.path.string(), {"report", "cases/kv", "-o", "md"});
  CHECK(report.out.find("Permission preflight") != std::string::npos);
  CHECK(report.out.find("not permitted") != std::string::npos);
}

TEST_CASE("undo checks that it may put the changes back before putting any back",
          "[e2e][preflight]")
{
  TempDir dir("preflight-undo");
  const auto run =
      run_dftriage_in(dir.path.string(), {"run", k_kv_alert, "--lab", "--answers", k_kv_answers,
                                          "--yes", "-o", "json", "--case", "cases/kv"});
  INFO(run.err);
  REQUIRE(run.exit_code == 5); // its changes made; a task stays for a person
  // The same case undone by a principal that may no longer change the vault's firewall.
  const auto refused =
      run_dftriage_in(dir.path.string(), {"undo", "cases/kv", "--yes", "--lab-deny",
                                          "Microsoft.KeyVault/vaults/write", "-o", "json"});
  INFO(refused.err);
  CHECK(refused.exit_code == 9);
  CHECK(PreflightJson::parse(refused.out)["status"] == "not-permitted");
  CHECK(refused.err.find("nothing was undone") != std::string::npos);
  const auto journal = read_file(dir / "cases/kv/journal.jsonl");
  CHECK(journal.find("\"undo.requested\"") == std::string::npos);
  CHECK(journal.find("\"preflight\"") != std::string::npos);
  // With the case's own rights, the undo goes through.
  const auto undone =
      run_dftriage_in(dir.path.string(), {"undo", "cases/kv", "--yes", "-o", "json"});
  INFO(undone.err);
  CHECK(undone.exit_code == 0);
  CHECK(PreflightJson::parse(undone.out)["status"] == "completed");
}

TEST_CASE("preflight says unknown, and why, when the permissions API refuses", "[e2e][preflight]")
{
  // The lab answers every permissions API call with 403: nothing can be told of RBAC.
  dftriage::test::served::ServedLab lab("preflight-unknown",
                                        {"403:GET:path=/Microsoft.Authorization/permissions"});
  const auto r = lab.run({"preflight", k_kv_alert, "--answers", k_kv_answers, "-o", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 0); // unknown never stops anything
  const auto result = preflight_of(r);
  CHECK(result["summary"]["missing"] == 0);
  CHECK(result["summary"]["unknown"].get<int>() > 0);
  for (const auto& c : result["checks"]) {
    if (c["via"] == "rbac") {
      CHECK(c["result"] == "unknown");
      CHECK(c["note"].get<std::string>().find("the permissions API answered 403") !=
            std::string::npos);
    }
  }
  const auto text = lab.run({"preflight", k_kv_alert, "--answers", k_kv_answers, "-o", "text"});
  CHECK(text.out.find("unknown  enable-firewall [change]") != std::string::npos);
}

TEST_CASE("apply stops before its first request when a change of the plan is not permitted",
          "[e2e][preflight]")
{
  dftriage::test::served::ServedLab lab("preflight-apply", {}, k_kv_alert, "0",
                                        {"--deny", "Microsoft.KeyVault/vaults/write"});
  const std::string plan_file = (lab.dir / "plan.json").string();
  const auto plan =
      lab.run({"plan", k_kv_alert, "--answers", k_kv_answers, "--capture", "-o", "json"});
  REQUIRE(plan.exit_code == 0);
  write_file(plan_file, plan.out);
  const std::string case_dir = (lab.dir / "case").string();
  const auto refused = lab.run({"apply", plan_file, "--yes", "--case", case_dir, "-o", "json"});
  INFO(refused.err);
  CHECK(refused.exit_code == 9);
  const auto result = preflight_of(refused);
  CHECK(result["alertId"] == PreflightJson::parse(plan.out)[0]["alertId"]);
  CHECK(result["playbook"] == "keyvault");
  CHECK(not_permitted(result) == std::vector<std::string>{"enable-firewall"});
  CHECK_FALSE(std::filesystem::exists(case_dir));
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Allow");
  // Told to go on, apply leaves that step out and makes the others.
  const auto allowed = lab.run({"apply", plan_file, "--yes", "--allow-missing-permissions",
                                "--case", case_dir, "-o", "json"});
  INFO(allowed.err);
  CHECK(allowed.exit_code == 9);
  const auto record = PreflightJson::parse(allowed.out);
  CHECK(record["status"] == "not-permitted");
  bool firewall = false;
  for (const auto& s : record["steps"]) {
    firewall = firewall || (s["id"] == "enable-firewall" && s["outcome"] == "not-permitted");
  }
  CHECK(firewall);
  CHECK(lab.vault()["properties"]["networkAcls"]["defaultAction"] == "Allow");
}
