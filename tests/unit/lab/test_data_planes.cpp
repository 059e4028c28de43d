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

const std::string k_kv_host = "kv1.vault.localhost";
const std::pair<std::string, std::string> k_kv_version{"api-version", "2025-07-01"};

struct DataFixture : LabFixture
{
  DataFixture()
  {
    auto& state = tenant.state();
    state.vaults["kv1"].secrets["db-password"].push_back(
        {"aaaa1111", "canary-secret-value-7f3a", "text/plain",
         Json{{"enabled", true},
              {"created", 1},
              {"updated", 1},
              {"recoveryLevel", "Recoverable+Purgeable"}},
         Json::object()});
    state.vaults["kv1"].secrets["db-password"].push_back(
        {"bbbb2222", "canary-secret-value-8e4b", "text/plain",
         Json{{"enabled", true},
              {"created", 2},
              {"updated", 2},
              {"recoveryLevel", "Recoverable+Purgeable"}},
         Json::object()});
    dftriage::lab::seed_vault_objects(state, "kv1", 1);
    state.users[k_attacker] = Json{{"id", k_attacker},
                                   {"userPrincipalName", "mallory@lab.localhost"},
                                   {"accountEnabled", true},
                                   {"displayName", "mallory"}};
    dftriage::lab::seed_directory_role(state, k_attacker, "Application Developer");
    state.workspaces["ws-1"] = "kv1";
    kv_token = token("https://vault.azure.net/.default");
  }
  dftriage::lab::LabResponse kv(const std::string& method, const std::string& path,
                                const std::string& body = "")
  {
    return send(method, path, {k_kv_version}, body, kv_token, k_kv_host);
  }
  std::string kv_token;
};

} // namespace

TEST_CASE("lab Key Vault data plane: list, versions, disable, soft delete and recover",
          "[lab][keyvault]")
{
  DataFixture f;
  auto list = f.kv("GET", "/secrets");
  REQUIRE(list.status == 200);
  const auto items = body_of(list)["value"];
  CHECK(items.size() == 2); // page size 2: db-password and the retired one; no values in lists
  CHECK(list.body.find("canary-secret-value") == std::string::npos);
  CHECK(body_of(list)["nextLink"].is_null());

  auto versions = body_of(f.kv("GET", "/secrets/db-password/versions"));
  REQUIRE(versions["value"].size() == 2);
  CHECK(versions["value"][0]["id"] ==
        "http://kv1.vault.localhost:8443/secrets/db-password/aaaa1111");

  auto disabled =
      f.kv("PATCH", "/secrets/db-password/aaaa1111", R"({"attributes":{"enabled":false}})");
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
  CHECK(body_of(deleted)["recoveryId"] ==
        "http://kv1.vault.localhost:8443/deletedsecrets/db-password");
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
  CHECK(
      f.kv("PATCH", "/keys/signing-key/" + version, R"({"attributes":{"enabled":false}})").status ==
      200);
  CHECK(body_of(f.kv("GET", "/keys/signing-key/versions"))["value"][0]["attributes"]["enabled"] ==
        false);
  CHECK(body_of(f.kv("GET", "/certificates"))["value"].size() == 1);
}

TEST_CASE("lab Key Vault data plane: challenge, wrong audience, api-version, unknown vault",
          "[lab][keyvault]")
{
  DataFixture f;
  auto anonymous = f.send("GET", "/secrets", {k_kv_version}, "", "", k_kv_host);
  CHECK(anonymous.status == 401);
  // The lab's own Key Vault resource, whose domain the vault's ends with (SDKs check it).
  CHECK_THAT(anonymous.header("WWW-Authenticate").value_or(""),
             Catch::Contains("resource=\"http://vault.localhost:8443\""));
  const auto lab_audience = f.token("http://vault.localhost:8443/.default");
  CHECK(f.send("GET", "/secrets", {k_kv_version}, "", lab_audience, k_kv_host).status == 200);
  CHECK(f.send("GET", "/secrets", {k_kv_version}, "", "<arm>", k_kv_host).status == 401);
  CHECK(f.send("GET", "/secrets", {{"api-version", "1.0"}}, "", f.kv_token, k_kv_host).status ==
        400);
  CHECK(f.send("GET", "/secrets", {k_kv_version}, "", f.kv_token, "nope.vault.localhost").status ==
        404);
}

TEST_CASE("lab Graph: users, disable, revoke, delete and restore, directory roles", "[lab][graph]")
{
  DataFixture f;
  const auto graph = f.token("https://graph.microsoft.com/.default");
  auto user = f.send("GET", "/v1.0/users/mallory@lab.localhost", {{"$select", "id,accountEnabled"}},
                     "", graph);
  REQUIRE(user.status == 200);
  CHECK(body_of(user)["id"] == k_attacker);
  CHECK(!body_of(user).contains("displayName"));
  CHECK(f.send("PATCH", std::string("/v1.0/users/") + k_attacker, {}, R"({"accountEnabled":false})",
               graph)
            .status == 204);
  CHECK(body_of(f.send("GET", std::string("/v1.0/users/") + k_attacker, {}, "",
                       graph))["accountEnabled"] == false);
  auto revoke = f.send("POST", std::string("/v1.0/users/") + k_attacker + "/revokeSignInSessions",
                       {}, "", graph);
  CHECK(body_of(revoke)["value"] == true);
  auto roles = f.send("GET", "/v1.0/roleManagement/directory/roleAssignments",
                      {{"$filter", std::string("principalId eq '") + k_attacker + "'"},
                       {"$expand", "roleDefinition"}},
                      "", graph);
  REQUIRE(body_of(roles)["value"].size() == 1);
  CHECK(body_of(roles)["value"][0]["roleDefinition"]["displayName"] == "Application Developer");
  CHECK(body_of(f.send("GET", std::string("/v1.0/users/") + k_attacker + "/transitiveMemberOf", {},
                       "", graph))["value"]
            .size() == 1);
  CHECK(f.send("DELETE", std::string("/v1.0/users/") + k_attacker, {}, "", graph).status == 204);
  auto missing = f.send("GET", std::string("/v1.0/users/") + k_attacker, {}, "", graph);
  CHECK(missing.status == 404);
  CHECK(body_of(missing)["error"]["code"] == "Request_ResourceNotFound");
  CHECK(body_of(missing)["error"].contains("innerError"));
  CHECK(f.send("POST", std::string("/v1.0/directory/deletedItems/") + k_attacker + "/restore", {},
               "", graph)
            .status == 200);
  CHECK(f.send("GET", std::string("/v1.0/users/") + k_attacker, {}, "", graph).status == 200);
}

TEST_CASE("lab Log Analytics answers the audit query from the data plane's own log",
          "[lab][loganalytics]")
{
  DataFixture f;
  f.kv("GET", "/secrets/db-password"); // logged as SecretGet by the lab's principal
  const auto la = f.token("https://api.loganalytics.io/.default");
  const std::string kql =
      "AzureDiagnostics\n| where ResourceProvider == \"MICROSOFT.KEYVAULT\" and Resource =~ \"kv1\""
      "\n| where CallerIPAddress == \"127.0.0.1\"\n| project TimeGenerated, OperationName, "
      "CallerIPAddress, requestUri_s\n| order by TimeGenerated desc\n| take 1000";
  auto r = f.send("POST", "/v1/workspaces/ws-1/query", {},
                  Json{{"query", kql}, {"timespan", "P7D"}}.dump(), la);
  REQUIRE(r.status == 200);
  const auto table = body_of(r)["tables"][0];
  CHECK(table["columns"].size() == 4);
  REQUIRE(table["rows"].size() == 1);
  CHECK(table["rows"][0][1] == "SecretGet");
  CHECK(r.body.find("canary-secret-value") == std::string::npos);

  auto unknown =
      f.send("POST", "/v1/workspaces/ws-1/query", {}, R"({"query":"SigninLogs | take 1"})", la);
  CHECK(unknown.status == 400);
  CHECK(body_of(unknown)["error"]["code"] == "BadArgumentError");
  CHECK(f.send("POST", "/v1/workspaces/nope/query", {}, Json{{"query", kql}}.dump(), la).status ==
        404);
}

TEST_CASE("lab Key Vault keys: get the current version, rotate, refuse a certificate's key",
          "[lab][keyvault]")
{
  DataFixture f;
  const auto current = body_of(f.kv("GET", "/keys/signing-key"));
  const std::string kid = current["key"]["kid"];
  CHECK(current["key"]["kty"] == "RSA");
  CHECK(!current.contains("managed"));
  const auto rotated = f.kv("POST", "/keys/signing-key/rotate");
  REQUIRE(rotated.status == 200);
  const std::string new_kid = body_of(rotated)["key"]["kid"];
  CHECK(new_kid != kid);
  CHECK(body_of(f.kv("GET", "/keys/signing-key"))["key"]["kid"] == new_kid);
  CHECK(body_of(f.kv("GET", "/keys/signing-key/" + kid.substr(kid.rfind('/') + 1)))["key"]["kid"] ==
        kid);
  const auto listed = body_of(f.kv("GET", "/keys/signing-key/versions"));
  REQUIRE(listed["value"].size() == 2);
  CHECK(listed["value"][0]["attributes"]["enabled"] == true);
  CHECK(body_of(f.kv("GET", "/keys"))["value"].size() == 1);

  f.tenant.state().vaults["kv1"].keys["signing-key"].back()["managed"] = true;
  const auto refused = f.kv("POST", "/keys/signing-key/rotate");
  CHECK(refused.status == 403);
  CHECK(body_of(refused)["error"]["code"] == "Forbidden");
  CHECK(f.kv("POST", "/keys/nope/rotate").status == 404);
}

TEST_CASE("lab Key Vault certificates: self-issued at once with a new key, CA-issued stays pending",
          "[lab][keyvault]")
{
  DataFixture f;
  auto& vault = f.tenant.state().vaults["kv1"];
  const std::string first_key = vault.certificates["payments-tls"].back()["keyId"];
  const auto policy = body_of(f.kv("GET", "/certificates/payments-tls/policy"));
  CHECK(policy["id"] == "http://kv1.vault.localhost:8443/certificates/payments-tls/policy");
  CHECK(policy["issuer"]["name"] == "Self");

  Json reuse = Json{{"policy", policy}};
  reuse["policy"]["key_props"]["reuse_key"] = true;
  const auto same_key = f.kv("POST", "/certificates/payments-tls/create", reuse.dump());
  REQUIRE(same_key.status == 202);
  CHECK(body_of(same_key)["status"] == "inProgress");
  const std::string location = same_key.header("Location").value_or("");
  CHECK_THAT(location,
             Catch::StartsWith(
                 "http://kv1.vault.localhost:8443/certificates/payments-tls/pending?api-version="));
  const std::string request_id = body_of(same_key)["request_id"];
  CHECK_THAT(location, Catch::EndsWith("&request_id=" + request_id));
  const auto done = f.send("GET", "/certificates/payments-tls/pending",
                           {k_kv_version, {"request_id", request_id}}, "", f.kv_token, k_kv_host);
  CHECK(body_of(done)["status"] == "completed");
  CHECK(body_of(done)["target"] == "http://kv1.vault.localhost:8443/certificates/payments-tls");
  CHECK(f.send("GET", "/certificates/payments-tls/pending", {k_kv_version, {"request_id", "other"}},
               "", f.kv_token, k_kv_host)
            .status == 404);
  CHECK(vault.certificates["payments-tls"].back()["keyId"] == first_key); // reuse_key: the same key

  reuse["policy"]["key_props"]["reuse_key"] = false;
  REQUIRE(f.kv("POST", "/certificates/payments-tls/create", reuse.dump()).status == 202);
  CHECK(vault.certificates["payments-tls"].size() == 3);
  CHECK(vault.certificates["payments-tls"].back()["keyId"] != first_key);
  const auto current = body_of(f.kv("GET", "/certificates/payments-tls"));
  CHECK(current["id"] ==
        "http://kv1.vault.localhost:8443/certificates/payments-tls/" +
            vault.certificates["payments-tls"].back()["version"].get<std::string>());
  CHECK(current["policy"]["key_props"]["reuse_key"] == false);

  Json ca = Json::parse(R"({"policy":{"x509_props":{"subject":"CN=partner.contoso.com"},
                                      "issuer":{"name":"DigiCert","cty":"OV-SSL"}}})");
  const auto pending = f.kv("POST", "/certificates/partner-mtls/create", ca.dump());
  REQUIRE(pending.status == 202);
  const auto operation = body_of(f.kv("GET", "/certificates/partner-mtls/pending"));
  CHECK(operation["status"] == "inProgress");
  CHECK_THAT(operation["status_details"].get<std::string>(),
             Catch::StartsWith("Pending certificate created."));
  CHECK(f.kv("GET", "/certificates/partner-mtls").status ==
        404); // no version until the CA issues it
  const auto again = f.kv("POST", "/certificates/partner-mtls/create", ca.dump());
  CHECK(again.status == 409);
  CHECK_THAT(body_of(again)["error"]["message"].get<std::string>(),
             Catch::Contains("status is inProgress"));
  CHECK(f.kv("POST", "/certificates/new-one/create", "{}").status == 400);
  CHECK(f.kv("GET", "/certificates/nope/policy").status == 404);
}

TEST_CASE("lab Key Vault firewall: ipRules ranges, public access disabled, refusals audited",
          "[lab][keyvault]")
{
  DataFixture f;
  const auto set = [&](const Json& properties) {
    const auto r = f.send("PATCH", dftriage::test::k_vault_id, {{"api-version", "2026-02-01"}},
                          Json{{"properties", properties}}.dump());
    REQUIRE(r.status == 200);
  };
  set({{"networkAcls",
        {{"defaultAction", "Deny"}, {"ipRules", Json::array({{{"value", "10.0.0.0/8"}}})}}}});
  const auto blocked = f.kv("GET", "/secrets");
  REQUIRE(blocked.status == 403);
  const auto error = body_of(blocked)["error"];
  CHECK(error["code"] == "Forbidden");
  CHECK(error["innererror"]["code"] == "ForbiddenByFirewall");
  CHECK_THAT(
      error["message"].get<std::string>(),
      Catch::StartsWith(
          "Client address is not authorized and caller is not a trusted service.\r\n"
          "Client address: 127.0.0.1\r\nCaller: appid=22222222-2222-2222-2222-222222222222;"));
  CHECK_THAT(error["message"].get<std::string>(),
             Catch::EndsWith("\r\nVault: kv1;location=westeurope"));
  const auto& logged = f.tenant.state().diagnostics.back();
  CHECK(logged["OperationName"] == "SecretList");
  CHECK(logged["httpStatusCode_d"] == 403);
  CHECK(logged["ResultSignature"] == "Forbidden");

  for (const char* rule : {"127.0.0.1", "127.0.0.1/32", "127.0.0.0/8", "0.0.0.0/0"}) {
    set({{"networkAcls",
          {{"ipRules", Json::array({{{"value", "10.0.0.0/8"}}, {{"value", rule}}})}}}});
    CHECK(f.kv("GET", "/secrets").status == 200);
  }
  set({{"networkAcls",
        {{"ipRules", Json::array({{{"value", "127.0.0.2/32"}}, {{"value", "::1"}}})}}}});
  CHECK(f.kv("GET", "/keys").status == 403);
  set({{"networkAcls", {{"defaultAction", "Allow"}}}});
  CHECK(f.kv("GET", "/keys").status == 200);
  set({{"publicNetworkAccess", "Disabled"}});
  const auto closed = f.kv("GET", "/keys");
  CHECK(closed.status == 403);
  CHECK(body_of(closed)["error"]["innererror"]["code"] == "ForbiddenByConnection");
  // The management plane is not behind the vault's firewall: its view of a secret names
  // the current version, never the value.
  const auto secret =
      f.send("GET", std::string(dftriage::test::k_vault_id) + "/secrets/db-password",
             {{"api-version", "2026-02-01"}});
  REQUIRE(secret.status == 200);
  CHECK(body_of(secret)["properties"]["secretUriWithVersion"] ==
        "http://kv1.vault.localhost:8443/secrets/db-password/bbbb2222");
  CHECK(secret.body.find("canary-secret-value") == std::string::npos);
  CHECK(f.send("GET", std::string(dftriage::test::k_vault_id) + "/secrets/nope",
               {{"api-version", "2026-02-01"}})
            .status == 404);
}

TEST_CASE("lab Log Analytics: the union of both audit tables, isfuzzy, intervals, refusals",
          "[lab][loganalytics]")
{
  DataFixture f;
  f.tenant.state().diagnostics.push_back(Json{{"TimeGenerated", "2026-11-27T07:00:00.0000000Z"},
                                              {"Resource", "KV1"},
                                              {"OperationName", "SecretGet"},
                                              {"CallerIPAddress", "203.0.113.9"},
                                              {"identity_claim_oid_g", k_attacker},
                                              {"httpStatusCode_d", 200.0}});
  const auto la = f.token("https://api.loganalytics.io/.default");
  const auto query = [&](const std::string& kql, const std::string& timespan) {
    return f.send("POST", "/v1/workspaces/ws-1/query", {},
                  Json{{"query", kql}, {"timespan", timespan}}.dump(), la);
  };
  const std::string legs =
      "(AzureDiagnostics | where Resource =~ \"kv1\" | project TimeGenerated, OperationName, "
      "CallerIpAddress = CallerIPAddress, HttpStatusCode = toint(httpStatusCode_d)), "
      "(AZKVAuditLogs | project TimeGenerated, OperationName, CallerIpAddress, HttpStatusCode)";
  const auto strict = query("union " + legs, "P7D");
  CHECK(strict.status == 400);
  CHECK(body_of(strict)["error"]["innererror"]["message"] ==
        "Failed to resolve table expression named 'AZKVAuditLogs'");
  const auto fuzzy =
      query("union isfuzzy=true " + legs + " | where CallerIpAddress == \"203.0.113.9\"",
            "2026-11-27T06:00:00Z/2026-11-27T08:00:00Z");
  REQUIRE(fuzzy.status == 200);
  const auto table = body_of(fuzzy)["tables"][0];
  CHECK(table["columns"][3] == Json{{"name", "HttpStatusCode"}, {"type", "int"}});
  REQUIRE(table["rows"].size() == 1);
  CHECK(table["rows"][0] ==
        Json::array({"2026-11-27T07:00:00.0000000Z", "SecretGet", "203.0.113.9", 200}));
  CHECK(body_of(query("union isfuzzy=true " + legs,
                      "2026-11-27T07:30:00Z/2026-11-27T08:00:00Z"))["tables"][0]["rows"]
            .empty());

  CHECK(query("union isfuzzy=true " + legs, "2026-11-28T00:00:00Z/2026-11-27T00:00:00Z").status ==
        400);
  CHECK(query("AzureDiagnostics | project X = strcat(OperationName)", "P1D").status == 400);
  CHECK(query("AzureDiagnostics | project toint(httpStatusCode_d)", "P1D").status == 400);
  CHECK(query("union kind=outer " + legs, "P1D").status == 400);
  CHECK(query("AZKVAuditLogs | take 1", "P1D").status == 400);
}
