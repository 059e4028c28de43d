// Restricted mode (lab serve --role, --deny): the lab's principal has an identity in its
// tokens, rights from its role assignments, access policies and Graph roles, and every
// service refuses what it lacks in Azure's own words.

#include "dftriage/azure/permissions.hpp"
#include "dftriage/util/base64.hpp"
#include "dftriage/util/error.hpp"
#include "lab/modules.hpp"
#include "lab/rbac.hpp"
#include "lab_fixture.hpp"

#include <catch2/catch.hpp>

using dftriage::test::body_of;
using dftriage::test::error_code_of;
using dftriage::test::k_attacker;
using dftriage::test::k_sub;
using dftriage::test::k_vault_id;
using dftriage::test::LabFixture;
using Json = nlohmann::ordered_json;
using RbacQuery = std::vector<std::pair<std::string, std::string>>;

namespace {

const RbacQuery k_rbac_vault_version{{"api-version", "2026-02-01"}};
const RbacQuery k_rbac_permissions_version{{"api-version", "2022-04-01"}};
const std::string k_rbac_kv_host = "kv1.vault.localhost";

// A lab with the fixture's incident, a secret in kv1 and a Graph user, its principal
// restricted by `roles` and `deny` (neither: unrestricted).
struct RbacLab : LabFixture
{
  RbacLab(const std::vector<std::string>& roles, const std::vector<std::string>& deny,
          bool rbac_vault = false)
  {
    auto& state = tenant.state();
    state.vaults["kv1"].secrets["db-password"].push_back(
        {"aaaa1111", "canary", "text/plain",
         Json{{"enabled", true}, {"created", 1}, {"updated", 1}}, Json::object()});
    state.users[k_attacker] = Json{{"id", k_attacker},
                                   {"userPrincipalName", "mallory@lab.localhost"},
                                   {"accountEnabled", true}};
    if (rbac_vault) {
      state.resources[dftriage::lab::lower(k_vault_id)]["properties"]["enableRbacAuthorization"] =
          true;
    }
    dftriage::lab::apply_principal_rights(state, roles, deny);
    arm = token("https://management.azure.com/.default");
    kv_token = token("https://vault.azure.net/.default");
    graph = token("https://graph.microsoft.com/.default");
  }
  dftriage::lab::LabResponse kv(const std::string& method, const std::string& path,
                                const std::string& body = "")
  {
    return send(method, path, {{"api-version", "2025-07-01"}}, body, kv_token, k_rbac_kv_host);
  }
  dftriage::lab::LabResponse patch_vault()
  {
    return send("PATCH", k_vault_id, k_rbac_vault_version, R"({"tags":{"case":"1"}})", arm);
  }
  Json permissions(const std::string& scope)
  {
    return body_of(send("GET", scope + "/providers/Microsoft.Authorization/permissions",
                        k_rbac_permissions_version, "", arm));
  }
  const std::string& object_id() { return tenant.state().config.object_id; }

  std::string arm, kv_token, graph;
};

Json rbac_claims_of(const std::string& token)
{
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  REQUIRE(second != std::string::npos);
  const auto payload = dftriage::base64url_decode(token.substr(first + 1, second - first - 1));
  REQUIRE(payload);
  return Json::parse(*payload);
}

Json rbac_strings(const std::vector<std::string>& items)
{
  Json out = Json::array();
  for (const auto& s : items) {
    out.push_back(s);
  }
  return out;
}

} // namespace

TEST_CASE("lab tokens are JWTs naming the principal, with Graph roles", "[lab][rbac]")
{
  RbacLab lab({}, {});
  const auto& config = lab.tenant.state().config;
  const Json arm = rbac_claims_of(lab.arm);
  CHECK(arm["aud"] == "https://management.azure.com");
  CHECK(arm["iss"] == "https://sts.windows.net/" + config.tenant_id + "/");
  CHECK(arm["tid"] == config.tenant_id);
  CHECK(arm["appid"] == config.client_id);
  CHECK(arm["oid"] == config.object_id);
  CHECK(arm["sub"] == config.object_id);
  CHECK(arm["oid"] != config.client_id);
  CHECK(arm["nbf"] == arm["iat"]);
  CHECK(arm["exp"].get<long long>() - arm["iat"].get<long long>() == 3600);
  CHECK(!arm.contains("roles"));
  // Unrestricted, a Graph token holds every permission the table describes.
  CHECK(rbac_claims_of(lab.graph)["roles"] ==
        rbac_strings(dftriage::azure::known_graph_permissions()));
  // The token is still checked by the lab's own record of it, not by its signature.
  CHECK(lab.send("GET", k_vault_id, k_rbac_vault_version, "", lab.arm + "x").status == 401);
}

TEST_CASE("lab without --role or --deny lets its principal do everything", "[lab][rbac]")
{
  RbacLab lab({}, {});
  CHECK(lab.patch_vault().status == 200);
  CHECK(lab.permissions(std::string("/subscriptions/") + k_sub) ==
        Json::parse(R"({"value":[{"actions":["*"],"notActions":[],"dataActions":["*"],)"
                    R"("notDataActions":[]}]})"));
  CHECK(lab.kv("GET", "/secrets").status == 200);
  CHECK(lab.send("PATCH", std::string("/v1.0/users/") + k_attacker, {}, R"({"displayName":"m"})",
                 lab.graph)
            .status == 204);
  // The principal has an entry of its own on the access-policy vault, with every permission.
  const auto policies = body_of(lab.send("GET", k_vault_id, k_rbac_vault_version, "",
                                         lab.arm))["properties"]["accessPolicies"];
  REQUIRE(policies.size() == 2);
  CHECK(policies[0]["objectId"] == lab.object_id());
  CHECK(policies[0]["permissions"]["secrets"] ==
        Json::parse(R"(["get","list","set","delete","recover","backup","restore","purge"])"));
}

TEST_CASE("lab --role Reader reads but is refused writes as ARM refuses them", "[lab][rbac]")
{
  RbacLab lab({"Reader"}, {});
  CHECK(lab.send("GET", k_vault_id, k_rbac_vault_version, "", lab.arm).status == 200);
  const auto refused = lab.patch_vault();
  REQUIRE(refused.status == 403);
  CHECK(refused.header("x-ms-failure-cause") == "gateway");
  CHECK(body_of(refused) ==
        Json{{"error",
              {{"code", "AuthorizationFailed"},
               {"message", "The client '22222222-2222-2222-2222-222222222222' with object id '" +
                               lab.object_id() +
                               "' does not have authorization to perform action "
                               "'Microsoft.KeyVault/vaults/write' over scope '" +
                               std::string(k_vault_id) +
                               "' or the scope is invalid. If access was recently granted, "
                               "please refresh your credentials."}}}});
  // The role is a real assignment at the subscription, listed like the others.
  const auto assignments = body_of(lab.send(
      "GET",
      std::string("/subscriptions/") + k_sub + "/providers/Microsoft.Authorization/roleAssignments",
      {{"api-version", "2022-04-01"}, {"$filter", "principalId eq '" + lab.object_id() + "'"}}, "",
      lab.arm))["value"];
  REQUIRE(assignments.size() == 1);
  CHECK(assignments[0]["properties"]["principalType"] == "ServicePrincipal");
  CHECK(assignments[0]["properties"]["scope"] == std::string("/subscriptions/") + k_sub);
  // The permissions API answers Reader's entry, at the vault as at the subscription.
  const auto* reader = dftriage::azure::find_builtin_role("Reader");
  REQUIRE(reader != nullptr);
  CHECK(lab.permissions(k_vault_id)["value"] ==
        Json::array({Json::parse(reader->permissions[0].to_json().dump())}));
  // A POST action is named after its last segment, over the resource it acts on.
  const auto scan = lab.send("POST",
                             std::string("/subscriptions/") + k_sub +
                                 "/resourceGroups/rg1/providers/Microsoft.Compute/"
                                 "virtualMachines/vm1/restart",
                             {{"api-version", "2025-04-01"}}, "", lab.arm);
  CHECK(scan.status == 403);
  CHECK(body_of(scan)["error"]["message"].get<std::string>().find(
            "'Microsoft.Compute/virtualMachines/restart/action' over scope '/subscriptions/" +
            std::string(k_sub) +
            "/resourceGroups/rg1/providers/Microsoft.Compute/"
            "virtualMachines/vm1'") != std::string::npos);
  // Deleting the assignment (Reader may not) is refused; with it gone nothing is allowed.
  const std::string id = assignments[0]["id"];
  CHECK(lab.send("DELETE", id, {{"api-version", "2022-04-01"}}, "", lab.arm).status == 403);
  lab.tenant.state().resources.erase(dftriage::lab::lower(id));
  CHECK(lab.send("GET", k_vault_id, k_rbac_vault_version, "", lab.arm).status == 403);
  CHECK(lab.permissions(k_vault_id)["value"].empty());
}

TEST_CASE("lab --role takes built-in role names and GUIDs only", "[lab][rbac]")
{
  CHECK_NOTHROW(dftriage::lab::role_for_option("acdd72a7-3385-48ef-bd42-f606fba81ae7"));
  CHECK_NOTHROW(dftriage::lab::role_for_option("key vault secrets user"));
  CHECK_THROWS_MATCHES(dftriage::lab::role_for_option("Reeder"), dftriage::UsageError,
                       Catch::Matchers::Predicate<dftriage::UsageError>([](const auto& e) {
                         const std::string what = e.what();
                         return what.find("--role: unknown built-in role \"Reeder\"; did you "
                                          "mean \"Reader\"? Expected one of \"Reader\", ") == 0 &&
                                what.find("\"Key Vault Secrets User\"") != std::string::npos;
                       }));
  CHECK_THROWS_AS(dftriage::lab::parse_denials({"Microsoft.KeyVault"}), dftriage::UsageError);
  CHECK_THROWS_AS(dftriage::lab::parse_denials({"vaults/write"}), dftriage::UsageError);
  const auto denied = dftriage::lab::parse_denials(
      {"Microsoft.KeyVault/vaults/write", "*/delete", "secrets/List", "User.ReadWrite.All"});
  CHECK(denied.rbac == std::vector<std::string>{"Microsoft.KeyVault/vaults/write", "*/delete"});
  CHECK(denied.access_policy ==
        std::vector<std::pair<std::string, std::string>>{{"secrets", "list"}});
  CHECK(denied.graph == std::vector<std::string>{"User.ReadWrite.All"});
}

TEST_CASE("lab --deny of one action refuses only that action", "[lab][rbac]")
{
  RbacLab lab({}, {"Microsoft.KeyVault/vaults/write"});
  CHECK(lab.patch_vault().status == 403);
  CHECK(error_code_of(lab.patch_vault()) == "AuthorizationFailed");
  CHECK(lab.send("GET", k_vault_id, k_rbac_vault_version, "", lab.arm).status == 200);
  CHECK(lab.send("PUT", k_vault_id + std::string("/providers/Microsoft.Resources/tags/default"),
                 {{"api-version", "2025-04-01"}}, R"({"properties":{"tags":{"a":"b"}}})", lab.arm)
            .status == 200);
  CHECK(lab.kv("GET", "/secrets").status == 200);
  // The permissions API shows the denial as a not-action of every entry.
  CHECK(
      lab.permissions(k_vault_id)["value"] ==
      Json::parse(R"([{"actions":["*"],"notActions":["Microsoft.KeyVault/vaults/write"],)"
                  R"("dataActions":["*"],"notDataActions":["Microsoft.KeyVault/vaults/write"]}])"));
}

TEST_CASE("lab --deny secrets/list refuses the list on an access-policy vault, not the get",
          "[lab][rbac]")
{
  RbacLab lab({}, {"secrets/list"});
  // The principal's entry is part of the vault, without the denied permission.
  const auto policies = body_of(lab.send("GET", k_vault_id, k_rbac_vault_version, "",
                                         lab.arm))["properties"]["accessPolicies"];
  REQUIRE(policies.size() == 2);
  CHECK(policies[0]["objectId"] == lab.object_id());
  const auto secrets = policies[0]["permissions"]["secrets"];
  CHECK(std::find(secrets.begin(), secrets.end(), "get") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), "list") == secrets.end());

  const auto list = lab.kv("GET", "/secrets");
  REQUIRE(list.status == 403);
  const auto& config = lab.tenant.state().config;
  CHECK(
      body_of(list) ==
      Json{{"error",
            {{"code", "Forbidden"},
             {"message", "The user, group or application 'appid=" + config.client_id + ";oid=" +
                             config.object_id + ";iss=https://sts.windows.net/" + config.tenant_id +
                             "/' does not have secrets list permission on key vault "
                             "'kv1;location=westeurope'. For help resolving this issue, please "
                             "see https://go.microsoft.com/fwlink/?linkid=2125287"},
             {"innererror", {{"code", "AccessDenied"}}}}}});
  CHECK(lab.kv("GET", "/secrets/db-password").status == 200);
  // Refused calls are audited as Key Vault audits them.
  const auto& row = lab.tenant.state().diagnostics.back();
  CHECK(row["OperationName"] == "SecretGet");
  const auto& refused = lab.tenant.state().diagnostics.front();
  CHECK(refused["OperationName"] == "SecretList");
  CHECK(refused["httpStatusCode_d"] == 403);
  CHECK(refused["identity_claim_oid_g"] == config.object_id);
}

TEST_CASE("lab RBAC vault: Key Vault Secrets User reads secrets and may not set them",
          "[lab][rbac]")
{
  RbacLab lab({"Key Vault Secrets User"}, {}, true);
  CHECK(lab.kv("GET", "/secrets").status == 200);
  CHECK(lab.kv("GET", "/secrets/db-password").status == 200);
  const auto set = lab.kv("PUT", "/secrets/db-password", R"({"value":"new"})");
  REQUIRE(set.status == 403);
  const Json error = body_of(set)["error"];
  CHECK(error["code"] == "Forbidden");
  CHECK(error["innererror"]["code"] == "ForbiddenByRbac");
  const std::string message = error["message"];
  CHECK(message.find("Caller is not authorized to perform action on resource.\r\n") == 0);
  CHECK(message.find("\r\nAction: 'Microsoft.KeyVault/vaults/secrets/setSecret/action'\r\n"
                     "Resource: '" +
                     dftriage::lab::lower(k_vault_id) + "/secrets/db-password'\r\n") !=
        std::string::npos);
  CHECK(message.find("Vault: kv1;location=westeurope") != std::string::npos);
  // Keys need a role of their own; ARM needs one too (Secrets User has no actions).
  CHECK(lab.kv("GET", "/keys").status == 403);
  CHECK(lab.send("GET", k_vault_id, k_rbac_vault_version, "", lab.arm).status == 403);
}

TEST_CASE("lab --deny of a Graph permission takes it from the token and the API", "[lab][rbac]")
{
  RbacLab lab({}, {"User.ReadWrite.All"});
  const Json roles = rbac_claims_of(lab.graph)["roles"];
  CHECK(std::find(roles.begin(), roles.end(), "User.ReadWrite.All") == roles.end());
  CHECK(std::find(roles.begin(), roles.end(), "User.Read.All") != roles.end());
  const std::string user = std::string("/v1.0/users/") + k_attacker;
  const auto patched = lab.send("PATCH", user, {}, R"({"displayName":"m"})", lab.graph);
  REQUIRE(patched.status == 403);
  const Json error = body_of(patched)["error"];
  CHECK(error["code"] == "Authorization_RequestDenied");
  CHECK(error["message"] == "Insufficient privileges to complete the operation.");
  CHECK(error["innerError"].contains("date"));
  CHECK(error["innerError"].contains("request-id"));
  CHECK(error["innerError"].contains("client-request-id"));
  CHECK(lab.send("GET", user, {}, "", lab.graph).status == 200);
  CHECK(lab.send("DELETE", user, {}, "", lab.graph).status == 403);
}

TEST_CASE("lab custom role: defined, assigned, then its action is allowed", "[lab][rbac]")
{
  RbacLab lab({"User Access Administrator"}, {});
  const std::string sub = std::string("/subscriptions/") + k_sub;
  const std::string guid = "5d7d5d0e-0000-4000-8000-00000000c0de";
  const std::string definition = sub + "/providers/Microsoft.Authorization/roleDefinitions/" + guid;
  const RbacQuery version{{"api-version", "2018-01-01-preview"}};
  CHECK(lab.patch_vault().status == 403);
  const auto made = lab.send(
      "PUT", definition, version,
      Json{
          {"properties",
           {{"roleName", "Vault Firewall Operator"},
            {"description", "Turns vault firewalls on"},
            {"type", "CustomRole"},
            {"assignableScopes", {sub}},
            {"permissions",
             {{{"actions", {"Microsoft.KeyVault/vaults/write"}}, {"notActions", Json::array()}}}}}}}
          .dump(),
      lab.arm);
  REQUIRE(made.status == 201);
  CHECK(body_of(made)["properties"]["permissions"][0]["dataActions"] == Json::array());
  const auto found = body_of(lab.send(
      "GET", sub + "/providers/Microsoft.Authorization/roleDefinitions",
      {{"api-version", "2022-04-01"}, {"$filter", "roleName eq 'Vault Firewall Operator'"}}, "",
      lab.arm))["value"];
  REQUIRE(found.size() == 1);
  CHECK(found[0]["id"] == definition);

  const std::string assignment =
      sub +
      "/providers/Microsoft.Authorization/roleAssignments/0e0e0e0e-0000-4000-8000-000000000001";
  REQUIRE(lab.send("PUT", assignment, {{"api-version", "2022-04-01"}},
                   Json{{"properties",
                         {{"roleDefinitionId", definition},
                          {"principalId", lab.object_id()},
                          {"principalType", "ServicePrincipal"}}}}
                       .dump(),
                   lab.arm)
              .status == 201);
  CHECK(lab.patch_vault().status == 200);
  // A role still assigned cannot be deleted; once unassigned, the right is gone.
  CHECK(lab.send("DELETE", definition, version, "", lab.arm).status == 409);
  CHECK(lab.send("DELETE", assignment, {{"api-version", "2022-04-01"}}, "", lab.arm).status == 200);
  CHECK(lab.patch_vault().status == 403);
  CHECK(lab.send("DELETE", definition, version, "", lab.arm).status == 200);
  CHECK(lab.send("GET", definition, version, "", lab.arm).status == 404);
}

TEST_CASE("lab built-in role definitions carry their permissions from the table", "[lab][rbac]")
{
  LabFixture lab;
  const auto* role = dftriage::azure::find_builtin_role("Key Vault Secrets User");
  REQUIRE(role != nullptr);
  const auto got =
      body_of(lab.send("GET",
                       std::string("/subscriptions/") + k_sub +
                           "/providers/Microsoft.Authorization/roleDefinitions/" + role->id,
                       {{"api-version", "2022-04-01"}}));
  CHECK(got["properties"]["roleName"] == "Key Vault Secrets User");
  CHECK(got["properties"]["type"] == "BuiltInRole");
  CHECK(got["properties"]["permissions"][0] == Json::parse(role->permissions[0].to_json().dump()));
}

TEST_CASE("lab Log Analytics query needs the workspace query right", "[lab][rbac]")
{
  const std::string query = R"({"query":"AzureDiagnostics | take 1"})";
  {
    RbacLab lab({"Key Vault Secrets User"}, {});
    lab.tenant.state().workspaces["ws-1"] = "kv1";
    const auto la = lab.token("https://api.loganalytics.io/.default");
    const auto refused = lab.send("POST", "/v1/workspaces/ws-1/query", {}, query, la);
    REQUIRE(refused.status == 403);
    CHECK(error_code_of(refused) == "InsufficientAccessError");
  }
  RbacLab lab({"Log Analytics Reader"}, {});
  lab.tenant.state().workspaces["ws-1"] = "kv1";
  const auto la = lab.token("https://api.loganalytics.io/.default");
  CHECK(lab.send("POST", "/v1/workspaces/ws-1/query", {}, query, la).status == 200);
}

TEST_CASE("lab refuses a NIC written with an NSG it may not join, as ARM's linked check does",
          "[lab][rbac]")
{
  RbacLab lab({}, {"Microsoft.Network/networkSecurityGroups/join/action"});
  const std::string rg = std::string("/subscriptions/") + k_sub + "/resourceGroups/rg1";
  const std::string nic = rg + "/providers/Microsoft.Network/networkInterfaces/nic1";
  const std::string nsg = rg + "/providers/Microsoft.Network/networkSecurityGroups/isolate";
  const auto refused = lab.send(
      "PUT", nic, {{"api-version", "2025-09-01"}},
      Json{{"location", "westeurope"}, {"properties", {{"networkSecurityGroup", {{"id", nsg}}}}}}
          .dump(),
      lab.arm);
  REQUIRE(refused.status == 403);
  CHECK(body_of(refused)["error"]["code"] == "LinkedAuthorizationFailed");
  CHECK(body_of(refused)["error"]["message"] ==
        "The client '22222222-2222-2222-2222-222222222222' with object id '" + lab.object_id() +
            "' has permission to perform action 'Microsoft.Network/networkInterfaces/write' on "
            "scope '" +
            nic +
            "'; however, it does not have permission to perform action "
            "'Microsoft.Network/networkSecurityGroups/join/action' on the linked scope(s) '" +
            nsg + "' or the linked scope(s) are invalid.");
  // Without an NSG in it the write is the handler's to answer.
  CHECK(
      lab.send("PUT", nic, {{"api-version", "2025-09-01"}}, R"({"location":"westeurope"})", lab.arm)
          .status != 403);
}
