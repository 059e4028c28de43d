// Clouds: the built-in ones, `az cloud show -o json` files, the lab's connection line,
// and the errors of a bad file.

#include "dftriage/azure/cloud_config.hpp"
#include "dftriage/util/error.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace dftriage;
using namespace dftriage::azure;

namespace {

// What `az cloud show -o json` prints for AzureUSGovernment (az 2.45, abridged).
const char* const k_az_cloud_show = R"({
  "endpoints": {
    "activeDirectory": "https://login.microsoftonline.us",
    "activeDirectoryDataLakeResourceId": null,
    "activeDirectoryGraphResourceId": "https://graph.windows.net/",
    "activeDirectoryResourceId": "https://management.core.usgovcloudapi.net/",
    "logAnalyticsResourceId": "https://api.loganalytics.us",
    "management": "https://management.core.usgovcloudapi.net/",
    "microsoftGraphResourceId": "https://graph.microsoft.us/",
    "resourceManager": "https://management.usgovcloudapi.net/",
    "sqlManagement": "https://management.core.usgovcloudapi.net:8443/"
  },
  "isActive": false,
  "name": "AzureUSGovernment",
  "profile": "latest",
  "suffixes": {
    "acrLoginServerEndpoint": ".azurecr.us",
    "keyvaultDns": ".vault.usgovcloudapi.net",
    "sqlServerHostname": ".database.usgovcloudapi.net",
    "storageEndpoint": "core.usgovcloudapi.net"
  }
})";

const std::string k_cloud_canary = "CANARY-cloud-secret-7f3a";

std::string lab_line(const std::string& ca = "/var/lab/ca.pem")
{
  return R"({"cloud":{"name":"DftriageLab","endpoints":{"resourceManager":"http://127.0.0.1:8443/",
    "activeDirectory":"http://127.0.0.1:8443","activeDirectoryResourceId":"http://127.0.0.1:8443/",
    "microsoftGraphResourceId":"http://127.0.0.1:8443/","logAnalyticsResourceId":"http://127.0.0.1:8443"},
    "suffixes":{"keyvaultDns":".vault.localhost:8443"}},
    "tenantId":"11111111-1111-1111-1111-111111111111","clientId":"22222222-2222-2222-2222-222222222222",
    "clientSecret":")" +
         k_cloud_canary +
         R"(","subscriptionId":"00000000-0000-0000-0000-0000000000aa","caCertificate":")" + ca +
         R"("})";
}

std::string cloud_error(const std::string& text, const std::string& source = "cloud.json")
{
  try {
    parse_cloud_config(text, source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("the built-in clouds name every endpoint and audience", "[cloud]")
{
  SECTION("AzureCloud")
  {
    const Cloud* c = builtin_cloud("AzureCloud");
    REQUIRE(c != nullptr);
    CHECK(c == &public_cloud());
    CHECK(c->authority == "https://login.microsoftonline.com");
    CHECK(c->resource_manager == "https://management.azure.com");
    CHECK(c->keyvault_suffix == ".vault.azure.net");
    CHECK(c->graph == "https://graph.microsoft.com");
    CHECK(c->log_analytics == "https://api.loganalytics.io");
    CHECK(c->audience("arm") == "https://management.core.windows.net/");
    CHECK(c->audience("keyvault") == "https://vault.azure.net");
    CHECK(c->audience("graph") == "https://graph.microsoft.com/");
    CHECK(c->audience("loganalytics") == "https://api.loganalytics.io");
  }
  SECTION("AzureChinaCloud")
  {
    const Cloud* c = builtin_cloud("AzureChinaCloud");
    REQUIRE(c != nullptr);
    CHECK(c->authority == "https://login.chinacloudapi.cn");
    CHECK(c->resource_manager == "https://management.chinacloudapi.cn");
    CHECK(c->keyvault_suffix == ".vault.azure.cn");
    CHECK(c->graph == "https://microsoftgraph.chinacloudapi.cn");
    CHECK(c->log_analytics == "https://api.loganalytics.azure.cn");
    CHECK(c->audience("arm") == "https://management.core.chinacloudapi.cn/");
    CHECK(c->audience("keyvault") == "https://vault.azure.cn");
    CHECK(c->audience("graph") == "https://microsoftgraph.chinacloudapi.cn/");
    CHECK(c->audience("loganalytics") == "https://api.loganalytics.azure.cn");
  }
  SECTION("AzureUSGovernment")
  {
    const Cloud* c = builtin_cloud("azureusgovernment"); // names are case-insensitive
    REQUIRE(c != nullptr);
    CHECK(c->name == "AzureUSGovernment");
    CHECK(c->authority == "https://login.microsoftonline.us");
    CHECK(c->resource_manager == "https://management.usgovcloudapi.net");
    CHECK(c->keyvault_suffix == ".vault.usgovcloudapi.net");
    CHECK(c->graph == "https://graph.microsoft.us");
    CHECK(c->log_analytics == "https://api.loganalytics.us");
    CHECK(c->audience("arm") == "https://management.core.usgovcloudapi.net/");
    CHECK(c->audience("keyvault") == "https://vault.usgovcloudapi.net");
    CHECK(c->audience("graph") == "https://graph.microsoft.us/");
    CHECK(c->audience("loganalytics") == "https://api.loganalytics.us");
  }
  SECTION("names")
  {
    CHECK(builtin_cloud_names() ==
          std::vector<std::string>{"AzureCloud", "AzureChinaCloud", "AzureUSGovernment"});
    CHECK(builtin_cloud("AzureGermanCloud") == nullptr);
    CHECK_THROWS_WITH(
        public_cloud().audience("storage"),
        "unknown token audience \"storage\"; expected arm, keyvault, graph or loganalytics");
  }
}

TEST_CASE("a cloud file in the format of az cloud show -o json", "[cloud]")
{
  const auto config = parse_cloud_config(k_az_cloud_show, "usgov.json");
  const Cloud& c = config.cloud;
  CHECK(c.name == "AzureUSGovernment");
  CHECK(c.resource_manager == "https://management.usgovcloudapi.net"); // trailing '/' dropped
  CHECK(c.authority == "https://login.microsoftonline.us");
  CHECK(c.arm_audience == "https://management.core.usgovcloudapi.net/"); // audiences kept as given
  CHECK(c.graph == "https://graph.microsoft.us");
  CHECK(c.graph_audience == "https://graph.microsoft.us/");
  CHECK(c.log_analytics == "https://api.loganalytics.us");
  CHECK(c.keyvault_suffix == ".vault.usgovcloudapi.net");
  CHECK(c.keyvault_audience == "https://vault.usgovcloudapi.net");
  CHECK(c.ca_bundle.empty());
  CHECK_FALSE(config.credentials);
  CHECK(config.subscription_id.empty());
  CHECK(config.source == "usgov.json");
  // The same values as the built-in cloud of that name.
  const Cloud* builtin = builtin_cloud("AzureUSGovernment");
  for (const char* audience : {"arm", "keyvault", "graph", "loganalytics"}) {
    CHECK(c.audience(audience) == builtin->audience(audience));
  }

  SECTION("Graph and Log Analytics are optional; asking for them then names the field")
  {
    const auto bare =
        parse_cloud_config(R"({"endpoints":{"resourceManager":"https://arm.stack.local",
      "activeDirectory":"https://login.stack.local","activeDirectoryResourceId":"https://arm.stack.local/"},
      "suffixes":{"keyvaultDns":".vault.stack.local"}})",
                           "stack.json");
    CHECK(bare.cloud.name == "custom");
    CHECK(bare.cloud.graph.empty());
    CHECK_THROWS_WITH(bare.cloud.audience("graph"),
                      "the cloud \"custom\" defines no Microsoft Graph endpoint "
                      "(endpoints.microsoftGraphResourceId)");
    CHECK_THROWS_WITH(bare.cloud.audience("loganalytics"),
                      "the cloud \"custom\" defines no Log Analytics endpoint "
                      "(endpoints.logAnalyticsResourceId)");
  }
}

TEST_CASE("a cloud file that is the lab's connection line", "[cloud]")
{
  const auto config = parse_cloud_config(lab_line(), "/tmp/lab.json");
  CHECK(config.cloud.name == "DftriageLab");
  CHECK(config.cloud.resource_manager == "http://127.0.0.1:8443");
  CHECK(config.cloud.authority == "http://127.0.0.1:8443");
  CHECK(config.cloud.arm_audience == "http://127.0.0.1:8443/");
  CHECK(config.cloud.keyvault_suffix == ".vault.localhost:8443");
  CHECK(config.cloud.keyvault_audience == "https://vault.localhost:8443");
  CHECK(config.cloud.ca_bundle == "/var/lab/ca.pem");
  REQUIRE(config.credentials);
  CHECK(config.credentials->tenant_id == "11111111-1111-1111-1111-111111111111");
  CHECK(config.credentials->client_id == "22222222-2222-2222-2222-222222222222");
  CHECK(config.credentials->client_secret == k_cloud_canary);
  CHECK(config.subscription_id == "00000000-0000-0000-0000-0000000000aa");

  SECTION("a relative CA path is taken from the file's folder")
  {
    CHECK(parse_cloud_config(lab_line("ca.pem"), "/srv/lab/conn.json").cloud.ca_bundle ==
          "/srv/lab/ca.pem");
  }
}

TEST_CASE("a bad cloud file is reported with its position or field, never its secret", "[cloud]")
{
  SECTION("malformed JSON: file, line and column")
  {
    const std::string text =
        "{\n  \"endpoints\": {\n    \"resourceManager\": \"https://x\"\n    \"activeDirectory\"";
    CHECK(cloud_error(text) ==
          "cloud.json:4:21: syntax error while parsing object: unexpected string "
          "literal; expected '}'");
  }
  SECTION("a malformed lab line does not echo the secret")
  {
    std::string text = lab_line();
    text.insert(text.find(k_cloud_canary) + 4,
                "\""); // "CANA"RY... breaks the JSON inside the secret
    const std::string message = cloud_error(text, "lab.json");
    CHECK(message.rfind("lab.json:", 0) == 0);
    CHECK(message.find("CANA") == std::string::npos);
    CHECK(message.find("RY-cloud") == std::string::npos);
  }
  SECTION("missing fields are named by JSON pointer")
  {
    CHECK(cloud_error(R"({"suffixes":{}})") ==
          "cloud.json: /endpoints: missing; a cloud file needs it");
    CHECK(cloud_error(R"({"endpoints":{"activeDirectory":"https://l"},"suffixes":{}})") ==
          "cloud.json: /endpoints/resourceManager: missing; a cloud file needs it");
    CHECK(cloud_error(R"({"endpoints":{"resourceManager":"https://m","activeDirectory":"https://l",
                     "activeDirectoryResourceId":"https://m/"},"suffixes":{}})") ==
          "cloud.json: /suffixes/keyvaultDns: missing; a cloud file needs it");
    CHECK(cloud_error(R"({"cloud":{"endpoints":{},"suffixes":{}}})") ==
          "cloud.json: /cloud/endpoints/resourceManager: missing; a cloud file needs it");
  }
  SECTION("wrong types and values")
  {
    CHECK(cloud_error("[]") == "cloud.json: : expected a JSON object, got array");
    CHECK(cloud_error(R"({"endpoints":{"resourceManager":42},"suffixes":{}})") ==
          "cloud.json: /endpoints/resourceManager: expected a string, got number");
    CHECK(
        cloud_error(R"({"endpoints":{"resourceManager":"management.azure.com"},"suffixes":{}})") ==
        "cloud.json: /endpoints/resourceManager: expected an absolute http(s) URL, got "
        "\"management.azure.com\"");
    CHECK(cloud_error(R"({"endpoints":{"resourceManager":"https://m","activeDirectory":"https://l",
                     "activeDirectoryResourceId":"https://m/"},"suffixes":{"keyvaultDns":"vault.x"}})") ==
          "cloud.json: /suffixes/keyvaultDns: expected a DNS suffix starting with '.', got "
          "\"vault.x\"");
  }
  SECTION("a secret of the wrong type is not quoted, a secret without its client is refused")
  {
    std::string text = lab_line();
    text.replace(text.find("\"" + k_cloud_canary + "\""), k_cloud_canary.size() + 2, "12345");
    CHECK(cloud_error(text) == "cloud.json: /clientSecret: expected a string, got number");
    std::string no_client = lab_line();
    no_client.replace(no_client.find("\"clientId\""), 10, "\"clientIdX\"");
    const std::string message = cloud_error(no_client);
    CHECK(message == "cloud.json: /clientId: missing; a clientSecret needs tenantId and clientId");
    CHECK(message.find(k_cloud_canary) == std::string::npos);
  }
  SECTION("a rejected value holding the secret is quoted with the secret cut out")
  {
    // The fuzzer's find (CI, session 17): the secret pasted into an endpoint, written with a
    // JSON escape so that the file holds it once.
    std::string text = lab_line();
    const std::string endpoint = "\"http://127.0.0.1:8443/\"";
    text.replace(text.find(endpoint), endpoint.size(),
                 R"("ftp://\u0043ANARY-cloud-secret-7f3a/x")");
    const std::string message = cloud_error(text);
    CHECK(message.find(k_cloud_canary) == std::string::npos);
    CHECK(message.find("\"ftp://<clientSecret>/x\"") != std::string::npos);
    CHECK(cloud_error(R"({"endpoints":{"resourceManager":"x\u00e9-secret"},"suffixes":{},
                     "clientSecret":"\u00e9-secret"})") ==
          "cloud.json: /endpoints/resourceManager: expected an absolute http(s) URL, got "
          "\"x<clientSecret>\"");
  }
}

TEST_CASE("load_cloud and resolve_cloud pick a built-in name or a file", "[cloud]")
{
  const std::string path =
      std::string(P_tmpdir) + "/dftriage-test-cloud-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << k_az_cloud_show;

  SECTION("names and paths")
  {
    CHECK(load_cloud("AzureChinaCloud").cloud.name == "AzureChinaCloud");
    CHECK(load_cloud("AzureChinaCloud").source == "built-in");
    CHECK(load_cloud(path).cloud.authority == "https://login.microsoftonline.us");
    CHECK(load_cloud(path).source == path);
  }
  SECTION("an unknown name lists the known ones")
  {
    CHECK_THROWS_AS(load_cloud("AzureCloudd"), UsageError);
    CHECK_THROWS_WITH(
        load_cloud("AzureCloudd"),
        "unknown cloud \"AzureCloudd\"; expected one of AzureCloud, AzureChinaCloud, "
        "AzureUSGovernment or the path of a cloud JSON file; did you mean \"AzureCloud\"?");
    CHECK_THROWS_WITH(load_cloud("mars"),
                      "unknown cloud \"mars\"; expected one of AzureCloud, AzureChinaCloud, "
                      "AzureUSGovernment or the path of a cloud JSON file");
  }
  SECTION("a missing file")
  {
    CHECK_THROWS_AS(load_cloud("/nonexistent/cloud.json"), InputError);
    CHECK_THROWS_WITH(
        load_cloud("/nonexistent/cloud.json"),
        "/nonexistent/cloud.json: cannot open the cloud file (No such file or directory)");
  }
  SECTION("--cloud, then DFTRIAGE_CLOUD, then AzureCloud")
  {
    CHECK(resolve_cloud("AzureChinaCloud", path.c_str()).cloud.name == "AzureChinaCloud");
    CHECK(resolve_cloud("", path.c_str()).cloud.name == "AzureUSGovernment");
    CHECK(resolve_cloud("", "").cloud.name == "AzureCloud");
    CHECK(resolve_cloud("", nullptr).cloud.name == "AzureCloud");
  }
  std::remove(path.c_str());
}
