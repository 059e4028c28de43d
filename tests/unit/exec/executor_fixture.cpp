#include "executor_fixture.hpp"

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace dftriage::test {

// At namespace scope, as report_fixture.hpp has it: in one unity batch with it, an alias in
// the anonymous namespace would shadow that one (clang -Wshadow).
using Json = nlohmann::ordered_json;

namespace {

const std::string k_playbook = R"({
  "id": "fixture", "title": "Executor fixture", "version": "1.0.0", "lastReviewed": "2026-11-28",
  "match": {"alertTypes": ["KV_*"]},
  "phases": {
    "contact": [
      {"id": "read-vault", "title": "Read the vault", "guidance": "Read it.",
       "action": {"name": "keyvault.get", "params": {"vault": "{{alert.resourceId}}"}}}],
    "mitigate": [
      {"id": "enable-firewall", "title": "Firewall", "guidance": "Turn it on.",
       "action": {"name": "keyvault.firewall.enable",
                  "params": {"vault": "{{alert.resourceId}}", "allowedIps": ["203.0.113.0/24"]}}},
      {"id": "open-firewall", "title": "Firewall letting the attacker in", "guidance": "Never.",
       "action": {"name": "keyvault.firewall.enable",
                  "params": {"vault": "{{alert.resourceId}}", "allowedIps": ["0.0.0.0/0"],
                             "blockedIps": ["198.51.100.9"]}}},
      {"id": "restrict-policy", "title": "Restrict", "guidance": "Narrow the policy.",
       "action": {"name": "keyvault.access_policy.restrict",
                  "params": {"vault": "{{alert.resourceId}}",
                             "objectId": "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f",
                             "secrets": ["get"]}}},
      {"id": "rotate-secret", "title": "Rotate", "guidance": "New value.",
       "action": {"name": "keyvault.secret.rotate",
                  "params": {"vault": "{{alert.resourceId}}", "name": "db-password"}}}]
  }})";

std::string alert_text()
{
  return R"({"AlertType": "KV_TORAccess", "SystemAlertId": "a-exec", "Severity": "Medium",
             "AzureResourceId": ")" +
         k_fixture_vault + R"(",
             "ExtendedProperties": {"Attacker IP Address": "198.51.100.9"}})";
}

int& counter()
{
  static int n = 0;
  return n;
}

} // namespace

std::string vault_body(bool firewall_on, bool with_policy, const std::string& etag)
{
  Json acls{{"defaultAction", "Allow"},
            {"bypass", "AzureServices"},
            {"ipRules", Json::array()},
            {"virtualNetworkRules", Json::array()}};
  if (firewall_on) {
    acls["defaultAction"] = "Deny";
    acls["ipRules"] = Json::array({{{"value", "203.0.113.0/24"}}});
  }
  Json policies = Json::array();
  if (with_policy) {
    policies.push_back({{"tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47"},
                        {"objectId", k_fixture_principal},
                        {"permissions",
                         {{"keys", Json::array({"get", "list"})},
                          {"secrets", Json::array({"get", "list", "set"})},
                          {"certificates", Json::array()}}}});
  }
  return Json{{"id", k_fixture_vault},
              {"name", "kv1"},
              {"type", "Microsoft.KeyVault/vaults"},
              {"etag", etag},
              {"properties",
               {{"tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47"},
                {"accessPolicies", policies},
                {"networkAcls", acls}}}}
      .dump();
}

std::optional<std::string> ScriptedResponder::confirm(const engine::PlannedStep&,
                                                      const std::string& change)
{
  changes.push_back(change);
  bool yes = true;
  if (!confirms.empty()) {
    yes = confirms.front();
    confirms.pop_front();
  }
  return yes ? std::optional<std::string>("test reason") : std::nullopt;
}

exec::FailureChoice ScriptedResponder::on_failure(const engine::PlannedStep&,
                                                  const std::string& error)
{
  failures.push_back(error);
  if (failure_choices.empty()) {
    return exec::FailureChoice::stop;
  }
  const auto choice = failure_choices.front();
  failure_choices.pop_front();
  return choice;
}

ExecutorFixture::ExecutorFixture()
    : dir(std::filesystem::temp_directory_path() /
          ("dftriage-exec-fake-" + std::to_string(::getpid()) + "-" + std::to_string(++counter())))
    , client(harness.client())
{
  std::filesystem::remove_all(dir);
  auto parsed = alert::parse_alerts(alert_text(), "alert.json");
  REQUIRE(parsed.alerts.size() == 1);
  alert = std::make_unique<alert::Alert>(parsed.alerts.front());
  auto loaded = playbook::load_playbook(k_playbook, "fixture.json", engine::action_directory());
  INFO((loaded.issues.empty() ? std::string() : loaded.issues.front().to_string()));
  REQUIRE(loaded.playbook);
  engine::Library library;
  library.playbooks.push_back(*loaded.playbook);
  const auto match = engine::match_alert(*alert, library);
  plan = std::make_unique<engine::Plan>(
      engine::build_plan(*alert, match, *loaded.playbook, {}, azure::public_cloud()));
  folder = std::make_unique<journal::CaseFolder>(journal::CaseFolder::create(dir.string()));
}

ExecutorFixture::~ExecutorFixture()
{
  m_executor.reset();
  m_journal.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::size_t ExecutorFixture::index_of(const std::string& id) const
{
  for (std::size_t i = 0; i < plan->steps.size(); ++i) {
    if (plan->steps[i].step->id == id) {
      return i;
    }
  }
  FAIL("no step " << id);
  return 0;
}

exec::Executor& ExecutorFixture::executor(exec::ExecSettings settings)
{
  m_executor.reset();
  m_journal.reset();
  m_journal = std::make_unique<journal::Journal>(
      folder->journal_path(), journal::Operator{"tester@host", ""},
      [] { return std::string("2026-11-28T12:00:00.000Z"); });
  m_executor = std::make_unique<exec::Executor>(*folder, *m_journal, client, azure::public_cloud(),
                                                responder, std::move(settings));
  return *m_executor;
}

exec::StepResult ExecutorFixture::run(const std::string& id)
{
  if (!m_executor) {
    executor();
  }
  return m_executor->run_step(*plan, index_of(id));
}

std::string ExecutorFixture::case_text() const
{
  std::string out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      out += s.str();
    }
  }
  return out;
}

std::vector<Json> ExecutorFixture::events(const std::string& event, const std::string& step) const
{
  std::vector<Json> out;
  std::ifstream in(folder->journal_path());
  for (std::string line; std::getline(in, line);) {
    const auto entry = Json::parse(line, nullptr, false);
    if (entry.is_object() && entry.value("event", "") == event &&
        (step.empty() || entry.value("step", "") == step)) {
      out.push_back(entry);
    }
  }
  return out;
}

std::vector<azure::HttpRequest> ExecutorFixture::sent(const std::string& method) const
{
  std::vector<azure::HttpRequest> out;
  for (const auto& r : harness.transport.sent()) {
    if (r.method == method) {
      out.push_back(r);
    }
  }
  return out;
}

} // namespace dftriage::test
