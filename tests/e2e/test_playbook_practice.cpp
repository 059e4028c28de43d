// End-to-end: the playbooks follow incident-response practice (#18), as plans show it and
// as walks on a served lab carry it out: evidence before change, containment that keeps
// the responder's tools working, review windows, and credentials changed through the APIs.

#include "support/served_lab.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

using namespace dftriage::test;
using namespace dftriage::test::served;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_now = "2026-12-02T06:00:00Z";
const std::string k_os_disk =
    k_example_web_group + "/providers/Microsoft.Compute/disks/vm-web-01-osdisk";

// Runs `dftriage plan ALERT --set …` at a fixed now; returns the first plan. A plan with
// a refused step exits 3 (input rejected).
Json plan_of(const std::string& alert, const std::vector<std::string>& sets, int exit_code = 0)
{
  std::vector<std::string> args{k_bin, "plan", alert, "-o", "json"};
  for (const auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  const auto r = run_process(args, {}, {{"DFTRIAGE_NOW", k_now}});
  INFO(r.err);
  REQUIRE(r.exit_code == exit_code);
  return Json::parse(r.out).at(0);
}

// One planned request, with the step it belongs to.
struct Sent
{
  std::string step;
  std::string method;
  std::string url;
  Json body;
};

// The action requests of the plan's planned steps, in walk order.
std::vector<Sent> requests_of(const Json& plan)
{
  std::vector<Sent> out;
  for (const auto& step : plan["steps"]) {
    if (step["status"] != "planned" || !step.contains("action") || step["action"].is_null()) {
      continue;
    }
    for (const auto& r : step["action"]["requests"]) {
      out.push_back({step["id"], r["method"], r["url"], r.value("body", Json())});
    }
  }
  return out;
}

std::size_t first(const std::vector<Sent>& sent, const std::string& method,
                  const std::string& url_part, const std::string& body_part = "")
{
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (sent[i].method == method && sent[i].url.find(url_part) != std::string::npos &&
        (body_part.empty() || sent[i].body.dump().find(body_part) != std::string::npos)) {
      return i;
    }
  }
  return std::string::npos;
}

const Sent& at(const std::vector<Sent>& sent, std::size_t i)
{
  REQUIRE(i < sent.size());
  return sent[i];
}

} // namespace

TEST_CASE("DNS plan: isolation keeps HTTPS to Azure, disks are snapshotted and volatile state read "
          "before the scan, "
          "reimage comes last with the old disk kept",
          "[e2e][practice]")
{
  const auto plan =
      plan_of(k_dns_alert, {"vm_os=Windows", "os_disk_id=" + k_os_disk, "region=westeurope",
                            "nic_id=" + k_example_nic, "reimage=yes"});
  const auto sent = requests_of(plan);
  const auto isolation = first(sent, "PUT", "/networkSecurityGroups/");
  const auto attach = first(sent, "PUT", "/networkInterfaces/");
  const auto snapshot = first(sent, "PUT", "/snapshots/ev-");
  const auto processes = first(sent, "POST", "/runCommand", "Get-Process");
  const auto connections = first(sent, "POST", "/runCommand", "Get-NetTCPConnection");
  const auto persistence = first(sent, "POST", "/runCommand", "Get-ScheduledTask");
  const auto scan = first(sent, "POST", "/runCommand", "Start-MpScan");
  const auto keep = first(sent, "PATCH", "/virtualMachines/vm-web-01", "Detach");
  const auto reimage = first(sent, "POST", "/reimage");
  CHECK(isolation < attach);
  CHECK(attach < snapshot);
  CHECK(snapshot < processes);
  CHECK(processes < scan);
  CHECK(connections < scan);
  CHECK(persistence < scan);
  CHECK(scan < keep);
  CHECK(keep < reimage);
  CHECK(at(sent, reimage).step == "reimage-vm");

  // The isolation NSG lets the VM reach Azure's services over HTTPS before it denies the rest.
  int allow_priority = 0;
  int deny_priority = 0;
  for (const auto& rule : at(sent, isolation).body["properties"]["securityRules"]) {
    const auto& p = rule["properties"];
    if (p["direction"] != "Outbound") {
      continue;
    }
    if (p["access"] == "Allow" && p["destinationAddressPrefix"] == "AzureCloud") {
      CHECK(p["destinationPortRange"] == "443");
      allow_priority = p["priority"];
    }
    if (p["access"] == "Deny" && p["destinationAddressPrefix"] == "*") {
      deny_priority = p["priority"];
    }
  }
  CHECK(allow_priority > 0);
  CHECK(allow_priority < deny_priority);
  // The snapshot copies the OS disk, named from the alert, tagged with it.
  const auto& body = at(sent, snapshot).body;
  CHECK(body["properties"]["creationData"]["createOption"] == "Copy");
  CHECK(body["properties"]["creationData"]["sourceResourceId"] == k_os_disk);
  // The Activity Log is read from 30 days before the alert (2026-11-26T21:03Z) to now.
  const auto log = first(sent, "GET", "/eventtypes/management/values");
  CHECK_THAT(at(sent, log).url, Catch::Contains("2026-10-27T21%3A03%3A00Z") &&
                                    Catch::Contains("2026-12-02T06%3A00%3A00Z"));
}

TEST_CASE("Key Vault plan: the firewall keeps VNet rules and refuses to let the attacker in, logs "
          "and secrets in order",
          "[e2e][practice]")
{
  const std::string subnet =
      k_example_subscription +
      "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app";
  const std::vector<std::string> common{"origin_verified=no",
                                        "caller_known=no",
                                        "ip_recognised=no",
                                        "allowed_ranges=203.0.113.0/24",
                                        "workspace_id=7d87f9c8-1327-4638-a090-138e085cda08",
                                        "secret_name=payments-db-password",
                                        "secret_rotation=stored",
                                        "secret_version=0b60c051883744c9bab55a7f326ec619",
                                        "key_name=payments-cmk",
                                        "rotate_key=yes",
                                        "certificate_name=payments-tls",
                                        "reissue_certificate=yes"};
  SECTION("without subnets given, the vault's own rules are kept")
  {
    const auto sent = requests_of(plan_of(k_kv_alert, common));
    const auto firewall = first(sent, "PATCH", "/vaults/kv-payments-prod");
    REQUIRE(firewall != std::string::npos);
    const auto& acls = at(sent, firewall).body["properties"]["networkAcls"];
    CHECK(acls["defaultAction"] == "Deny");
    CHECK(acls["virtualNetworkRules"] ==
          "$(pre-image 0 /properties/networkAcls/virtualNetworkRules)");
    CHECK(acls["ipRules"].dump().find("203.0.113.0/24") != std::string::npos);
    // Both audit tables, over the review window.
    const auto log = first(sent, "POST", "/query");
    REQUIRE(log != std::string::npos);
    const std::string query = at(sent, log).body["query"];
    CHECK_THAT(query, Catch::Contains("AzureDiagnostics") && Catch::Contains("AZKVAuditLogs"));
    CHECK_THAT(at(sent, log).body.dump(),
               Catch::Contains("2026-10-28T07:58:12") && Catch::Contains("2026-12-02T06:00:00"));
    // Keys and certificates get new versions before any old one is disabled.
    CHECK(first(sent, "POST", "/keys/payments-cmk/rotate") != std::string::npos);
    CHECK(first(sent, "POST", "/certificates/payments-tls/create") != std::string::npos);
    // The secret had a new value stored at its source: no generated value is written, the old
    // version is disabled.
    CHECK(first(sent, "PUT", "/secrets/payments-db-password") == std::string::npos);
    CHECK(first(sent, "PATCH", "/secrets/payments-db-password/0b60c051883744c9bab55a7f326ec619") !=
          std::string::npos);
  }
  SECTION("subnets given replace them; a range holding the attacker's address is refused before "
          "anything is sent")
  {
    auto with_subnet = common;
    with_subnet.push_back("allowed_subnets=" + subnet);
    const auto sent = requests_of(plan_of(k_kv_alert, with_subnet));
    const auto firewall = first(sent, "PATCH", "/vaults/kv-payments-prod");
    REQUIRE(firewall != std::string::npos);
    CHECK(at(sent, firewall)
              .body["properties"]["networkAcls"]["virtualNetworkRules"]
              .dump()
              .find(subnet) != std::string::npos);
    auto open = common;
    std::replace(open.begin(), open.end(), std::string("allowed_ranges=203.0.113.0/24"),
                 std::string("allowed_ranges=0.0.0.0/0"));
    const auto plan = plan_of(k_kv_alert, open, 3);
    const auto said = run_process({k_bin, "plan", k_kv_alert, "-o", "json", "--set",
                                   "ip_recognised=no", "--set", "allowed_ranges=0.0.0.0/0"});
    CHECK(said.exit_code == 3); // and stderr says which step and why, even under -o json
    CHECK_THAT(
        said.err,
        Catch::Contains("step enable-firewall refused: parameter blockedIps: \"185.220.101.47\""));
    const auto said_zh =
        run_process({k_bin, "plan", k_kv_alert, "-o", "json", "--lang", "zh-CN", "--set",
                     "ip_recognised=no", "--set", "allowed_ranges=0.0.0.0/0"});
    CHECK(said_zh.exit_code == 3);
    CHECK_THAT(said_zh.err,
               Catch::Contains("步骤 enable-firewall 拒绝执行：参数 blockedIps：\"185.220.101.47\" "
                               "落在允许的范围 \"0.0.0.0/0\""));
    bool refused = false;
    for (const auto& step : plan["steps"]) {
      if (step["id"] == "enable-firewall") {
        refused = step["status"] == "refused";
        CHECK_THAT(step["note"].get<std::string>(), Catch::Contains("0.0.0.0/0"));
      }
    }
    CHECK(refused);
  }
  SECTION("the firewall step cautions when the responder's own address is unknown or left out")
  {
    const auto caution_of = [](const Json& plan) {
      for (const auto& step : plan["steps"]) {
        if (step["id"] == "enable-firewall") {
          return step["action"].value("caution", std::string());
        }
      }
      return std::string("(no firewall step)");
    };
    CHECK_THAT(caution_of(plan_of(k_kv_alert, common)),
               Catch::Contains("does not know the public address"));
    std::vector<std::string> args{k_bin,  "plan",  k_kv_alert,        "-o",
                                  "json", "--set", "ip_recognised=no"};
    const auto known = run_process(
        args, {}, {{"DFTRIAGE_NOW", k_now}, {"DFTRIAGE_RESPONDER_ADDRESSES", "198.51.100.7"}});
    REQUIRE(known.exit_code == 0);
    CHECK(caution_of(Json::parse(known.out).at(0)).empty()); // offered by default, so kept open
    args.insert(args.end(), {"--set", "allowed_ranges=203.0.113.0/24"});
    const auto left_out = run_process(
        args, {}, {{"DFTRIAGE_NOW", k_now}, {"DFTRIAGE_RESPONDER_ADDRESSES", "198.51.100.7"}});
    REQUIRE(left_out.exit_code == 0);
    CHECK_THAT(caution_of(Json::parse(left_out.out).at(0)),
               Catch::Contains("your address 198.51.100.7 is not among"));
  }
  SECTION("a generated value replaces deleting: rotate and delete never run in one walk")
  {
    auto both = common;
    both.push_back("secret_rotation=generate");
    both.push_back("delete_secret=yes");
    const auto sent = requests_of(plan_of(k_kv_alert, both));
    CHECK(first(sent, "PUT", "/secrets/payments-db-password") != std::string::npos);
    CHECK(first(sent, "DELETE", "/secrets/payments-db-password") == std::string::npos);
  }
}

TEST_CASE("Resource Manager plan: the account's activity is reviewed over 30 days before it is "
          "deleted, a familiar "
          "account's password is reset through Graph, a VM found by the review is handled",
          "[e2e][practice]")
{
  const std::string vm =
      k_example_subscription +
      "/resourceGroups/rg-batch-tmp/providers/Microsoft.Compute/virtualMachines/gpu-node-7";
  SECTION("unfamiliar user")
  {
    const auto sent = requests_of(
        plan_of(k_rm_alert, {"account_type=User", "account_familiar=no", "delete_account=yes"}));
    const auto review = first(sent, "GET", "/eventtypes/management/values", "");
    const auto remove = first(sent, "DELETE", "/users/");
    REQUIRE(review != std::string::npos);
    REQUIRE(remove != std::string::npos);
    CHECK(review < remove);
    CHECK_THAT(at(sent, review).url, Catch::Contains("2026-10-26T10%3A40%3A00Z"));
    CHECK(first(sent, "GET", "/roleEligibilityScheduleInstances") != std::string::npos);
    CHECK(first(sent, "GET", "/roleDefinitions", "") != std::string::npos);
  }
  SECTION("familiar user, and a VM the review found")
  {
    const auto sent =
        requests_of(plan_of(k_rm_alert, {"account_type=User", "account_familiar=yes",
                                         "reset_account_password=yes", "vm_id=" + vm, "vm_os=Linux",
                                         "os_disk_id=" + k_example_subscription +
                                             "/resourceGroups/rg-batch-tmp/providers/"
                                             "Microsoft.Compute/disks/gpu-node-7-os",
                                         "region=westeurope"}));
    const auto reset = first(sent, "PATCH", "/users/", "passwordProfile");
    REQUIRE(reset != std::string::npos);
    CHECK(at(sent, reset).body["passwordProfile"]["forceChangePasswordNextSignIn"] == true);
    CHECK(at(sent, reset).body["passwordProfile"]["password"] == "$(generated secret)");
    CHECK(first(sent, "GET", "/authentication/methods") != std::string::npos);
    const auto snapshot = first(sent, "PUT", "/snapshots/ev-");
    const auto scan = first(sent, "POST", "/gpu-node-7/runCommand", "mdatp scan full");
    REQUIRE(snapshot != std::string::npos);
    REQUIRE(scan != std::string::npos);
    CHECK(snapshot < scan);
  }
  SECTION("an unfamiliar application is disabled, not sent a user's session revocation")
  {
    const auto sent =
        requests_of(plan_of(k_rm_alert, {"account_type=ServicePrincipal", "account_familiar=no"}));
    CHECK(first(sent, "PATCH", "/servicePrincipals/", "accountEnabled") != std::string::npos);
    CHECK(first(sent, "POST", "/revokeSignInSessions") == std::string::npos);
  }
}

TEST_CASE("DNS on a served lab: Run Command returns its output after the isolation, snapshots stay "
          "after undo",
          "[e2e][practice][exec]")
{
  ServedLab lab("practice-dns", {}, k_dns_alert);
  const std::string case_dir = (lab.dir / "case").string();
  const auto r = lab.run({"run", k_dns_alert, "--case", case_dir, "--yes", "--yes-irreversible",
                          "--reason", "dark-web lookups from the web VM", "-o", "json"});
  INFO(r.out + r.err);
  REQUIRE(r.exit_code == 5); // all done but the tasks a person checks off
  const auto outcomes = outcomes_of(r.out);
  for (const auto& [step, outcome] : outcomes.items()) {
    INFO(step);
    CHECK(outcome != "failed");
  }
  for (const char* step :
       {"attach-isolation-nsg", "snapshot-disks", "running-processes-windows", "open-connections",
        "sign-ins", "persistence", "installed-software", "antimalware-scan"}) {
    INFO(step);
    CHECK(outcomes[step] == "done");
  }
  // Each script after the isolation returned what it printed: the NSG lets Run Command report.
  for (const char* step : {"running-processes-windows", "open-connections", "installed-software"}) {
    INFO(step);
    std::string output;
    for (const auto& entry : std::filesystem::directory_iterator(case_dir + "/evidence")) {
      if (entry.path().filename().string().find(step) != std::string::npos) {
        output += read_file(entry.path().string());
      }
    }
    const auto result =
        Json::parse(output.substr(0, output.find('\n', output.rfind('}')) + 1), nullptr, false);
    REQUIRE(!output.empty());
    CHECK_THAT(output, Catch::Contains("StdOut"));
    CHECK(output.find("\"message\":\"\"") == std::string::npos);
    (void)result;
  }
  const auto snapshots =
      lab.get(k_example_web_group + "/providers/Microsoft.Compute/snapshots", "2025-01-02");
  REQUIRE(snapshots["value"].size() >= 1);
  const auto undo = lab.run({"undo", "-o", "text", case_dir, "--yes"});
  INFO(undo.out + undo.err);
  CHECK(undo.exit_code == 0);
  CHECK_THAT(undo.out, Catch::Contains("evidence"));
  CHECK(
      lab.get(k_example_web_group + "/providers/Microsoft.Compute/snapshots", "2025-01-02")["value"]
          .size() == snapshots["value"].size());
  const auto remove = lab.run({"undo", "-o", "text", case_dir, "--yes", "--remove-evidence"});
  CHECK(remove.exit_code == 0);
  CHECK(
      lab.get(k_example_web_group + "/providers/Microsoft.Compute/snapshots", "2025-01-02")["value"]
          .empty());
}

TEST_CASE("Key Vault and Resource Manager on a served lab: a key rotated, a certificate re-issued, "
          "a password reset",
          "[e2e][practice][exec]")
{
  SECTION("Key Vault")
  {
    ServedLab lab("practice-kv");
    const std::string case_dir = (lab.dir / "case").string();
    const auto r = lab.run({"run",       k_kv_alert,
                            "--case",    case_dir,
                            "--answers", k_kv_answers,
                            "--set",     "key_name=signing-key",
                            "--set",     "rotate_key=yes",
                            "--set",     "certificate_name=payments-tls",
                            "--set",     "reissue_certificate=yes",
                            "--yes",     "--yes-irreversible",
                            "--reason",  "drill",
                            "-o",        "json"});
    INFO(r.out + r.err);
    CHECK(r.exit_code == 5); // the tasks a person checks off stay open
    const auto outcomes = outcomes_of(r.out);
    for (const char* step :
         {"enable-firewall", "rotate-key", "key-versions", "reissue-certificate",
          "certificate-versions", "disable-secret-version", "list-secrets", "resolve-alert"}) {
      INFO(step);
      CHECK(outcomes[step] == "done");
    }
    // The walk's own address (127.0.0.1 on a lab) was kept open by the firewall it turned on.
    CHECK(lab.vault()["properties"]["networkAcls"]["ipRules"].dump().find("127.0.0.1") !=
          std::string::npos);
  }
  SECTION("Resource Manager, a familiar user")
  {
    ServedLab lab("practice-rm", {}, k_rm_alert);
    const std::string case_dir = (lab.dir / "case").string();
    const auto r = lab.run({"run", k_rm_alert, "--case", case_dir, "--answers", k_rm_answers,
                            "--set", "account_familiar=yes", "--set", "reset_account_password=yes",
                            "--yes", "--yes-irreversible", "--reason", "drill", "-o", "json"});
    INFO(r.out + r.err);
    CHECK(r.exit_code == 5);
    const auto outcomes = outcomes_of(r.out);
    CHECK(outcomes["account-kind"] == "done");
    CHECK(outcomes["reset-account-password"] == "done");
    CHECK(outcomes["auth-methods"] == "done");
    CHECK(outcomes.value("block-unfamiliar-account", "") !=
          "done"); // a familiar account stays enabled
    // Off a terminal the generated password is shown nowhere and kept nowhere.
    CHECK_THAT(r.err, Catch::Contains("shown only at a terminal"));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(case_dir)) {
      if (!entry.is_regular_file()) {
        continue;
      }
      const auto content = read_file(entry.path().string());
      for (std::size_t at = content.find("\"password\":\""); at != std::string::npos;
           at = content.find("\"password\":\"", at + 1)) {
        INFO(entry.path().string());
        const auto value = content.substr(at + 12, content.find('"', at + 12) - (at + 12));
        CHECK((value == "***" || value == "$(generated secret)" ||
               value == "(generated at run time; not recorded)"));
      }
    }
  }
}
