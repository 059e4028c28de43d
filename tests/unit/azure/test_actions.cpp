#include "azure/actions/families.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/util/text.hpp"
#include "unit/azure/action_expectations.hpp"

#include <catch2/catch.hpp>
#include <cstring>

using namespace dftriage::azure;

TEST_CASE("action arguments are checked against their types")
{
  const auto* spec = find_action("keyvault.firewall.enable");
  REQUIRE(spec);
  CHECK_THROWS_WITH(
      check_args(
          *spec,
          {{"vault",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"}}),
      "parameter vault: expected an Azure resource ID of type microsoft.keyvault/vaults, got "
      "\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\"");
  CHECK_THROWS_WITH(
      check_args(
          *spec,
          {{"vault", "/subscriptions/s/resourceGroups/../providers/Microsoft.KeyVault/vaults/kv"}}),
      Catch::Contains("expected an Azure resource ID"));
  CHECK_THROWS_WITH(
      check_args(
          *spec,
          {{"vault", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"},
           {"allowedIps", {"1.2.3.4/33"}}}),
      "parameter allowedIps: expected a list of IP addresses or CIDR ranges, got \"1.2.3.4/33\"");
  CHECK_THROWS_WITH(check_args(*spec, {{"valt", "x"}}),
                    "unknown parameter \"valt\" of keyvault.firewall.enable");
  CHECK_THROWS_WITH(check_args(*spec, nlohmann::ordered_json::object()),
                    "parameter vault of keyvault.firewall.enable is required");
}

TEST_CASE("URL segments are encoded so a value cannot add a segment")
{
  CHECK(encode_segment("a/b?c#d%e f") == "a%2Fb%3Fc%23d%25e%20f");
  CHECK(encode_segment("..") == "%2E%2E");
  CHECK(encode_segment("kv-1_x.y~z") == "kv-1_x.y~z");
  UrlBuilder url("https://vault.example");
  url.segment("secrets")
      .segment("name/../../x")
      .query("api-version", "2025-07-01")
      .query("$filter", "principalId eq 'a&b'");
  CHECK(url.str() ==
        "https://vault.example/secrets/"
        "name%2F..%2F..%2Fx?api-version=2025-07-01&$filter=principalId%20eq%20%27a%26b%27");
}

using Json = nlohmann::ordered_json;

namespace dftriage::azure::testing {

// Replaces the {placeholders} of the table below with the IDs and hosts they stand for.
std::string expand(std::string s)
{
  static const std::pair<const char*, const char*> k_names[] = {
      {"{kv}", "{rg}/providers/Microsoft.KeyVault/vaults/kv1"},
      {"{vm}", "{rg}/providers/Microsoft.Compute/virtualMachines/vm1"},
      {"{nic}", "{rg}/providers/Microsoft.Network/networkInterfaces/nic1"},
      {"{nsg}", "{rg}/providers/Microsoft.Network/networkSecurityGroups/nsg1"},
      {"{aa}", "{rg}/providers/Microsoft.Automation/automationAccounts/aa1"},
      {"{alert}", "{sub}/providers/Microsoft.Security/locations/westeurope/alerts/2518_abc"},
      {"{ra}", "{sub}/providers/Microsoft.Authorization/roleAssignments/"
               "b0f43c54-e787-4862-89b1-a653fa9cf747"},
      {"{rg}", "{sub}/resourceGroups/rg1"},
      {"{sub}", "/subscriptions/sub1"},
      {"{arm}", "https://management.azure.com"},
      {"{dp}", "https://kv1.vault.azure.net"},
      {"{graph}", "https://graph.microsoft.com/v1.0"},
      {"{oid}", "9a8b7c6d-1111-2222-3333-444455556666"},
      {"{ws}", "b2c3d4e5-0000-4000-8000-123456789abc"},
  };
  for (const auto& [from, to] : k_names) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) {
      s.replace(at, std::strlen(from), to);
    }
  }
  return s;
}

} // namespace dftriage::azure::testing

using namespace dftriage::azure::testing;

namespace {

// Checks `args` against `name` and builds its requests with the public cloud.
ActionRequests build(const std::string& name, const Json& args)
{
  const auto* spec = find_action(name);
  REQUIRE(spec);
  return spec->build(check_args(*spec, args), public_cloud());
}

ActionRequests build(const std::string& name, const char* args)
{
  return build(name, Json::parse(expand(args)));
}

const Expected k_expected[] = {
    {"keyvault.get", R"({"vault":"{kv}"})", "GET", "{arm}{kv}?api-version=2026-02-01", "", "",
     Reversibility::read_only, "Microsoft.KeyVault/vaults/read"},
    {"keyvault.access_policy.remove", R"({"vault":"{kv}","objectId":"{oid}"})", "PUT",
     "{arm}{kv}/accessPolicies/remove?api-version=2026-02-01",
     R"j({"properties":{"accessPolicies":[{"tenantId":"$(pre-image 0 /properties/tenantId)","objectId":"{oid}",
       "permissions":"$(pre-image 0 /properties/accessPolicies/[objectId={oid}]/permissions)"}]}})j",
     "{arm}{kv}?api-version=2026-02-01", Reversibility::reversible,
     "Microsoft.KeyVault/vaults/accessPolicies/write"},
    {"keyvault.access_policy.restrict",
     R"({"vault":"{kv}","objectId":"{oid}","secrets":["GET","list"],"certificates":["get"]})",
     "PUT", "{arm}{kv}/accessPolicies/replace?api-version=2026-02-01",
     R"j({"properties":{"accessPolicies":[{"tenantId":"$(pre-image 0 /properties/tenantId)","objectId":"{oid}",
       "permissions":{"keys":[],"secrets":["get","list"],"certificates":["get"]}}]}})j",
     "{arm}{kv}?api-version=2026-02-01", Reversibility::reversible,
     "Microsoft.KeyVault/vaults/accessPolicies/write"},
    {"keyvault.role_assignments.list", R"({"vault":"{kv}"})", "GET",
     "{arm}{kv}/providers/Microsoft.Authorization/"
     "roleAssignments?api-version=2022-04-01&$filter=atScope%28%29",
     "", "", Reversibility::read_only, "Microsoft.Authorization/roleAssignments/read"},
    {"keyvault.secrets.list", R"({"vault":"{kv}"})", "GET", "{dp}/secrets?api-version=2025-07-01",
     "", "", Reversibility::read_only, "Microsoft.KeyVault/vaults/secrets/readMetadata/action"},
    {"keyvault.keys.list", R"({"vault":"{kv}"})", "GET", "{dp}/keys?api-version=2025-07-01", "", "",
     Reversibility::read_only, "Microsoft.KeyVault/vaults/keys/read"},
    {"keyvault.certificates.list", R"({"vault":"{kv}"})", "GET",
     "{dp}/certificates?api-version=2025-07-01", "", "", Reversibility::read_only,
     "Microsoft.KeyVault/vaults/certificates/read"},
    {"keyvault.secret.versions.list", R"({"vault":"{kv}","name":"db-password"})", "GET",
     "{dp}/secrets/db-password/versions?api-version=2025-07-01", "", "", Reversibility::read_only,
     "Microsoft.KeyVault/vaults/secrets/readMetadata/action"},
    {"keyvault.secret.disable",
     R"({"vault":"{kv}","name":"db-password","version":"03bcccc7c8cf4546a0e3e21e52560441"})",
     "PATCH", "{dp}/secrets/db-password/03bcccc7c8cf4546a0e3e21e52560441?api-version=2025-07-01",
     R"({"attributes":{"enabled":false}})",
     "{dp}/secrets/db-password/versions?api-version=2025-07-01", Reversibility::reversible,
     "Microsoft.KeyVault/vaults/secrets/update/action"},
    {"keyvault.key.disable",
     R"({"vault":"{kv}","name":"cmk","version":"78deebed173b48e48f55abf87ed4cf71"})", "PATCH",
     "{dp}/keys/cmk/78deebed173b48e48f55abf87ed4cf71?api-version=2025-07-01",
     R"({"attributes":{"enabled":false}})", "{dp}/keys/cmk/versions?api-version=2025-07-01",
     Reversibility::reversible, "Microsoft.KeyVault/vaults/keys/update/action"},
    {"keyvault.certificate.disable", R"({"vault":"{kv}","name":"web-tls","version":"a1b2"})",
     "PATCH", "{dp}/certificates/web-tls/a1b2?api-version=2025-07-01",
     R"({"attributes":{"enabled":false}})",
     "{dp}/certificates/web-tls/versions?api-version=2025-07-01", Reversibility::reversible,
     "Microsoft.KeyVault/vaults/certificates/update/action"},
    {"keyvault.secret.delete", R"({"vault":"{kv}","name":"db-password"})", "DELETE",
     "{dp}/secrets/db-password?api-version=2025-07-01", "",
     "{dp}/secrets/db-password/versions?api-version=2025-07-01", Reversibility::reversible,
     "Microsoft.KeyVault/vaults/secrets/delete"},
    {"keyvault.secret.recover", R"({"vault":"{kv}","name":"db-password"})", "POST",
     "{dp}/deletedsecrets/db-password/recover?api-version=2025-07-01", "", "",
     Reversibility::reversible, "Microsoft.KeyVault/vaults/secrets/recover/action"},
    {"keyvault.secret.rotate", R"({"vault":"{kv}","name":"db-password"})", "PUT",
     "{dp}/secrets/db-password?api-version=2025-07-01", R"j({"value":"$(generated secret)"})j",
     "{dp}/secrets/db-password/versions?api-version=2025-07-01", Reversibility::irreversible,
     "Microsoft.KeyVault/vaults/secrets/setSecret/action"},
    {"network.nic.get", R"({"nic":"{nic}"})", "GET", "{arm}{nic}?api-version=2025-09-01", "", "",
     Reversibility::read_only, "Microsoft.Network/networkInterfaces/read"},
    {"network.nic.attach_nsg", R"({"nic":"{nic}","nsg":"{nsg}"})", "PUT",
     "{arm}{nic}?api-version=2025-09-01",
     R"j({"location":"$(pre-image 0 /location)","extendedLocation":"$(pre-image 0 /extendedLocation)","tags":"$(pre-image 0 /tags)",
       "properties":{"ipConfigurations":"$(pre-image 0 /properties/ipConfigurations writable)",
         "dnsSettings":"$(pre-image 0 /properties/dnsSettings writable)",
         "enableAcceleratedNetworking":"$(pre-image 0 /properties/enableAcceleratedNetworking)",
         "enableIPForwarding":"$(pre-image 0 /properties/enableIPForwarding)",
         "disableTcpStateTracking":"$(pre-image 0 /properties/disableTcpStateTracking)",
         "nicType":"$(pre-image 0 /properties/nicType)","auxiliaryMode":"$(pre-image 0 /properties/auxiliaryMode)",
         "auxiliarySku":"$(pre-image 0 /properties/auxiliarySku)","workloadType":"$(pre-image 0 /properties/workloadType)",
         "networkSecurityGroup":{"id":"{nsg}"}}})j",
     "{arm}{nic}?api-version=2025-09-01", Reversibility::reversible,
     "Microsoft.Network/networkInterfaces/write"},
    {"network.nsg.delete", R"({"nsg":"{nsg}"})", "DELETE", "{arm}{nsg}?api-version=2025-09-01", "",
     "{arm}{nsg}?api-version=2025-09-01", Reversibility::reversible,
     "Microsoft.Network/networkSecurityGroups/delete"},
    {"compute.vm.get", R"({"vm":"{vm}"})", "GET", "{arm}{vm}?api-version=2025-04-01", "", "",
     Reversibility::read_only, "Microsoft.Compute/virtualMachines/read"},
    {"compute.vm.run_command",
     R"({"vm":"{vm}","commandId":"RunShellScript","script":["ps aux","ss -tnp"]})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"({"commandId":"RunShellScript","script":["ps aux","ss -tnp"]})", "",
     Reversibility::irreversible, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.antimalware_scan", R"({"vm":"{vm}"})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"({"commandId":"RunPowerShellScript","script":["Start-MpScan -ScanType FullScan"]})", "",
     Reversibility::irreversible, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.list_software", R"({"vm":"{vm}","os":"Linux"})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"({"commandId":"RunShellScript","script":["if command -v dpkg-query >/dev/null 2>&1; then",
       "  dpkg-query -W -f='${Package}\\t${Version}\\n'","elif command -v rpm >/dev/null 2>&1; then",
       "  rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\n'","fi | sort"]})",
     "", Reversibility::inspection, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.list_connections", R"({"vm":"{vm}","os":"Linux"})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"j({"commandId":"RunShellScript","script":["(ss -tunap 2>/dev/null || netstat -tunap 2>/dev/null) | head -n 80"]})j",
     "", Reversibility::inspection, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.list_logons", R"({"vm":"{vm}","os":"Linux"})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"j({"commandId":"RunShellScript","script":["who","echo","last -n 30 -F 2>/dev/null | head -n 32","echo","lastb -n 10 2>/dev/null | head -n 12"]})j",
     "", Reversibility::inspection, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.list_persistence", R"({"vm":"{vm}","os":"Linux"})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"j({"commandId":"RunShellScript","script":["for f in /etc/crontab /etc/cron.d/* /var/spool/cron/crontabs/* /var/spool/cron/*; do","  [ -f \"$f\" ] && grep -Hv '^[[:space:]]*\\(#\\|$\\)' \"$f\" | sed 's/^/cron /'","done","systemctl list-unit-files --type=service --state=enabled --no-legend 2>/dev/null | sed 's/^/unit /' | head -n 60","for d in /root /home/*; do k=\"$d/.ssh/authorized_keys\"; [ -f \"$k\" ] && echo \"keys $k $(grep -c . \"$k\") $(stat -c %y \"$k\")\"; done","[ -s /etc/ld.so.preload ] && echo \"preload $(cat /etc/ld.so.preload)\"","[ -f /etc/rc.local ] && echo \"rc.local $(stat -c %y /etc/rc.local)\"","awk -F: '$3 == 0 || $3 >= 1000 { print \"user \" $1 \" uid \" $3 \" shell \" $7 }' /etc/passwd"]})j",
     "", Reversibility::inspection, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.list_processes", R"({"vm":"{vm}","os":"Linux"})", "POST",
     "{arm}{vm}/runCommand?api-version=2025-04-01",
     R"({"commandId":"RunShellScript","script":["ps -eo pid,ppid,user,lstart,args --sort=start_time | tail -n 40"]})",
     "", Reversibility::inspection, "Microsoft.Compute/virtualMachines/runCommand/action"},
    {"compute.vm.reset_password", R"({"vm":"{vm}","username":"azureuser","os":"Windows"})", "PUT",
     "{arm}{vm}/extensions/enablevmaccess?api-version=2025-04-01",
     R"j({"location":"$(pre-image 0 /location)","properties":{"publisher":"Microsoft.Compute","type":"VMAccessAgent",
       "typeHandlerVersion":"2.4","autoUpgradeMinorVersion":true,"settings":{"UserName":"azureuser"},
       "protectedSettings":{"Password":"$(generated secret)"}}})j",
     "{arm}{vm}?api-version=2025-04-01", Reversibility::irreversible,
     "Microsoft.Compute/virtualMachines/extensions/write"},
    {"compute.vm.reimage", R"({"vm":"{vm}"})", "POST", "{arm}{vm}/reimage?api-version=2025-04-01",
     "", "{arm}{vm}?api-version=2025-04-01", Reversibility::irreversible,
     "Microsoft.Compute/virtualMachines/reimage/action"},
    {"authorization.role_assignments.list", R"({"scope":"{sub}","principalId":"{oid}"})", "GET",
     "{arm}{sub}/providers/Microsoft.Authorization/"
     "roleAssignments?api-version=2022-04-01&$filter=principalId%20eq%20%27{oid}%27",
     "", "", Reversibility::read_only, "Microsoft.Authorization/roleAssignments/read"},
    {"authorization.role_assignment.delete", R"({"roleAssignmentId":"{ra}"})", "DELETE",
     "{arm}{ra}?api-version=2022-04-01", "", "{arm}{ra}?api-version=2022-04-01",
     Reversibility::reversible, "Microsoft.Authorization/roleAssignments/delete"},
    {"monitor.activity_log.list",
     R"({"subscription":"{sub}","start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z","caller":"o'brien@contoso.com"})",
     "GET",
     "{arm}{sub}/providers/Microsoft.Insights/eventtypes/management/"
     "values?api-version=2015-04-01&$filter=eventTimestamp%20ge%20"
     "%272026-01-01T00%3A00%3A00Z%27%20and%20eventTimestamp%20le%20%272026-01-02T00%3A00%3A00Z%27%"
     "20and%20caller%20eq%20"
     "%27o%27%27brien%40contoso.com%27",
     "", "", Reversibility::read_only, "Microsoft.Insights/eventtypes/values/read"},
    {"security.alerts.list", R"({"subscription":"{sub}","resourceGroup":"rg1"})", "GET",
     "{arm}{rg}/providers/Microsoft.Security/alerts?api-version=2022-01-01", "", "",
     Reversibility::read_only, "Microsoft.Security/locations/alerts/read"},
    {"security.alert.get", R"({"alert":"{alert}"})", "GET", "{arm}{alert}?api-version=2022-01-01",
     "", "", Reversibility::read_only, "Microsoft.Security/locations/alerts/read"},
    {"security.alert.set_status",
     R"({"subscription":"{sub}","resourceGroup":"rg1","location":"westeurope","name":"N1","status":"Dismissed"})",
     "POST",
     "{arm}{rg}/providers/Microsoft.Security/locations/westeurope/alerts/N1/"
     "dismiss?api-version=2022-01-01",
     "",
     "{arm}{rg}/providers/Microsoft.Security/locations/westeurope/alerts/N1?api-version=2022-01-01",
     Reversibility::reversible, "Microsoft.Security/locations/alerts/dismiss/action"},
    {"security.assessments.list", R"({"resource":"{vm}"})", "GET",
     "{arm}{vm}/providers/Microsoft.Security/assessments?api-version=2020-01-01", "", "",
     Reversibility::read_only, "Microsoft.Security/assessments/read"},
    {"automation.runbooks.list", R"({"account":"{aa}"})", "GET",
     "{arm}{aa}/runbooks?api-version=2024-10-23", "", "", Reversibility::read_only,
     "Microsoft.Automation/automationAccounts/runbooks/read"},
    {"automation.runbook.delete", R"({"account":"{aa}","name":"Invoke-Backdoor"})", "DELETE",
     "{arm}{aa}/runbooks/Invoke-Backdoor?api-version=2024-10-23", "",
     "{arm}{aa}/runbooks/Invoke-Backdoor?api-version=2024-10-23", Reversibility::irreversible,
     "Microsoft.Automation/automationAccounts/runbooks/delete"},
    {"resources.list", R"({"subscription":"{sub}"})", "GET",
     "{arm}{sub}/resources?api-version=2025-04-01&$expand=createdTime%2CchangedTime", "", "",
     Reversibility::read_only, "Microsoft.Resources/subscriptions/resources/read"},
    {"resources.get_tags", R"({"resource":"{vm}"})", "GET",
     "{arm}{vm}/providers/Microsoft.Resources/tags/default?api-version=2025-04-01", "", "",
     Reversibility::read_only, "Microsoft.Resources/tags/read"},
    {"resources.delete", R"({"resource":"{vm}"})", "DELETE", "{arm}{vm}?api-version=2025-04-01", "",
     "{arm}{vm}?api-version=2025-04-01", Reversibility::irreversible,
     "Microsoft.Compute/virtualMachines/delete"},
    {"graph.user.get", R"({"user":"alice@contoso.com"})", "GET",
     "{graph}/users/"
     "alice%40contoso.com?$select=id%2CdisplayName%2CuserPrincipalName%2Cmail%2CaccountEnabled%"
     "2CuserType%2C"
     "createdDateTime%2ClastPasswordChangeDateTime%2ConPremisesSyncEnabled",
     "", "", Reversibility::read_only, "User.Read.All"},
    {"graph.user.disable", R"({"user":"{oid}"})", "PATCH", "{graph}/users/{oid}",
     R"({"accountEnabled":false})",
     "{graph}/users/{oid}?$select=id%2CuserPrincipalName%2CaccountEnabled",
     Reversibility::reversible, "User.EnableDisableAccount.All"},
    {"graph.user.revoke_sessions", R"({"user":"{oid}"})", "POST",
     "{graph}/users/{oid}/revokeSignInSessions", "", "", Reversibility::irreversible,
     "User.ReadWrite.All"},
    {"graph.user.delete", R"({"user":"{oid}"})", "DELETE", "{graph}/users/{oid}", "",
     "{graph}/users/{oid}?$select=id%2CuserPrincipalName%2CaccountEnabled",
     Reversibility::reversible, "User.ReadWrite.All"},
    {"graph.principal.directory_roles",
     R"({"principalId":"{oid}","principalType":"ServicePrincipal"})", "GET",
     "{graph}/roleManagement/directory/"
     "roleAssignments?$filter=principalId%20eq%20%27{oid}%27&$expand=roleDefinition",
     "", "", Reversibility::read_only, "RoleManagement.Read.Directory"},
};

// Every row of every table.
std::vector<const Expected*> all_expected()
{
  std::vector<const Expected*> out;
  for (const auto& e : k_expected) {
    out.push_back(&e);
  }
  for (const auto* table : {&k_expected_compute, &k_expected_keyvault, &k_expected_identity}) {
    for (const auto& e : *table) {
      out.push_back(&e);
    }
  }
  return out;
}

const Expected* expected_for(std::string_view action)
{
  for (const auto* e : all_expected()) {
    if (action == e->action) {
      return e;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("every action builds the exact request its REST contract gives")
{
  for (const auto* row : all_expected()) {
    const auto& e = *row;
    DYNAMIC_SECTION(e.action)
    {
      const auto built = build(e.action, e.args);
      REQUIRE(!built.requests.empty());
      const auto& r = built.requests[0];
      CHECK(r.method == e.method);
      CHECK(r.url == expand(e.url));
      if (*e.body) {
        REQUIRE(r.body);
        CHECK(r.body->dump() == Json::parse(expand(e.body)).dump());
      } else {
        CHECK(!r.body);
      }
      if (*e.pre_image) {
        REQUIRE(!built.pre_image.empty());
        CHECK(built.pre_image[0].method == "GET");
        CHECK(built.pre_image[0].url == expand(e.pre_image));
      } else {
        CHECK(built.pre_image.empty());
      }
      CHECK(r.mutating == (e.effect != Reversibility::read_only));
      CHECK(r.reversibility == e.effect);
      CHECK(r.permission == e.permission);
      CHECK(r.purpose == "action");
    }
  }
}

TEST_CASE("every catalogued action is described, tested above and builds well-formed requests")
{
  for (const auto& spec : action_catalogue()) {
    DYNAMIC_SECTION(spec.name)
    {
      CHECK(!spec.summary.empty());
      CHECK(!spec.permission.empty());
      CHECK(spec.mutating == (spec.reversibility != Reversibility::read_only));
      CHECK(spec.undo.empty() == (spec.reversibility != Reversibility::reversible));
      CHECK(spec.undo_zh.empty() == spec.undo.empty());
      for (const auto& p : spec.params) {
        CHECK(p.name.find('_') == std::string::npos);
        CHECK(p.resource_type == dftriage::text::to_lower(p.resource_type));
        CHECK(!p.description.empty());
      }
      const auto* e = expected_for(spec.name);
      REQUIRE(e);
      const auto built = build(spec.name, e->args);
      std::vector<Request> all = built.pre_image;
      all.insert(all.end(), built.requests.begin(), built.requests.end());
      for (const auto& r : all) {
        INFO(r.url);
        CHECK(r.url.rfind("https://", 0) == 0);
        const bool versioned_by_path = r.audience == "graph" || r.audience == "loganalytics";
        CHECK((r.url.find("api-version=") != std::string::npos) == !versioned_by_path);
        CHECK(!r.permission.empty());
        CHECK((r.purpose == "pre-image" || r.purpose == "action"));
        if (r.purpose == "pre-image") {
          CHECK(r.method == "GET");
          CHECK(!r.mutating);
        } else {
          CHECK(r.mutating == spec.mutating);
        }
        if (r.body) {
          CHECK_NOTHROW(r.body->dump());
        }
      }
    }
  }
  std::size_t rows = 0;
  for (const auto* e : all_expected()) {
    CHECK(find_action(e->action));
    ++rows;
  }
  CHECK(rows == action_catalogue().size());
}

TEST_CASE("kql_string makes any alert value one KQL string literal")
{
  using dftriage::azure::actions::kql_string;
  CHECK(kql_string("203.0.113.7") == R"("203.0.113.7")");
  CHECK(kql_string(R"(a\b"c'd)") == R"("a\\b\"c'd")");
  CHECK(kql_string(R"(x" or 1==1 | union *)") == R"("x\" or 1==1 | union *")");
  CHECK(kql_string("") == R"("")");
  CHECK(kql_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  CHECK_THROWS_WITH(kql_string("a\nb"), Catch::Contains("control character in a KQL string"));
  CHECK_THROWS_WITH(kql_string("\x1b[31mred"), Catch::Contains("control character"));
  CHECK_THROWS_WITH(kql_string("\xff\xfe"), Catch::Contains("invalid UTF-8"));
  CHECK_THROWS_WITH(kql_string(std::string(10240, 'a')),
                    Catch::StartsWith("too long for a KQL string (10240 bytes"));
}

TEST_CASE("odata_string doubles quotes and refuses control characters")
{
  using dftriage::azure::actions::odata_string;
  CHECK(odata_string("o'brien@contoso.com") == "'o''brien@contoso.com'");
  CHECK(odata_string("''") == "''''''");
  CHECK(odata_string("x' or caller ne 'y") == "'x'' or caller ne ''y'");
  CHECK_THROWS_WITH(odata_string("a\tb"), Catch::Contains("control character"));
  CHECK_THROWS_WITH(odata_string(std::string(10240, 'a')),
                    Catch::StartsWith("too long for an OData filter"));
}

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
