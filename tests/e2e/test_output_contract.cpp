// End-to-end: the output contract of docs/OUTPUT.md. Every -o value a command's help
// advertises gives valid output; stdout stays valid JSON (or empty) when a JSON command
// fails; and the JSON shapes hold exactly the fields the page lists.

#include "e2e/output_contract.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace contract = dftriage::test::contract;

namespace {

const std::string k_contract_alerts = contract::k_contract_source + "/examples/alerts/";
const std::string k_contract_answers = contract::k_contract_source + "/examples/answers/";

} // namespace

TEST_CASE("every -o value a command advertises gives valid output", "[e2e][output]")
{
  // The command's words (for help), then its arguments.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{"show"}, {k_contract_alerts + "mixed.ndjson"}},
      {{"match"}, {k_contract_alerts + "mixed.ndjson"}},
      {{"triage"}, {k_contract_alerts + "mixed.ndjson"}},
      {{"plan"}, {k_contract_alerts + "keyvault-tor.json"}},
      {{"run"},
       {k_contract_alerts + "keyvault-tor.json", "--dry-run", "--non-interactive", "--answers",
        k_contract_answers + "keyvault-tor.json"}},
      {{"playbooks", "list"}, {}},
      {{"playbooks", "show"}, {"dns"}},
      {{"playbooks", "validate"}, {}},
      {{"playbooks", "coverage"}, {}},
      {{"playbooks", "actions"}, {}},
      {{"playbooks", "role"}, {"keyvault", "--scope", "/subscriptions/s1"}},
      {{"version"}, {}},
  };
  for (const auto& [words, arguments] : commands) {
    auto command = words;
    command.insert(command.end(), arguments.begin(), arguments.end());
    for (const auto& format : contract::advertised(words)) {
      auto args = command;
      args.insert(args.end(), {"-o", format});
      const auto r = contract::run_dftriage_plain(args);
      INFO(words[0] << " -o " << format << "\n" << r.err);
      CHECK(r.exit_code == 0);
      contract::check_format(format, r.out);
    }
  }
}

TEST_CASE("in JSON mode a failure leaves stdout valid JSON or empty", "[e2e][output]")
{
  const std::vector<std::vector<std::string>> failing = {
      {"show", "/nonexistent.json", "-o", "json"},
      {"match", "/nonexistent.json", "-o", "json"},
      {"triage", "/nonexistent.json", "-o", "json"},
      {"plan", "/nonexistent.json", "-o", "json"},
      {"plan", "/nonexistent.json", "-o", "ndjson"},
      {"playbooks", "show", "nope", "-o", "json"},
      {"playbooks", "validate", "/nonexistent.json", "-o", "json"},
      {"report", "/nonexistent-case", "-o", "json"},
      {"case", "verify", "/nonexistent-case", "-o", "json"},
  };
  for (const auto& args : failing) {
    const auto r = contract::run_dftriage_plain(args);
    INFO(args[0] << " " << args[1] << "\n" << r.out << r.err);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("dftriage: error: "));
    if (!r.out.empty()) {
      CHECK_NOTHROW(nlohmann::json::parse(r.out));
    }
  }
}

TEST_CASE("plan, step, action and request hold the fields docs/OUTPUT.md lists", "[e2e][output]")
{
  const auto planned = contract::run_dftriage_plain(
      {"plan", k_contract_alerts + "keyvault-tor.json", k_contract_alerts + "dns-darkweb.json",
       k_contract_alerts + "arm-microburst-export.json", "-o", "json"});
  REQUIRE(planned.exit_code == 0);
  auto plans = nlohmann::json::parse(planned.out);
  // An incident's plan (plan --incident): the queue's first incident, of three alerts.
  const std::string incident_queue =
      contract::k_contract_source + "/examples/queue/az-alert-list.json";
  const auto incident_queue_out =
      contract::run_dftriage_plain({"triage", incident_queue, "-o", "json"});
  REQUIRE(incident_queue_out.exit_code == 0);
  const auto incident_plan = contract::run_dftriage_plain(
      {"plan", incident_queue, "--incident",
       nlohmann::json::parse(incident_queue_out.out).at(0).at("incident").get<std::string>(), "-o",
       "json"});
  REQUIRE(incident_plan.exit_code == 0);
  plans.push_back(nlohmann::json::parse(incident_plan.out).at(0));
  std::vector<nlohmann::json> plan_objects;
  std::vector<nlohmann::json> steps;
  std::vector<nlohmann::json> actions;
  std::vector<nlohmann::json> requests;
  for (const auto& plan : plans) {
    plan_objects.push_back(plan);
    for (const auto& step : plan["steps"]) {
      steps.push_back(step);
      if (step["action"].is_object()) {
        actions.push_back(step["action"]);
        for (const auto* list : {"preImage", "requests"}) {
          for (const auto& r : step["action"][list]) {
            requests.push_back(r);
          }
        }
      }
    }
  }
  contract::check_shape("Plan", plan_objects);
  contract::check_shape("Step", steps, false);     // outcome, message: a walk's
  contract::check_shape("Action", actions, false); // captured: with --capture only
  contract::check_shape("Request", requests, false);

  const auto walked = contract::run_dftriage_plain(
      {"run", k_contract_alerts + "keyvault-tor.json", "--dry-run", "--non-interactive",
       "--answers", k_contract_answers + "keyvault-tor.json", "-o", "json"});
  const auto records = nlohmann::json::parse(walked.out);
  std::vector<nlohmann::json> record_objects;
  std::vector<nlohmann::json> walked_steps;
  for (const auto& record : records) {
    record_objects.push_back(record);
    for (const auto& step : record["steps"]) {
      walked_steps.push_back(step);
      CHECK(step.contains("outcome"));
    }
  }
  contract::check_shape("Run record", record_objects, false); // case, mode, needs: a kept case's
  contract::check_shape("Step", walked_steps, false);

  const auto matched =
      contract::run_dftriage_plain({"match", k_contract_alerts + "mixed.ndjson", "-o", "json"});
  std::vector<nlohmann::json> matches;
  for (const auto& m : nlohmann::json::parse(matched.out)) {
    matches.push_back(m);
  }
  contract::check_shape("Match", matches);

  const auto triaged = contract::run_dftriage_plain(
      {"triage", contract::k_contract_source + "/examples/queue/az-alert-list.json", "-o", "json"});
  std::vector<nlohmann::json> incidents;
  std::vector<nlohmann::json> queued;
  std::vector<nlohmann::json> groupings;
  for (const auto& incident : nlohmann::json::parse(triaged.out)) {
    incidents.push_back(incident);
    groupings.push_back(incident["grouping"]);
    for (const auto& a : incident["alerts"]) {
      queued.push_back(a);
    }
  }
  contract::check_shape("Incident", incidents);
  contract::check_shape("Grouping", groupings);
  contract::check_shape("Queued alert", queued);
}

TEST_CASE("positions are the same in plan and run, and never change", "[e2e][output]")
{
  const auto planned = nlohmann::json::parse(
      contract::run_dftriage_plain({"plan", k_contract_alerts + "keyvault-tor.json", "--answers",
                                    k_contract_answers + "keyvault-tor.json", "-o", "json"})
          .out)[0];
  std::map<std::string, std::string> position;
  for (const auto& step : planned["steps"]) {
    position[step["id"]] = step["position"];
  }
  const auto walked = nlohmann::json::parse(
      contract::run_dftriage_plain({"run", k_contract_alerts + "keyvault-tor.json", "--dry-run",
                                    "--non-interactive", "--answers",
                                    k_contract_answers + "keyvault-tor.json", "-o", "json"})
          .out)[0];
  for (const auto& step : walked["steps"]) {
    INFO(step["id"]);
    CHECK(step["position"] == position[step["id"]]);
  }
  // Every phase's positions run 1..M with one M.
  std::map<std::string, std::set<std::string>> totals;
  for (const auto& step : planned["steps"]) {
    const auto p = step["position"].get<std::string>();
    totals[step["phase"]].insert(p.substr(p.find('/') + 1));
  }
  for (const auto& [phase, t] : totals) {
    INFO(phase);
    CHECK(t.size() == 1);
  }
}
