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
                 "when": {"answer": "verified", "equals": false}, "goto": "mitigate")" +
         step_extra + R"(}],
    "mitigate": [{"id": "firewall", "title": "Firewall", "guidance": "Turn it on.",
                  "action": {"name": "demo.firewall", "params": {"vault": "{{alert.resourceId}}", "allowedIps": "{{answers.ranges}}"}}}]
  })" + top_extra +
         "}";
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
    CHECK(errors("{\n  \"id\": \"x\",\n  oops\n}") ==
          std::vector<std::string>{"p.json:3:3: syntax error while parsing object key: invalid "
                                   "literal; expected string literal"});
  }
  SECTION("unknown key with a suggestion")
  {
    CHECK(errors(playbook_with(R"(, "stopp": true)")) ==
          std::vector<std::string>{
              R"(p.json: /phases/contact/0/stopp: unknown key "stopp"; did you mean "stop"?)"});
  }
  SECTION("wrong type")
  {
    CHECK(errors(playbook_with(R"(, "ask": "verified")")).front() ==
          R"(p.json: /phases/contact/0/ask: expected an array of strings, got a string)");
  }
  SECTION("optional must be a boolean")
  {
    auto text = playbook_with();
    text.replace(text.find("\"default\": false, \"prompt\": \"Verified?\""), 16,
                 "\"optional\": \"yes\"");
    CHECK(errors(text) == std::vector<std::string>{
                              R"(p.json: /inputs/0/optional: expected a boolean, got a string)"});
  }
  SECTION("unknown action with a suggestion")
  {
    auto text = playbook_with();
    text.replace(text.find("demo.firewall"), 13, "demo.firewal");
    CHECK(
        errors(text) ==
        std::vector<std::string>{
            R"(p.json: /phases/mitigate/0/action/name: unknown action "demo.firewal"; did you mean "demo.firewall"?)"});
  }
  SECTION("unknown and missing action parameters")
  {
    auto text = playbook_with();
    text.replace(text.find("\"vault\": \"{{alert.resourceId}}\""), 31,
                 "\"valt\": \"{{alert.resourceId}}\"");
    CHECK(
        errors(text) ==
        std::vector<std::string>{
            R"(p.json: /phases/mitigate/0/action/params/valt: unknown parameter "valt" of action demo.firewall; did you mean "vault"?)",
            R"(p.json: /phases/mitigate/0/action/params: action demo.firewall needs parameter "vault")"});
  }
  SECTION("unknown input in a condition")
  {
    auto text = playbook_with();
    text.replace(text.find("\"answer\": \"verified\""), 20, "\"answer\": \"verifed\"");
    CHECK(
        errors(text) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/when/answer: unknown input "verifed"; did you mean "verified"?)"});
  }
  SECTION("goto backwards or nowhere")
  {
    auto text = playbook_with();
    text.replace(text.find("\"goto\": \"mitigate\""), 18, "\"goto\": \"contact\"");
    CHECK(
        errors(text) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/goto: goto must go forward (a later step or phase), got "contact")"});
    text = playbook_with();
    text.replace(text.find("\"goto\": \"mitigate\""), 18, "\"goto\": \"mitigate/firewal\"");
    CHECK(
        errors(text) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/goto: unknown goto target "mitigate/firewal"; did you mean "mitigate/firewall"?)"});
  }
  SECTION("references are whole values of known fields")
  {
    auto text = playbook_with();
    text.replace(text.find("\"{{alert.resourceId}}\""), 22, "\"/x/{{alert.resourceId}}\"");
    CHECK(
        errors(text).front() ==
        R"(p.json: /phases/mitigate/0/action/params/vault: a reference must be the whole value, as in "{{alert.resourceId}}"; references are never spliced into text)");
    text = playbook_with();
    text.replace(text.find("\"{{alert.resourceId}}\""), 22, "\"{{alert.resourceID}}\"");
    CHECK(
        errors(text).front() ==
        R"(p.json: /phases/mitigate/0/action/params/vault: unknown alert field in "alert.resourceID")");
  }
  SECTION("duplicate ids, bad input type, missing keys")
  {
    CHECK(errors(playbook_with("", R"(, "description": 1)")).empty()); // description is free
    auto text = playbook_with();
    text.replace(text.find("\"type\": \"yes-no\""), 16, "\"type\": \"yesno\"");
    CHECK(
        errors(text) ==
        std::vector<std::string>{
            R"(p.json: /inputs/0/type: unknown input type "yesno"; expected one of yes-no, choice, text, cidr-list, principal, list; did you mean "yes-no"?)"});
    text = playbook_with();
    text.replace(text.find("\"id\": \"firewall\""), 16, "\"id\": \"origin\"");
    CHECK(errors(text).front() == R"(p.json: /phases/mitigate/0/id: duplicate step id "origin")");
    CHECK(errors(R"({"id": "x"})").size() == 5); // title, version, lastReviewed, match, phases
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

namespace {

// demo.read reads; demo.change changes something (a step showing its result is refused).
ActionDirectory show_actions()
{
  ActionDirectory d;
  d.names = {"demo.read", "demo.change"};
  d.find = [](std::string_view name) -> std::optional<ActionInfo> {
    if (name == "demo.read" || name == "demo.change") {
      return ActionInfo{{"vault"}, {"vault"}, name == "demo.change"};
    }
    return std::nullopt;
  };
  return d;
}

// A playbook whose one step reads with `action` and declares `shows` (a JSON array).
std::string playbook_showing(const std::string& shows, const std::string& action = "demo.read")
{
  return R"({
  "id": "demo", "title": "Demo", "version": "1.0.0", "lastReviewed": "2026-11-28",
  "match": {"alertTypes": ["KV_*"]},
  "phases": {
    "contact": [{"id": "read-tags", "title": "Tags", "guidance": "Note the owner.",
                 "action": {"name": ")" +
         action + R"(", "params": {"vault": "{{alert.resourceId}}"}},
                 "shows": )" +
         shows + R"(}]
  }})";
}

std::vector<std::string> show_errors(const std::string& text)
{
  std::vector<std::string> out;
  for (const auto& issue : load_playbook(text, "p.json", show_actions()).issues) {
    out.push_back(issue.to_string());
  }
  return out;
}

} // namespace

TEST_CASE("a step declares what it shows of its result")
{
  const auto result = load_playbook(playbook_showing(R"json([
    {"path": "properties.tags.Owner", "label": {"en": "Owner (tag)", "zh-CN": "负责人（标签）"}},
    {"list": "value", "item": ["name", "properties.attributes.enabled"], "max": 3, "label": "Versions"},
    {"list": "value[*].name", "label": "Names"},
    {"table": "tables[0]", "columns": ["OperationName", "requestUri_s"], "label": "Audit log"},
    {"lines": "value[*].message", "max": 20, "label": "Output"}
  ])json"),
                                    "p.json", show_actions());
  INFO((result.issues.empty() ? "" : result.issues.front().to_string()));
  REQUIRE(result.playbook);
  const auto& shows = result.playbook->steps(Phase::contact).at(0).shows;
  REQUIRE(shows.size() == 5);
  CHECK(shows[0].kind == Show::Kind::value);
  CHECK(shows[0].path == "properties.tags.Owner");
  CHECK(shows[0].label.in(Lang::zh_cn) == "负责人（标签）");
  CHECK(shows[0].max == 0);
  CHECK(shows[1].kind == Show::Kind::list);
  CHECK(shows[1].path == "value");
  CHECK(shows[1].fields == std::vector<std::string>{"name", "properties.attributes.enabled"});
  CHECK(shows[1].max == 3);
  CHECK(shows[2].fields.empty());
  CHECK(shows[2].max == 5); // the default for a list
  CHECK(shows[3].kind == Show::Kind::table);
  CHECK(shows[3].fields == std::vector<std::string>{"OperationName", "requestUri_s"});
  CHECK(shows[3].max == 10);
  CHECK(shows[4].kind == Show::Kind::lines);
  CHECK(shows[4].label.in(Lang::en) == "Output");
  CHECK(shows[4].max == 20);
}

TEST_CASE("the loader reports each mistake in a show at its JSON pointer")
{
  SECTION("unknown key with a suggestion")
  {
    CHECK(
        show_errors(playbook_showing(R"([{"path": "name", "label": "Name"},
                                           {"list": "value", "items": ["name"], "label": "Items"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/1/items: unknown key "items"; did you mean "item"?)"});
    CHECK(
        show_errors(playbook_showing(R"([{"path": "name", "labl": "Name"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/labl: unknown key "labl"; did you mean "label"?)",
            R"(p.json: /phases/contact/0/shows/0: missing required key "label")"});
    auto text = playbook_showing(R"([{"path": "name", "label": "Name"}])");
    text.replace(text.find(R"("shows")"), 7, R"("show")");
    CHECK(show_errors(text) ==
          std::vector<std::string>{
              R"(p.json: /phases/contact/0/show: unknown key "show"; did you mean "shows"?)"});
  }
  SECTION("wrong types")
  {
    CHECK(show_errors(playbook_showing(R"({"path": "name", "label": "Name"})")) ==
          std::vector<std::string>{
              R"(p.json: /phases/contact/0/shows: expected an array, got an object)"});
    CHECK(show_errors(playbook_showing(R"(["name"])")) ==
          std::vector<std::string>{
              R"(p.json: /phases/contact/0/shows/0: expected an object, got a string)"});
    CHECK(show_errors(playbook_showing(R"([{"path": 3, "label": "Name"}])")) ==
          std::vector<std::string>{
              R"(p.json: /phases/contact/0/shows/0/path: expected a string, got a number)"});
    CHECK(
        show_errors(playbook_showing(R"([{"list": "value", "item": "name", "label": "Items"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/item: expected an array of result paths, got a string)"});
    CHECK(
        show_errors(playbook_showing(R"([{"list": "value", "max": 0, "label": "Items"},
                                           {"lines": "value", "max": "5", "label": "Lines"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/max: expected an integer from 1 to 100, got 0)",
            R"(p.json: /phases/contact/0/shows/1/max: expected an integer from 1 to 100, got a string)"});
    CHECK(
        show_errors(
            playbook_showing(R"([{"path": "name", "label": {"en": "Name", "zh-cn": "名称"}}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/label/zh-cn: unknown key "zh-cn"; did you mean "zh-CN"?)"});
  }
  SECTION("paths are result paths")
  {
    CHECK(
        show_errors(playbook_showing(R"([{"path": "/properties/tags", "label": "Tags"},
                                           {"list": "value", "item": ["name", "a..b"], "label": "Items"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/path: expected a result path such as "properties.tags" or "value[0].name", got "/properties/tags")",
            R"(p.json: /phases/contact/0/shows/1/item/1: expected a result path such as "properties.tags" or "value[0].name", got "a..b")"});
  }
  SECTION("one kind per show, and the keys that go with it")
  {
    CHECK(
        show_errors(playbook_showing(R"([{"label": "Nothing"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0: a show needs one of "path", "list", "table" or "lines")"});
    CHECK(
        show_errors(playbook_showing(R"([{"path": "name", "list": "value", "label": "Both"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0: a show has one of "path", "list", "table" or "lines", got "path" and "list")"});
    CHECK(
        show_errors(
            playbook_showing(R"([{"path": "name", "item": ["id"], "max": 3, "label": "Name"},
                                           {"table": "tables[0]", "item": ["id"], "label": "Log"},
                                           {"list": "value", "columns": ["id"], "label": "List"}])")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/item: "item" goes with "list", not "path")",
            R"(p.json: /phases/contact/0/shows/0/max: "max" goes with "list", "table" or "lines", not "path")",
            R"(p.json: /phases/contact/0/shows/1/item: "item" goes with "list", not "table")",
            R"(p.json: /phases/contact/0/shows/2/columns: "columns" goes with "table", not "list")"});
  }
  SECTION("only a step whose action reads shows its result; one without an action shows the alert")
  {
    CHECK(
        show_errors(playbook_showing(R"([{"path": "name", "label": "Name"}])", "demo.change")) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows: "shows" goes with an action that reads; demo.change changes something)"});
    auto text = playbook_showing(R"([{"path": "name", "label": "Name"}])");
    const auto start = text.find(R"("action")");
    text.erase(start, text.find("\"shows\"") - start);
    // Without an action, a step shows the alert (what a decision is about).
    CHECK(
        show_errors(text) ==
        std::vector<std::string>{
            R"(p.json: /phases/contact/0/shows/0/path: a step without an action shows the alert: unknown alert field "name")"});
    text.replace(text.find(R"("path": "name")"), 14,
                 R"("list": "entities.ips", "item": ["address"])");
    CHECK(show_errors(text).empty());
  }
}

TEST_CASE("a key given twice in a playbook: the last value is used, with a warning")
{
  const auto result = load_playbook(
      playbook_with(
          R"(, "title": "Firewall, really")",
          R"(, "version": "2.0.0", "inputs": [{"id": "verified", "type": "yes-no", "default": false, "prompt": "A", "prompt": "B"},
                                                                {"id": "ranges", "type": "cidr-list", "default": [], "prompt": "Ranges"}])"),
      "p.json", fake_actions());
  std::vector<std::string> issues;
  for (const auto& issue : result.issues) {
    issues.push_back(issue.to_string());
  }
  INFO(Catch::Detail::stringify(issues));
  REQUIRE(result.playbook);
  CHECK(result.playbook->version == "2.0.0");
  CHECK(result.playbook->steps(Phase::contact).at(0).title.in(Lang::en) == "Firewall, really");
  CHECK(result.playbook->find_input("verified")->prompt.in(Lang::en) == "B");
  CHECK(issues ==
        std::vector<std::string>{
            "p.json: /phases/contact/0/title: warning: key given twice; the last value is used",
            "p.json: /version: warning: key given twice; the last value is used",
            "p.json: /inputs: warning: key given twice; the last value is used",
            "p.json: /inputs/0/prompt: warning: key given twice; the last value is used"});
}

TEST_CASE("a playbook says how its alerts group into incidents")
{
  const auto result = load_playbook(
      playbook_with("", R"(, "incident": {"groupBy": ["resource"], "linkBy": ["callerIp"]})"),
      "p.json", fake_actions());
  REQUIRE(result.playbook);
  REQUIRE(result.playbook->incident);
  CHECK(result.playbook->incident->group_by == std::vector<std::string>{"resource"});
  CHECK(result.playbook->incident->link_by == std::vector<std::string>{"callerIp"});
  CHECK_FALSE(load_playbook(playbook_with(), "p.json", fake_actions()).playbook->incident);
  CHECK(
      errors(playbook_with("", R"(, "incident": {"groupBy": ["vault"]})")) ==
      std::vector<std::string>{
          R"(p.json: /incident/groupBy/0: unknown incident key "vault"; expected one of resource, subscription, resourceGroup, host, domain, callerIp, callerObjectId, account, alertType)"});
  CHECK(errors(playbook_with("", R"(, "incident": {"groupBy": [], "linkBy": ["callerIp"]})")) ==
        std::vector<std::string>{
            R"(p.json: /incident/groupBy: name at least one key the alerts of an incident share)"});
  CHECK(errors(playbook_with("", R"(, "incident": {"linkBy": ["callerIp"]})")).size() == 1);
}
