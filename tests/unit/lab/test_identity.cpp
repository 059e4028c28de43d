#include "lab_fixture.hpp"

#include <catch2/catch.hpp>

using dftriage::test::body_of;
using dftriage::test::LabFixture;

namespace {

std::string base64url(const std::string& in)
{
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) {
    out += k[(buffer << (6 - bits)) & 63];
  }
  return out;
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
    auto r = lab.send("POST", path, {}, "grant_type=client_credentials&client_id=" + c.client_id
                                          + "&client_secret=s3cret" + scope, "");
    REQUIRE(r.status == 200);
    const auto body = body_of(r);
    CHECK(body["token_type"] == "Bearer");
    CHECK(body["expires_in"] == 3600);
    CHECK(body["access_token"].get<std::string>().size() == 64);
  }
  SECTION("a wrong secret is AADSTS7000215 in Entra's error shape")
  {
    auto r = lab.send("POST", path, {}, "grant_type=client_credentials&client_id=" + c.client_id
                                          + "&client_secret=nope" + scope, "");
    REQUIRE(r.status == 401);
    const auto body = body_of(r);
    CHECK(body["error"] == "invalid_client");
    CHECK(body["error_codes"] == nlohmann::ordered_json::array({7000215}));
    CHECK(body["error_description"].get<std::string>().rfind("AADSTS7000215: Invalid client secret", 0) == 0);
    for (const char* key : {"timestamp", "trace_id", "correlation_id"}) {
      CHECK(body.contains(key));
    }
  }
  SECTION("unknown tenant, unknown client and unknown scope")
  {
    CHECK(body_of(lab.send("POST", "/nope/oauth2/v2.0/token", {}, "grant_type=client_credentials", ""))["error_codes"][0]
          == 90002);
    CHECK(body_of(lab.send("POST", path, {}, "grant_type=client_credentials&client_id=x&client_secret=s3cret" + scope,
                           ""))["error_codes"][0] == 700016);
    auto r = lab.send("POST", path, {}, "grant_type=client_credentials&client_id=" + c.client_id
                                          + "&client_secret=s3cret&scope=https%3A%2F%2Fexample.com%2F.default", "");
    CHECK(r.status == 400);
    CHECK(body_of(r)["error"] == "invalid_scope");
  }
  SECTION("a client assertion is accepted when iss and sub are the client")
  {
    const auto jwt = [](const std::string& iss) {
      return base64url(R"({"alg":"RS256"})") + "." + base64url(R"({"iss":")" + iss + R"(","sub":")" + iss + R"("})")
             + ".c2ln";
    };
    const std::string form = "grant_type=client_credentials&client_id=" + c.client_id
                             + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                             + scope + "&client_assertion=";
    CHECK(lab.send("POST", path, {}, form + jwt(c.client_id), "").status == 200);
    auto bad = lab.send("POST", path, {}, form + jwt("someone-else"), "");
    CHECK(bad.status == 401);
    CHECK(body_of(bad)["error_codes"][0] == 700021);
  }
}

TEST_CASE("lab answers MSAL's instance discovery and OpenID configuration", "[lab]")
{
  LabFixture lab;
  const auto& c = lab.tenant.state().config;
  auto discovery = lab.send("GET", "/common/discovery/instance",
                            {{"api-version", "1.1"}, {"authorization_endpoint", "https://x/" + c.tenant_id + "/oauth2/v2.0/authorize"}},
                            "", "");
  REQUIRE(discovery.status == 200);
  CHECK(body_of(discovery)["tenant_discovery_endpoint"]
        == "http://127.0.0.1:8443/common/v2.0/.well-known/openid-configuration");
  auto v2 = body_of(lab.send("GET", "/" + c.tenant_id + "/v2.0/.well-known/openid-configuration", {}, "", ""));
  CHECK(v2["token_endpoint"] == "http://127.0.0.1:8443/" + c.tenant_id + "/oauth2/v2.0/token");
  auto v1 = body_of(lab.send("GET", "/" + c.tenant_id + "/.well-known/openid-configuration", {}, "", ""));
  CHECK(v1["token_endpoint"] == "http://127.0.0.1:8443/" + c.tenant_id + "/oauth2/token");
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
    CHECK(r.header("WWW-Authenticate").value_or("").find("error=\"invalid_token\"") != std::string::npos);
  }
  SECTION("an unknown token: InvalidAuthenticationToken")
  {
    CHECK(body_of(lab.send("GET", dftriage::test::k_vault_id, version, "", "forged"))["error"]["code"]
          == "InvalidAuthenticationToken");
  }
  SECTION("a Key Vault token is refused by ARM")
  {
    const auto kv = lab.token("https://vault.azure.net/.default");
    CHECK(body_of(lab.send("GET", dftriage::test::k_vault_id, version, "", kv))["error"]["code"]
          == "InvalidAuthenticationTokenAudience");
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
