// The executor against the lab: a Key Vault walk carried out, re-run as no-ops,
// resumed as done-earlier, and undone back to the vault's first state.

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "support/files.hpp"
#include "support/lab_session.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace dftriage;

namespace {

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

struct Walk
{
  Walk(const azure::Cloud& cloud, engine::Answers answers)
  {
    auto parsed = alert::parse_alerts(test::read_file(test::k_kv_alert), test::k_kv_alert);
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

// Settings for a case scoped to `subscription`.
exec::ExecSettings scoped_to(const std::string& subscription)
{
  exec::ExecSettings settings;
  settings.subscriptions = {subscription};
  return settings;
}

// The body of a GET of `url` through `client`.
nlohmann::ordered_json body_at(azure::Client& client, const std::string& url)
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
  test::LabSession lab({test::k_kv_alert});
  Walk walk(lab.cloud,
            {{"allowed_ranges", nlohmann::ordered_json::array({"203.0.113.0/24", "127.0.0.1"})}});
  const std::string vault_url =
      lab.cloud.resource_manager + walk.the_alert->resource_id + "?api-version=2026-02-01";
  const std::string alert_url =
      lab.cloud.resource_manager + walk.the_alert->alert_resource_id + "?api-version=2022-01-01";
  const auto vault_before = body_at(*lab.client, vault_url);
  REQUIRE(vault_before["properties"]["accessPolicies"].dump().find("d3b07384") !=
          std::string::npos);

  const auto dir = temp_dir("kv");
  std::filesystem::remove_all(dir);
  {
    auto folder = journal::CaseFolder::create(dir);
    journal::Journal journal(folder.journal_path());
    AutoResponder responder(true);
    exec::Executor executor(folder, journal, *lab.client, lab.cloud, responder,
                            scoped_to("4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"));
    const auto outcomes = run_all(executor, walk.plan);
    CHECK(outcomes.at("enable-firewall") == "done");
    CHECK(outcomes.at("remove-access-policy") == "done");
    CHECK(outcomes.at("resolve-alert") == "done");
    CHECK(outcomes.at("read-vault") == "done");
    CHECK(responder.failures.empty());

    const auto vault = body_at(*lab.client, vault_url);
    CHECK(vault["properties"]["networkAcls"]["defaultAction"] == "Deny");
    CHECK(vault["properties"]["networkAcls"]["ipRules"].dump().find("203.0.113.0/24") !=
          std::string::npos);
    CHECK(vault["properties"]["accessPolicies"].dump().find("d3b07384") == std::string::npos);
    CHECK(body_at(*lab.client, alert_url)["properties"]["status"] == "Resolved");

    // The same executor again: everything that succeeded was done earlier in this case.
    for (const auto index : engine::visited_steps(walk.plan)) {
      if (outcomes.at(walk.plan.steps[index].step->id) == "done") {
        CHECK(executor.run_step(walk.plan, index).outcome == exec::Outcome::done_earlier);
      }
    }
    CHECK(journal::verify(test::read_file(folder.journal_path())).ok);
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
    const auto vault = body_at(*lab.client, vault_url);
    CHECK(vault["properties"]["networkAcls"] == vault_before["properties"]["networkAcls"]);
    CHECK(vault["properties"]["accessPolicies"] == vault_before["properties"]["accessPolicies"]);
    CHECK(body_at(*lab.client, alert_url)["properties"]["status"] == "Active");
    const auto entries = journal.entries().size();
    CHECK(executor.undo(""));
    CHECK(journal.entries().size() == entries);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("executor refuses a step outside the case's subscriptions and records declines",
          "[exec][lab]")
{
  test::LabSession lab({test::k_kv_alert});
  Walk walk(lab.cloud, {});
  const auto dir = temp_dir("scope");
  std::filesystem::remove_all(dir);
  auto folder = journal::CaseFolder::create(dir);
  journal::Journal journal(folder.journal_path());
  AutoResponder responder(false);
  exec::Executor executor(folder, journal, *lab.client, lab.cloud, responder,
                          scoped_to("11111111-2222-3333-4444-555555555555"));
  for (const auto index : engine::visited_steps(walk.plan)) {
    const auto& step = walk.plan.steps[index];
    const auto result = executor.run_step(walk.plan, index);
    if (step.action != nullptr && step.step->id == "enable-firewall") {
      CHECK(result.outcome == exec::Outcome::refused);
      CHECK_THAT(result.message, Catch::Contains("outside this case's scope"));
    }
  }
  // Nothing changed: every request the lab saw for the vault was a read.
  const auto vault = body_at(*lab.client, lab.cloud.resource_manager + walk.the_alert->resource_id +
                                              "?api-version=2026-02-01");
  CHECK(vault["properties"]["accessPolicies"].dump().find("d3b07384") != std::string::npos);
  std::filesystem::remove_all(dir);
}
