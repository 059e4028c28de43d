#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/engine/walk.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::engine;

namespace {

alert::Alert
kv_alert(const std::string& resource_id =
             "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1")
{
  const auto r = alert::parse_alerts(
      R"({"AlertType": "SIMULATED_KV_TORAccess", "SystemAlertId": "a1", "Severity": "Medium",
    "AzureResourceId": )" +
          nlohmann::json(resource_id).dump() + R"(,
    "ExtendedProperties": {"Attacker IP Address": "203.0.113.5", "Attacker Object ID": "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f"}})",
      "a.json");
  REQUIRE(r.alerts.size() == 1);
  return r.alerts.front();
}

playbook::Playbook demo_playbook()
{
  const auto result = playbook::load_playbook(R"({
  "id": "demo", "title": "Demo", "version": "1.0.0", "lastReviewed": "2026-11-28",
  "match": {"alertTypes": ["KV_*"]},
  "requires": [{"field": "resourceId", "resourceType": "microsoft.keyvault/vaults", "message": "the firewall is set on the vault"}],
  "inputs": [{"id": "verified", "type": "yes-no", "default": false, "prompt": "Verified?"},
             {"id": "ranges", "type": "cidr-list", "default": [], "prompt": "Ranges"},
             {"id": "expected", "type": "yes-no", "default": false, "prompt": "Expected?"}],
  "phases": {
    "contact": [{"id": "unverified", "title": "Origin unknown", "guidance": "Go to mitigation.",
                 "when": {"answer": "verified", "equals": false}, "goto": "mitigate"},
                {"id": "ask-owner", "title": "Ask the owner", "guidance": "Ask."},
                {"id": "dismiss", "title": "Expected", "guidance": "Dismiss.", "when": {"answer": "expected", "equals": true}, "stop": true}],
    "mitigate": [{"id": "firewall", "title": "Firewall", "guidance": "Turn it on.",
                  "action": {"name": "keyvault.firewall.enable", "params": {"vault": "{{alert.resourceId}}", "allowedIps": "{{answers.ranges}}"}}}],
    "act": [{"id": "done", "title": "Done", "guidance": "Close."}]
  }})",
                                              "demo.json", action_directory());
  INFO((result.issues.empty() ? std::string() : result.issues.front().to_string()));
  REQUIRE(result.playbook);
  return *result.playbook;
}

std::vector<std::string> statuses(const Plan& plan)
{
  std::vector<std::string> out;
  for (const auto& s : plan.steps) {
    out.push_back(s.step->id + ":" + s.status);
  }
  return out;
}

} // namespace

TEST_CASE("plan: an unverified origin goes straight to mitigation")
{
  const auto alert = kv_alert();
  const auto plan = build_plan(alert, {}, demo_playbook(), {{"ranges", "198.51.100.0/24"}},
                               azure::public_cloud());
  CHECK(statuses(plan) == std::vector<std::string>{"unverified:planned", "ask-owner:skipped",
                                                   "dismiss:skipped", "firewall:planned",
                                                   "done:planned"});
  const auto& firewall = plan.steps[3];
  REQUIRE(firewall.requests.requests.size() == 1);
  CHECK(
      firewall.requests.requests[0].body->dump() ==
      R"j({"properties":{"networkAcls":{"defaultAction":"Deny","bypass":"AzureServices","ipRules":[{"value":"198.51.100.0/24"}],"virtualNetworkRules":"$(pre-image 0 /properties/networkAcls/virtualNetworkRules)"}}})j");
  CHECK(plan.answers[1].source == "given");
  CHECK(plan.answers[0].source == "default");
}

TEST_CASE("plan: expected activity stops the walk")
{
  const auto alert = kv_alert();
  const auto plan = build_plan(alert, {}, demo_playbook(),
                               {{"verified", true}, {"expected", "yes"}}, azure::public_cloud());
  CHECK(statuses(plan) == std::vector<std::string>{"unverified:skipped", "ask-owner:planned",
                                                   "dismiss:planned", "firewall:not-reached",
                                                   "done:not-reached"});
}

TEST_CASE("plan: requirements are checked before anything")
{
  const auto alert =
      kv_alert("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm");
  const auto plan = build_plan(alert, {}, demo_playbook(), {}, azure::public_cloud());
  CHECK(plan.refused());
  CHECK(
      plan.missing ==
      std::vector<std::string>{
          R"(resourceId is not a microsoft.keyvault/vaults resource (got "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"): the firewall is set on the vault)"});
  CHECK(plan.steps.front().status == "not-reached");
}

TEST_CASE("plan: bad answers are refused with what was expected")
{
  const auto alert = kv_alert();
  CHECK_THROWS_WITH(
      build_plan(alert, {}, demo_playbook(), {{"verified", "maybe"}}, azure::public_cloud()),
      R"(answer verified: expected yes or no (是 or 否), got "maybe")");
  CHECK_THROWS_WITH(
      build_plan(alert, {}, demo_playbook(), {{"nosuch", true}}, azure::public_cloud()),
      R"(answer "nosuch" is not a question of playbook demo)");
  CHECK_THROWS_WITH(
      build_plan(alert, {}, demo_playbook(), {{"ranges", "1.2.3.4/40"}}, azure::public_cloud()),
      R"(answer ranges: "1.2.3.4/40" is not an IP address or CIDR range (e.g. 203.0.113.7 or 203.0.113.0/24))");
}

TEST_CASE("plan JSON is deterministic and names every request field")
{
  const auto alert = kv_alert();
  const auto a = build_plan(alert, {}, demo_playbook(), {}, azure::public_cloud())
                     .to_json(playbook::Lang::en)
                     .dump();
  const auto b = build_plan(alert, {}, demo_playbook(), {}, azure::public_cloud())
                     .to_json(playbook::Lang::en)
                     .dump();
  CHECK(a == b);
  const auto j = nlohmann::json::parse(a);
  nlohmann::json step;
  for (const auto& candidate : j["steps"]) {
    if (candidate["phase"] == "mitigate" && step.is_null()) {
      step = candidate;
    }
  }
  const auto& request = step["action"]["requests"][0];
  for (const auto* key : {"method", "url", "body", "mutating", "reversible", "permission"}) {
    CHECK(request.contains(key));
  }
  CHECK(request["url"].get<std::string>().find("api-version=") != std::string::npos);
}

TEST_CASE("hostile alert values cannot retarget a request")
{
  const auto alert = kv_alert(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1/../../other");
  const auto plan = build_plan(alert, {}, demo_playbook(), {}, azure::public_cloud());
  CHECK(plan.refused()); // the ID did not parse, so there is no resourceId at all
}

TEST_CASE("hostile names are encoded into one URL segment each")
{
  const auto alert = kv_alert(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv%2F..%2Fx\"{}");
  const auto plan = build_plan(alert, {}, demo_playbook(), {}, azure::public_cloud());
  REQUIRE_FALSE(plan.refused());
  const auto& url = plan.steps[3].requests.requests.at(0).url;
  CHECK(url == "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
               "Microsoft.KeyVault/vaults/"
               "kv%252F..%252Fx%22%7B%7D?api-version=2026-02-01");
}

namespace {

playbook::Playbook asking_playbook(bool optional)
{
  const auto result = playbook::load_playbook(R"({
  "id": "ask", "title": "Ask", "version": "1.0.0", "lastReviewed": "2026-11-28",
  "match": {"alertTypes": ["KV_*"]},
  "inputs": [{"id": "ranges", "type": "cidr-list", "optional": )" +
                                                  std::string(optional ? "true" : "false") +
                                                  R"(, "prompt": "Ranges"},
             {"id": "note", "type": "text", "prompt": "What did the owner say?"}],
  "phases": {
    "contact": [{"id": "ask-owner", "title": "Ask the owner", "guidance": "Ask.", "ask": ["note"],
                 "action": {"name": "keyvault.get", "params": {"vault": "{{alert.resourceId}}"}}}],
    "mitigate": [{"id": "firewall", "title": "Firewall", "guidance": "Turn it on.", "ask": ["ranges"],
                  "action": {"name": "keyvault.firewall.enable", "params": {"vault": "{{alert.resourceId}}", "allowedIps": "{{answers.ranges}}"}}}]
  }})",
                                              "ask.json", action_directory());
  INFO((result.issues.empty() ? std::string() : result.issues.front().to_string()));
  REQUIRE(result.playbook);
  return *result.playbook;
}

} // namespace

TEST_CASE("plan: a step waits for an answer its action needs, not for one it informs")
{
  const auto alert = kv_alert();
  const auto plan = build_plan(alert, {}, asking_playbook(false), {}, azure::public_cloud());
  // "note" is asked after the vault is read: the read does not wait for it.
  CHECK(statuses(plan) == std::vector<std::string>{"ask-owner:planned", "firewall:needs-answer"});
  CHECK(plan.steps[1].note == "needs an answer to ranges");
  CHECK(plan.steps[1].requests.requests.empty());
  const auto open = open_questions(plan);
  REQUIRE(open.size() == 2);
  CHECK(open[0].input->id == "note");
  CHECK(open[1].input->id == "ranges");
  CHECK(open_questions_json(plan, open, playbook::Lang::en)[1]["step"] == "firewall");

  SECTION("an optional question left empty does not hold the step up")
  {
    const auto relaxed = build_plan(alert, {}, asking_playbook(true), {{"note", "not theirs"}},
                                    azure::public_cloud());
    CHECK(statuses(relaxed) == std::vector<std::string>{"ask-owner:planned", "firewall:planned"});
    CHECK(open_questions(relaxed).empty());
  }
  SECTION("positions count the visited steps of the phase")
  {
    CHECK(position_of(plan, 1).index == 1);
    CHECK(position_of(plan, 1).total == 1);
    CHECK(visited_steps(plan) == std::vector<std::size_t>{0, 1});
  }
}

TEST_CASE("plan: answers are checked by their type where they are given")
{
  const auto a = kv_alert();
  const auto p = demo_playbook();
  SECTION("an IP range with an impossible prefix names the bad item")
  {
    CHECK_THROWS_WITH(build_plan(a, match_alert(a, {}), p, {{"ranges", "203.0.113.0/33, 10.1.2.3"}},
                                 azure::public_cloud()),
                      Catch::Contains("\"203.0.113.0/33\" is not an IP address or CIDR range"));
    CHECK_THROWS_WITH(build_plan(a, match_alert(a, {}), p, {{"ranges", "10.1.2.3, not-an-ip"}},
                                 azure::public_cloud()),
                      Catch::Contains("\"not-an-ip\" is not an IP address or CIDR range"));
  }
  SECTION("good addresses and ranges of both families are taken")
  {
    const auto plan =
        build_plan(a, match_alert(a, {}), p,
                   {{"ranges", "203.0.113.0/24, 10.1.2.3, 2001:db8::/32"}}, azure::public_cloud());
    CHECK(plan.answers[1].value ==
          nlohmann::ordered_json({"203.0.113.0/24", "10.1.2.3", "2001:db8::/32"}));
  }
  SECTION("yes and no in Chinese")
  {
    CHECK(build_plan(a, match_alert(a, {}), p, {{"verified", "是"}}, azure::public_cloud())
              .answers[0]
              .value == true);
    CHECK(build_plan(a, match_alert(a, {}), p, {{"verified", "否"}}, azure::public_cloud())
              .answers[0]
              .value == false);
    CHECK_THROWS_WITH(
        build_plan(a, match_alert(a, {}), p, {{"verified", "也许"}}, azure::public_cloud()),
        Catch::Contains("expected yes or no (是 or 否)"));
  }
}

TEST_CASE("refusal_for_answer names the step whose action refuses an answer")
{
  const auto a = kv_alert();
  // A text answer that feeds a resource-ID parameter: the type lets any text through,
  // the action's check does not.
  const auto loaded = playbook::load_playbook(R"({
  "id": "ids", "title": "IDs", "version": "1.0.0", "lastReviewed": "2026-12-01",
  "match": {"alertTypes": ["KV_*"]},
  "inputs": [{"id": "assignment", "type": "text", "prompt": "Role assignment ID"}],
  "phases": {"mitigate": [{"id": "delete-assignment", "title": "Delete it", "guidance": "Delete.", "ask": ["assignment"],
    "action": {"name": "authorization.role_assignment.delete", "params": {"roleAssignmentId": "{{answers.assignment}}"}}}]}
  })",
                                              "ids.json", action_directory());
  REQUIRE(loaded.playbook);
  const auto bad =
      build_plan(a, {}, *loaded.playbook, {{"assignment", "not-an-id"}}, azure::public_cloud());
  CHECK_THAT(refusal_for_answer(bad, "assignment"),
             Catch::StartsWith("step delete-assignment: parameter roleAssignmentId"));
  const auto good =
      build_plan(a, {}, *loaded.playbook,
                 {{"assignment", "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/providers/"
                                 "Microsoft.Authorization/roleAssignments/"
                                 "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}},
                 azure::public_cloud());
  CHECK(refusal_for_answer(good, "assignment").empty());
}

TEST_CASE("is_checklist tells a person's task from a decision and a notice")
{
  const auto p = demo_playbook();
  const auto& contact = p.steps(playbook::Phase::contact);
  CHECK_FALSE(is_checklist(contact[0]));                            // a goto: a notice
  CHECK(is_checklist(contact[1]));                                  // ask the owner: a task
  CHECK_FALSE(is_checklist(contact[2]));                            // a stop: a notice
  CHECK_FALSE(is_checklist(p.steps(playbook::Phase::mitigate)[0])); // an action
}
