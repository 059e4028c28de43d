// The lab's data planes: Key Vault secrets/keys/certificates, Microsoft Graph, and the
// Log Analytics query API answering from the lab's own audit log.

#include "lab/modules.hpp"
#include "lab_fixture.hpp"

#include <catch2/catch.hpp>

using dftriage::test::body_of;
using dftriage::test::k_attacker;
using dftriage::test::LabFixture;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_kv = "kv1.vault.localhost";
const std::pair<std::string, std::string> k_kv_version{"api-version", "2025-07-01"};

struct DataFixture : LabFixture
{
  DataFixture()
  {
    auto& state = tenant.state();
    state.vaults["kv1"].secrets["db-password"].push_back(
      {"aaaa1111", "canary-secret-value-7f3a", "text/plain",
       Json{{"enabled", true}, {"created", 1}, {"updated", 1}, {"recoveryLevel", "Recoverable+Purgeable"}}, Json::object()});
    state.vaults["kv1"].secrets["db-password"].push_back(
      {"bbbb2222", "canary-secret-value-8e4b", "text/plain",
       Json{{"enabled", true}, {"created", 2}, {"updated", 2}, {"recoveryLevel", "Recoverable+Purgeable"}}, Json::object()});
    dftriage::lab::seed_vault_objects(state, "kv1", 1);
    state.users[k_attacker] = Json{{"id", k_attacker}, {"userPrincipalName", "mallory@lab.localhost"},
                                   {"accountEnabled", true}, {"displayName", "mallory"}};
    dftriage::lab::seed_directory_role(state, k_attacker, "Application Developer");
    state.workspaces["ws-1"] = "kv1";
    kv_token = token("https://vault.azure.net/.default");
  }
  dftriage::lab::LabResponse kv(const std::string& method, const std::string& path, const std::string& body = "")
  {
    return send(method, path, {k_kv_version}, body, kv_token, k_kv);
  }
  std::string kv_token;
};

} // namespace

TEST_CASE("lab Key Vault data plane: list, versions, disable, soft delete and recover", "[lab][keyvault]")
{
  DataFixture f;
  auto list = f.kv("GET", "/secrets");
  REQUIRE(list.status == 200);
  const auto items = body_of(list)["value"];
  CHECK(items.size() == 2);  // page size 2: db-password and the retired one; no values in lists
  CHECK(list.body.find("canary-secret-value") == std::string::npos);
  CHECK(body_of(list)["nextLink"].is_null());

  auto versions = body_of(f.kv("GET", "/secrets/db-password/versions"));
  REQUIRE(versions["value"].size() == 2);
  CHECK(versions["value"][0]["id"] == "http://kv1.vault.localhost:8443/secrets/db-password/aaaa1111");

  auto disabled = f.kv("PATCH", "/secrets/db-password/aaaa1111", R"({"attributes":{"enabled":false}})");
  CHECK(disabled.status == 200);
  CHECK(body_of(disabled)["attributes"]["enabled"] == false);
  CHECK(!body_of(disabled).contains("value"));
  CHECK(f.kv("GET", "/secrets/db-password/aaaa1111").status == 403);
  CHECK(body_of(f.kv("GET", "/secrets/db-password"))["value"] == "canary-secret-value-8e4b");
  // Without a version, as Microsoft's SDK sends update_secret_properties: the latest.
  auto latest = f.kv("PATCH", "/secrets/db-password/", R"({"contentType":"text/plain"})");
  CHECK(latest.status == 200);
  CHECK_THAT(body_of(latest)["id"].get<std::string>(), !Catch::EndsWith("/aaaa1111"));
  CHECK(body_of(latest)["contentType"] == "text/plain");

  auto deleted = f.kv("DELETE", "/secrets/db-password");
  REQUIRE(deleted.status == 200);
  CHECK(body_of(deleted)["recoveryId"] == "http://kv1.vault.localhost:8443/deletedsecrets/db-password");
  auto gone = f.kv("GET", "/secrets/db-password/versions");
  CHECK(gone.status == 404);
  CHECK(body_of(gone)["error"]["code"] == "SecretNotFound");
  CHECK(f.kv("PUT", "/secrets/db-password", R"({"value":"x"})").status == 409);
  CHECK(body_of(f.kv("GET", "/deletedsecrets"))["value"].size() == 1);
  CHECK(f.kv("POST", "/deletedsecrets/db-password/recover").status == 200);
  CHECK(body_of(f.kv("GET", "/secrets/db-password/versions"))["value"].size() == 2);

  auto keys = body_of(f.kv("GET", "/keys"));
  REQUIRE(keys["value"].size() == 1);
  CHECK(keys["value"][0]["kid"] == "http://kv1.vault.localhost:8443/keys/signing-key");
  const std::string kid = body_of(f.kv("GET", "/keys/signing-key/versions"))["value"][0]["kid"];
  const std::string version = kid.substr(kid.rfind('/') + 1);
  CHECK(f.kv("PATCH", "/keys/signing-key/" + version, R"({"attributes":{"enabled":false}})").status == 200);
  CHECK(body_of(f.kv("GET", "/keys/signing-key/versions"))["value"][0]["attributes"]["enabled"] == false);
  CHECK(body_of(f.kv("GET", "/certificates"))["value"].size() == 1);
}

TEST_CASE("lab Key Vault data plane: challenge, wrong audience, api-version, unknown vault", "[lab][keyvault]")
{
  DataFixture f;
  auto anonymous = f.send("GET", "/secrets", {k_kv_version}, "", "", k_kv);
  CHECK(anonymous.status == 401);
  // The lab's own Key Vault resource, whose domain the vault's ends with (SDKs check it).
  CHECK_THAT(anonymous.header("WWW-Authenticate").value_or(""),
             Catch::Contains("resource=\"http://vault.localhost:8443\""));
  const auto lab_audience = f.token("http://vault.localhost:8443/.default");
  CHECK(f.send("GET", "/secrets", {k_kv_version}, "", lab_audience, k_kv).status == 200);
  CHECK(f.send("GET", "/secrets", {k_kv_version}, "", "<arm>", k_kv).status == 401);
  CHECK(f.send("GET", "/secrets", {{"api-version", "1.0"}}, "", f.kv_token, k_kv).status == 400);
  CHECK(f.send("GET", "/secrets", {k_kv_version}, "", f.kv_token, "nope.vault.localhost").status == 404);
}

TEST_CASE("lab Graph: users, disable, revoke, delete and restore, directory roles", "[lab][graph]")
{
  DataFixture f;
  const auto graph = f.token("https://graph.microsoft.com/.default");
  auto user = f.send("GET", "/v1.0/users/mallory@lab.localhost", {{"$select", "id,accountEnabled"}}, "", graph);
  REQUIRE(user.status == 200);
  CHECK(body_of(user)["id"] == k_attacker);
  CHECK(!body_of(user).contains("displayName"));
  CHECK(f.send("PATCH", std::string("/v1.0/users/") + k_attacker, {}, R"({"accountEnabled":false})", graph).status == 204);
  CHECK(body_of(f.send("GET", std::string("/v1.0/users/") + k_attacker, {}, "", graph))["accountEnabled"] == false);
  auto revoke = f.send("POST", std::string("/v1.0/users/") + k_attacker + "/revokeSignInSessions", {}, "", graph);
  CHECK(body_of(revoke)["value"] == true);
  auto roles = f.send("GET", "/v1.0/roleManagement/directory/roleAssignments",
                      {{"$filter", std::string("principalId eq '") + k_attacker + "'"}, {"$expand", "roleDefinition"}}, "",
                      graph);
  REQUIRE(body_of(roles)["value"].size() == 1);
  CHECK(body_of(roles)["value"][0]["roleDefinition"]["displayName"] == "Application Developer");
  CHECK(body_of(f.send("GET", std::string("/v1.0/users/") + k_attacker + "/transitiveMemberOf", {}, "", graph))["value"]
          .size()
        == 1);
  CHECK(f.send("DELETE", std::string("/v1.0/users/") + k_attacker, {}, "", graph).status == 204);
  auto missing = f.send("GET", std::string("/v1.0/users/") + k_attacker, {}, "", graph);
  CHECK(missing.status == 404);
  CHECK(body_of(missing)["error"]["code"] == "Request_ResourceNotFound");
  CHECK(body_of(missing)["error"].contains("innerError"));
  CHECK(f.send("POST", std::string("/v1.0/directory/deletedItems/") + k_attacker + "/restore", {}, "", graph).status
        == 200);
  CHECK(f.send("GET", std::string("/v1.0/users/") + k_attacker, {}, "", graph).status == 200);
}

TEST_CASE("lab Log Analytics answers the audit query from the data plane's own log", "[lab][loganalytics]")
{
  DataFixture f;
  f.kv("GET", "/secrets/db-password");  // logged as SecretGet by the lab's principal
  const auto la = f.token("https://api.loganalytics.io/.default");
  const std::string kql = "AzureDiagnostics\n| where ResourceProvider == \"MICROSOFT.KEYVAULT\" and Resource =~ \"kv1\""
                          "\n| where CallerIPAddress == \"127.0.0.1\"\n| project TimeGenerated, OperationName, "
                          "CallerIPAddress, requestUri_s\n| order by TimeGenerated desc\n| take 1000";
  auto r = f.send("POST", "/v1/workspaces/ws-1/query", {}, Json{{"query", kql}, {"timespan", "P7D"}}.dump(), la);
  REQUIRE(r.status == 200);
  const auto table = body_of(r)["tables"][0];
  CHECK(table["columns"].size() == 4);
  REQUIRE(table["rows"].size() == 1);
  CHECK(table["rows"][0][1] == "SecretGet");
  CHECK(r.body.find("canary-secret-value") == std::string::npos);

  auto unknown = f.send("POST", "/v1/workspaces/ws-1/query", {}, R"({"query":"SigninLogs | take 1"})", la);
  CHECK(unknown.status == 400);
  CHECK(body_of(unknown)["error"]["code"] == "BadArgumentError");
  CHECK(f.send("POST", "/v1/workspaces/nope/query", {}, Json{{"query", kql}}.dump(), la).status == 404);
}
