// The playbook JSON Schema spells out each action's parameters for editors; it must
// say what the catalogue says, or editors would accept what the loader refuses.

#include "dftriage/azure/actions.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

TEST_CASE("the playbook schema lists every action with the catalogue's parameters")
{
  std::ifstream in(dftriage::test::k_source + "/playbooks/playbook.schema.json");
  REQUIRE(in);
  const auto schema = nlohmann::json::parse(in);
  const auto& cases = schema.at("$defs").at("action").at("allOf");
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& c : cases) {
    by_name[c.at("if").at("properties").at("name").at("const").get<std::string>()] =
        c.at("then").at("properties").at("params");
  }
  CHECK(by_name.size() == dftriage::azure::action_catalogue().size());
  for (const auto& action : dftriage::azure::action_catalogue()) {
    INFO(action.name << ": regenerate the schema's action section from the catalogue");
    REQUIRE(by_name.count(action.name) == 1);
    const auto& params = by_name[action.name];
    std::set<std::string> names;
    std::set<std::string> required;
    for (const auto& p : action.params) {
      names.insert(p.name);
      if (p.required) {
        required.insert(p.name);
      }
    }
    std::set<std::string> schema_names;
    for (const auto& [key, value] : params.at("properties").items()) {
      schema_names.insert(key);
    }
    const auto schema_required = params.value("required", std::set<std::string>{});
    CHECK(schema_names == names);
    CHECK(schema_required == required);
  }
}
