// The lab served on 127.0.0.1 (ephemeral ports only): HTTP, HTTPS with the generated
// CA, a fault rule, and the connection JSON.

#include "dftriage/lab/lab.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <httplib.h>

namespace {

std::string form(const nlohmann::ordered_json& c)
{
  return "grant_type=client_credentials&client_id=" + c["clientId"].get<std::string>() +
         "&client_secret=" + c["clientSecret"].get<std::string>() +
         "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
}

} // namespace

TEST_CASE("lab serves HTTP on 127.0.0.1 with fault rules", "[lab][socket]")
{
  dftriage::lab::LabOptions options;
  options.fault_rules = {"429:GET:1:retry-after=1", "drop:path=/dropme"};
  dftriage::lab::Lab lab(options);
  lab.start();
  const auto c = lab.connection();
  CHECK(c["cloud"]["endpoints"]["resourceManager"] ==
        "http://127.0.0.1:" + std::to_string(lab.port()) + "/");
  CHECK(c["cloud"]["suffixes"]["keyvaultDns"] == ".vault.localhost:" + std::to_string(lab.port()));
  CHECK(!c.contains("caCertificate"));

  httplib::Client client("127.0.0.1", lab.port());
  client.set_read_timeout(5, 0);
  auto token = client.Post("/" + c["tenantId"].get<std::string>() + "/oauth2/v2.0/token", form(c),
                           "application/x-www-form-urlencoded");
  REQUIRE(token);
  REQUIRE(token->status == 200);
  const std::string bearer =
      "Bearer " + nlohmann::json::parse(token->body)["access_token"].get<std::string>();
  const std::string path =
      "/subscriptions/" + c["subscriptionId"].get<std::string>() + "?api-version=2022-09-01";
  auto throttled = client.Get(path.c_str(), {{"Authorization", bearer}});
  REQUIRE(throttled);
  CHECK(throttled->status == 429);
  CHECK(throttled->get_header_value("retry-after") == "1");
  auto ok =
      client.Get(path.c_str(), {{"Authorization", bearer}, {"x-ms-client-request-id", "abc"}});
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->get_header_value("x-ms-client-request-id") == "abc");
  auto dropped = client.Get("/dropme");
  CHECK(!dropped); // the connection closed without a response
  lab.stop();
}

TEST_CASE("lab serves HTTPS with its generated CA", "[lab][socket]")
{
  const auto dir =
      std::filesystem::temp_directory_path() / ("dftriage-lab-test-" + std::to_string(::getpid()));
  dftriage::lab::LabOptions options;
  options.https = true;
  options.state_dir = dir.string();
  dftriage::lab::Lab lab(options);
  lab.start();
  const auto c = lab.connection();
  REQUIRE(c.contains("caCertificate"));
  CHECK((std::filesystem::status(dir / "server-key.pem").permissions() &
         std::filesystem::perms::others_read) == std::filesystem::perms::none);
  httplib::SSLClient client("127.0.0.1", lab.port());
  client.set_ca_cert_path(c["caCertificate"].get<std::string>().c_str());
  client.enable_server_certificate_verification(true);
  auto token = client.Post("/" + c["tenantId"].get<std::string>() + "/oauth2/v2.0/token", form(c),
                           "application/x-www-form-urlencoded");
  REQUIRE(token);
  CHECK(token->status == 200);
  lab.stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("lab refuses any bind address but loopback", "[lab]")
{
  dftriage::lab::LabOptions options;
  options.bind = "0.0.0.0";
  CHECK_THROWS_WITH(dftriage::lab::Lab(options), Catch::Contains("binds 127.0.0.1 only"));
}

TEST_CASE("lab served with --role and --deny restricts its principal", "[lab][socket][rbac]")
{
  dftriage::lab::LabOptions options;
  options.roles = {"Reader"};
  options.deny = {"secrets/list"};
  dftriage::lab::Lab lab(options);
  lab.start();
  const auto c = lab.connection();
  const std::string object_id = c.value("objectId", "");
  CHECK(object_id.size() == 36);
  CHECK(object_id != c["clientId"]);

  httplib::Client client("127.0.0.1", lab.port());
  client.set_read_timeout(5, 0);
  auto token = client.Post("/" + c["tenantId"].get<std::string>() + "/oauth2/v2.0/token", form(c),
                           "application/x-www-form-urlencoded");
  REQUIRE(token);
  REQUIRE(token->status == 200);
  const httplib::Headers bearer{
      {"Authorization",
       "Bearer " + nlohmann::json::parse(token->body)["access_token"].get<std::string>()}};
  const std::string sub = "/subscriptions/" + c["subscriptionId"].get<std::string>();
  auto rights = client.Get(
      (sub + "/providers/Microsoft.Authorization/permissions?api-version=2022-04-01").c_str(),
      bearer);
  REQUIRE(rights);
  CHECK(rights->status == 200);
  CHECK(nlohmann::json::parse(rights->body)["value"][0]["actions"] ==
        nlohmann::json::array({"*/read"}));
  auto write = client.Put(
      (sub + "/providers/Microsoft.Resources/tags/default?api-version=2025-04-01").c_str(), bearer,
      R"({"properties":{"tags":{"case":"1"}}})", "application/json");
  REQUIRE(write);
  CHECK(write->status == 403);
  CHECK(nlohmann::json::parse(write->body)["error"]["code"] == "AuthorizationFailed");
  lab.stop();
}

TEST_CASE("lab refuses a role that is not built in before it serves", "[lab][rbac]")
{
  dftriage::lab::LabOptions options;
  options.roles = {"Vault Janitor"};
  CHECK_THROWS_WITH(dftriage::lab::Lab(options),
                    Catch::StartsWith("--role: unknown built-in role \"Vault Janitor\"; expected "
                                      "one of \"Reader\", "));
}
