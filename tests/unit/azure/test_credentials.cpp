// Credentials with a recording fake transport and an injected clock: request shapes,
// caching and expiry, retries, errors without secrets, the chain's selection, the
// Azure CLI through a fake `az` script.

#include "dftriage/azure/token_credentials.hpp"
#include "support/fake_transport.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

using namespace dftriage;
using namespace dftriage::azure;
using dftriage::test::FakeTransport;
using dftriage::test::header_of;
using dftriage::test::token_error;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

const std::string k_client_secret = "CANARY-client-secret-91c2";
const std::string k_tenant = "11111111-1111-1111-1111-111111111111";
const std::string k_client = "22222222-2222-2222-2222-222222222222";
const std::string k_arm_audience = "https://management.core.windows.net/";
const std::string k_vault_audience = "https://vault.azure.net";

std::string token_reply(const std::string& token, int expires_in = 3600)
{
  return R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
         R"(,"access_token":")" + token + R"("})";
}

struct Harness
{
  FakeTransport transport;
  SystemClock::time_point now = SystemClock::from_time_t(1'800'000'000);
  std::vector<milliseconds> sleeps;

  CredentialContext context()
  {
    return CredentialContext{&transport, [this] { return now; },
                             [this](milliseconds d) { sleeps.push_back(d); }};
  }
};

// A folder holding a fake `az` that prints `reply` files and records its arguments.
struct FakeAz
{
  std::string dir;

  FakeAz()
  {
    char templ[] = "/tmp/dftriage-az-XXXXXX";
    dir = ::mkdtemp(templ);
    std::ofstream(dir + "/az") << "#!/bin/sh\n"
                                  "here=$(dirname \"$0\")\n"
                                  "printf '%s\\n' \"$@\" > \"$here/args\"\n"
                                  "cat \"$here/stdout\" 2>/dev/null\n"
                                  "cat \"$here/stderr\" >&2 2>/dev/null\n"
                                  "exit $(cat \"$here/status\" 2>/dev/null || echo 0)\n";
    ::chmod((dir + "/az").c_str(), 0700);
  }
  ~FakeAz()
  {
    for (const char* f : {"az", "args", "stdout", "stderr", "status"}) {
      std::remove((dir + "/" + f).c_str());
    }
    ::rmdir(dir.c_str());
  }
  void answer(const std::string& out, const std::string& err = "", int status = 0) const
  {
    std::ofstream(dir + "/stdout") << out;
    std::ofstream(dir + "/stderr") << err;
    std::ofstream(dir + "/status") << status;
  }
  std::string args() const
  {
    std::ifstream in(dir + "/args");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

} // namespace

TEST_CASE("client secret credential posts client credentials to the tenant's token endpoint",
          "[credentials]")
{
  Harness h;
  ClientSecretCredential credential("https://login.microsoftonline.com",
                                    {k_tenant, k_client, k_client_secret}, h.context());
  h.transport.reply(200, token_reply("tok-1"));
  const auto token = credential.get_token(k_arm_audience);
  CHECK(token.token == "tok-1");
  CHECK(token.expires_on == h.now + seconds(3600));
  REQUIRE(h.transport.sent().size() == 1);
  const auto& sent = h.transport.sent()[0];
  CHECK(sent.method == "POST");
  CHECK(sent.url == "https://login.microsoftonline.com/" + k_tenant + "/oauth2/v2.0/token");
  CHECK(header_of(sent, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(sent.body == "grant_type=client_credentials&client_id=" + k_client +
                         "&client_secret=" + k_client_secret +
                         "&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default");
  const auto info = credential.info();
  CHECK(info.credential == "client secret (environment)");
  CHECK(info.tenant_id == k_tenant);
  CHECK(info.client_id == k_client);
}

TEST_CASE("tokens are cached per audience until shortly before expiry", "[credentials]")
{
  Harness h;
  ClientSecretCredential credential("https://login.microsoftonline.com",
                                    {k_tenant, k_client, k_client_secret}, h.context());
  h.transport.reply(200, token_reply("arm-1")).reply(200, token_reply("vault-1"));
  CHECK(credential.get_token(k_arm_audience).token == "arm-1");
  CHECK(credential.get_token(k_arm_audience).token == "arm-1"); // the cache: nothing sent
  CHECK(h.transport.sent().size() == 1);
  CHECK(credential.get_token(k_vault_audience).token ==
        "vault-1"); // another audience, another token
  CHECK(h.transport.sent().size() == 2);

  SECTION("kept until 5 minutes before expiry, then refreshed")
  {
    h.now += seconds(3600 - 300 - 1);
    CHECK(credential.get_token(k_arm_audience).token == "arm-1");
    h.now += seconds(1);
    h.transport.reply(200, token_reply("arm-2"));
    CHECK(credential.get_token(k_arm_audience).token == "arm-2");
    CHECK(h.transport.sent().size() == 3);
  }
  SECTION("a short-lived token is kept for half its lifetime")
  {
    h.transport.reply(200, token_reply("short-1", 60));
    const std::string graph = "https://graph.microsoft.com/";
    CHECK(credential.get_token(graph).token == "short-1");
    h.now += seconds(29);
    CHECK(credential.get_token(graph).token == "short-1");
    h.now += seconds(1);
    h.transport.reply(200, token_reply("short-2", 60));
    CHECK(credential.get_token(graph).token == "short-2");
  }
  SECTION("a failed refresh hands out the cached token while it is still valid")
  {
    h.now += seconds(3600 - 200);
    h.transport.reply(503).reply(503).reply(503);
    CHECK(credential.get_token(k_arm_audience).token == "arm-1");
    h.now += seconds(200 - 20); // 20 s left: no longer handed out
    h.transport.reply(400,
                      R"({"error":"invalid_request","error_description":"AADSTS900144: nope"})");
    CHECK(token_error(credential, k_arm_audience) ==
          "client secret (environment): the token endpoint answered "
          "400 invalid_request: AADSTS900144: nope");
  }
}

TEST_CASE("token requests are retried on 429, 5xx and no answer, honouring Retry-After",
          "[credentials]")
{
  Harness h;
  ClientSecretCredential credential("https://login.microsoftonline.com",
                                    {k_tenant, k_client, k_client_secret}, h.context());
  h.transport.reply(429, "", {{"Retry-After", "2"}})
      .fail("connection reset", true)
      .reply(200, token_reply("t"));
  CHECK(credential.get_token(k_arm_audience).token == "t");
  CHECK(h.sleeps == std::vector<milliseconds>{milliseconds(2000), milliseconds(1000)});

  SECTION("three failures are an error naming the last one")
  {
    Harness g;
    ClientSecretCredential c("https://login.microsoftonline.com",
                             {k_tenant, k_client, k_client_secret}, g.context());
    g.transport.reply(503).reply(503).reply(503);
    CHECK(token_error(c, k_arm_audience) ==
          "client secret (environment): the token endpoint answered 503");
    CHECK(g.transport.sent().size() == 3);
  }
}

TEST_CASE("credential errors name the credential and never contain the secret", "[credentials]")
{
  Harness h;
  ClientSecretCredential credential("https://login.microsoftonline.com",
                                    {k_tenant, k_client, k_client_secret}, h.context());
  SECTION("Entra's error code and first description line, the secret redacted even if echoed")
  {
    h.transport.reply(
        401,
        R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret )" +
            k_client_secret + R"( provided.\r\nTrace ID: abc\r\nCorrelation ID: def"})");
    const std::string message = token_error(credential, k_arm_audience);
    CHECK(message == "client secret (environment): the token endpoint answered 401 invalid_client: "
                     "AADSTS7000215: Invalid client secret *** provided.");
  }
  SECTION("an answer without a token")
  {
    h.transport.reply(200, R"({"token_type":"Bearer"})");
    CHECK(token_error(credential, k_arm_audience) ==
          "client secret (environment): the token endpoint's answer has no access_token");
  }
  SECTION("plain HTTP only to loopback")
  {
    ClientSecretCredential remote("http://login.example.com", {k_tenant, k_client, k_client_secret},
                                  h.context());
    CHECK(token_error(remote, k_arm_audience) ==
          "client secret (environment): refusing to send credentials "
          "over plain HTTP to http://login.example.com");
    CHECK(h.transport.sent().empty());
    ClientSecretCredential local("http://127.0.0.1:8080", {k_tenant, k_client, k_client_secret},
                                 h.context());
    h.transport.reply(200, token_reply("lab"));
    CHECK(local.get_token(k_arm_audience).token == "lab");
  }
  SECTION("a tenant that is not one")
  {
    ClientSecretCredential odd("https://login.microsoftonline.com",
                               {"../x?y", k_client, k_client_secret}, h.context());
    CHECK(token_error(odd, k_arm_audience) ==
          "client secret (environment): the tenant \"../x?y\" is not a tenant ID or domain name");
  }
}

TEST_CASE("read_token_claims reads a JWT's identity claims and nothing from an opaque token",
          "[credentials]")
{
  // {"alg":"none"} . {"tid":"t1","oid":"o1","appid":"a1","upn":"u@x"} . sig
  const std::string jwt =
      "eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0MSIsIm9pZCI6Im8xIiwiYXBwaWQiOiJhMSIsInVwbiI6InVAeCJ9.c2ln";
  const auto claims = read_token_claims(jwt);
  CHECK(claims.jwt);
  CHECK(claims.tenant_id == "t1");
  CHECK(claims.object_id == "o1");
  CHECK(claims.app_id == "a1");
  CHECK(claims.upn == "u@x");
  CHECK_FALSE(read_token_claims("0123456789abcdef").jwt);
  CHECK_FALSE(read_token_claims("a.b").jwt);
  CHECK_FALSE(read_token_claims("a.!!!.c").jwt);
}

TEST_CASE("managed identity asks IMDS or App Service and says when there is none", "[credentials]")
{
  Harness h;
  ManagedIdentityOptions options;
  options.imds_endpoint = "http://127.0.0.1:9";
  SECTION("IMDS: Metadata header, api-version and resource; expires_on as a string")
  {
    ManagedIdentityCredential credential(options, h.context());
    h.transport.reply(200, R"({"access_token":"mi-1","expires_in":"3599","expires_on":"1800003599",
                              "resource":"https://management.core.windows.net/","token_type":"Bearer","client_id":"c-1"})");
    const auto token = credential.get_token(k_arm_audience);
    CHECK(token.token == "mi-1");
    CHECK(token.expires_on == SystemClock::from_time_t(1'800'003'599));
    const auto& sent = h.transport.sent().at(0);
    CHECK(sent.method == "GET");
    CHECK(sent.url == "http://127.0.0.1:9/metadata/identity/oauth2/token?api-version=2018-02-01"
                      "&resource=https%3A%2F%2Fmanagement.core.windows.net%2F");
    CHECK(header_of(sent, "Metadata") == "true");
    CHECK(credential.info().credential == "managed identity (IMDS)");
    CHECK(credential.info().client_id == "c-1");
  }
  SECTION("a user-assigned identity by client ID")
  {
    options.client_id = "uami-1";
    ManagedIdentityCredential credential(options, h.context());
    h.transport.reply(200, R"({"access_token":"mi","expires_in":"60"})");
    credential.get_token(k_arm_audience);
    CHECK(h.transport.sent().at(0).url.find("&client_id=uami-1") != std::string::npos);
  }
  SECTION("no IMDS: unavailable, so a chain moves on")
  {
    ManagedIdentityCredential credential(options, h.context());
    h.transport.fail("GET http://127.0.0.1:9/...: Couldn't connect to server", false);
    CHECK_THROWS_AS(credential.get_token(k_arm_audience), CredentialUnavailable);
    h.transport.fail("Timeout was reached", false);
    CHECK(token_error(credential, k_arm_audience) ==
          "managed identity (IMDS): no managed identity endpoint "
          "answered at http://127.0.0.1:9 (Timeout was reached)");
  }
  SECTION("IMDS without an identity for this host: unavailable")
  {
    ManagedIdentityCredential credential(options, h.context());
    h.transport.reply(400,
                      R"({"error":"invalid_request","error_description":"Identity not found"})");
    CHECK_THROWS_AS(credential.get_token(k_arm_audience), CredentialUnavailable);
    h.transport.reply(400,
                      R"({"error":"invalid_request","error_description":"Identity not found"})");
    CHECK(
        token_error(credential, k_arm_audience) ==
        "managed identity (IMDS): IMDS has no managed identity for this host: Identity not found");
  }
  SECTION("something that is not IMDS answering there: unavailable")
  {
    ManagedIdentityCredential credential(options, h.context());
    h.transport.reply(404, "<html>not here</html>");
    CHECK(token_error(credential, k_arm_audience) ==
          "managed identity (IMDS): http://127.0.0.1:9 answered 404 and is not IMDS");
  }
  SECTION("App Service: IDENTITY_ENDPOINT with X-IDENTITY-HEADER, which no error shows")
  {
    options.identity_endpoint = "http://127.0.0.1:9/msi/token";
    options.identity_header = k_client_secret;
    ManagedIdentityCredential credential(options, h.context());
    h.transport.reply(
        200,
        R"({"access_token":"as-1","expires_on":"1800000600","resource":"x","token_type":"Bearer"})");
    CHECK(credential.get_token(k_vault_audience).token == "as-1");
    const auto& sent = h.transport.sent().at(0);
    CHECK(sent.url == "http://127.0.0.1:9/msi/"
                      "token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net");
    CHECK(header_of(sent, "X-IDENTITY-HEADER") == k_client_secret);
    CHECK(credential.description() == "managed identity (App Service)");
    h.transport.reply(500, R"({"message":"header )" + k_client_secret + R"( rejected"})");
    const std::string message = token_error(credential, "https://graph.microsoft.com/");
    CHECK(message == "managed identity (App Service): the App Service identity endpoint answered "
                     "500: header *** rejected");
  }
}

TEST_CASE("the Azure CLI credential runs az account get-access-token without a shell",
          "[credentials]")
{
  Harness h;
  FakeAz az;
  AzureCliOptions options;
  options.path = "/nonexistent:" + az.dir;
  AzureCliCredential credential(options, h.context());
  SECTION("accessToken, expires_on and tenant")
  {
    az.answer(
        R"({"accessToken":"cli-1","expiresOn":"2027-01-15 08:00:00.000000","expires_on":1800000900,
                 "subscription":"s","tenant":"t-cli","tokenType":"Bearer"})");
    const auto token = credential.get_token(k_arm_audience);
    CHECK(token.token == "cli-1");
    CHECK(token.expires_on == SystemClock::from_time_t(1'800'000'900));
    CHECK(az.args() == "account\nget-access-token\n--resource\n" + k_arm_audience + "\n-o\njson\n");
    CHECK(credential.info().tenant_id == "t-cli");
    CHECK(credential.info().credential == "Azure CLI");
  }
  SECTION("older az: only expiresOn, a local time")
  {
    az.answer(R"({"accessToken":"cli-2","expiresOn":"2027-01-15 08:00:00.000000","tenant":"t"})");
    std::tm local{};
    local.tm_year = 127;
    local.tm_mon = 0;
    local.tm_mday = 15;
    local.tm_hour = 8;
    local.tm_isdst = -1;
    CHECK(credential.get_token(k_arm_audience).expires_on ==
          SystemClock::from_time_t(std::mktime(&local)));
  }
  SECTION("not logged in: unavailable, with what az said")
  {
    az.answer("", "ERROR: Please run 'az login' to setup account.\n", 1);
    CHECK_THROWS_AS(credential.get_token(k_arm_audience), CredentialUnavailable);
    CHECK(token_error(credential, k_arm_audience) ==
          "Azure CLI: not logged in: run az login (az said: ERROR: "
          "Please run 'az login' to setup account.)");
  }
  SECTION("not installed: unavailable")
  {
    AzureCliCredential missing({"/nonexistent", AzureCliOptions::k_default_timeout}, h.context());
    CHECK_THROWS_AS(missing.get_token(k_arm_audience), CredentialUnavailable);
    CHECK(token_error(missing, k_arm_audience) ==
          "Azure CLI: az is not on the PATH (install the Azure CLI and run az login)");
  }
  SECTION("another failure, and output that is not JSON, never echoing stdout")
  {
    az.answer("", "ERROR: (AADSTS50076) MFA required\n", 2);
    CHECK(
        token_error(credential, k_arm_audience) ==
        "Azure CLI: az account get-access-token exited with 2: ERROR: (AADSTS50076) MFA required");
    az.answer("accessToken " + k_client_secret);
    const std::string message = token_error(credential, k_arm_audience);
    CHECK(message == "Azure CLI: az account get-access-token printed no accessToken");
  }
}

namespace {

// Runs make_default_credential over a fake environment and transports.
struct ChainHarness
{
  std::map<std::string, std::string> env;
  FakeTransport transport;
  FakeTransport imds;
  SystemClock::time_point now = SystemClock::from_time_t(1'800'000'000);

  std::unique_ptr<TokenCredential> make(const CloudConfig& config)
  {
    DefaultCredentialOptions options;
    options.getenv = [this](const std::string& name) -> std::optional<std::string> {
      const auto it = env.find(name);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    options.transport = &transport;
    options.imds_transport = &imds;
    options.now = [this] { return now; };
    options.sleep = [](milliseconds) {};
    return make_default_credential(config, options);
  }
};

CloudConfig lab_config()
{
  CloudConfig config{public_cloud(), ClientSecretSettings{k_tenant, k_client, k_client_secret},
                     "sub", "lab.json"};
  config.cloud.authority = "http://127.0.0.1:8443";
  return config;
}

} // namespace

TEST_CASE("the default chain tries each credential and says why each failed", "[credentials]")
{
  ChainHarness h;
  h.env["PATH"] = "/nonexistent";
  SECTION("nothing configured: every credential listed, in order")
  {
    h.imds.fail("Connection timed out after 1000 milliseconds", false);
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    CHECK(chain->description() ==
          "credential chain (environment, workload identity, managed identity (IMDS), Azure CLI)");
    CHECK(token_error(*chain, k_arm_audience) ==
          "no credential could get a token for https://management.core.windows.net/. Tried: "
          "environment: not "
          "configured (AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH are not set); "
          "workload identity: not "
          "configured (AZURE_FEDERATED_TOKEN_FILE is not set); managed identity (IMDS): no managed "
          "identity "
          "endpoint answered at http://169.254.169.254 (Connection timed out after 1000 "
          "milliseconds); Azure CLI: "
          "az is not on the PATH (install the Azure CLI and run az login)");
  }
  SECTION("a configured credential that fails stops the chain; the secret never shows")
  {
    h.env = {{"AZURE_TENANT_ID", k_tenant},
             {"AZURE_CLIENT_ID", k_client},
             {"AZURE_CLIENT_SECRET", k_client_secret}};
    h.transport.reply(
        401,
        R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})");
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    const std::string message = token_error(*chain, k_arm_audience);
    CHECK(message == "no credential could get a token for https://management.core.windows.net/. "
                     "Tried: client secret "
                     "(environment): the token endpoint answered 401 invalid_client: "
                     "AADSTS7000215: Invalid client secret "
                     "provided.. The chain stops at client secret (environment): it is configured "
                     "but failed, and no other "
                     "identity is tried in its place");
    CHECK(message.find(k_client_secret) == std::string::npos);
    CHECK(h.imds.sent().empty());
  }
  SECTION("incomplete environment settings say what is missing")
  {
    h.env = {{"AZURE_CLIENT_SECRET", k_client_secret},
             {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"}};
    h.imds.reply(400, R"({"error":"invalid_request","error_description":"Identity not found"})");
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    const std::string message = token_error(*chain, k_arm_audience);
    CHECK(message.find("environment: incomplete: AZURE_CLIENT_SECRET is set but not "
                       "AZURE_TENANT_ID, AZURE_CLIENT_ID") != std::string::npos);
    CHECK(message.find("workload identity: incomplete: AZURE_FEDERATED_TOKEN_FILE is set but not "
                       "AZURE_TENANT_ID, "
                       "AZURE_CLIENT_ID") != std::string::npos);
    CHECK(message.find(k_client_secret) == std::string::npos);
  }
  SECTION("a configured workload identity that fails stops the chain")
  {
    h.env["AZURE_FEDERATED_TOKEN_FILE"] = "/nonexistent/token";
    h.env["AZURE_TENANT_ID"] = k_tenant;
    h.env["AZURE_CLIENT_ID"] = k_client;
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    const std::string message = token_error(*chain, k_arm_audience);
    CHECK(message.find(
              "workload identity: cannot read the federated token file \"/nonexistent/token\"") !=
          std::string::npos);
    CHECK(message.find("The chain stops at workload identity") != std::string::npos);
    CHECK(h.imds.sent().empty());
  }
  SECTION("the first credential that answers is kept")
  {
    h.imds.reply(200, R"({"access_token":"mi-arm","expires_in":"3600","client_id":"mi-client"})")
        .reply(200, R"({"access_token":"mi-vault","expires_in":"3600"})");
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    CHECK(chain->get_token(k_arm_audience).token == "mi-arm");
    CHECK(chain->description() == "managed identity (IMDS)");
    CHECK(chain->info().client_id == "mi-client");
    h.env["AZURE_CLIENT_SECRET"] =
        k_client_secret; // too late: the chain keeps to the managed identity
    CHECK(chain->get_token(k_vault_audience).token == "mi-vault");
    CHECK(h.transport.sent().empty());
  }
  SECTION("AZURE_AUTHORITY_HOST replaces the cloud's authority")
  {
    h.env = {{"AZURE_TENANT_ID", k_tenant},
             {"AZURE_CLIENT_ID", k_client},
             {"AZURE_CLIENT_SECRET", k_client_secret},
             {"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/"}};
    h.transport.reply(200, token_reply("gov"));
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    CHECK(chain->get_token(k_arm_audience).token == "gov");
    CHECK(h.transport.sent().at(0).url ==
          "https://login.microsoftonline.us/" + k_tenant + "/oauth2/v2.0/token");
  }
}

TEST_CASE("the cloud file's credentials are the only ones used, whatever the environment says",
          "[credentials]")
{
  ChainHarness h;
  SECTION("the lab's principal answers")
  {
    auto chain = h.make(lab_config());
    CHECK(chain->description() == "credential chain (client secret (cloud file lab.json))");
    h.transport.reply(200, token_reply("lab-token"));
    CHECK(chain->get_token(k_arm_audience).token == "lab-token");
    CHECK(h.transport.sent().at(0).url ==
          "http://127.0.0.1:8443/" + k_tenant + "/oauth2/v2.0/token");
    CHECK(chain->description() == "client secret (cloud file lab.json)");
    CHECK(chain->info().client_id == k_client);
    // Kept: the next audience goes to the same credential.
    h.transport.reply(200, token_reply("lab-vault"));
    CHECK(chain->get_token(k_vault_audience).token == "lab-vault");
  }
  SECTION("AZURE_ variables are never sent to the lab")
  {
    h.env = {{"AZURE_TENANT_ID", "t-env"},
             {"AZURE_CLIENT_ID", "c-env"},
             {"AZURE_CLIENT_SECRET", "s-env"}};
    auto chain = h.make(lab_config());
    CHECK(chain->description() == "credential chain (client secret (cloud file lab.json))");
    h.transport.reply(401, R"({"error":"invalid_client"})");
    CHECK(token_error(*chain, k_arm_audience)
              .find("client secret (cloud file lab.json): the token endpoint "
                    "answered 401 invalid_client") != std::string::npos);
    REQUIRE(h.transport.sent().size() == 1);
    CHECK(h.transport.sent()[0].body.find("s-env") == std::string::npos);
    CHECK(h.transport.sent()[0].body.find("client_id=" + k_client) != std::string::npos);
    CHECK(h.imds.sent().empty());
  }
}

TEST_CASE("the environment picks the client secret before the certificate", "[credentials]")
{
  ChainHarness h;
  h.env = {{"AZURE_TENANT_ID", k_tenant},
           {"AZURE_CLIENT_ID", k_client},
           {"AZURE_CLIENT_CERTIFICATE_PATH", "/nonexistent/cert.pem"}};
  SECTION("certificate only")
  {
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    CHECK(chain->description().rfind("credential chain (client certificate (environment), ", 0) ==
          0);
    const std::string message = token_error(*chain, k_arm_audience);
    CHECK(message.find("client certificate (environment): cannot read the certificate file "
                       "\"/nonexistent/cert.pem\"") != std::string::npos);
    CHECK(message.find("The chain stops at client certificate (environment)") != std::string::npos);
    CHECK(h.transport.sent().empty());
  }
  SECTION("both: the secret")
  {
    h.env["AZURE_CLIENT_SECRET"] = k_client_secret;
    auto chain = h.make({public_cloud(), std::nullopt, "", "built-in"});
    CHECK(chain->description().rfind("credential chain (client secret (environment), ", 0) == 0);
  }
}
