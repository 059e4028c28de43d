#include "dftriage/playbook/playbook.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::playbook;

namespace {

ActionDirectory fake_actions()
{
  ActionDirectory d;
  d.names = {"demo.firewall", "demo.read"};
  d.find = [](std::string_view name) -> std::optional<ActionInfo> {
    if (name == "demo.firewall") {
      return ActionInfo{{"vault", "allowedIps"}, {"vault"}};
    }
    if (name == "demo.read") {
      return ActionInfo{{"vault"}, {}};
    }
    return std::nullopt;
  };
  return d;
}

// A valid playbook with `patch` spliced in at the marker (a JSON fragment).
std::string playbook_with(const std::string& step_extra = "", const std::string& top_extra = "")
{
  return R"({
  "id": "demo", "title": {"en": "Demo", "zh-CN": "演示"}, "version": "1.0.0", "lastReviewed": "2026-11-28",
  "match": {"alertTypes": ["KV_*"]},
  "requires": [{"field": "resourceId", "resourceType": "microsoft.keyvault/vaults"}],
  "inputs": [{"id": "verified", "type": "yes-no", "default": false, "prompt": "Verified?"},
             {"id": "ranges", "type": "cidr-list", "default": [], "prompt": "Ranges"}],
  "phases": {
    "contact": [{"id": "origin", "title": "Origin", "guidance": "Check it.", "ask": ["verified"],
                 "when": {"answer": "verified", "equals": false}, "goto": "mitigate")" + step_extra + R"(}],
    "mitigate": [{"id": "firewall", "title": "Firewall", "guidance": "Turn it on.",
                  "action": {"name": "demo.firewall", "params": {"vault": "{{alert.resourceId}}", "allowedIps": "{{answers.ranges}}"}}}]
  })" + top_extra + "}";
}

std::vector<std::string> errors(const std::string& text)
{
  std::vector<std::string> out;
  for (const auto& issue : load_playbook(text, "p.json", fake_actions()).issues) {
    out.push_back(issue.to_string());
  }
  return out;
}

} // namespace

TEST_CASE("a valid playbook loads into the model")
{
  const auto result = load_playbook(playbook_with(), "p.json", fake_actions());
  INFO(result.issues.size());
  REQUIRE(result.playbook);
  const auto& p = *result.playbook;
  CHECK(p.id == "demo");
  CHECK(p.title.in(Lang::zh_cn) == "演示");
  CHECK(p.steps(Phase::contact).at(0).go_to == "mitigate");
  CHECK(p.steps(Phase::mitigate).at(0).action->params.at(0).second.reference == "alert.resourceId");
  CHECK(p.find_input("ranges")->type == InputType::cidr_list);
}

TEST_CASE("the loader reports each class of mistake at its JSON pointer")
{
  SECTION("syntax error with line and column")
  {
    CHECK(errors("{\n  \"id\": \"x\",\n  oops\n}") == std::vector<std::string>{
                                                         "p.json:3:3: syntax error while parsing object key - invalid literal; expected string literal"});
  }
  SECTION("unknown key with a suggestion")
  {
    CHECK(errors(playbook_with(R"(, "stopp": true)")) == std::vector<std::string>{
                                                           R"(p.json: /phases/contact/0/stopp: unknown key "stopp"; did you mean "stop"?)"});
  }
  SECTION("wrong type")
  {
    CHECK(errors(playbook_with(R"(, "ask": "verified")")).front()
          == R"(p.json: /phases/contact/0/ask: expected an array of strings, got a string)");
  }
  SECTION("optional must be a boolean")
  {
    auto text = playbook_with();
    text.replace(text.find("\"default\": false, \"prompt\": \"Verified?\""), 16, "\"optional\": \"yes\"");
    CHECK(errors(text) == std::vector<std::string>{R"(p.json: /inputs/0/optional: expected a boolean, got a string)"});
  }
  SECTION("unknown action with a suggestion")
  {
    auto text = playbook_with();
    text.replace(text.find("demo.firewall"), 13, "demo.firewal");
    CHECK(errors(text) == std::vector<std::string>{
                            R"(p.json: /phases/mitigate/0/action/name: unknown action "demo.firewal"; did you mean "demo.firewall"?)"});
  }
  SECTION("unknown and missing action parameters")
  {
    auto text = playbook_with();
    text.replace(text.find("\"vault\": \"{{alert.resourceId}}\""), 31, "\"valt\": \"{{alert.resourceId}}\"");
    CHECK(errors(text) == std::vector<std::string>{
                            R"(p.json: /phases/mitigate/0/action/params/valt: unknown parameter "valt" of action demo.firewall; did you mean "vault"?)",
                            R"(p.json: /phases/mitigate/0/action/params: action demo.firewall needs parameter "vault")"});
  }
  SECTION("unknown input in a condition")
  {
    auto text = playbook_with();
    text.replace(text.find("\"answer\": \"verified\""), 20, "\"answer\": \"verifed\"");
    CHECK(errors(text) == std::vector<std::string>{
                            R"(p.json: /phases/contact/0/when/answer: unknown input "verifed"; did you mean "verified"?)"});
  }
  SECTION("goto backwards or nowhere")
  {
    auto text = playbook_with();
    text.replace(text.find("\"goto\": \"mitigate\""), 18, "\"goto\": \"contact\"");
    CHECK(errors(text) == std::vector<std::string>{
                            R"(p.json: /phases/contact/0/goto: goto must go forward (a later step or phase), got "contact")"});
    text = playbook_with();
    text.replace(text.find("\"goto\": \"mitigate\""), 18, "\"goto\": \"mitigate/firewal\"");
    CHECK(errors(text) == std::vector<std::string>{
                            R"(p.json: /phases/contact/0/goto: unknown goto target "mitigate/firewal"; did you mean "mitigate/firewall"?)"});
  }
  SECTION("references are whole values of known fields")
  {
    auto text = playbook_with();
    text.replace(text.find("\"{{alert.resourceId}}\""), 22, "\"/x/{{alert.resourceId}}\"");
    CHECK(errors(text).front()
          == R"(p.json: /phases/mitigate/0/action/params/vault: a reference must be the whole value, as in "{{alert.resourceId}}"; references are never spliced into text)");
    text = playbook_with();
    text.replace(text.find("\"{{alert.resourceId}}\""), 22, "\"{{alert.resourceID}}\"");
    CHECK(errors(text).front() == R"(p.json: /phases/mitigate/0/action/params/vault: unknown alert field in "alert.resourceID")");
  }
  SECTION("duplicate ids, bad input type, missing keys")
  {
    CHECK(errors(playbook_with("", R"(, "description": 1)")).empty());  // description is free
    auto text = playbook_with();
    text.replace(text.find("\"type\": \"yes-no\""), 16, "\"type\": \"yesno\"");
    CHECK(errors(text) == std::vector<std::string>{
                            R"(p.json: /inputs/0/type: unknown input type "yesno"; expected one of yes-no, choice, text, cidr-list, principal; did you mean "yes-no"?)"});
    text = playbook_with();
    text.replace(text.find("\"id\": \"firewall\""), 16, "\"id\": \"origin\"");
    CHECK(errors(text).front() == R"(p.json: /phases/mitigate/0/id: duplicate step id "origin")");
    CHECK(errors(R"({"id": "x"})").size() == 5);  // title, version, lastReviewed, match, phases
  }
}

TEST_CASE("glob_match")
{
  CHECK(glob_match("KV_*", "KV_TORAccess"));
  CHECK(glob_match("kv_*", "KV_TORAccess"));
  CHECK(glob_match("ARM.*", "ARM.MCAS_ImpossibleTravelActivity"));
  CHECK_FALSE(glob_match("ARM_*", "ARM.MCAS_ImpossibleTravelActivity"));
  CHECK(glob_match("*Anomaly", "KV_UserAnomaly"));
  CHECK(glob_match("K?_*", "KV_x"));
  CHECK_FALSE(glob_match("KV_*", "SIMULATED_KV_TORAccess"));
}
