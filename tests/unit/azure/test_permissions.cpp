// Azure RBAC wildcards, the built-in roles table, the Graph permission table and what a
// Key Vault data-plane request needs from an access policy (src/azure/permissions.cpp).

#include "dftriage/azure/permissions.hpp"
#include "dftriage/util/error.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

using namespace dftriage::azure;
using Json = nlohmann::ordered_json;

namespace {

// Returns the names of `roles`, in order.
std::vector<std::string> role_names_of(const std::vector<const BuiltInRole*>& roles)
{
  std::vector<std::string> out;
  out.reserve(roles.size());
  for (const auto* role : roles) {
    out.push_back(role->name);
  }
  return out;
}

// Returns where `name` is in `names`, or names.size() when it is not there.
std::size_t role_position(const std::vector<std::string>& names, const std::string& name)
{
  std::size_t i = 0;
  while (i < names.size() && names[i] != name) {
    ++i;
  }
  return i;
}

Permission permission_entry_of(const char* json)
{
  return Permission::from_json(nlohmann::json::parse(json), "test");
}

} // namespace

TEST_CASE("operation_matches treats '*' as any run of characters, case-insensitively",
          "[permissions]")
{
  CHECK(operation_matches("*", "Microsoft.KeyVault/vaults/write"));
  CHECK(operation_matches("*/read", "Microsoft.KeyVault/vaults/read"));
  CHECK(operation_matches("*/read", "Microsoft.Authorization/roleAssignments/read"));
  CHECK_FALSE(operation_matches("*/read", "Microsoft.KeyVault/vaults/write"));
  CHECK_FALSE(operation_matches("*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"));
  CHECK(operation_matches("Microsoft.KeyVault/*/read", "Microsoft.KeyVault/vaults/read"));
  CHECK(operation_matches("Microsoft.KeyVault/*/read", "microsoft.keyvault/vaults/secrets/READ"));
  CHECK_FALSE(operation_matches("Microsoft.KeyVault/*/read", "Microsoft.Network/vaults/read"));
  SECTION("a pattern's case does not matter either")
  {
    CHECK(operation_matches("Microsoft.Authorization/*/Write",
                            "Microsoft.Authorization/roleAssignments/write"));
    CHECK(operation_matches("Microsoft.Authorization/*/Write",
                            "MICROSOFT.AUTHORIZATION/ROLEDEFINITIONS/WRITE"));
    CHECK_FALSE(operation_matches("Microsoft.Authorization/*/Write",
                                  "Microsoft.Authorization/roleAssignments/delete"));
  }
  SECTION("a star in the middle spans several segments, or none")
  {
    CHECK(operation_matches("Microsoft.Compute/*/action",
                            "Microsoft.Compute/virtualMachines/runCommand/action"));
    CHECK(operation_matches("Microsoft.Compute/virtualMachines/*/action",
                            "Microsoft.Compute/virtualMachines/restart/action"));
    CHECK(operation_matches("a*b*c", "abc"));
    CHECK(operation_matches("a*b*c", "axxbyyc"));
    CHECK_FALSE(operation_matches("a*b*c", "axxbyy"));
  }
  SECTION("no partial matches: the whole operation must match")
  {
    CHECK_FALSE(
        operation_matches("Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/vaults/readx"));
    CHECK_FALSE(
        operation_matches("Microsoft.KeyVault/vaults/read", "xMicrosoft.KeyVault/vaults/read"));
    CHECK_FALSE(operation_matches("Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/vaults"));
    CHECK(operation_matches("Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/vaults/read"));
    CHECK_FALSE(operation_matches("", "Microsoft.KeyVault/vaults/read"));
  }
}

TEST_CASE("a not-action subtracts only from its own permission entry", "[permissions]")
{
  const auto contributor = permission_entry_of(
      R"({"actions": ["*"], "notActions": ["Microsoft.Authorization/*/Write"]})");
  const auto assigner =
      permission_entry_of(R"({"actions": ["Microsoft.Authorization/roleAssignments/write"]})");
  const std::string write = "Microsoft.Authorization/roleAssignments/write";
  CHECK_FALSE(contributor.grants(write, OperationKind::control));
  CHECK(contributor.grants("Microsoft.KeyVault/vaults/write", OperationKind::control));
  CHECK_FALSE(grants({contributor}, write, OperationKind::control));
  // A second entry that grants it wins: not-actions are no deny.
  CHECK(grants({contributor, assigner}, write, OperationKind::control));
  CHECK(grants({assigner, contributor}, write, OperationKind::control));
}

TEST_CASE("data actions and control actions are matched apart", "[permissions]")
{
  const auto officer = permission_entry_of(
      R"({"actions": ["Microsoft.KeyVault/vaults/*/read"],
          "dataActions": ["Microsoft.KeyVault/vaults/secrets/*"],
          "notDataActions": ["Microsoft.KeyVault/vaults/secrets/purge/action"]})");
  const std::string read_metadata = "Microsoft.KeyVault/vaults/secrets/readMetadata/action";
  CHECK(officer.grants(read_metadata, OperationKind::data));
  CHECK_FALSE(officer.grants(read_metadata, OperationKind::control));
  CHECK(officer.grants("Microsoft.KeyVault/vaults/secrets/read", OperationKind::control));
  CHECK(officer.grants("Microsoft.KeyVault/vaults/secrets/read", OperationKind::data));
  CHECK_FALSE(
      officer.grants("Microsoft.KeyVault/vaults/secrets/purge/action", OperationKind::data));
  // Owner's "*" is control-plane only: it reads no secret.
  const auto owner = permission_entry_of(R"({"actions": ["*"]})");
  CHECK(owner.grants("Microsoft.KeyVault/vaults/write", OperationKind::control));
  CHECK_FALSE(owner.grants(read_metadata, OperationKind::data));
}

TEST_CASE("parse_roles_table names the JSON pointer of the first bad member", "[permissions]")
{
  const auto rejects = [](const char* text) {
    try {
      (void)parse_roles_table(text, "roles.json");
    } catch (const dftriage::Error& e) {
      CHECK(e.status() == dftriage::ExitStatus::input_rejected);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string good_role = R"({"roleName": "R", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
      "description": "d", "source": "s", "permissions": [{"actions": ["*/read"]}]})";
  REQUIRE(parse_roles_table(R"({"roles": [)" + good_role + "]}", "roles.json").size() == 1);
  CHECK(rejects("{") == "roles.json: not valid JSON");
  CHECK(rejects(R"({"roles": {}})") == "roles.json: /roles: expected an array of roles");
  CHECK(rejects(R"({"roles": [3]})") == "roles.json: /roles/0: expected an object");
  CHECK(rejects(R"({"roles": [{"name": "x"}]})") ==
        "roles.json: /roles/0/roleName: expected a non-empty string");
  CHECK(rejects(R"({"roles": [{"roleName": "R", "name": "not-a-guid", "description": "d",
                "source": "s", "permissions": [{}]}]})") ==
        "roles.json: /roles/0/name: expected the role definition's GUID, got \"not-a-guid\"");
  CHECK(rejects(R"({"roles": [{"roleName": "R", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
                "description": "d", "source": "s", "permissions": []}]})") ==
        "roles.json: /roles/0/permissions: expected a non-empty array");
  CHECK(rejects((R"({"roles": [)" + good_role +
                 R"(, {"roleName": "S", "name": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                "description": "d", "source": "s",
                "permissions": [{"actions": ["*"]}, {"dataActions": ["a", 3]}]}]})")
                    .c_str()) ==
        "roles.json: /roles/1/permissions/1/dataActions: expected an array of strings");
  CHECK(rejects(R"({"roles": [{"roleName": "R", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
                "description": "d", "source": "s", "permissions": [{"notActions": "x"}]}]})") ==
        "roles.json: /roles/0/permissions/0/notActions: expected an array of strings");
}

TEST_CASE("every built-in role is well-formed, with a GUID and a unique name", "[permissions]")
{
  const auto& roles = builtin_roles();
  REQUIRE(roles.size() >= 21);
  std::set<std::string> names;
  std::set<std::string> ids;
  for (const auto& role : roles) {
    INFO(role.name);
    CHECK(names.insert(role.name).second);
    CHECK(ids.insert(role.id).second);
    CHECK(role.source.rfind(
              "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/", 0) ==
          0);
    CHECK(role.source.find('#') != std::string::npos);
    CHECK(!role.description.empty());
    CHECK(find_builtin_role(role.name) == &role);
    CHECK(find_builtin_role(role.id) == &role);
    bool grants_something = false;
    for (const auto& p : role.permissions) {
      grants_something = grants_something || !p.actions.empty() || !p.data_actions.empty();
    }
    CHECK(grants_something);
  }
  for (const char* name : {"Reader",
                           "Owner",
                           "Contributor",
                           "User Access Administrator",
                           "Key Vault Administrator",
                           "Key Vault Contributor",
                           "Key Vault Reader",
                           "Key Vault Secrets Officer",
                           "Key Vault Secrets User",
                           "Key Vault Crypto Officer",
                           "Key Vault Certificates Officer",
                           "Network Contributor",
                           "Virtual Machine Contributor",
                           "Security Admin",
                           "Security Reader",
                           "Automation Contributor",
                           "Tag Contributor",
                           "Monitoring Reader",
                           "Log Analytics Reader",
                           "Disk Snapshot Contributor",
                           "Role Based Access Control Administrator"}) {
    INFO(name);
    CHECK(find_builtin_role(name) != nullptr);
  }
  REQUIRE(find_builtin_role("key vault contributor") != nullptr);
  CHECK(find_builtin_role("F25E0FA2-A7C8-4377-A976-54943A77A395")->name == "Key Vault Contributor");
  CHECK(find_builtin_role("Key Vault Janitor") == nullptr);
}

TEST_CASE("roles_granting lists the narrowest built-in roles first", "[permissions]")
{
  const auto vault_write =
      role_names_of(roles_granting("Microsoft.KeyVault/vaults/write", OperationKind::control));
  const auto kv = role_position(vault_write, "Key Vault Contributor");
  const auto contributor = role_position(vault_write, "Contributor");
  const auto owner = role_position(vault_write, "Owner");
  REQUIRE(owner < vault_write.size());
  CHECK(kv < contributor);
  CHECK(contributor < owner);
  CHECK(role_position(vault_write, "Reader") == vault_write.size());
  CHECK(role_position(vault_write, "Key Vault Reader") == vault_write.size());

  const auto assign = role_names_of(
      roles_granting("Microsoft.Authorization/roleAssignments/write", OperationKind::control));
  CHECK(role_position(assign, "Contributor") == assign.size());
  CHECK(role_position(assign, "Role Based Access Control Administrator") <
        role_position(assign, "Owner"));
  CHECK(role_position(assign, "User Access Administrator") < role_position(assign, "Owner"));

  const auto secret_metadata = role_names_of(
      roles_granting("Microsoft.KeyVault/vaults/secrets/readMetadata/action", OperationKind::data));
  REQUIRE(!secret_metadata.empty());
  CHECK(role_position(secret_metadata, "Owner") == secret_metadata.size());
  CHECK(role_position(secret_metadata, "Key Vault Secrets User") <
        role_position(secret_metadata, "Key Vault Administrator"));

  // Reader is never named for a change, only for reads.
  for (const char* change :
       {"Microsoft.Network/networkSecurityGroups/write", "Microsoft.Compute/virtualMachines/delete",
        "Microsoft.Compute/virtualMachines/runCommand/action",
        "Microsoft.Security/locations/alerts/dismiss/action"}) {
    const auto names = role_names_of(roles_granting(change, OperationKind::control));
    INFO(change);
    CHECK(!names.empty());
    CHECK(role_position(names, "Reader") == names.size());
  }
  CHECK(role_names_of(
            roles_granting("Microsoft.Compute/virtualMachines/read", OperationKind::control))
            .size() > 3);
}

TEST_CASE("Graph permissions imply the broader ones the table names, per token kind",
          "[permissions]")
{
  const auto any = graph_permissions_granting("User.RevokeSessions.All");
  REQUIRE(!any.empty());
  CHECK(any.front() == "User.RevokeSessions.All");
  CHECK(graph_permission_held("User.RevokeSessions.All", {"user.readwrite.all"}));
  CHECK(graph_permission_held("User.RevokeSessions.All", {"User.ReadWrite.All"},
                              GraphTokenKind::delegated));
  // In an application token only User.RevokeSessions.All itself allows it.
  CHECK_FALSE(graph_permission_held("User.RevokeSessions.All", {"User.ReadWrite.All"},
                                    GraphTokenKind::application));
  CHECK(graph_permission_held("User.RevokeSessions.All", {"User.RevokeSessions.All"},
                              GraphTokenKind::application));
  CHECK(graph_permission_held("User.Read.All", {"Directory.Read.All"}));
  CHECK_FALSE(graph_permission_held("User.Read.All", {"User.ReadBasic.All", "Mail.Read"}));
  CHECK_FALSE(graph_permission_held("User.ReadWrite.All", {"User.Read.All"}));
  CHECK(graph_permission_held("Application.Read.All", {"Directory.Read.All"},
                              GraphTokenKind::delegated));
  CHECK_FALSE(graph_permission_held("Application.Read.All", {"Directory.Read.All"},
                                    GraphTokenKind::application));
  // A permission the table does not know is granted by itself only.
  CHECK(graph_permissions_granting("Mail.Read") == std::vector<std::string>{"Mail.Read"});
  const auto known = known_graph_permissions();
  CHECK(std::find(known.begin(), known.end(), "User.Read.All") != known.end());
}

TEST_CASE("access_policy_need maps data-plane requests to access-policy permissions",
          "[permissions]")
{
  const auto need = [](const char* method, const char* path) {
    const auto n = access_policy_need(method, path);
    return n ? n->category + " " + n->permission : std::string("none");
  };
  SECTION("secrets")
  {
    CHECK(need("GET", "/secrets") == "secrets list");
    CHECK(need("GET", "/secrets/db/versions") == "secrets list");
    CHECK(need("GET", "/secrets/db") == "secrets get");
    CHECK(need("GET", "/secrets/db/03bc?api-version=2025-07-01") == "secrets get");
    CHECK(need("PUT", "/secrets/db") == "secrets set");
    CHECK(need("PATCH", "/secrets/db/03bc") == "secrets set");
    CHECK(need("DELETE", "/secrets/db") == "secrets delete");
    CHECK(need("POST", "/deletedsecrets/db/recover") == "secrets recover");
    CHECK(need("GET", "/deletedsecrets/db") == "secrets list");
    CHECK(need("DELETE", "/deletedsecrets/db") == "secrets purge");
    CHECK(need("POST", "/secrets/db/backup") == "secrets backup");
    CHECK(need("POST", "/secrets/restore") == "secrets restore");
    CHECK(need("POST", "/secrets") == "none");
  }
  SECTION("keys")
  {
    CHECK(need("GET", "/keys") == "keys list");
    CHECK(need("GET", "/keys/cmk") == "keys get");
    CHECK(need("PATCH", "/keys/cmk/78de") == "keys update");
    CHECK(need("POST", "/keys/cmk/rotate") == "keys rotate");
    CHECK(need("POST", "/keys/cmk/create") == "keys create");
    CHECK(need("PUT", "/keys/cmk") == "keys import");
    CHECK(need("post", "/KEYS/cmk/78de/WrapKey") == "keys wrapKey");
    CHECK(need("GET", "/keys/cmk/rotationpolicy") == "keys getrotationpolicy");
    CHECK(need("PUT", "/keys/cmk/rotationpolicy") == "keys setrotationpolicy");
    CHECK(need("POST", "/deletedkeys/cmk/recover") == "keys recover");
  }
  SECTION("certificates")
  {
    CHECK(need("GET", "/certificates") == "certificates list");
    CHECK(need("GET", "/certificates/web/versions") == "certificates list");
    CHECK(need("POST", "/certificates/web/create") == "certificates create");
    CHECK(need("GET", "/certificates/web/policy") == "certificates get");
    CHECK(need("PATCH", "/certificates/web/policy") == "certificates update");
    CHECK(need("GET", "/certificates/web/pending") == "certificates get");
    CHECK(need("DELETE", "/certificates/web/pending") == "certificates delete");
    CHECK(need("POST", "/certificates/web/pending/merge") == "certificates create");
    CHECK(need("PATCH", "/certificates/web/a1b2") == "certificates update");
    CHECK(need("GET", "/certificates/issuers") == "certificates listissuers");
    CHECK(need("GET", "/certificates/issuers/ca") == "certificates getissuers");
    CHECK(need("PUT", "/certificates/issuers/ca") == "certificates setissuers");
    CHECK(need("DELETE", "/certificates/issuers/ca") == "certificates deleteissuers");
    CHECK(need("GET", "/certificates/contacts") == "certificates managecontacts");
  }
  CHECK(need("GET", "/") == "none");
  CHECK(need("GET", "/storage/acct") == "none");
}

TEST_CASE("access_policy_grants honours 'all' and ignores case", "[permissions]")
{
  const auto policy =
      nlohmann::json::parse(R"({"secrets": ["Get", "LIST"], "keys": ["all"], "certificates": []})");
  CHECK(access_policy_grants(policy, {"secrets", "get"}));
  CHECK(access_policy_grants(policy, {"Secrets", "list"}));
  CHECK_FALSE(access_policy_grants(policy, {"secrets", "set"}));
  CHECK(access_policy_grants(policy, {"keys", "rotate"}));
  CHECK(access_policy_grants(policy, {"keys", "purge"}));
  // "all" grants its own category only.
  CHECK_FALSE(access_policy_grants(policy, {"certificates", "get"}));
  CHECK_FALSE(access_policy_grants(nlohmann::json::array(), {"secrets", "get"}));
  CHECK_FALSE(
      access_policy_grants(nlohmann::json::parse(R"({"secrets": "all"})"), {"secrets", "get"}));
}
