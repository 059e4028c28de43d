// Every credential against the lab on an ephemeral 127.0.0.1 port, through the real
// libcurl transport: client secret, certificate, workload identity, managed identity
// (IMDS and App Service imitations), the default chain from the lab's connection line.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/azure/token_credentials.hpp"
#include "dftriage/lab/lab.hpp"
#include "dftriage/util/base64.hpp"
#include "support/fake_transport.hpp"
#include "support/test_certificate.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace dftriage;
using namespace dftriage::azure;
using dftriage::test::make_test_certificate;
using dftriage::test::TestCertificate;

namespace {

const std::string k_cert_app = "c0000000-0000-0000-0000-00000000ce27";
const std::string k_workload_app = "c0000000-0000-0000-0000-0000000000f1";
const std::string k_uami_app = "c0000000-0000-0000-0000-00000000a111";
const std::string k_issuer = "https://oidc.example.test/";
const std::string k_subject = "system:serviceaccount:soc:dftriage";

std::string temp_path(const std::string& name)
{
  return std::string(P_tmpdir) + "/dftriage-creds-" + std::to_string(::getpid()) + "-" + name;
}

const TestCertificate& registered_certificate()
{
  static const TestCertificate cert = make_test_certificate("dftriage-test-registered");
  return cert;
}

std::string b64url(const std::string& in)
{
  return dftriage::base64url_encode(in);
}

std::string b64url_decode(const std::string& in)
{
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : in) {
    const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char* at = std::strchr(k, c);
    if (at == nullptr || c == '\0') {
      break;
    }
    buffer = (buffer << 6) | static_cast<unsigned>(at - k);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// A lab seeded with three service principals: one with a registered certificate, one
// federated with a Kubernetes service account, one user-assigned managed identity.
struct IdentityLab
{
  std::string scenario = temp_path("scenario.json");
  std::unique_ptr<lab::Lab> server;
  nlohmann::ordered_json connection;
  CloudConfig config;
  std::unique_ptr<HttpTransport> transport = make_curl_transport();

  explicit IdentityLab(std::vector<std::string> faults = {})
  {
    const nlohmann::json doc = {{"scenario", 1},
                                {"servicePrincipals",
                                 {{{"id", "sp-cert"},
                                   {"appId", k_cert_app},
                                   {"keyCredentials",
                                    {{{"type", "AsymmetricX509Cert"},
                                      {"usage", "Verify"},
                                      {"key", registered_certificate().der_base64}}}}},
                                  {{"id", "sp-workload"},
                                   {"appId", k_workload_app},
                                   {"federatedIdentityCredentials",
                                    {{{"issuer", k_issuer},
                                      {"subject", k_subject},
                                      {"audiences", {"api://AzureADTokenExchange"}}}}}},
                                  {{"id", "sp-uami"},
                                   {"appId", k_uami_app},
                                   {"servicePrincipalType", "ManagedIdentity"}}}}};
    std::ofstream(scenario) << doc.dump();
    lab::LabOptions options;
    options.seed_files = {scenario};
    options.fault_rules = std::move(faults);
    server = std::make_unique<lab::Lab>(options);
    server->start();
    connection = server->connection();
    config = parse_cloud_config(connection.dump(), "lab");
  }
  ~IdentityLab()
  {
    transport.reset(); // close keep-alive connections first: the server waits for them
    server->stop();
    std::remove(scenario.c_str());
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::string tenant() const { return connection["tenantId"]; }
  CredentialContext context() { return CredentialContext{transport.get(), {}, {}}; }

  // GETs the lab's subscription through the Azure client with `credential`.
  int arm_get(TokenCredential& credential)
  {
    Client client(config.cloud, &credential, *transport);
    Request request;
    request.method = "GET";
    request.url = config.cloud.resource_manager + "/subscriptions/" +
                  connection["subscriptionId"].get<std::string>() + "?api-version=2022-09-01";
    request.audience = "arm";
    return client.send(request).status;
  }
};

// Counts what goes through to the real transport.
class CountingTransport : public HttpTransport
{
public:
  explicit CountingTransport(HttpTransport& inner)
      : m_inner(inner)
  {
  }
  HttpResponse send(const HttpRequest& request) override
  {
    ++count;
    return m_inner.send(request);
  }
  int count = 0;

private:
  HttpTransport& m_inner;
};

} // namespace

TEST_CASE("client secret against the lab: a token ARM accepts, cached, refreshed at expiry",
          "[credentials][lab][socket]")
{
  IdentityLab lab;
  CountingTransport counting(*lab.transport);
  auto now = SystemClock::now();
  ClientSecretCredential credential(lab.config.cloud.authority, *lab.config.credentials,
                                    CredentialContext{&counting, [&now] { return now; }, {}},
                                    "cloud file lab");
  const auto first = credential.get_token(lab.config.cloud.arm_audience);
  CHECK(counting.count == 1);
  CHECK(lab.arm_get(credential) == 200);
  CHECK(credential.get_token(lab.config.cloud.arm_audience).token == first.token);
  CHECK(counting.count == 1); // the second get_token did not reach the lab
  now += std::chrono::seconds(3600 - 299);
  const auto second = credential.get_token(lab.config.cloud.arm_audience);
  CHECK(counting.count == 2);
  CHECK(second.token != first.token);
}

TEST_CASE(
    "client certificate: an RS256 assertion the lab verifies against the registered certificate",
    "[credentials][lab][socket]")
{
  IdentityLab lab;
  const auto& cert = registered_certificate();
  const std::string pem = temp_path("client.pem");
  std::ofstream(pem) << cert.certificate_pem << cert.private_key_pem;
  ClientCertificateCredential credential(lab.config.cloud.authority, lab.tenant(), k_cert_app, pem,
                                         lab.context());

  SECTION("the assertion's header, claims and signature")
  {
    const std::string url = lab.base() + "/" + lab.tenant() + "/oauth2/v2.0/token";
    const std::string jwt = credential.make_assertion(url);
    const auto dot1 = jwt.find('.');
    const auto dot2 = jwt.rfind('.');
    REQUIRE(dot1 != dot2);
    const auto header = nlohmann::json::parse(b64url_decode(jwt.substr(0, dot1)));
    const auto claims = nlohmann::json::parse(b64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
    CHECK(header["alg"] == "RS256");
    CHECK(header["typ"] == "JWT");
    CHECK(header["x5t"] == b64url(dftriage::test::sha1(cert.der)));
    CHECK(claims["aud"] == url);
    CHECK(claims["iss"] == k_cert_app);
    CHECK(claims["sub"] == k_cert_app);
    CHECK(claims["jti"].get<std::string>().size() == 36);
    CHECK(claims["exp"].get<long long>() - claims["nbf"].get<long long>() == 600);
    const std::string signature = b64url_decode(jwt.substr(dot2 + 1));
    CHECK(dftriage::test::verify_rs256(cert, jwt.substr(0, dot2), signature));
    CHECK_FALSE(dftriage::test::verify_rs256(cert, jwt.substr(0, dot2) + "x", signature));
    CHECK(credential.make_assertion(url) != jwt); // a new jti each time
  }
  SECTION("the lab issues a token ARM accepts")
  {
    CHECK(lab.arm_get(credential) == 200);
    CHECK(credential.info().client_id == k_cert_app);
  }
  SECTION("a certificate the lab does not know is refused")
  {
    const auto other = make_test_certificate("dftriage-test-unknown");
    const std::string other_pem = temp_path("other.pem");
    std::ofstream(other_pem) << other.private_key_pem
                             << other.certificate_pem; // key first works too
    ClientCertificateCredential stranger(lab.config.cloud.authority, lab.tenant(), k_cert_app,
                                         other_pem, lab.context());
    const std::string message = test::token_error(stranger, lab.config.cloud.arm_audience);
    CHECK(message.find(
              "client certificate (environment): the token endpoint answered 401 invalid_client: "
              "AADSTS700027: Client assertion failed signature validation. [Reason - The key was "
              "not found.]") == 0);
    std::remove(other_pem.c_str());
  }
  SECTION("a file without a key, or with another certificate's key")
  {
    const std::string bad = temp_path("bad.pem");
    std::ofstream(bad) << cert.certificate_pem;
    ClientCertificateCredential no_key(lab.config.cloud.authority, lab.tenant(), k_cert_app, bad,
                                       lab.context());
    CHECK(test::token_error(no_key, lab.config.cloud.arm_audience) ==
          "client certificate (environment): the certificate file \"" + bad +
              "\" holds no private key that can be read (an encrypted key needs "
              "AZURE_CLIENT_CERTIFICATE_PASSWORD)");
    const auto other = make_test_certificate("dftriage-test-mismatch");
    std::ofstream(bad) << cert.certificate_pem << other.private_key_pem;
    ClientCertificateCredential mismatch(lab.config.cloud.authority, lab.tenant(), k_cert_app, bad,
                                         lab.context());
    CHECK(test::token_error(mismatch, lab.config.cloud.arm_audience) ==
          "client certificate (environment): the certificate file \"" + bad +
              "\": the private key does not belong to the first certificate");
    std::remove(bad.c_str());
  }
  std::remove(pem.c_str());
}

TEST_CASE("workload identity: the federated token file as the client assertion",
          "[credentials][lab][socket]")
{
  IdentityLab lab;
  const auto exp =
      std::chrono::duration_cast<std::chrono::seconds>(SystemClock::now().time_since_epoch())
          .count() +
      3600;
  auto federated = [&](const std::string& subject) {
    return b64url(R"({"alg":"RS256","kid":"k8s"})") + "." +
           b64url(nlohmann::json{
               {"iss", k_issuer},
               {"sub", subject},
               {"aud", "api://AzureADTokenExchange"},
               {"exp",
                exp}}.dump()) +
           ".c2lnbmF0dXJl";
  };
  const std::string file = temp_path("federated-token");
  std::ofstream(file) << federated(k_subject) << "\n";
  WorkloadIdentityCredential credential(lab.config.cloud.authority, lab.tenant(), k_workload_app,
                                        file, lab.context());
  CHECK(lab.arm_get(credential) == 200);

  SECTION("a token for another subject matches no federated credential")
  {
    std::ofstream(file) << federated("system:serviceaccount:other:sa");
    WorkloadIdentityCredential other(lab.config.cloud.authority, lab.tenant(), k_workload_app, file,
                                     lab.context());
    const std::string message = test::token_error(other, lab.config.cloud.arm_audience);
    CHECK(message.rfind("workload identity: the token endpoint answered 401 invalid_client: "
                        "AADSTS70021: No matching "
                        "federated identity record found for presented assertion.",
                        0) == 0);
    CHECK(message.find("c2lnbmF0dXJl") == std::string::npos);
  }
  std::remove(file.c_str());
}

TEST_CASE("managed identity against the lab's IMDS and App Service imitations",
          "[credentials][lab][socket]")
{
  IdentityLab lab;
  ManagedIdentityOptions options;
  options.imds_endpoint = lab.base();
  SECTION("system-assigned over IMDS")
  {
    ManagedIdentityCredential credential(options, lab.context());
    CHECK(lab.arm_get(credential) == 200);
    CHECK(credential.info().client_id == lab.connection["clientId"]);
  }
  SECTION("user-assigned by client ID")
  {
    options.client_id = k_uami_app;
    ManagedIdentityCredential credential(options, lab.context());
    CHECK(lab.arm_get(credential) == 200);
    CHECK(credential.info().client_id == k_uami_app);
  }
  SECTION("an identity the host does not have is unavailable")
  {
    options.client_id = "not-assigned";
    ManagedIdentityCredential credential(options, lab.context());
    CHECK_THROWS_AS(credential.get_token(lab.config.cloud.arm_audience), CredentialUnavailable);
  }
  SECTION("App Service with the identity header")
  {
    options.identity_endpoint = lab.base() + "/msi/token";
    options.identity_header = lab.connection["clientSecret"];
    ManagedIdentityCredential credential(options, lab.context());
    CHECK(lab.arm_get(credential) == 200);
    options.identity_header = "not-the-identity-header";
    ManagedIdentityCredential wrong(options, lab.context());
    CHECK(test::token_error(wrong, lab.config.cloud.arm_audience) ==
          "managed identity (App Service): the App Service identity endpoint answered 401: The "
          "X-IDENTITY-HEADER "
          "header is missing or wrong.");
  }
}

TEST_CASE("the default chain against the lab: the cloud file's secret, or IMDS via "
          "DFTRIAGE_IMDS_ENDPOINT",
          "[credentials][lab][socket]")
{
  IdentityLab lab;
  std::map<std::string, std::string> env{{"PATH", "/nonexistent"}};
  DefaultCredentialOptions options;
  options.getenv = [&env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  SECTION("the lab's connection line")
  {
    auto chain = make_default_credential(lab.config, options);
    CHECK(lab.arm_get(*chain) == 200);
    CHECK(chain->info().credential == "client secret (cloud file lab)");
  }
  SECTION("no credentials in the file: managed identity answers")
  {
    env[DefaultCredentialOptions::k_imds_env] = lab.base();
    CloudConfig bare = lab.config;
    bare.credentials.reset();
    auto chain = make_default_credential(bare, options);
    CHECK(lab.arm_get(*chain) == 200);
    CHECK(chain->info().credential == "managed identity (IMDS)");
  }
}

TEST_CASE(
    "after a 401 the client drops the cached token and sends a new one (a token revoked early)",
    "[azure][credentials][lab]")
{
  // The lab revokes the token of the second ARM read before answering it.
  IdentityLab lab({"revoke-token:GET:2:path=/subscriptions/"});
  CountingTransport counting(*lab.transport);
  ClientSecretCredential credential(lab.config.cloud.authority, *lab.config.credentials,
                                    CredentialContext{&counting, {}, {}}, "cloud file lab");
  const auto first = credential.get_token(lab.config.cloud.arm_audience);
  CHECK(lab.arm_get(credential) == 200);
  // The cached token is now revoked: the 401 makes the client drop it and get another.
  CHECK(lab.arm_get(credential) == 200);
  const auto second = credential.get_token(lab.config.cloud.arm_audience);
  CHECK(second.token != first.token);
  CHECK(counting.count == 2); // two token requests: the first, and the one after the 401
  CHECK(lab.arm_get(credential) == 200);
}
