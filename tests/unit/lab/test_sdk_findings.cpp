// What Microsoft's Python SDK found the lab doing unlike Azure (tests/contract/
// sdk-against-lab), each pinned here without the SDK: the v1 token endpoint, an
// upper-case seed, a run command while one is in progress, a VM without an NSG, resources
// with their created and changed times, the subscriptions API's api-version.

#include "compute_fixture.hpp"
#include "lab/arm.hpp"
#include "lab/modules.hpp"
#include "lab/seed.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

std::string v1_form(const dftriage::lab::LabConfig& c, const std::string& resource)
{
  return "grant_type=client_credentials&client_id=" + c.client_id +
         "&client_secret=" + c.client_secret + (resource.empty() ? "" : "&resource=" + resource);
}

std::string management_ports(LabFixture& lab, const std::string& vm)
{
  lab.tenant.state().config.page_size = 50;
  const auto list = body_of(
      lab.send("GET", vm + "/providers/Microsoft.Security/assessments", k_assessments_version));
  for (const auto& a : list["value"]) {
    if (a["properties"]["displayName"] ==
        "Management ports should be closed on your virtual machines") {
      return a["properties"]["status"]["code"];
    }
  }
  return "";
}

} // namespace

TEST_CASE("lab v1 token endpoint issues a token for the resource asked", "[lab][identity]")
{
  LabFixture lab;
  const auto& c = lab.tenant.state().config;
  const std::string path = "/" + c.tenant_id + "/oauth2/token";
  auto r =
      lab.send("POST", path, {}, v1_form(c, "https%3A%2F%2Fmanagement.core.windows.net%2F"), "");
  REQUIRE(r.status == 200);
  const auto body = body_of(r);
  CHECK(body["token_type"] == "Bearer");
  CHECK(body["resource"] == "https://management.core.windows.net/");
  CHECK(body["expires_in"] == "3600"); // v1 gives times as strings
  CHECK(body["expires_on"].is_string());
  const std::string token = body["access_token"];
  CHECK(lab.send("GET", std::string("/subscriptions/") + k_sub, {{"api-version", "2022-09-01"}}, "",
                 token)
            .status == 200);
  // A token for ARM is not one for Key Vault.
  CHECK(lab.send("GET", "/secrets", {{"api-version", "7.4"}}, "", token, "kv1.vault.localhost")
            .status == 401);

  auto none = lab.send("POST", path, {}, v1_form(c, ""), "");
  CHECK(none.status == 400);
  CHECK(body_of(none)["error_description"].get<std::string>().find("'resource'") !=
        std::string::npos);
  auto unknown = lab.send("POST", path, {}, v1_form(c, "https%3A%2F%2Fexample.org"), "");
  CHECK(unknown.status == 400);
  CHECK(body_of(unknown)["error"] == "invalid_resource");
  // A scope there is MSAL asking an AD FS authority (az signing in to the lab).
  auto adfs =
      lab.send("POST", "/adfs/oauth2/token", {},
               v1_form(c, "") + "&scope=https%3A%2F%2Fmanagement.core.windows.net%2F.default", "");
  CHECK(adfs.status == 200);
  CHECK(body_of(adfs)["expires_in"] == 3600);
  // The v2.0 endpoint still wants a scope.
  CHECK(lab.send("POST", "/" + c.tenant_id + "/oauth2/v2.0/token", {},
                 v1_form(c, "https%3A%2F%2Fmanagement.core.windows.net%2F"), "")
            .status == 400);
}

TEST_CASE("lab seeds from an upper-case export keep Azure's stored case", "[lab]")
{
  LabFixture lab;
  std::string text = example_alert("keyvault-tor.json");
  // Every resource ID of the export shouted, as Defender's exports often are.
  const std::string quiet = "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";
  const std::string loud = "/SUBSCRIPTIONS/4C1A2F07-3D5E-4B8A-9F61-2E7D8C0B5A13";
  for (auto at = text.find(quiet); at != std::string::npos; at = text.find(quiet, at)) {
    text.replace(at, quiet.size(), loud);
  }
  for (auto at = text.find("resourceGroups/"); at != std::string::npos;
       at = text.find("resourceGroups/", at)) {
    text.replace(at, 15, "RESOURCEGROUPS/");
  }
  REQUIRE(text.find(quiet) == std::string::npos);
  CHECK(dftriage::lab::seed_subscription(text, "loud.json") ==
        "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13");
  dftriage::lab::apply_seed(lab.tenant.state(), text, "loud.json");
  std::vector<std::string> ids;
  for (const auto& [key, resource] : lab.tenant.state().resources) {
    const std::string id = resource.value("id", "");
    if (key.find("4c1a2f07") != std::string::npos) {
      ids.push_back(id);
      CHECK(id.rfind(quiet, 0) == 0);
      CHECK(id.find("RESOURCEGROUPS") == std::string::npos);
    }
  }
  CHECK(std::find_if(ids.begin(), ids.end(), [](const std::string& id) {
          return id.find("/resourceGroups/") != std::string::npos &&
                 id.find("/providers/Microsoft.KeyVault/vaults/kv-payments-prod") !=
                     std::string::npos;
        }) != ids.end());
}

TEST_CASE("lab run command: busy until a poll has seen the previous one end", "[lab][compute]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string body = R"({"commandId":"RunShellScript","script":["echo hi"]})";
  auto started = lab.send("POST", k_vm2 + "/runCommand", k_compute_version, body);
  REQUIRE(started.status == 202);
  // One poll: the client sees InProgress. Azure still runs it, so the next one is refused.
  auto seen = send_url(lab, "GET", *started.header("Azure-AsyncOperation"));
  REQUIRE(body_of(seen)["status"] == "InProgress");
  auto second = lab.send("POST", k_vm2 + "/runCommand", k_compute_version, body);
  CHECK(second.status == 409);
  CHECK(body_of(second)["error"]["code"] == "Conflict");
  // Polled to the end (here through Location), the VM takes the next one.
  REQUIRE(poll_location(lab, started).status == 200);
  CHECK(lab.send("POST", k_vm2 + "/runCommand", k_compute_version, body).status == 202);
}

TEST_CASE("lab management-ports assessment: no NSG on the NIC nor its subnet is Unhealthy",
          "[lab][security]")
{
  LabFixture lab;
  seed_compute(lab); // vm2-nic has no NSG, and its subnet none either
  CHECK(management_ports(lab, k_vm2) == "Unhealthy");

  SECTION("an NSG on the subnet that keeps 22 and 3389 closed protects it")
  {
    const std::string nsg = k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/subnet-nsg";
    REQUIRE(lab.send("PUT", nsg, k_network_version,
                     R"({"location":"westeurope","properties":{"securityRules":[]}})")
                .status == 201);
    const std::string vnet = k_rg1 + "/providers/Microsoft.Network/virtualNetworks/rg1-vnet";
    dftriage::lab::put_resource(
        lab.tenant.state(),
        Json{{"id", vnet},
             {"name", "rg1-vnet"},
             {"type", "Microsoft.Network/virtualNetworks"},
             {"location", "westeurope"},
             {"properties",
              {{"subnets",
                Json::array({{{"name", "default"},
                              {"id", vnet + "/subnets/default"},
                              {"properties", {{"networkSecurityGroup", {{"id", nsg}}}}}}})}}}});
    CHECK(management_ports(lab, k_vm2) == "Healthy");
  }
}

TEST_CASE("lab resources list gives createdTime and changedTime when expanded", "[lab]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string path = std::string("/subscriptions/") + k_sub + "/resources";
  lab.tenant.state().config.page_size = 50;
  const auto plain = body_of(lab.send("GET", path, {{"api-version", "2021-04-01"}}));
  REQUIRE(!plain["value"].empty());
  CHECK(!plain["value"][0].contains("createdTime"));
  const std::string before = lab.tenant.state().now_iso();
  lab.advance(60);
  auto tagged = lab.send("PATCH", k_nsg1, k_network_version, R"({"tags":{"case":"1"}})");
  REQUIRE(tagged.status == 200);
  const auto expanded = body_of(lab.send(
      "GET", path, {{"api-version", "2021-04-01"}, {"$expand", "createdTime,changedTime"}}));
  for (const auto& r : expanded["value"]) {
    INFO(r["id"]);
    REQUIRE(r.contains("createdTime"));
    REQUIRE(r.contains("changedTime"));
    CHECK(r["changedTime"].get<std::string>() >= r["createdTime"].get<std::string>());
    if (r["id"] == k_vm1) {
      CHECK(r["createdTime"] ==
            body_of(lab.send("GET", k_vm1, k_compute_version))["properties"]["timeCreated"]);
    }
  }
  (void)before;
}

TEST_CASE("lab subscriptions answer azure-mgmt-resource's api-version 2021-01-01", "[lab]")
{
  LabFixture lab;
  CHECK(lab.send("GET", "/subscriptions", {{"api-version", "2021-01-01"}}).status == 200);
}

TEST_CASE("lab Key Vault certificates: cer and csr are padded base64, and 7.4-preview.1 is served",
          "[lab][keyvault]")
{
  LabFixture lab;
  auto& state = lab.tenant.state();
  dftriage::lab::seed_vault_objects(state, "kv1", 1);
  const std::string token = lab.token("https://vault.azure.net/.default");
  const std::string host = "kv1.vault.localhost";
  // The standard alphabet with '=' padding, as Key Vault gives them and as
  // azure-keyvault-certificates decodes them (base64.b64decode).
  const auto is_base64 = [](const std::string& s) {
    return !s.empty() && s.size() % 4 == 0 &&
           s.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
               std::string::npos &&
           s.rfind("MII", 0) == 0; // a DER SEQUENCE with a two-byte length
  };
  auto cert = lab.send("GET", "/certificates/payments-tls", {{"api-version", "7.4-preview.1"}}, "",
                       token, host);
  REQUIRE(cert.status == 200);
  CHECK(is_base64(body_of(cert)["cer"]));
  const Json create{
      {"policy", {{"issuer", {{"name", "Unknown"}}}, {"x509_props", {{"subject", "CN=manual"}}}}}};
  auto pending = lab.send("POST", "/certificates/manual/create", {{"api-version", "7.4"}},
                          create.dump(), token, host);
  REQUIRE(pending.status == 202);
  CHECK(is_base64(body_of(pending)["csr"]));
}
