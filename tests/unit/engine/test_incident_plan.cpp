#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/engine/walk.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::engine;

namespace {

// A Key Vault alert on `vault` from `ip`, as the REST API returns it.
alert::Alert ip_alert(const std::string& id, const std::string& type, const std::string& vault,
                      const std::string& ip, const std::string& start)
{
  const std::string sub = "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";
  const auto r = alert::parse_alerts(
      nlohmann::json{
          {"id", sub +
                     "/resourceGroups/rg/providers/Microsoft.Security/locations/westeurope/"
                     "alerts/" +
                     id},
          {"name", id},
          {"type", "Microsoft.Security/Locations/alerts"},
          {"properties",
           {{"alertType", type},
            {"systemAlertId", id},
            {"severity", "High"},
            {"status", "Active"},
            {"startTimeUtc", start},
            {"resourceIdentifiers",
             {{{"type", "AzureResource"},
               {"azureResourceId",
                sub + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/" + vault}}}},
            {"extendedProperties", {{"Attacker IP Address", ip}}}}}}
          .dump(),
      "a.json");
  REQUIRE(r.alerts.size() == 1);
  REQUIRE(!r.alerts.front().alert_resource_id.empty());
  return r.alerts.front();
}

playbook::Playbook ip_playbook()
{
  const auto result = playbook::load_playbook(R"({
  "id": "inc", "title": "Incident", "version": "1.0.0", "lastReviewed": "2026-12-03",
  "match": {"alertTypes": ["KV_*"]},
  "inputs": [{"id": "legit", "type": "yes-no", "default": false, "prompt": "Legitimate?"},
             {"id": "ranges", "type": "cidr-list", "default": ["198.51.100.0/24"], "prompt": "Ranges"}],
  "phases": {
    "contact": [{"id": "dismiss", "title": "Legitimate", "guidance": "Dismiss each alert.",
                 "when": {"answer": "legit", "equals": true},
                 "action": {"name": "security.alert.set_status", "params": {"alert": "{{alert.alertResourceId}}", "status": "Dismissed"}},
                 "stop": true},
                {"id": "ask", "title": "Ask", "guidance": "Ask the owner."}],
    "mitigate": [{"id": "firewall", "title": "Firewall", "guidance": "Turn it on.", "ask": ["ranges"],
                  "action": {"name": "keyvault.firewall.enable", "params": {"vault": "{{alert.resourceId}}", "allowedIps": "{{answers.ranges}}", "blockedIps": "{{alert.entities.ips[*].address}}"}}}],
    "act": [{"id": "resolve", "title": "Resolve", "guidance": "Resolve each alert.",
             "action": {"name": "security.alert.set_status", "params": {"alert": "{{alert.alertResourceId}}", "status": "Resolved"}}}]
  }})",
                                              "inc.json", action_directory());
  INFO((result.issues.empty() ? std::string() : result.issues.front().to_string()));
  REQUIRE(result.playbook);
  return *result.playbook;
}

std::vector<std::string> ip_steps(const Plan& plan)
{
  std::vector<std::string> out;
  for (const auto& s : plan.steps) {
    out.push_back(s.step->id + ":" + s.status);
  }
  return out;
}

} // namespace

TEST_CASE("an incident's plan makes each change once and closes every alert", "[engine][incident]")
{
  const auto a1 = ip_alert("a1", "KV_TORAccess", "kv1", "203.0.113.5", "2026-11-27T08:00:00Z");
  const auto a2 = ip_alert("a2", "KV_ListGetAnomaly", "kv1", "203.0.113.5", "2026-11-27T08:05:00Z");
  const auto a3 = ip_alert("a3", "KV_SuspiciousIP", "kv1", "198.18.0.9", "2026-11-27T08:20:00Z");
  const auto book = ip_playbook();
  const MatchResult match;
  const auto plan =
      build_incident_plan({&a1, &a2, &a3}, "INC-abc", match, book, {}, azure::public_cloud());
  CHECK(ip_steps(plan) == std::vector<std::string>{"dismiss:skipped", "dismiss@2:skipped",
                                                   "dismiss@3:skipped", "ask:planned",
                                                   "firewall:planned", "resolve:planned",
                                                   "resolve@2:planned", "resolve@3:planned"});
  // The firewall once, blocking both callers (the first alert holds every alert's entities).
  const auto& firewall = plan.steps[4];
  REQUIRE(firewall.requests.requests.size() == 1);
  CHECK(firewall.params.value("blockedIps", nlohmann::ordered_json()).dump() ==
        R"(["203.0.113.5","198.18.0.9"])");
  // Each alert resolved by its own request; the copies ask nothing.
  for (std::size_t i = 5; i < 8; ++i) {
    const auto& step = plan.steps[i];
    CHECK(&plan.alert_of(step) == std::vector<const alert::Alert*>{&a1, &a2, &a3}[i - 5]);
    REQUIRE(step.requests.requests.size() == 1);
    CHECK(step.requests.requests.front().url.find("/alerts/a" + std::to_string(i - 4) +
                                                  "/resolve") != std::string::npos);
  }
  CHECK(plan.steps[6].step->ask.empty());
  const auto json = plan.to_json(playbook::Lang::en);
  CHECK(json["incident"]["id"] == "INC-abc");
  CHECK(json["incident"]["alerts"].size() == 3);
  CHECK(json["steps"][6]["alertId"] == "a2");
  // Copies say which alert they act for; a step made once keeps its title.
  CHECK(json["steps"][5]["title"] == "Resolve (alert 1: KV_TORAccess)");
  CHECK(json["steps"][6]["title"] == "Resolve (alert 2: KV_ListGetAnomaly)");
  CHECK(json["steps"][4]["title"] == "Firewall");
}

TEST_CASE("an incident's stop takes effect after the step's last copy", "[engine][incident]")
{
  const auto a1 = ip_alert("a1", "KV_TORAccess", "kv1", "203.0.113.5", "2026-11-27T08:00:00Z");
  const auto a2 = ip_alert("a2", "KV_ListGetAnomaly", "kv1", "203.0.113.5", "2026-11-27T08:05:00Z");
  const auto book = ip_playbook();
  const MatchResult match;
  const auto plan = build_incident_plan({&a1, &a2}, "INC-abc", match, book, {{"legit", true}},
                                        azure::public_cloud());
  const auto steps = ip_steps(plan);
  CHECK(steps[0] == "dismiss:planned");
  CHECK(steps[1] == "dismiss@2:planned"); // every alert dismissed before the walk ends
  CHECK(steps[2] == "ask:not-reached");
  CHECK(steps.back() == "resolve@2:not-reached");
  // Answers do not move the steps: positions stay fixed through the walk.
  const auto other = build_incident_plan({&a1, &a2}, "INC-abc", match, book, {{"legit", false}},
                                         azure::public_cloud());
  REQUIRE(other.steps.size() == plan.steps.size());
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    CHECK(other.steps[i].step->id == plan.steps[i].step->id);
  }
}

TEST_CASE("one alert's plan is the same whether built as an incident or not", "[engine][incident]")
{
  const auto a1 = ip_alert("a1", "KV_TORAccess", "kv1", "203.0.113.5", "2026-11-27T08:00:00Z");
  const auto book = ip_playbook();
  const MatchResult match;
  const auto alone = build_plan(a1, match, book, {}, azure::public_cloud());
  const auto as_incident = build_incident_plan({&a1}, "", match, book, {}, azure::public_cloud());
  CHECK(alone.to_json(playbook::Lang::en) == as_incident.to_json(playbook::Lang::en));
  CHECK_FALSE(alone.to_json(playbook::Lang::en).contains("incident"));
}
