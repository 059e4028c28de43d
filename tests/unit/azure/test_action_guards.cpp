// What the actions refuse or encode so that a hostile alert cannot widen them: activity
// log filters, Key Vault and Graph names, alert IDs, compute scripts and secrets, deletes,
// and the NIC sent back in a PUT.

#include "azure/actions/families.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/util/text.hpp"
#include "unit/azure/action_expectations.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::azure;
using namespace dftriage::azure::testing;
using Json = nlohmann::ordered_json;

TEST_CASE("monitor.activity_log.list checks its times, subscription and filter values")
{
  const auto url = [](const char* extra) {
    return build(
               "monitor.activity_log.list",
               (std::string(
                    R"({"subscription":"{sub}","start":"2026-01-01T02:00:00+02:00","end":"2026-01-02T00:00:00.5Z")") +
                extra + "}")
                   .c_str())
        .requests[0]
        .url;
  };
  CHECK(url("") == expand("{arm}{sub}/providers/Microsoft.Insights/eventtypes/management/"
                          "values?api-version=2015-04-01"
                          "&$filter=eventTimestamp%20ge%20%272026-01-01T00%3A00%3A00Z%27%20and%"
                          "20eventTimestamp%20le%20"
                          "%272026-01-02T00%3A00%3A00.5Z%27"));
  CHECK(url(R"(,"resourceId":"{kv}")") ==
        url("") + expand("%20and%20resourceUri%20eq%20%27%2Fsubscriptions%2Fsub1%2FresourceGroups%"
                         "2Frg1%2Fproviders"
                         "%2FMicrosoft.KeyVault%2Fvaults%2Fkv1%27"));
  CHECK_THROWS_WITH(
      url(R"(,"caller":"\u001b[2Jevil")"),
      "parameter caller: control character in an OData filter value: \"\\u001b[2Jevil\"");
  CHECK_THROWS_WITH(
      url((R"(,"caller":")" + std::string(10240, 'x') + "\"").c_str()),
      Catch::StartsWith("parameter caller: too long for an OData filter (10240 bytes"));
  const auto args = [](const char* start, const char* end, const char* sub) {
    return Json::parse(expand(std::string(R"({"subscription":")") + sub + R"(","start":")" + start +
                              R"(","end":")" + end + "\"}"));
  };
  CHECK_THROWS_WITH(
      build("monitor.activity_log.list", args("yesterday", "2026-01-02T00:00:00Z", "{sub}")),
      "parameter start: expected an ISO 8601 time like 2026-01-31T08:00:00Z, got \"yesterday\"");
  CHECK_THROWS_WITH(build("monitor.activity_log.list",
                          args("01/11/2026 09:17:49", "2026-01-02T00:00:00Z", "{sub}")),
                    Catch::StartsWith("parameter start: expected an ISO 8601 time"));
  CHECK_THROWS_WITH(build("monitor.activity_log.list",
                          args("2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "{sub}")),
                    Catch::StartsWith("parameter end: expected an ISO 8601 time"));
  CHECK_THROWS_WITH(
      build("monitor.activity_log.list",
            args("2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z", "{sub}")),
      "parameter start: \"2026-01-03T00:00:00Z\" is after end \"2026-01-02T00:00:00Z\"");
  // Any ID inside the subscription names it; a bare GUID (as alerts carry it) too.
  CHECK(build("monitor.activity_log.list",
              args("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "{rg}"))
            .requests.at(0)
            .url.rfind("https://management.azure.com/subscriptions/sub1/providers/", 0) == 0);
  CHECK(build("monitor.activity_log.list", args("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z",
                                                "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"))
            .requests.at(0)
            .url.rfind("https://management.azure.com/subscriptions/"
                       "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/providers/",
                       0) == 0);
  CHECK_THROWS_WITH(build("monitor.activity_log.list",
                          args("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "sub1")),
                    "parameter subscription: expected a subscription ID or a resource ID inside a "
                    "subscription, got \"sub1\"");
}

TEST_CASE("hostile Key Vault names are encoded or refused with the parameter named")
{
  // Management plane: the vault name is one encoded path segment.
  const auto odd_vault =
      Json{{"vault", expand("{rg}/providers/Microsoft.KeyVault/vaults/a b%\"{}")}};
  CHECK(build("keyvault.get", odd_vault).requests[0].url ==
        expand("{arm}{rg}/providers/Microsoft.KeyVault/vaults/"
               "a%20b%25%22%7B%7D?api-version=2026-02-01"));
  // Data plane: the vault name is a host name, so it must be a real vault name.
  CHECK_THROWS_WITH(build("keyvault.secrets.list", odd_vault),
                    Catch::StartsWith("parameter vault: \"a b%\\\"{}\" is not a key vault name"));
  CHECK_THROWS_WITH(
      build("keyvault.secrets.list",
            R"({"vault":"{rg}/providers/Microsoft.KeyVault/vaults/evil.example.com"})"),
      Catch::Contains("is not a key vault name"));
  CHECK_THROWS_WITH(
      build("keyvault.secrets.list",
            R"({"vault":"{rg}/providers/Microsoft.KeyVault/vaults/attacker.com@kv1"})"),
      Catch::Contains("is not a key vault name"));
  CHECK(
      build("keyvault.secrets.list", R"({"vault":"{rg}/providers/Microsoft.KeyVault/vaults/KV1"})")
          .requests[0]
          .url == "https://kv1.vault.azure.net/secrets?api-version=2025-07-01");
  const auto disable = [](const char* name, const char* version) {
    return build("keyvault.secret.disable",
                 Json{{"vault", expand("{kv}")}, {"name", name}, {"version", version}});
  };
  CHECK_THROWS_WITH(disable("a/b", "1"),
                    Catch::StartsWith("parameter name: expected an Azure resource name"));
  CHECK_THROWS_WITH(disable("..", "1"),
                    Catch::StartsWith("parameter name: expected an Azure resource name"));
  CHECK_THROWS_WITH(disable("x?#", "1"),
                    Catch::StartsWith("parameter name: expected an Azure resource name"));
  CHECK_THROWS_WITH(disable("\x1b[31mred", "1"),
                    Catch::StartsWith("parameter name: expected an Azure resource name"));
  CHECK_THROWS_WITH(disable("x%\"{}", "1"), "parameter name: expected a Key Vault object name "
                                            "(1-127 letters, digits and '-'), got \"x%\\\"{}\"");
  CHECK_THROWS_WITH(
      disable("ok", "v-1"),
      "parameter version: expected an object version (letters and digits), got \"v-1\"");
  CHECK_THROWS_WITH(disable(std::string(10240, 'a').c_str(), "1"),
                    Catch::StartsWith("parameter name: expected an Azure resource name"));
  CHECK_THROWS_WITH(
      build("keyvault.access_policy.restrict",
            R"({"vault":"{kv}","objectId":"{oid}","secrets":["all"]})"),
      "parameter secrets: \"all\" is not a permission restrict can grant (\"all\" is refused)");
  CHECK_THROWS_WITH(build("keyvault.access_policy.restrict",
                          R"({"vault":"{kv}","objectId":"{oid}","keys":["get","exfiltrate"]})"),
                    Catch::StartsWith("parameter keys: \"exfiltrate\" is not a permission"));
  CHECK(build("keyvault.role_assignments.list", R"({"vault":"{kv}","principalId":"{oid}"})")
            .requests[0]
            .url ==
        expand("{arm}{kv}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01"
               "&$filter=principalId%20eq%20%27{oid}%27"));
}

TEST_CASE("Graph users are given by object ID or UPN, encoded as one segment")
{
  const auto url = [](const std::string& user) {
    return build("graph.user.revoke_sessions", Json{{"user", user}}).requests[0].url;
  };
  CHECK(url("bob_fabrikam.com#EXT#@contoso.onmicrosoft.com") ==
        "https://graph.microsoft.com/v1.0/users/"
        "bob_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com/revokeSignInSessions");
  CHECK(url("o'neil@contoso.com") ==
        "https://graph.microsoft.com/v1.0/users/o%27neil%40contoso.com/revokeSignInSessions");
  for (const std::string& bad : std::vector<std::string>{
           "../../users/admin@x.com", "admin", "a@b/c", "a@b?c", "\x1b[31m@x.com", "a\"{}@x.com",
           "a@b@c", "%2e%2e@x.com", std::string(10240, 'a') + "@x.com"}) {
    CHECK_THROWS_WITH(
        url(bad),
        Catch::StartsWith(
            "parameter user: expected an object ID (GUID) or a user principal name, got"));
  }
  const auto roles = build("graph.principal.directory_roles", R"({"principalId":"{oid}"})");
  REQUIRE(roles.requests.size() == 2);
  CHECK(roles.requests[1].url == expand("{graph}/users/{oid}/transitiveMemberOf"));
  CHECK(roles.requests[1].permission == "Directory.Read.All");
  CHECK(roles.requests[1].audience == "graph");
}

TEST_CASE("security alerts are named by ID or by parts, and every status has its verb")
{
  const auto post = [](const char* status) {
    return build("security.alert.set_status",
                 Json{{"alert", expand("{alert}")}, {"status", status}})
        .requests[0];
  };
  CHECK(post("InProgress").url == expand("{arm}{alert}/inProgress?api-version=2022-01-01"));
  CHECK(post("Active").url == expand("{arm}{alert}/activate?api-version=2022-01-01"));
  CHECK(post("Active").permission == "Microsoft.Security/locations/alerts/activate/action");
  CHECK(post("Resolved").url == expand("{arm}{alert}/resolve?api-version=2022-01-01"));
  CHECK(post("Resolved").permission == "Microsoft.Security/locations/alerts/resolve/action");
  CHECK_THROWS_WITH(
      post("dismiss"),
      Catch::StartsWith("parameter status: expected one of Active Dismissed Resolved InProgress"));
  CHECK(build("security.alert.get",
              R"({"subscription":"{sub}","location":"westeurope","name":"a b%\"{}"})")
            .requests[0]
            .url == expand("{arm}{sub}/providers/Microsoft.Security/locations/westeurope/alerts/"
                           "a%20b%25%22%7B%7D?api-version=2022-01-01"));
  CHECK_THROWS_WITH(build("security.alert.get", R"({"alert":"{alert}","name":"x"})"),
                    "give either alert (the alert's ID) or subscription, location and name");
  CHECK_THROWS_WITH(
      build("security.alert.get", R"({"subscription":"{sub}","name":"x"})"),
      "parameters subscription, location and name are all required when alert is not given");
  CHECK_THROWS_WITH(
      build("security.alert.get", R"({"subscription":"{sub}","location":"../..","name":"x"})"),
      Catch::StartsWith("parameter location: expected an Azure resource name"));
  CHECK(build("security.alerts.list", R"({"subscription":"{kv}"})")
            .requests.at(0)
            .url.find("/resourceGroups/") == std::string::npos);
}

TEST_CASE("compute actions keep secrets out of plans and scripts inside JSON")
{
  const auto linux_reset =
      build("compute.vm.reset_password", R"({"vm":"{vm}","username":"azureuser","os":"Linux"})");
  CHECK(
      linux_reset.requests[0].body->dump() ==
      R"j({"location":"$(pre-image 0 /location)","properties":{"publisher":"Microsoft.OSTCExtensions","type":"VMAccessForLinux",)j"
      R"j("typeHandlerVersion":"1.5","autoUpgradeMinorVersion":true,)j"
      R"j("protectedSettings":{"username":"azureuser","password":"$(generated secret)"}}})j");
  CHECK_THROWS_WITH(
      build("compute.vm.reset_password", R"({"vm":"{vm}","username":"adm\"in","os":"Linux"})"),
      "parameter username: expected 1-64 letters, digits, '.', '-' or '_', got \"adm\\\"in\"");
  const auto hostile = build("compute.vm.run_command",
                             Json{{"vm", expand("{vm}")},
                                  {"commandId", "RunShellScript"},
                                  {"script", {"echo \x1b[2J\"}{", std::string(10240, 'x')}}});
  CHECK(hostile.requests[0].body->dump().rfind(
            R"({"commandId":"RunShellScript","script":["echo \u001b[2J\"}{",")", 0) == 0);
  CHECK_THROWS_WITH(
      build("compute.vm.run_command", R"({"vm":"{vm}","commandId":"RunShellScript","script":[]})"),
      "parameter script: expected at least one line");
  CHECK_THROWS_WITH(
      build("compute.vm.run_command", R"({"vm":"{vm}","commandId":"bash","script":["id"]})"),
      Catch::StartsWith("parameter commandId: expected one of RunPowerShellScript RunShellScript"));
  const auto windows = build("compute.vm.list_software", R"({"vm":"{vm}","os":"Windows"})");
  CHECK(windows.requests[0].body->at("commandId") == "RunPowerShellScript");
  CHECK(windows.requests[0].body->at("script").size() == 6);
  const auto processes = build("compute.vm.list_processes", R"({"vm":"{vm}","os":"Windows"})");
  CHECK(processes.requests[0].body->at("commandId") == "RunPowerShellScript");
  CHECK(processes.requests[0].body->at("script").size() == 3);
}

TEST_CASE("deletes refuse what they cannot delete safely")
{
  CHECK_THROWS_WITH(build("authorization.role_assignment.delete", R"({"roleAssignmentId":"{kv}"})"),
                    "parameter roleAssignmentId: expected "
                    "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}, got \"" +
                        expand("{kv}") + "\"");
  const auto scoped = build(
      "authorization.role_assignment.delete",
      R"({"roleAssignmentId":"{kv}/providers/Microsoft.Authorization/roleAssignments/b0f43c54"})");
  CHECK(scoped.requests[0].url == expand("{arm}{kv}/providers/Microsoft.Authorization/"
                                         "roleAssignments/b0f43c54?api-version=2022-04-01"));
  CHECK_THROWS_WITH(
      build("resources.delete", R"({"resource":"{rg}"})"),
      Catch::StartsWith(
          "parameter resource: resources.delete deletes one resource, not a resource group"));
  const char* storage = R"({"resource":"{rg}/providers/Microsoft.Storage/storageAccounts/st1")";
  CHECK_THROWS_WITH(build("resources.delete", (std::string(storage) + "}").c_str()),
                    "parameter apiVersion is required to delete a resource of type "
                    "\"microsoft.storage/storageaccounts\"");
  const auto with_version =
      build("resources.delete",
            (std::string(storage) + R"(,"apiVersion":"2024-01-01-preview"})").c_str());
  CHECK(with_version.requests[0].url ==
        expand("{arm}{rg}/providers/Microsoft.Storage/storageAccounts/"
               "st1?api-version=2024-01-01-preview"));
  CHECK(with_version.requests[0].permission == "Microsoft.Storage/storageAccounts/delete");
  CHECK(with_version.pre_image[0].permission == "Microsoft.Storage/storageAccounts/read");
  for (const char* bad : {"2024-01-01&x=y", "latest", "2024-01-01-", "2024-1-01"}) {
    CHECK_THROWS_WITH(build("resources.delete",
                            (std::string(storage) + R"(,"apiVersion":")" + bad + "\"}").c_str()),
                      Catch::StartsWith("parameter apiVersion: expected an api-version"));
  }
  const auto runbook =
      build("automation.runbook.delete", R"({"account":"{aa}","name":"Invoke-Backdoor"})");
  REQUIRE(runbook.pre_image.size() == 2);
  CHECK(runbook.pre_image[1].url ==
        expand("{arm}{aa}/runbooks/Invoke-Backdoor/content?api-version=2024-10-23"));
  for (const char* bad : {"1runbook", "a b", "x%\"{}"}) {
    CHECK_THROWS_WITH(
        build("automation.runbook.delete", Json{{"account", expand("{aa}")}, {"name", bad}}),
        Catch::StartsWith("parameter name: expected a runbook name"));
  }
}

TEST_CASE("a NIC sent back in a PUT leaves out what ARM only reports")
{
  const nlohmann::ordered_json nic = nlohmann::ordered_json::parse(R"({
    "location": "westeurope", "etag": "W/\"1\"",
    "properties": {"provisioningState": "Succeeded", "resourceGuid": "g", "macAddress": "00-0D-3A-00-00-01",
      "virtualMachine": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm"},
      "ipConfigurations": [{"name": "ipconfig1", "etag": "W/\"1\"",
        "properties": {"provisioningState": "Succeeded", "privateIPAddress": "10.0.0.4",
                       "subnet": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/default"}}}],
      "dnsSettings": {"dnsServers": ["10.0.0.10"], "appliedDnsServers": ["10.0.0.10"], "internalDomainNameSuffix": "x.internal"},
      "networkSecurityGroup": {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/old"}}})");
  const auto plan =
      find_action("network.nic.attach_nsg")
          ->build(check_args(*find_action("network.nic.attach_nsg"),
                             {{"nic", "/subscriptions/s/resourceGroups/g/providers/"
                                      "Microsoft.Network/networkInterfaces/n"},
                              {"nsg", "/subscriptions/s/resourceGroups/g/providers/"
                                      "Microsoft.Network/networkSecurityGroups/iso"}}),
                  public_cloud());
  const PreImage pre{{200, nic}};
  const auto body = resolve_pre_image(*plan.requests.at(0).body, pre);
  const auto& properties = body["properties"];
  CHECK(properties["ipConfigurations"][0]["name"] == "ipconfig1");
  CHECK(properties["ipConfigurations"][0]["properties"]["privateIPAddress"] == "10.0.0.4");
  CHECK_FALSE(properties["ipConfigurations"][0].contains("etag"));
  CHECK_FALSE(properties["ipConfigurations"][0]["properties"].contains("provisioningState"));
  CHECK(properties["dnsSettings"] == nlohmann::ordered_json{{"dnsServers", {"10.0.0.10"}}});
  CHECK_FALSE(properties.contains("macAddress"));
  CHECK_FALSE(properties.contains("virtualMachine"));
  CHECK(properties["networkSecurityGroup"]["id"] ==
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/iso");
  // Undo puts back the old NSG, cleaned the same way.
  const auto undo =
      find_action("network.nic.attach_nsg")
          ->revert(check_args(*find_action("network.nic.attach_nsg"),
                              {{"nic", "/subscriptions/s/resourceGroups/g/providers/"
                                       "Microsoft.Network/networkInterfaces/n"},
                               {"nsg", "/subscriptions/s/resourceGroups/g/providers/"
                                       "Microsoft.Network/networkSecurityGroups/iso"}}),
                   pre, public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK_FALSE((*undo[0].body)["properties"]["ipConfigurations"][0].contains("etag"));
  CHECK_THAT((*undo[0].body)["properties"]["networkSecurityGroup"]["id"].get<std::string>(),
             Catch::EndsWith("/old"));
}

TEST_CASE(
    "Key Vault data-plane URLs follow the scheme of a lab served without TLS, and only a lab's")
{
  const auto* spec = find_action("keyvault.secrets.list");
  REQUIRE(spec != nullptr);
  const auto args = check_args(
      *spec,
      {{"vault", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1"}});
  CHECK_THAT(spec->build(args, public_cloud()).requests[0].url,
             Catch::StartsWith("https://kv1.vault.azure.net/"));
  auto lab = public_cloud();
  lab.resource_manager = "http://127.0.0.1:8443/";
  lab.keyvault_suffix = ".vault.localhost:8443";
  CHECK_THAT(spec->build(args, lab).requests[0].url,
             Catch::StartsWith("http://kv1.vault.localhost:8443/secrets?"));
  lab.resource_manager = "https://127.0.0.1:8443/";
  CHECK_THAT(spec->build(args, lab).requests[0].url,
             Catch::StartsWith("https://kv1.vault.localhost:8443/"));
  // Plain HTTP for ARM never makes a real cloud's vaults plain.
  auto odd = public_cloud();
  odd.resource_manager = "http://management.example/";
  CHECK_THAT(spec->build(args, odd).requests[0].url,
             Catch::StartsWith("https://kv1.vault.azure.net/"));
}
