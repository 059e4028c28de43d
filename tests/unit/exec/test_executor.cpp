// The executor against the lab: a Key Vault walk carried out, re-run as no-ops,
// resumed as done-earlier, and undone back to the vault's first state.

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "support/lab_session.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace dftriage;

namespace {

const std::string k_alert_file =
    std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/keyvault-tor.json";

class AutoResponder : public exec::Responder
{
public:
  explicit AutoResponder(bool yes)
      : m_yes(yes)
  {
  }
  std::optional<std::string> confirm(const engine::PlannedStep&, const std::string& change) override
  {
    changes.push_back(change);
    return m_yes ? std::optional<std::string>("test says yes") : std::nullopt;
  }
  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string& error) override
  {
    failures.push_back(error);
    return exec::FailureChoice::stop;
  }
  void show(const std::string& text) override { shown.push_back(text); }
  void show_secret_once(const std::string&, const std::string& value) override
  {
    secrets.push_back(value);
  }

  std::vector<std::string> changes, failures, shown, secrets;

private:
  bool m_yes;
};

std::string read_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Walk
{
  Walk(const azure::Cloud& cloud, engine::Answers answers)
  {
    auto parsed = alert::parse_alerts(read_file(k_alert_file), k_alert_file);
    REQUIRE(parsed.alerts.size() == 1);
    the_alert = std::make_unique<alert::Alert>(parsed.alerts.front());
    library = engine::load_library();
    match = engine::match_alert(*the_alert, library);
    REQUIRE(match.playbook != nullptr);
    plan = engine::build_plan(*the_alert, match, *match.playbook, answers, cloud);
  }
  std::unique_ptr<alert::Alert> the_alert;
  engine::Library library;
  engine::MatchResult match;
  engine::Plan plan;
};

std::string temp_dir(const std::string& name)
{
  return (std::filesystem::temp_directory_path() /
          ("dftriage-exec-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

std::map<std::string, std::string> run_all(exec::Executor& executor, const engine::Plan& plan)
{
  std::map<std::string, std::string> outcomes;
  for (const auto index : engine::visited_steps(plan)) {
    const auto result = executor.run_step(plan, index);
    outcomes[plan.steps[index].step->id] = std::string(exec::to_string(result.outcome));
    if (result.outcome == exec::Outcome::failed) {
      FAIL_CHECK(plan.steps[index].step->id + ": " + result.message);
    }
  }
  return outcomes;
}

nlohmann::ordered_json get(azure::Client& client, const std::string& url)
{
  azure::Request r;
  r.method = "GET";
  r.url = url;
  r.audience = "arm";
  return client.send(r).body;
}

} // namespace

TEST_CASE("executor carries out the Key Vault playbook on the lab, no-ops a rerun, and undoes it",
          "[exec][lab]")
{
  test::LabSession lab({k_alert_file});
  Walk walk(lab.cloud,
            {{"allowed_ranges", nlohmann::ordered_json::array({"203.0.113.0/24", "127.0.0.1"})}});
  const std::string vault_url =
      lab.cloud.resource_manager + walk.the_alert->resource_id + "?api-version=2026-02-01";
  const std::string alert_url =
      lab.cloud.resource_manager + walk.the_alert->alert_resource_id + "?api-version=2022-01-01";
  const auto vault_before = get(*lab.client, vault_url);
  REQUIRE(vault_before["properties"]["accessPolicies"].dump().find("d3b07384") !=
          std::string::npos);

  const auto dir = temp_dir("kv");
  std::filesystem::remove_all(dir);
  {
    auto folder = journal::CaseFolder::create(dir);
    journal::Journal journal(folder.journal_path());
    AutoResponder responder(true);
    exec::Executor executor(folder, journal, *lab.client, lab.cloud, responder,
                            {{"4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"}, {}});
    const auto outcomes = run_all(executor, walk.plan);
    CHECK(outcomes.at("enable-firewall") == "done");
    CHECK(outcomes.at("remove-access-policy") == "done");
    CHECK(outcomes.at("resolve-alert") == "done");
    CHECK(outcomes.at("read-vault") == "done");
    CHECK(responder.failures.empty());

    const auto vault = get(*lab.client, vault_url);
    CHECK(vault["properties"]["networkAcls"]["defaultAction"] == "Deny");
    CHECK(vault["properties"]["networkAcls"]["ipRules"].dump().find("203.0.113.0/24") !=
          std::string::npos);
    CHECK(vault["properties"]["accessPolicies"].dump().find("d3b07384") == std::string::npos);
    CHECK(get(*lab.client, alert_url)["properties"]["status"] == "Resolved");

    // The same executor again: everything that succeeded was done earlier in this case.
    for (const auto index : engine::visited_steps(walk.plan)) {
      if (outcomes.at(walk.plan.steps[index].step->id) == "done") {
        CHECK(executor.run_step(walk.plan, index).outcome == exec::Outcome::done_earlier);
      }
    }
    CHECK(journal::verify(read_file(folder.journal_path())).ok);
  }
  {
    // A new case on the changed lab: the effects are found in place.
    const auto dir2 = temp_dir("kv2");
    std::filesystem::remove_all(dir2);
    auto folder = journal::CaseFolder::create(dir2);
    journal::Journal journal(folder.journal_path());
    AutoResponder responder(true);
    exec::Executor executor(folder, journal, *lab.client, lab.cloud, responder, {});
    const auto outcomes = run_all(executor, walk.plan);
    CHECK(outcomes.at("enable-firewall") == "no-op");
    CHECK(outcomes.at("remove-access-policy") == "no-op");
    CHECK(outcomes.at("resolve-alert") == "no-op");
    CHECK(responder.changes.empty());
    std::filesystem::remove_all(dir2);
  }
  {
    // Undo from the case folder alone, twice: the second finds nothing left to do.
    auto folder = journal::CaseFolder::open_existing(dir);
    journal::Journal journal(folder.journal_path());
    AutoResponder responder(true);
    exec::Executor executor(folder, journal, *lab.client, lab.cloud, responder, {});
    CHECK(executor.undo(""));
    const auto vault = get(*lab.client, vault_url);
    CHECK(vault["properties"]["networkAcls"] == vault_before["properties"]["networkAcls"]);
    CHECK(vault["properties"]["accessPolicies"] == vault_before["properties"]["accessPolicies"]);
    CHECK(get(*lab.client, alert_url)["properties"]["status"] == "Active");
    const auto entries = journal.entries().size();
    CHECK(executor.undo(""));
    CHECK(journal.entries().size() == entries);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("executor refuses a step outside the case's subscriptions and records declines",
          "[exec][lab]")
{
  test::LabSession lab({k_alert_file});
  Walk walk(lab.cloud, {});
  const auto dir = temp_dir("scope");
  std::filesystem::remove_all(dir);
  auto folder = journal::CaseFolder::create(dir);
  journal::Journal journal(folder.journal_path());
  AutoResponder responder(false);
  exec::Executor executor(folder, journal, *lab.client, lab.cloud, responder,
                          {{"11111111-2222-3333-4444-555555555555"}, {}});
  for (const auto index : engine::visited_steps(walk.plan)) {
    const auto& step = walk.plan.steps[index];
    const auto result = executor.run_step(walk.plan, index);
    if (step.action != nullptr && step.step->id == "enable-firewall") {
      CHECK(result.outcome == exec::Outcome::refused);
      CHECK_THAT(result.message, Catch::Contains("outside this case's scope"));
    }
  }
  // Nothing changed: every request the lab saw for the vault was a read.
  const auto vault = get(*lab.client, lab.cloud.resource_manager + walk.the_alert->resource_id +
                                          "?api-version=2026-02-01");
  CHECK(vault["properties"]["accessPolicies"].dump().find("d3b07384") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("generated passwords mix every class and differ", "[exec]")
{
  const auto a = exec::generate_password();
  const auto b = exec::generate_password();
  CHECK(a.size() == 24);
  CHECK(a != b);
  CHECK(a.find_first_of("ABCDEFGHJKLMNPQRSTUVWXYZ") != std::string::npos);
  CHECK(a.find_first_of("abcdefghijkmnopqrstuvwxyz") != std::string::npos);
  CHECK(a.find_first_of("23456789") != std::string::npos);
  CHECK(a.find_first_of("!#%+-.:=?@_~") != std::string::npos);
}

#include "support/fake_transport.hpp"

namespace {

// A responder that says yes and answers a failure with the choices given, in order.
class ScriptedResponder : public AutoResponder
{
public:
  explicit ScriptedResponder(std::vector<exec::FailureChoice> choices)
      : AutoResponder(true)
      , m_choices(std::move(choices))
  {
  }
  exec::FailureChoice on_failure(const engine::PlannedStep& step, const std::string& error) override
  {
    AutoResponder::on_failure(step, error);
    auto c = m_choices.empty() ? exec::FailureChoice::stop : m_choices.front();
    if (!m_choices.empty()) {
      m_choices.erase(m_choices.begin());
    }
    return c;
  }

private:
  std::vector<exec::FailureChoice> m_choices;
};

std::size_t step_index(const engine::Plan& plan, const std::string& id)
{
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (plan.steps[i].step->id == id) {
      return i;
    }
  }
  FAIL("no step " + id);
  return 0;
}

const char* k_vault_body =
    R"({"id":"/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod","name":"kv-payments-prod","properties":{"tenantId":"t","accessPolicies":[],"networkAcls":{"defaultAction":"Allow","bypass":"AzureServices","ipRules":[],"virtualNetworkRules":[]}}})";

} // namespace

TEST_CASE("a change whose long-running operation fails stops the step, journaled with the error, "
          "retry succeeds",
          "[exec]")
{
  Walk walk(azure::public_cloud(),
            {{"allowed_ranges", nlohmann::ordered_json::array({"203.0.113.0/24"})}});
  const auto index = step_index(walk.plan, "enable-firewall");
  const std::string poll =
      "https://management.azure.com/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/providers/"
      "Microsoft.KeyVault/locations/westeurope/operations/op1?api-version=2026-02-01";
  test::FakeTransport transport;
  transport
      .reply(200, k_vault_body) // pre-image
      .reply(202, "", {{"Azure-AsyncOperation", poll}, {"Retry-After", "0"}})
      .reply(
          200,
          R"({"status":"Failed","error":{"code":"VaultUpdateFailed","message":"the update could not be applied"}})")
      .reply(200, k_vault_body)  // retry: pre-image again
      .reply(200, k_vault_body); // the PATCH succeeds at once
  test::FakeCredential credential;
  azure::ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  azure::Client client(azure::public_cloud(), &credential, transport, options);

  const auto dir = temp_dir("lro");
  std::filesystem::remove_all(dir);
  auto folder = journal::CaseFolder::create(dir);
  journal::Journal journal(folder.journal_path());
  ScriptedResponder responder({exec::FailureChoice::retry});
  exec::Executor executor(folder, journal, client, azure::public_cloud(), responder, {});
  const auto result = executor.run_step(walk.plan, index);
  CHECK(result.outcome == exec::Outcome::done);
  REQUIRE(responder.failures.size() == 1);
  CHECK_THAT(responder.failures[0], Catch::Contains("VaultUpdateFailed"));
  const auto text = read_file(folder.journal_path());
  CHECK(text.find("\"event\":\"request.failed\"") != std::string::npos);
  CHECK(text.find("\"code\":\"VaultUpdateFailed\"") != std::string::npos);
  CHECK(text.find("\"event\":\"step.failed\"") != std::string::npos);
  CHECK(text.find(test::k_canary_token) == std::string::npos);
  CHECK(transport.left() == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a change that fails with stop leaves the step failed and sends nothing more", "[exec]")
{
  Walk walk(azure::public_cloud(), {});
  const auto index = step_index(walk.plan, "enable-firewall");
  test::FakeTransport transport;
  transport.reply(200, k_vault_body)
      .reply(409, R"({"error":{"code":"ConflictError","message":"busy"}})",
             {{"x-ms-request-id", "req-409"}});
  test::FakeCredential credential;
  azure::ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  azure::Client client(azure::public_cloud(), &credential, transport, options);
  const auto dir = temp_dir("stop");
  std::filesystem::remove_all(dir);
  auto folder = journal::CaseFolder::create(dir);
  journal::Journal journal(folder.journal_path());
  ScriptedResponder responder({exec::FailureChoice::stop});
  exec::Executor executor(folder, journal, client, azure::public_cloud(), responder, {});
  const auto result = executor.run_step(walk.plan, index);
  CHECK(result.outcome == exec::Outcome::failed);
  CHECK_THAT(result.message, Catch::Contains("409") && Catch::Contains("ConflictError") &&
                                 Catch::Contains("req-409"));
  CHECK(transport.left() == 0);
  CHECK(executor.state().step("enable-firewall")->status == "failed");
  std::filesystem::remove_all(dir);
}
