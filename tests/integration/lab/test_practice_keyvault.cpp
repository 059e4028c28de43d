// The Key Vault actions a responder uses after a vault is read by an attacker, run
// against the lab over HTTPS through the real azure::Client, as the executor runs them:
// pre-image read, refusal check, pre-image values filled in, request sent (long-running
// operations polled). The lab seeded from the Key Vault alert holds kv-payments-prod with
// key signing-key and the self-issued certificate payments-tls.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "lab/util.hpp"
#include "support/example_ids.hpp"
#include "support/lab_session.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

using test::k_example_kv_attacker;
using test::k_example_vault;

const std::string k_tor_ip = "185.220.101.47";

// What running one action gave: its pre-image, the refusal it gave, the responses.
struct VaultActionRun
{
  azure::PreImage pre;
  std::string refused;
  std::vector<azure::Response> responses;
};

// Runs `action` as the executor does; stops at a refusal. Lists every page when `list`.
VaultActionRun run_vault_action(test::LabSession& lab, const std::string& action, Json args,
                                std::vector<Json>* list = nullptr)
{
  if (args.contains("vault") && args["vault"] == "") {
    args["vault"] = k_example_vault;
  }
  const auto* spec = azure::find_action(action);
  REQUIRE(spec != nullptr);
  const auto checked = azure::check_args(*spec, args);
  const auto requests = spec->build(checked, lab.cloud);
  VaultActionRun out;
  for (const auto& r : requests.pre_image) {
    try {
      const auto response = lab.client->send(r);
      out.pre.push_back({response.status, response.body});
    } catch (const azure::AzureError& e) {
      REQUIRE(e.http_status() == 404);
      out.pre.push_back({404, nullptr});
    }
  }
  out.refused = spec->refuse ? spec->refuse(checked, out.pre) : std::string();
  if (!out.refused.empty()) {
    return out;
  }
  for (auto r : requests.requests) {
    if (r.body) {
      r.body = azure::resolve_pre_image(*r.body, out.pre);
    }
    if (list != nullptr) {
      *list = lab.client->list(r);
    } else {
      out.responses.push_back(lab.client->send(r));
    }
  }
  return out;
}

// Returns the versions of a key or certificate, oldest first as the lab lists them.
std::vector<Json> versions(test::LabSession& lab, const std::string& kind, const std::string& name)
{
  std::vector<Json> items;
  run_vault_action(lab, "keyvault." + kind + ".versions.list", {{"vault", ""}, {"name", name}},
                   &items);
  return items;
}

std::string version_of(const Json& item)
{
  const std::string id = item.contains("kid") ? item["kid"] : item["id"];
  return id.substr(id.rfind('/') + 1);
}

// Returns the query's rows as objects (column name -> value).
std::vector<Json> rows_of(const azure::Response& answer)
{
  std::vector<Json> out;
  const auto& table = answer.body["tables"][0];
  for (const auto& row : table["rows"]) {
    Json object = Json::object();
    for (std::size_t i = 0; i < table["columns"].size(); ++i) {
      object[table["columns"][i]["name"].get<std::string>()] = row[i];
    }
    out.push_back(std::move(object));
  }
  return out;
}

} // namespace

TEST_CASE(
    "lab: keyvault.key.rotate makes a new current version and the old one can then be disabled",
    "[lab][keyvault][practice]")
{
  test::LabSession lab({test::k_kv_alert});
  const auto before = versions(lab, "key", "signing-key");
  REQUIRE(before.size() == 1);
  const std::string old_version = version_of(before[0]);

  // The current version cannot be disabled: the refusal says to rotate first.
  const auto too_early =
      run_vault_action(lab, "keyvault.key.disable",
                       {{"vault", ""}, {"name", "signing-key"}, {"version", old_version}});
  CHECK(too_early.refused ==
        "version \"" + old_version +
            "\" of key \"signing-key\" is its current version: rotate first (keyvault.key.rotate), "
            "or everything using it fails");
  CHECK(too_early.responses.empty());

  const auto rotated =
      run_vault_action(lab, "keyvault.key.rotate", {{"vault", ""}, {"name", "signing-key"}});
  REQUIRE(rotated.pre.size() == 1);
  CHECK(version_of(rotated.pre[0].body["key"]) == old_version);
  REQUIRE(rotated.responses.size() == 1);
  const std::string new_version = version_of(rotated.responses[0].body["key"]);
  CHECK(new_version != old_version);
  CHECK(rotated.responses[0].body["attributes"]["enabled"] == true);

  const auto after = versions(lab, "key", "signing-key");
  REQUIRE(after.size() == 2);
  CHECK(version_of(after[0]) == old_version);
  CHECK(after[0]["attributes"]["enabled"] == true); // rotating leaves the old version usable
  CHECK(version_of(after[1]) == new_version);

  const auto disabled =
      run_vault_action(lab, "keyvault.key.disable",
                       {{"vault", ""}, {"name", "signing-key"}, {"version", old_version}});
  CHECK(disabled.refused.empty());
  REQUIRE(disabled.responses.size() == 1);
  CHECK(versions(lab, "key", "signing-key")[0]["attributes"]["enabled"] == false);
  // Undo re-enables it, from the versions list captured before.
  const auto* spec = azure::find_action("keyvault.key.disable");
  const auto undo = spec->revert(
      azure::check_args(
          *spec, {{"vault", k_example_vault}, {"name", "signing-key"}, {"version", old_version}}),
      disabled.pre, lab.cloud);
  REQUIRE(undo.size() == 1);
  lab.client->send(undo[0]);
  CHECK(versions(lab, "key", "signing-key")[0]["attributes"]["enabled"] == true);
}

TEST_CASE(
    "lab: keyvault.certificate.create re-issues a self-issued certificate at once under its policy",
    "[lab][keyvault][practice]")
{
  test::LabSession lab({test::k_kv_alert});
  const std::string old_version = version_of(versions(lab, "certificate", "payments-tls").at(0));
  const auto reissued = run_vault_action(lab, "keyvault.certificate.create",
                                         {{"vault", ""}, {"name", "payments-tls"}});
  REQUIRE(reissued.pre.size() == 2);
  CHECK(reissued.pre[0].body["issuer"]["name"] == "Self");
  CHECK(reissued.pre[1].status == 404); // no operation pending before
  REQUIRE(reissued.responses.size() == 1);
  // The client followed the 202's Location to the pending operation: completed.
  const auto& operation = reissued.responses[0].body;
  CHECK(operation["status"] == "completed");
  CHECK_THAT(operation["id"].get<std::string>(),
             Catch::EndsWith("/certificates/payments-tls/pending"));
  CHECK_THAT(operation["target"].get<std::string>(), Catch::EndsWith("/certificates/payments-tls"));

  const auto after = versions(lab, "certificate", "payments-tls");
  REQUIRE(after.size() == 2);
  CHECK(version_of(after[0]) == old_version);
  CHECK(after[1]["attributes"]["enabled"] == true);
  // The old version is no longer current: it can be disabled now.
  const auto disabled =
      run_vault_action(lab, "keyvault.certificate.disable",
                       {{"vault", ""}, {"name", "payments-tls"}, {"version", old_version}});
  CHECK(disabled.refused.empty());
  CHECK(disabled.responses.size() == 1);
}

TEST_CASE("lab: the vault firewall keeps out a caller outside its IP rules, with Key Vault's 403",
          "[lab][keyvault][practice]")
{
  test::LabSession lab({test::k_kv_alert});
  azure::Request vnet;
  vnet.method = "PATCH";
  vnet.url = lab.cloud.resource_manager + k_example_vault + "?api-version=2026-02-01";
  vnet.audience = "arm";
  const Json rule{
      {"id", "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-net/providers/"
             "Microsoft.Network/virtualNetworks/app/subnets/payments"},
      {"ignoreMissingVnetServiceEndpoint", false}};
  vnet.body =
      Json{{"properties", {{"networkAcls", {{"virtualNetworkRules", Json::array({rule})}}}}}};
  lab.client->send(vnet);

  CHECK_THROWS_WITH(
      run_vault_action(
          lab, "keyvault.firewall.enable",
          {{"vault", ""}, {"allowedIps", {"185.220.0.0/16"}}, {"blockedIps", {k_tor_ip}}}),
      Catch::StartsWith("parameter blockedIps: \"185.220.101.47\" is inside the allowed range"));
  const auto closed = run_vault_action(
      lab, "keyvault.firewall.enable",
      {{"vault", ""}, {"allowedIps", {"203.0.113.0/24"}}, {"blockedIps", {k_tor_ip}}});
  REQUIRE(closed.responses.size() == 1);
  // The application's subnet is still allowed: no outage for the vault's own users.
  CHECK(closed.responses[0].body["properties"]["networkAcls"]["virtualNetworkRules"] ==
        Json::array({rule}));
  CHECK(closed.responses[0].body["properties"]["networkAcls"]["defaultAction"] == "Deny");

  try {
    run_vault_action(lab, "keyvault.secrets.list", {{"vault", ""}});
    FAIL("the data plane let 127.0.0.1 in");
  } catch (const azure::AzureError& e) {
    CHECK(e.http_status() == 403);
    CHECK(e.code() == "Forbidden");
    CHECK_THAT(
        e.info().message,
        Catch::StartsWith("Client address is not authorized and caller is not a trusted service."));
    CHECK_THAT(e.info().message, Catch::Contains("Client address: 127.0.0.1"));
    CHECK_THAT(e.info().message, Catch::Contains("Vault: kv-payments-prod;location=westeurope"));
    REQUIRE(!e.info().details.empty());
    CHECK(e.info().details[0].code == "ForbiddenByFirewall");
  }
  // The management plane is not behind the vault's firewall; letting the lab's own
  // address in opens the data plane again.
  run_vault_action(lab, "keyvault.firewall.enable",
                   {{"vault", ""}, {"allowedIps", {"203.0.113.0/24", "127.0.0.0/8"}}});
  std::vector<Json> secrets;
  run_vault_action(lab, "keyvault.secrets.list", {{"vault", ""}}, &secrets);
  CHECK(secrets.size() == 4);
}

TEST_CASE("lab: keyvault.diagnostics.query reads AzureDiagnostics and AZKVAuditLogs, by IP, object "
          "ID and time",
          "[lab][keyvault][practice]")
{
  const auto scenario = std::filesystem::temp_directory_path() /
                        ("dftriage-kv-audit-" + std::to_string(::getpid()) + ".json");
  const std::string resource =
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourcegroups/rg-payments-prod/"
      "providers/microsoft.keyvault/vaults/kv-payments-prod";
  const Json row{
      {"Type", "AZKVAuditLogs"},
      {"TimeGenerated", "2026-11-27T08:01:10.0000000Z"},
      {"_ResourceId", resource},
      {"OperationName", "KeyDecrypt"},
      {"CallerIpAddress", k_tor_ip},
      {"Identity",
       {{"claim",
         {{"http://schemas.microsoft.com/identity/claims/objectidentifier", k_example_kv_attacker},
          {"appid", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"}}}}},
      {"RequestUri", "https://kv-payments-prod.vault.azure.net/keys/signing-key/decrypt"},
      {"ResultSignature", "OK"},
      {"HttpStatusCode", 200},
      {"ClientInfo", "python/3.11.4"}};
  Json later = row;
  later["TimeGenerated"] = "2026-11-29T08:00:00.0000000Z";
  later["OperationName"] = "KeySign";
  {
    std::ofstream out(scenario);
    out << Json{{"scenario", 1}, {"diagnostics", Json::array({row, later})}}.dump();
  }
  test::LabSession lab({test::k_kv_alert, scenario.string()});
  std::filesystem::remove(scenario);
  const std::string workspace = lab::stable_guid("workspace/kv-payments-prod");

  const auto by_ip = run_vault_action(lab, "keyvault.diagnostics.query",
                                      {{"workspaceId", workspace},
                                       {"vault", ""},
                                       {"callerIp", k_tor_ip},
                                       {"start", "2026-11-27T07:00:00Z"},
                                       {"end", "2026-11-27T09:00:00Z"}});
  const auto rows = rows_of(by_ip.responses.at(0));
  // The alert's seeded reads (AzureDiagnostics: a list and three gets) and the decrypt;
  // not the sign, after the window.
  REQUIRE(rows.size() == 5);
  CHECK(rows[0]["OperationName"] == "KeyDecrypt"); // newest first
  CHECK(rows[0]["CallerObjectId"] == k_example_kv_attacker);
  CHECK(rows[0]["HttpStatusCode"] == 200);
  CHECK(rows[1]["OperationName"] == "SecretGet");
  CHECK(rows[1]["CallerObjectId"] == k_example_kv_attacker);
  CHECK(rows[1]["HttpStatusCode"] == 200);
  const auto& columns = by_ip.responses[0].body["tables"][0]["columns"];
  CHECK(columns[8] == Json{{"name", "HttpStatusCode"}, {"type", "int"}});

  const auto by_principal = run_vault_action(lab, "keyvault.diagnostics.query",
                                             {{"workspaceId", workspace},
                                              {"vault", ""},
                                              {"objectId", k_example_kv_attacker},
                                              {"end", "2026-11-30T00:00:00Z"}});
  CHECK(rows_of(by_principal.responses.at(0)).size() == 6);
  const auto other = run_vault_action(lab, "keyvault.diagnostics.query",
                                      {{"workspaceId", workspace},
                                       {"vault", ""},
                                       {"callerIp", "198.51.100.9"},
                                       {"end", "2026-11-30T00:00:00Z"}});
  CHECK(rows_of(other.responses.at(0)).empty());
}
