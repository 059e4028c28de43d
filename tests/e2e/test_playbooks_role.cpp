// End-to-end: `dftriage playbooks role`, the least-privilege custom role of playbooks, as
// `az role definition create --role-definition @file` takes it.

#include "support/run_dftriage.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

using namespace dftriage::test;

namespace {

const std::string k_role_scope = "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";

// Returns the strings of the array `key` of `role`.
std::vector<std::string> role_strings(const nlohmann::ordered_json& role, const char* key)
{
  std::vector<std::string> out;
  for (const auto& item : role.at(key)) {
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool role_item_ends_with(const std::string& s, const std::string& suffix)
{
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Checks that `items` hold no wildcard and no placeholder, sorted and without duplicates.
void check_plain_sorted(const std::vector<std::string>& items)
{
  std::set<std::string> lower;
  std::string previous;
  for (const auto& item : items) {
    INFO(item);
    CHECK(item.find('*') == std::string::npos);
    CHECK(item.find('<') == std::string::npos);
    std::string key;
    for (const char c : item) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    CHECK(lower.insert(key).second);
    CHECK(previous <= key);
    previous = key;
  }
}

} // namespace

TEST_CASE("playbooks role prints keyvault's custom role in the shape az takes", "[e2e][role]")
{
  const auto r =
      run_dftriage({"playbooks", "role", "keyvault", "--scope", k_role_scope, "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto role = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& [key, value] : role.items()) {
    keys.push_back(key);
  }
  CHECK(keys == std::vector<std::string>{"Name", "IsCustom", "Description", "Actions", "NotActions",
                                         "DataActions", "NotDataActions", "AssignableScopes"});
  CHECK(role["Name"] == "dftriage responder (keyvault)");
  CHECK(role["IsCustom"] == true);
  CHECK(role["NotActions"].empty());
  CHECK(role["NotDataActions"].empty());
  CHECK(role_strings(role, "AssignableScopes") == std::vector<std::string>{k_role_scope});
  const auto actions = role_strings(role, "Actions");
  const auto data_actions = role_strings(role, "DataActions");
  check_plain_sorted(actions);
  check_plain_sorted(data_actions);
  const auto has = [](const std::vector<std::string>& list, const char* item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  };
  CHECK(has(actions, "Microsoft.KeyVault/vaults/write"));
  CHECK(has(actions, "Microsoft.KeyVault/vaults/accessPolicies/write"));
  CHECK(has(actions, "Microsoft.Authorization/roleAssignments/delete"));
  // The undo of deleting a role assignment puts it back.
  CHECK(has(actions, "Microsoft.Authorization/roleAssignments/write"));
  CHECK(has(actions, "Microsoft.OperationalInsights/workspaces/query/read"));
  CHECK(has(data_actions, "Microsoft.KeyVault/vaults/secrets/readMetadata/action"));
  // The undo of deleting a secret recovers it.
  CHECK(has(data_actions, "Microsoft.KeyVault/vaults/secrets/recover/action"));
  CHECK_FALSE(has(actions, "Microsoft.KeyVault/vaults/secrets/readMetadata/action"));
  // A secret's value is never read.
  CHECK_FALSE(has(data_actions, "Microsoft.KeyVault/vaults/secrets/getSecret/action"));
  // The Graph permissions cannot be in an Azure role: they are said on stderr.
  CHECK_THAT(r.err, Catch::Contains("Microsoft Graph permissions"));
  CHECK_THAT(r.err, Catch::Contains("Directory.Read.All"));
  CHECK_THAT(r.err, Catch::Contains("RoleManagement.Read.Directory"));
}

TEST_CASE("playbooks role --read-only holds only what reads need", "[e2e][role]")
{
  const auto full =
      run_dftriage({"playbooks", "role", "keyvault", "--scope", k_role_scope, "-o", "json"});
  const auto r = run_dftriage(
      {"playbooks", "role", "keyvault", "--read-only", "--scope", k_role_scope, "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(full.exit_code == 0);
  const auto role = nlohmann::ordered_json::parse(r.out);
  const auto whole = nlohmann::ordered_json::parse(full.out);
  CHECK(role["Name"] == "dftriage investigator (keyvault)");
  const auto actions = role_strings(role, "Actions");
  const auto data_actions = role_strings(role, "DataActions");
  REQUIRE(!actions.empty());
  REQUIRE(!data_actions.empty());
  for (const auto& action : actions) {
    INFO(action);
    CHECK(role_item_ends_with(action, "/read"));
  }
  for (const auto& action : data_actions) {
    INFO(action);
    CHECK((role_item_ends_with(action, "/read") ||
           role_item_ends_with(action, "/readMetadata/action")));
  }
  // The investigator's role is a part of the responder's.
  for (const char* key : {"Actions", "DataActions"}) {
    const auto all = role_strings(whole, key);
    for (const auto& item : role_strings(role, key)) {
      INFO(item);
      CHECK(std::find(all.begin(), all.end(), item) != all.end());
    }
  }
  CHECK(role_strings(whole, "Actions").size() > actions.size());
}

TEST_CASE("playbooks role says what it cannot name ahead of time", "[e2e][role]")
{
  const auto r = run_dftriage(
      {"playbooks", "role", "resource-manager", "dns", "keyvault", "--scope", k_role_scope,
       "--scope", k_role_scope + "/resourceGroups/rg1", "--name", "SOC responder", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto role = nlohmann::ordered_json::parse(r.out);
  CHECK(role["Name"] == "SOC responder");
  CHECK(role["AssignableScopes"].size() == 2);
  check_plain_sorted(role_strings(role, "Actions"));
  // resources.delete deletes whatever the responder names: its type is not known yet.
  CHECK_THAT(r.err, Catch::Contains("not in the role: resource-manager step "
                                    "mitigate/delete-unfamiliar-resource (resources.delete) "
                                    "needs <provider>/<type>/delete"));
  CHECK_THAT(r.err, Catch::Contains("{{answers.unfamiliar_resource}}"));
  CHECK_THAT(r.err, Catch::Contains("User.RevokeSessions.All"));

  const auto text = run_dftriage(
      {"playbooks", "role", "resource-manager", "--scope", k_role_scope, "-o", "text"});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("What reads need"));
  CHECK_THAT(text.out, Catch::Contains("What changes and their undo add"));
  CHECK_THAT(text.out, Catch::Contains("Microsoft.Compute/snapshots/write"));
  CHECK_THAT(text.out, Catch::Contains("Not in the role: "));
  CHECK_THAT(text.out, Catch::Contains("az role definition create --role-definition @role.json"));
  CHECK(text.err.empty());
}

TEST_CASE("playbooks role refuses without a scope, and for the generic playbook", "[e2e][role]")
{
  const auto no_scope = run_dftriage({"playbooks", "role", "keyvault", "-o", "json"});
  CHECK(no_scope.exit_code == 2);
  CHECK(no_scope.out.empty());
  CHECK_THAT(no_scope.err, Catch::Contains("dftriage: error: a custom role needs an assignable "
                                           "scope: give --scope /subscriptions/<id>"));
  const auto generic =
      run_dftriage({"playbooks", "role", "generic", "--scope", k_role_scope, "-o", "json"});
  CHECK(generic.exit_code == 2);
  CHECK_THAT(generic.err, Catch::Contains("the generic playbook calls no actions"));
  const auto typo =
      run_dftriage({"playbooks", "role", "keyvalt", "--scope", k_role_scope, "-o", "json"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("no playbook \"keyvalt\"; did you mean \"keyvault\"?"));
  const auto bad_scope =
      run_dftriage({"playbooks", "role", "keyvault", "--scope", "subscriptions/x"});
  CHECK(bad_scope.exit_code == 2);
  CHECK_THAT(bad_scope.err,
             Catch::Contains("--scope: expected a scope such as /subscriptions/<id>"));
}
