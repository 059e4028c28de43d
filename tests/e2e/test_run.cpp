// End-to-end: dftriage run --dry-run, unattended and on a pseudo-terminal.

#include "support/run_dftriage.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace dftriage::test;

namespace {

std::vector<std::string> step_outcomes(const nlohmann::json& record)
{
  std::vector<std::string> out;
  for (const auto& s : record["steps"]) {
    out.push_back(s["id"].get<std::string>() + ":" + s["outcome"].get<std::string>());
  }
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item)
{
  return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace

TEST_CASE("run --non-interactive leaves mutating steps awaiting confirmation", "[e2e][run]")
{
  const auto r =
      run_process({k_bin, "run", k_kv_alert, "--dry-run", "--non-interactive", "-o", "json"});
  REQUIRE(r.exit_code == 0);
  const auto record = nlohmann::json::parse(r.out).at(0);
  CHECK(record["dryRun"] == true);
  CHECK(record["status"] == "completed");
  CHECK(record["awaitingConfirmation"] ==
        nlohmann::json::array(
            {"mitigate/enable-firewall", "mitigate/remove-access-policy", "act/resolve-alert"}));
  const auto outcomes = step_outcomes(record);
  CHECK(contains(outcomes, "read-vault:shown"));
  CHECK(contains(outcomes, "trusted-networks:open")); // a task: a person checks it off
  CHECK(contains(outcomes, "enable-firewall:awaiting-confirmation"));
  CHECK_FALSE(contains(outcomes, "restrict-access-policy:done")); // its condition does not hold
}

TEST_CASE("run --yes confirms the mutating steps", "[e2e][run]")
{
  const auto r = run_process(
      {k_bin, "run", k_kv_alert, "--dry-run", "--non-interactive", "--yes", "-o", "json"});
  REQUIRE(r.exit_code == 0);
  const auto record = nlohmann::json::parse(r.out).at(0);
  CHECK(record["awaitingConfirmation"].empty());
  CHECK(contains(step_outcomes(record), "enable-firewall:confirmed"));
}

TEST_CASE("run off a terminal never prompts, even without --non-interactive", "[e2e][run]")
{
  // stdin and stdout are pipes here: the walk must not wait for input.
  const auto r = run_process({k_bin, "run", k_kv_alert, "--dry-run", "-o", "text"}, "y\ny\n");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("[mitigate 2/10] Turn on the Key Vault firewall") != std::string::npos);
  CHECK(r.out.find("Awaiting confirmation") != std::string::npos);
  CHECK(r.out.find("Carry out this change?") == std::string::npos);
}

TEST_CASE("run exits needs-human with the unanswered questions as JSON", "[e2e][run]")
{
  const auto r =
      run_process({k_bin, "run", k_alerts + "dns-darkweb.json", "--dry-run", "--non-interactive"});
  CHECK(r.exit_code == 5);
  const auto open = nlohmann::json::parse(r.out);
  std::vector<std::string> ids;
  for (const auto& q : open) {
    ids.push_back(q["id"]);
    CHECK(q.contains("prompt"));
    CHECK(q.contains("step"));
  }
  // The isolation NSG is named from the alert ID; the rest comes from the VM details a
  // dry run never reads.
  CHECK(ids == std::vector<std::string>{"vm_os", "region", "nic_id", "os_disk_id"});
  CHECK(r.err.find("4 question(s) need an answer") != std::string::npos);

  SECTION("answering them lets the walk run")
  {
    const auto answered = run_process(
        {k_bin, "run", k_alerts + "dns-darkweb.json", "--dry-run", "--non-interactive", "-o",
         "json", "--set", "vm_os=Linux", "--set", "region=westeurope", "--set",
         std::string("isolation_nsg_id=/subscriptions/7e0c5d3a-1f2b-4c6d-8e9f-0a1b2c3d4e5f/") +
             "resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/vm-isolation",
         "--set",
         std::string("nic_id=/subscriptions/7e0c5d3a-1f2b-4c6d-8e9f-0a1b2c3d4e5f/") +
             "resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/vm-nic",
         "--set",
         std::string("os_disk_id=/subscriptions/7e0c5d3a-1f2b-4c6d-8e9f-0a1b2c3d4e5f/") +
             "resourceGroups/rg/providers/Microsoft.Compute/disks/vm-os"});
    CHECK(answered.exit_code == 0);
    CHECK(contains(step_outcomes(nlohmann::json::parse(answered.out).at(0)),
                   "create-isolation-nsg:awaiting-confirmation"));
  }
  SECTION("declining isolation makes the network questions moot, not the evidence")
  {
    const auto declined = run_process(
        {k_bin, "run", k_alerts + "dns-darkweb.json", "--dry-run", "--non-interactive", "--set",
         "isolate=no", "--set", "vm_os=Linux", "--set", "region=westeurope", "--set",
         std::string("os_disk_id=/subscriptions/7e0c5d3a-1f2b-4c6d-8e9f-0a1b2c3d4e5f/") +
             "resourceGroups/rg/providers/Microsoft.Compute/disks/vm-os"});
    CHECK(declined.exit_code == 0);
  }
}

TEST_CASE("run without --dry-run and without a credential stops before it acts (exit 4)",
          "[e2e][run]")
{
  const auto env = no_credential_env();
  const auto cases = std::filesystem::temp_directory_path() /
                     ("dftriage-e2e-nocred-" + std::to_string(::getpid()));
  const auto r = run_process(
      {k_bin, "run", k_kv_alert, "--non-interactive", "--case", (cases / "c").string()}, "", env);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("no credential could get a token for https://management.core.windows.net/. "
                   "Tried: environment: "
                   "not configured") != std::string::npos);
  std::filesystem::remove_all(cases);
}

TEST_CASE("run --lang zh-CN shows the Chinese guidance", "[e2e][run]")
{
  const auto r =
      run_process({k_bin, "run", k_kv_alert, "--dry-run", "--lang", "zh-CN", "-o", "text"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("防火墙") != std::string::npos);
}

TEST_CASE("the interactive walk asks, goes back, and honours a refused change", "[e2e][run]")
{
  PtySession pty({k_bin, "run", k_kv_alert, "--dry-run"}, {{"NO_COLOR", "1"}, {"TERM", "xterm"}});
  REQUIRE(pty.expect("[contact 1/6] Read the vault's configuration"));
  REQUIRE(pty.expect("curl -X GET 'https://management.azure.com/subscriptions/"));
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("");
  REQUIRE(pty.expect("[contact 2/6] Find the vault's owner"));
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("");
  REQUIRE(pty.expect("[contact 3/6] Work out where the traffic came from"));
  REQUIRE(pty.expect("(default: d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f) · b · q · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("[y/n] (default: no) · b · q · ? > "));
  pty.send_line("?"); // help, then the same question again
  REQUIRE(pty.expect("[y/n] (default: no) · b · q · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("b"); // back to the owner step
  REQUIRE(pty.expect("[contact 2/6] Find the vault's owner"));
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("");
  REQUIRE(pty.expect("[contact 3/6] Work out where the traffic came from"));
  REQUIRE(pty.expect(" > "));
  pty.send_line("");
  REQUIRE(pty.expect("[y/n] (default: no) · b · q · ? > "));
  pty.send_line("maybe"); // a bad answer says what is expected
  REQUIRE(pty.expect("expected yes or no"));
  pty.send_line("n");
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("");
  REQUIRE(pty.expect("[contact 4/6] Origin not verified: mitigate now"));
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("");
  REQUIRE(pty.expect("[mitigate 1/10]"));
  REQUIRE(pty.expect("[y/n] (default: no) · b · q · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("Enter: next step"));
  pty.send_line("");
  REQUIRE(pty.expect("[mitigate 2/10] Turn on the Key Vault firewall"));
  REQUIRE(pty.expect(" > "));
  pty.send_line("198.51.100.0/24");         // allowed ranges
  REQUIRE(pty.expect("[comma-separated]")); // the subnets kept: none in a dry run
  pty.send_line("");
  REQUIRE(pty.expect("(default: yes) · b · q · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("curl -X PATCH"));
  REQUIRE(pty.expect("-H \"Authorization: Bearer $TOKEN\""));
  REQUIRE(pty.expect("198.51.100.0/24"));
  REQUIRE(
      pty.expect("Carry out this change? (dry run: nothing is sent) [y]es / [n]o / b / q / ? > "));
  pty.send_line("n");
  REQUIRE(pty.expect("Declined: the change is not made."));
  REQUIRE(pty.expect("[mitigate 3/10]"));
  REQUIRE(
      pty.expect("Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > ")); // a task
  pty.send_line("q");
  REQUIRE(pty.expect("Stopped."));
  REQUIRE(pty.expect("declined"));
  CHECK(pty.finish() == 5); // stopped before the end: a person has more to do
  const auto& transcript = pty.transcript();
  CHECK(transcript.find("mitigate/enable-firewall") != std::string::npos);
  CHECK(transcript.find("\x1b[") == std::string::npos); // NO_COLOR
}

TEST_CASE("run shows a hostile alert's values escaped, never raw", "[e2e][run]")
{
  const std::string hostile =
      R"({"AlertType": "KV_TORAccess\u001b[2J", "SystemAlertId": "x'; rm -rf ~; '", "Severity": "High",
    "AzureResourceId": "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1", "AlertDisplayName": "Access \u001b]0;pwned\u0007",
    "RemediationSteps": ["Call \u001b[31mthe owner\u202e"],
    "ExtendedProperties": {"Attacker IP Address": "203.0.113.9\u001b[0m", "Attacker Object ID": "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f"}})";
  const auto r = run_process({k_bin, "run", "-", "--dry-run", "-o", "text", "--yes"}, hostile);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("KV_TORAccess\\x1b[2J  ->  playbook keyvault") != std::string::npos);
  CHECK(r.out.find("[mitigate 2/10] Turn on the Key Vault firewall") != std::string::npos);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(r.err.find('\x1b') == std::string::npos);
  CHECK(r.out.find("\u202e") == std::string::npos);
}
