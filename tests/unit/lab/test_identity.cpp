#include "dftriage/util/base64.hpp"
#include "lab_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using dftriage::test::body_of;
using dftriage::test::LabFixture;

namespace {

std::string base64url(const std::string& in)
{
  return dftriage::base64url_encode(in);
}

} // namespace

TEST_CASE("lab token endpoint issues client-credential tokens and Entra errors", "[lab]")
{
  LabFixture lab;
  const auto& c = lab.tenant.state().config;
  const std::string path = "/" + c.tenant_id + "/oauth2/v2.0/token";
  const std::string scope = "&scope=https%3A%2F%2Fvault.azure.net%2F.default";

  SECTION("a good secret gets a bearer token with expires_in")
  {
    auto r = lab.send("POST", path, {},
                      "grant_type=client_credentials&client_id=" + c.client_id +
                          "&client_secret=s3cret" + scope,
                      "");
    REQUIRE(r.status == 200);
    const auto body = body_of(r);
    CHECK(body["token_type"] == "Bearer");
    CHECK(body["expires_in"] == 3600);
    // A JWT's shape: header.payload.signature (its claims: test_rbac.cpp).
    const std::string token = body["access_token"];
    CHECK(std::count(token.begin(), token.end(), '.') == 2);
  }
  SECTION("a wrong secret is AADSTS7000215 in Entra's error shape")
  {
    auto r = lab.send("POST", path, {},
                      "grant_type=client_credentials&client_id=" + c.client_id +
                          "&client_secret=nope" + scope,
                      "");
    REQUIRE(r.status == 401);
    const auto body = body_of(r);
    CHECK(body["error"] == "invalid_client");
    CHECK(body["error_codes"] == nlohmann::ordered_json::array({7000215}));
    CHECK(body["error_description"].get<std::string>().rfind("AADSTS7000215: Invalid client secret",
                                                             0) == 0);
    for (const char* key : {"timestamp", "trace_id", "correlation_id"}) {
      CHECK(body.contains(key));
    }
  }
  SECTION("unknown tenant, unknown client and unknown scope")
  {
    CHECK(body_of(lab.send("POST", "/nope/oauth2/v2.0/token", {}, "grant_type=client_credentials",
                           ""))["error_codes"][0] == 90002);
    CHECK(body_of(lab.send("POST", path, {},
                           "grant_type=client_credentials&client_id=x&client_secret=s3cret" + scope,
                           ""))["error_codes"][0] == 700016);
    auto r = lab.send("POST", path, {},
                      "grant_type=client_credentials&client_id=" + c.client_id +
                          "&client_secret=s3cret&scope=https%3A%2F%2Fexample.com%2F.default",
                      "");
    CHECK(r.status == 400);
    CHECK(body_of(r)["error"] == "invalid_scope");
  }
}

TEST_CASE("lab token endpoint checks client assertions", "[lab]")
{
  LabFixture lab;
  auto& state = lab.tenant.state();
  const auto& c = state.config;
  const std::string path = "/" + c.tenant_id + "/oauth2/v2.0/token";
  const std::string url = "http://127.0.0.1:8443" + path;
  const long long now = dftriage::lab::Clock::to_time_t(c.clock());
  state.service_principals["sp-w"] = {
      {"id", "sp-w"},
      {"appId", "app-w"},
      {"federatedIdentityCredentials",
       {{{"issuer", "https://oidc.test/"}, {"subject", "system:serviceaccount:a:b"}}}}};
  const auto jwt = [](const std::string& header, const nlohmann::ordered_json& claims) {
    return base64url(header) + "." + base64url(claims.dump()) + ".c2ln";
  };
  const auto form = [&](const std::string& client, const std::string& assertion) {
    return "grant_type=client_credentials&client_id=" + client +
           "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
           "&scope=https%3A%2F%2Fvault.azure.net%2F.default&client_assertion=" +
           assertion;
  };
  const auto code = [&](const std::string& client, const std::string& assertion) {
    auto r = lab.send("POST", path, {}, form(client, assertion), "");
    return r.status == 200 ? 0 : body_of(r)["error_codes"][0].get<int>();
  };
  const nlohmann::ordered_json good{
      {"iss", c.client_id}, {"sub", c.client_id}, {"aud", url}, {"exp", now + 600}, {"nbf", now}};
  const std::string rs256 = R"({"alg":"RS256","x5t":"AAAA"})";

  SECTION("a malformed, expired or misaddressed assertion")
  {
    CHECK(code(c.client_id, "not-a-jwt") == 50027);
    auto expired = good;
    expired["exp"] = now - 600;
    CHECK(code(c.client_id, jwt(rs256, expired)) == 700024);
    auto stranger = good;
    stranger["iss"] = "someone-else";
    CHECK(code(c.client_id, jwt(rs256, stranger)) == 700021);
    auto elsewhere = good;
    elsewhere["aud"] = "https://login.microsoftonline.com/x/oauth2/v2.0/token";
    CHECK(code(c.client_id, jwt(rs256, elsewhere)) == 700023);
    CHECK(code(c.client_id, jwt(R"({"alg":"HS256"})", good)) == 5002738);
  }
  SECTION("a certificate assertion needs a certificate registered on the client")
  {
    CHECK(code(c.client_id, jwt(rs256, good)) == 700027);
  }
  SECTION("a federated token must match a federated identity credential")
  {
    nlohmann::ordered_json federated{{"iss", "https://oidc.test/"},
                                     {"sub", "system:serviceaccount:a:b"},
                                     {"aud", "api://AzureADTokenExchange"},
                                     {"exp", now + 600}};
    CHECK(code("app-w", jwt(R"({"alg":"RS256","kid":"k"})", federated)) == 0);
    federated["sub"] = "system:serviceaccount:a:c";
    CHECK(code("app-w", jwt(R"({"alg":"RS256","kid":"k"})", federated)) == 70021);
    CHECK(code("unknown-app", jwt(R"({"alg":"RS256"})", federated)) == 700016);
  }
  SECTION("a seeded principal cannot use the lab's client secret")
  {
    auto r = lab.send("POST", path, {},
                      "grant_type=client_credentials&client_id=app-w&client_secret=s3cret"
                      "&scope=https%3A%2F%2Fvault.azure.net%2F.default",
                      "");
    CHECK(body_of(r)["error_codes"][0] == 7000215);
  }
}

TEST_CASE("lab imitates IMDS and App Service managed identity endpoints", "[lab]")
{
  LabFixture lab;
  auto& state = lab.tenant.state();
  state.service_principals["sp-u"] = {{"id", "sp-u"}, {"appId", "uami-1"}};
  const std::string imds = "/metadata/identity/oauth2/token";
  const auto get = [&](const std::string& path,
                       std::vector<std::pair<std::string, std::string>> query,
                       std::vector<std::pair<std::string, std::string>> headers) {
    dftriage::lab::LabRequest r;
    r.method = "GET";
    r.host = "127.0.0.1";
    r.path = path;
    r.query = std::move(query);
    r.headers = std::move(headers);
    return lab.tenant.handle(r);
  };
  const std::vector<std::pair<std::string, std::string>> metadata{{"Metadata", "true"}};
  const std::pair<std::string, std::string> version{"api-version", "2018-02-01"};
  const std::pair<std::string, std::string> arm{"resource", "https://management.azure.com/"};

  SECTION("a token for the system-assigned identity, good for ARM")
  {
    auto r = get(imds, {version, arm}, metadata);
    REQUIRE(r.status == 200);
    const auto body = body_of(r);
    CHECK(body["token_type"] == "Bearer");
    CHECK(body["client_id"] == state.config.client_id);
    CHECK(body["expires_in"] == "3600");
    CHECK(body["expires_on"] ==
          std::to_string(dftriage::lab::Clock::to_time_t(state.config.clock()) + 3600));
    CHECK(body["resource"] == "https://management.azure.com/");
    const std::string token = body["access_token"];
    CHECK(lab.send("GET", dftriage::test::k_vault_id, {{"api-version", "2026-02-01"}}, "", token)
              .status == 200);
  }
  SECTION("user-assigned identities by client ID")
  {
    CHECK(body_of(get(imds, {version, arm, {"client_id", "uami-1"}}, metadata))["client_id"] ==
          "uami-1");
    auto r = get(imds, {version, arm, {"client_id", "nope"}}, metadata);
    CHECK(r.status == 400);
    CHECK(body_of(r)["error_description"] == "Identity not found");
  }
  SECTION("IMDS's own errors")
  {
    CHECK(body_of(get(imds, {version, arm}, {}))["error_description"] ==
          "Required metadata header not specified");
    CHECK(body_of(get(imds, {arm}, metadata))["error_description"] ==
          "Required query variable 'api-version' is missing");
    CHECK(body_of(get(imds, {version}, metadata))["error_description"] ==
          "Required query variable 'resource' is missing");
    CHECK(body_of(get(imds, {version, {"resource", "https://example.com"}}, metadata))["error"] ==
          "invalid_resource");
  }
  SECTION("App Service: the identity header is the lab's client secret")
  {
    const std::vector<std::pair<std::string, std::string>> query{
        {"api-version", "2019-08-01"}, {"resource", "https://vault.azure.net"}};
    auto r = get("/msi/token", query, {{"X-IDENTITY-HEADER", "s3cret"}});
    REQUIRE(r.status == 200);
    CHECK(body_of(r)["client_id"] == state.config.client_id);
    CHECK_FALSE(body_of(r).contains("expires_in"));
    CHECK(get("/msi/token", query, {{"X-IDENTITY-HEADER", "wrong"}}).status == 401);
  }
}

TEST_CASE("lab answers MSAL's instance discovery and OpenID configuration", "[lab]")
{
  LabFixture lab;
  const auto& c = lab.tenant.state().config;
  auto discovery =
      lab.send("GET", "/common/discovery/instance",
               {{"api-version", "1.1"},
                {"authorization_endpoint", "https://x/" + c.tenant_id + "/oauth2/v2.0/authorize"}},
               "", "");
  REQUIRE(discovery.status == 200);
  CHECK(body_of(discovery)["tenant_discovery_endpoint"] ==
        "http://127.0.0.1:8443/common/v2.0/.well-known/openid-configuration");
  auto v2 = body_of(
      lab.send("GET", "/" + c.tenant_id + "/v2.0/.well-known/openid-configuration", {}, "", ""));
  CHECK(v2["token_endpoint"] == "http://127.0.0.1:8443/" + c.tenant_id + "/oauth2/v2.0/token");
  auto v1 =
      body_of(lab.send("GET", "/" + c.tenant_id + "/.well-known/openid-configuration", {}, "", ""));
  CHECK(v1["token_endpoint"] == "http://127.0.0.1:8443/" + c.tenant_id + "/oauth2/token");
}

TEST_CASE("lab serves ARM's cloud metadata for az cloud register", "[lab]")
{
  LabFixture lab;
  auto r = lab.send("GET", "/metadata/endpoints", {{"api-version", "2015-01-01"}}, "", "");
  REQUIRE(r.status == 200);
  const auto metadata = body_of(r);
  CHECK(metadata["authentication"]["loginEndpoint"] == "http://127.0.0.1:8443/");
  CHECK(metadata["authentication"]["audiences"][0] == "http://127.0.0.1:8443/");
  CHECK(metadata["graphEndpoint"] == "http://127.0.0.1:8443/");
  CHECK(lab.send("GET", "/metadata/endpoints", {}, "", "").status ==
        400); // api-version is required
  CHECK(lab.send("GET", "//metadata/endpoints", {{"api-version", "2015-01-01"}}, "", "").status ==
        200);
}

TEST_CASE("lab ARM requests need a valid, unexpired token of the right audience", "[lab]")
{
  LabFixture lab;
  const std::vector<std::pair<std::string, std::string>> version{{"api-version", "2026-02-01"}};
  SECTION("no token: 401 AuthenticationFailed with a Bearer challenge")
  {
    auto r = lab.send("GET", dftriage::test::k_vault_id, version, "", "");
    REQUIRE(r.status == 401);
    CHECK(body_of(r)["error"]["code"] == "AuthenticationFailed");
    CHECK(r.header("WWW-Authenticate").value_or("").find("error=\"invalid_token\"") !=
          std::string::npos);
  }
  SECTION("an unknown token: InvalidAuthenticationToken")
  {
    CHECK(body_of(lab.send("GET", dftriage::test::k_vault_id, version, "",
                           "forged"))["error"]["code"] == "InvalidAuthenticationToken");
  }
  SECTION("a Key Vault token is refused by ARM")
  {
    const auto kv = lab.token("https://vault.azure.net/.default");
    CHECK(body_of(lab.send("GET", dftriage::test::k_vault_id, version, "", kv))["error"]["code"] ==
          "InvalidAuthenticationTokenAudience");
  }
  SECTION("tokens expire after their lifetime")
  {
    lab.tenant.state().config.token_lifetime_s = 1;
    const auto short_lived = lab.token("https://management.azure.com/.default");
    CHECK(lab.send("GET", dftriage::test::k_vault_id, version, "", short_lived).status == 200);
    lab.advance(2);
    auto r = lab.send("GET", dftriage::test::k_vault_id, version, "", short_lived);
    CHECK(r.status == 401);
    CHECK(body_of(r)["error"]["code"] == "ExpiredAuthenticationToken");
  }
}

using Json = nlohmann::ordered_json; // at file scope, as the other tests name it (unity builds)

namespace {

// A tenant with a user (on-premises synced or not), a service principal, a group and an
// app registration with one client secret, and a Graph token.
struct GraphFixture : LabFixture
{
  GraphFixture()
  {
    auto& state = tenant.state();
    state.users[k_user] = {{"id", k_user},
                           {"userPrincipalName", "ana@lab.localhost"},
                           {"accountEnabled", true},
                           {"createdDateTime", "2025-01-01T00:00:00Z"},
                           {"onPremisesSyncEnabled", nullptr}};
    state.users[k_synced] = {{"id", k_synced},
                             {"userPrincipalName", "bo@lab.localhost"},
                             {"accountEnabled", true},
                             {"onPremisesSyncEnabled", true}};
    state.service_principals[k_sp] = {{"id", k_sp},
                                      {"appId", k_app},
                                      {"displayName", "deploy"},
                                      {"accountEnabled", true},
                                      {"servicePrincipalType", "Application"}};
    state.groups[k_group] = {{"id", k_group}, {"displayName", "ops"}};
    state.applications["a0000000-0000-4000-8000-000000000001"] =
        Json{{"id", "a0000000-0000-4000-8000-000000000001"},
             {"appId", k_app},
             {"displayName", "deploy"},
             {"passwordCredentials",
              {{{"keyId", k_key},
                {"displayName", "ci"},
                {"hint", "Ab1"},
                {"secretText", "canary-7f3a"}}}},
             {"keyCredentials", Json::array()}};
    graph = token("https://graph.microsoft.com/.default");
  }
  dftriage::lab::LabResponse get(const std::string& path,
                                 std::vector<std::pair<std::string, std::string>> query = {})
  {
    return send("GET", path, std::move(query), "", graph);
  }

  static constexpr const char* k_user = "0a1b2c3d-0000-4000-8000-000000000001";
  static constexpr const char* k_synced = "0a1b2c3d-0000-4000-8000-000000000002";
  static constexpr const char* k_sp = "0a1b2c3d-0000-4000-8000-000000000003";
  static constexpr const char* k_group = "0a1b2c3d-0000-4000-8000-000000000004";
  static constexpr const char* k_app = "0a1b2c3d-0000-4000-8000-000000000005";
  static constexpr const char* k_key = "0a1b2c3d-0000-4000-8000-000000000006";
  std::string graph;
};

} // namespace

TEST_CASE("lab Graph directoryObjects tells users, service principals and groups apart",
          "[lab][graph]")
{
  GraphFixture f;
  const std::vector<std::pair<std::string, std::string>> select{
      {"$select", "id,displayName,appId,accountEnabled"}};
  const auto user =
      body_of(f.get(std::string("/v1.0/directoryObjects/") + GraphFixture::k_user, select));
  CHECK(user["@odata.type"] == "#microsoft.graph.user");
  CHECK(user["accountEnabled"] == true);
  CHECK_FALSE(user.contains("userPrincipalName"));
  const auto sp =
      body_of(f.get(std::string("/v1.0/directoryObjects/") + GraphFixture::k_sp, select));
  CHECK(sp["@odata.type"] == "#microsoft.graph.servicePrincipal");
  CHECK(sp["appId"] == GraphFixture::k_app);
  CHECK(body_of(f.get(std::string("/v1.0/directoryObjects/") +
                      GraphFixture::k_group))["@odata.type"] == "#microsoft.graph.group");
  const auto missing = f.get("/v1.0/directoryObjects/0a1b2c3d-0000-4000-8000-0000000000ff");
  CHECK(missing.status == 404);
  CHECK(body_of(missing)["error"]["code"] == "Request_ResourceNotFound");
  // A UPN is no directory object key.
  CHECK(f.get("/v1.0/directoryObjects/ana@lab.localhost").status == 404);
}

TEST_CASE("lab Graph service principals are disabled by PATCH and their IDs are read-only",
          "[lab][graph]")
{
  GraphFixture f;
  const std::string path = std::string("/v1.0/servicePrincipals/") + GraphFixture::k_sp;
  CHECK(f.send("PATCH", path, {}, R"({"accountEnabled":false})", f.graph).status == 204);
  CHECK(body_of(f.get(path))["accountEnabled"] == false);
  const auto read_only = f.send("PATCH", path, {}, R"({"appId":"x"})", f.graph);
  CHECK(read_only.status == 400);
  CHECK(body_of(read_only)["error"]["code"] == "Request_BadRequest");
  CHECK(f.send("PATCH", "/v1.0/servicePrincipals/nope", {}, R"({"accountEnabled":false})", f.graph)
            .status == 404);
  CHECK(f.send("PATCH", path, {}, R"({"accountEnabled":false})", "<arm>").status == 401);
}

TEST_CASE("lab Graph users have default authentication methods that can be read and deleted",
          "[lab][graph]")
{
  GraphFixture f;
  const std::string base = std::string("/v1.0/users/") + GraphFixture::k_user + "/authentication/";
  const auto listed = body_of(f.get(base + "methods"));
  REQUIRE(listed["value"].size() == 3);
  CHECK(listed["value"][0]["@odata.type"] == "#microsoft.graph.passwordAuthenticationMethod");
  CHECK(listed["value"][1]["@odata.type"] == "#microsoft.graph.phoneAuthenticationMethod");
  CHECK(listed["value"][1]["phoneNumber"].get<std::string>().rfind("+1 42555501", 0) == 0);
  CHECK(listed["value"][2]["@odata.type"] ==
        "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod");
  // The same through the UPN, and the same set every time.
  CHECK(body_of(f.get("/v1.0/users/ana@lab.localhost/authentication/methods"))["value"] ==
        listed["value"]);

  const std::string phone = listed["value"][1]["id"];
  const std::string app = listed["value"][2]["id"];
  CHECK(body_of(f.get(base + "phoneMethods/" + phone))["phoneType"] == "mobile");
  CHECK(f.get(base + "methods/" + phone).status == 200);
  // A method is found only in its own collection.
  CHECK(f.get(base + "fido2Methods/" + phone).status == 404);
  CHECK(f.send("DELETE", base + "phoneMethods/" + app, {}, "", f.graph).status == 404);
  CHECK(f.send("DELETE", base + "microsoftAuthenticatorMethods/" + app, {}, "", f.graph).status ==
        204);
  CHECK(f.get(base + "microsoftAuthenticatorMethods/" + app).status == 404);
  CHECK(body_of(f.get(base + "methods"))["value"].size() == 2);
  const std::string password = listed["value"][0]["id"];
  CHECK(f.send("DELETE", base + "methods/" + password, {}, "", f.graph).status == 400);
  CHECK(f.get("/v1.0/users/nobody@lab.localhost/authentication/methods").status == 404);
}

TEST_CASE("lab Graph password resets keep no password and refuse synced users", "[lab][graph]")
{
  GraphFixture f;
  const auto reset = [&](const char* user, const std::string& body) {
    return f.send("PATCH", std::string("/v1.0/users/") + user, {}, body, f.graph);
  };
  const std::string body =
      R"({"passwordProfile":{"forceChangePasswordNextSignIn":true,"password":"Canary-Pass-91c2"}})";
  CHECK(reset(GraphFixture::k_user, body).status == 204);
  const auto user = f.get(std::string("/v1.0/users/") + GraphFixture::k_user);
  CHECK(user.body.find("Canary-Pass-91c2") == std::string::npos);
  CHECK(body_of(user)["passwordProfile"]["forceChangePasswordNextSignIn"] == true);
  CHECK(body_of(user)["lastPasswordChangeDateTime"].is_string());
  const auto synced = reset(GraphFixture::k_synced, body);
  CHECK(synced.status == 400);
  CHECK(!body_of(f.get(std::string("/v1.0/users/") + GraphFixture::k_synced))
             .contains("lastPasswordChangeDateTime"));
  CHECK(reset(GraphFixture::k_user, R"({"passwordProfile":{"password":"short"}})").status == 400);
}

TEST_CASE("lab Graph applications by appId: secrets listed without their text, removed by keyId",
          "[lab][graph]")
{
  GraphFixture f;
  const std::string app = std::string("/v1.0/applications(appId='") + GraphFixture::k_app + "')";
  const auto read = f.get(app, {{"$select", "id,appId,passwordCredentials"}});
  REQUIRE(read.status == 200);
  CHECK(read.body.find("canary-7f3a") == std::string::npos);
  CHECK(body_of(read)["passwordCredentials"][0]["keyId"] == GraphFixture::k_key);
  CHECK(body_of(read)["passwordCredentials"][0]["secretText"].is_null());
  CHECK(f.get("/v1.0/applications/a0000000-0000-4000-8000-000000000001").body.find("canary") ==
        std::string::npos);
  CHECK(f.get("/v1.0/applications(appId='0a1b2c3d-0000-4000-8000-0000000000ff')").status == 404);
  // A quote doubled inside the key is the quote itself: no such appId, not a broken key.
  CHECK(f.get("/v1.0/applications(appId='x'')')").status == 404);

  const auto remove = [&](const std::string& key) {
    return f.send("POST", app + "/removePassword", {}, Json{{"keyId", key}}.dump(), f.graph);
  };
  CHECK(remove(GraphFixture::k_key).status == 204);
  CHECK(body_of(f.get(app))["passwordCredentials"].empty());
  const auto again = remove(GraphFixture::k_key);
  CHECK(again.status == 400);
  CHECK(body_of(again)["error"]["message"].get<std::string>().find("No password credential") !=
        std::string::npos);
  CHECK(f.send("POST", app + "/removePassword", {}, "{}", f.graph).status == 400);
}
