#include "dftriage/alert/reader.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::alert;

namespace {

std::vector<std::string> messages(const ParseResult& r)
{
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) {
    out.push_back(d.to_string());
  }
  return out;
}

Alert only_alert(const ParseResult& r)
{
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.alerts.size() == 1);
  return r.alerts.front();
}

constexpr const char* k_arm = R"({
  "id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg1/providers/Microsoft.Security/locations/westeurope/alerts/2517_abc",
  "name": "2517_abc",
  "type": "Microsoft.Security/Locations/alerts",
  "properties": {
    "alertType": "SIMULATED_KV_TORAccess",
    "systemAlertId": "2517_abc",
    "alertDisplayName": "[SAMPLE ALERT] Access from a TOR exit node to a Key Vault",
    "severity": "Medium",
    "status": "Active",
    "startTimeUtc": "2022-11-17T09:17:49.5137586Z",
    "endTimeUtc": "2022-11-17T09:17:49.5137586Z",
    "compromisedEntity": "kv1",
    "resourceIdentifiers": [{"azureResourceId": "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/rg1/providers/microsoft.keyvault/vaults/kv1", "type": "AzureResource"}],
    "extendedProperties": {"attacker IP Address": "00.00.00.00", "attacker Object ID": "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f", "application ID": "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "resourceType": "Key Vault"},
    "entities": [
      {"$id": "w_1", "resourceId": "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/rg1/providers/microsoft.keyvault/vaults/kv1", "type": "azure-resource"},
      {"$id": "w_2", "aadUserId": "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f", "isValid": false, "type": "account"},
      {"$id": "w_3", "address": "00.00.00.00", "type": "ip"},
      {"$ref": "w_3"}
    ],
    "remediationSteps": ["Review the activity logs.", "  Rotate the secrets.  "],
    "alertUri": "https://portal.azure.com/#blade/x/AlertBlade/alertId/2517_abc/subscriptionId/11111111-2222-3333-4444-555555555555/resourceGroup/rg1/referencedFrom/alertDeepLink/location/westeurope"
  }
})";

} // namespace

TEST_CASE("arm shape: a REST alert resource")
{
  const auto r = parse_alerts(k_arm, "kv.json");
  const auto& a = only_alert(r);
  CHECK(r.diagnostics.empty());
  CHECK(a.id == "2517_abc");
  CHECK(a.alert_type == "SIMULATED_KV_TORAccess");
  CHECK(a.base_alert_type == "KV_TORAccess");
  CHECK(a.simulated);
  CHECK(a.severity == Severity::medium);
  CHECK(a.status == "Active");
  CHECK(a.start_time == "2022-11-17T09:17:49.5137586Z");
  CHECK(a.family == Family::keyvault);
  CHECK(a.resource_id == "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg1/"
                         "providers/microsoft.keyvault/vaults/kv1");
  CHECK(a.subscription_id == "11111111-2222-3333-4444-555555555555");
  CHECK(a.resource_group == "rg1");
  CHECK(a.alert_location == "westeurope");
  CHECK(a.alert_resource_id.find(
            "/providers/Microsoft.Security/locations/westeurope/alerts/2517_abc") !=
        std::string::npos);
  REQUIRE(a.entities.ips.size() == 1);
  CHECK(a.entities.ips[0].address == "00.00.00.00");
  CHECK_FALSE(a.entities.ips[0].valid);
  REQUIRE(a.entities.accounts.size() == 1); // entity and extended properties merged
  CHECK(a.entities.accounts[0].object_id == "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f");
  CHECK(a.entities.accounts[0].app_id == "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
  CHECK(a.entities.resources.size() == 1);
  CHECK(a.remediation_steps ==
        std::vector<std::string>{"Review the activity logs.", "Rotate the secrets."});
  CHECK(a.extended_properties.at("attacker IP Address") == "00.00.00.00");
  CHECK(a.warnings == std::vector<std::string>{
                          R"(IP address "00.00.00.00" is not a valid IPv4 or IPv6 address)"});
  CHECK(a.source.file == "kv.json");
  CHECK(a.source.shape == Shape::arm);
  CHECK(a.source.index == 1);
}

TEST_CASE("azcli shape: properties flattened beside id and name")
{
  const auto r = parse_alerts(
      R"([{"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Security/locations/eastus/alerts/a1",
    "name": "a1", "type": "Microsoft.Security/Locations/alerts", "alertType": "ARM_MicroBurst.AzDomainInfo",
    "severity": "Low", "status": "Dismissed", "resourceIdentifiers": [{"azureResourceId": "/subscriptions/s1", "type": "AzureResource"}],
    "extendedProperties": {"ip address": "203.0.113.9", "username": "ops@contoso.example", "principalOid": "p1"}}])",
      "-");
  const auto& a = only_alert(r);
  CHECK(a.source.shape == Shape::azcli);
  CHECK(a.id == "a1");
  CHECK(a.family == Family::resourcemanager);
  CHECK(a.resource_id == "/subscriptions/s1");
  CHECK(a.resource_group.empty());
  CHECK(a.status == "Dismissed");
  REQUIRE(a.entities.accounts.size() == 1);
  CHECK(a.entities.accounts[0].upn == "ops@contoso.example");
  CHECK(a.entities.accounts[0].object_id == "p1");
  CHECK(a.entities.ips[0].valid);
}

TEST_CASE("export shape: PascalCase continuous export")
{
  const auto r = parse_alerts(
      R"({"AlertType": "AzureDNS_DarkWeb", "SystemAlertId": "e1", "Severity": "low", "Status": "New",
    "StartTimeUtc": "2025-02-20T18:44:10Z", "AlertDisplayName": "Anonymity network activity",
    "AzureResourceId": "/SUBSCRIPTIONS/s2/RESOURCEGROUPS/RG/PROVIDERS/Microsoft.Compute/virtualMachines/vm1",
    "Entities": [{"$id": "4", "HostName": "vm1", "AzureID": "/subscriptions/s2/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1", "Type": "host"},
                 {"$id": "5", "DomainName": "bad.example", "Type": "dns"}, {"$id": "5", "Address": "198.51.100.1", "Type": "ip"}],
    "ExtendedProperties": {"domainName": "bad.example", "EffectiveSubscriptionId": "s2"},
    "RemediationSteps": ["Isolate the VM."]})",
      "export.json");
  const auto& a = only_alert(r);
  CHECK(a.source.shape == Shape::export_);
  CHECK(a.id == "e1");
  CHECK(a.family == Family::dns);
  CHECK(a.severity == Severity::low);
  CHECK(a.status == "Active");
  CHECK(a.resource_id ==
        "/subscriptions/s2/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/vm1");
  CHECK(a.entities.domains == std::vector<std::string>{"bad.example"});
  REQUIRE(a.entities.hosts.size() == 1);
  CHECK(a.entities.hosts[0].name == "vm1");
  CHECK(a.entities.ips.size() == 1);
}

TEST_CASE("sentinel shape: SecurityAlert rows with JSON inside strings")
{
  const std::string row =
      R"({"AlertName": "Unusual application accessed a key vault", "AlertType": "KV_AppAnomaly",
    "AlertSeverity": "Medium", "ProductName": "Azure Security Center", "SystemAlertId": "s1", "Status": "New",
    "StartTime": "2024-01-02T03:04:05Z", "ResourceId": "/subscriptions/s3/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv3",
    "ExtendedProperties": "{\"Attacker IP Address\":\"192.0.2.7\",\"Application ID\":\"app-1\"}",
    "Entities": "[{\"$id\":\"2\",\"Address\":\"192.0.2.7\",\"Type\":\"ip\"}]",
    "RemediationSteps": "[\"Remove the application's access.\",\"Rotate secrets.\"]"})";
  SECTION("a row object, as `az monitor log-analytics query` prints it")
  {
    const auto& a = only_alert(parse_alerts(row, "rows.json"));
    CHECK(a.source.shape == Shape::sentinel);
    CHECK(a.display_name == "Unusual application accessed a key vault");
    CHECK(a.family == Family::keyvault);
    CHECK(a.extended_properties.at("Application ID") == "app-1");
    CHECK(a.entities.ips.size() == 1);
    CHECK(a.entities.accounts.at(0).app_id == "app-1");
    CHECK(a.remediation_steps.size() == 2);
  }
  SECTION("a Log Analytics query result with columns and rows")
  {
    const auto r = parse_alerts(
        R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"AlertType","type":"string"},
      {"name":"AlertSeverity","type":"string"},{"name":"SystemAlertId","type":"string"},{"name":"ProductName","type":"string"}],
      "rows":[["KV_UserAnomaly","High","r1","Azure Security Center"],["x","Low","r2","Azure Sentinel"]]}]})",
        "q.json");
    const auto& a = only_alert(r);
    CHECK(a.alert_type == "KV_UserAnomaly");
    CHECK(a.severity == Severity::high);
    CHECK(
        messages(r) ==
        std::vector<std::string>{
            R"(q.json: document 1: row 2: not a Defender for Cloud alert (a SecurityAlert row of product "Azure Sentinel"))"});
  }
}

TEST_CASE("graph shape: legacy security alert and alerts_v2")
{
  SECTION("legacy alert from ASC")
  {
    const auto& a = only_alert(parse_alerts(
        R"({"id": "g1", "category": "KV_SuspiciousIPAccess", "title": "Access from a suspicious IP",
      "severity": "high", "status": "newAlert", "eventDateTime": "2023-04-05T06:07:08Z", "azureSubscriptionId": "s4",
      "vendorInformation": {"provider": "ASC", "subProvider": "KeyVault"},
      "securityResources": [{"resource": "/subscriptions/s4/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv4", "resourceType": "attacked"}],
      "networkConnections": [{"sourceAddress": "192.0.2.44"}],
      "userStates": [{"userPrincipalName": "mallory@contoso.example", "aadUserId": "u1"}],
      "recommendedActions": ["Block the IP."]})",
        "g.json"));
    CHECK(a.source.shape == Shape::graph);
    CHECK(a.severity == Severity::high);
    CHECK(a.status == "Active");
    CHECK(a.family == Family::keyvault);
    CHECK(a.resource_group == "rg");
    CHECK(a.entities.accounts.at(0).upn == "mallory@contoso.example");
    CHECK(a.remediation_steps == std::vector<std::string>{"Block the IP."});
  }
  SECTION("alerts_v2 with evidence")
  {
    const auto& a = only_alert(parse_alerts(
        R"({"id": "v2-1", "providerAlertId": "p-1", "detectorId": "ARM_OperationFromSuspiciousIP",
      "serviceSource": "microsoftDefenderForCloud", "detectionSource": "microsoftDefenderForResourceManager",
      "title": "ARM operation from suspicious IP", "severity": "medium", "status": "inProgress", "category": "Execution",
      "evidence": [{"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "2001:db8::7"},
                   {"@odata.type": "#microsoft.graph.security.azureResourceEvidence", "resourceId": "/subscriptions/s5", "resourceName": "s5"},
                   {"@odata.type": "#microsoft.graph.security.userEvidence", "userAccount": {"accountName": "bob", "azureAdUserId": "u2"}}]})",
        "v2.json"));
    CHECK(a.id == "p-1");
    CHECK(a.status == "InProgress");
    CHECK(a.family == Family::resourcemanager);
    CHECK(a.product_component == "ARM");
    CHECK(a.resource_id == "/subscriptions/s5");
    CHECK(a.entities.ips.at(0).valid);
    CHECK(a.entities.accounts.at(0).object_id == "u2");
  }
}

TEST_CASE("arg shape: Resource Graph rows with PascalCase properties")
{
  const auto r = parse_alerts(
      R"({"totalRecords": 1, "count": 1, "data": [{"id": "/subscriptions/s6/resourceGroups/rg/providers/Microsoft.Security/locations/centralus/alerts/q1",
    "name": "q1", "type": "microsoft.security/locations/alerts", "tenantId": "t", "subscriptionId": "s6", "resourceGroup": "rg",
    "properties": {"AlertType": "KV_UserAnomaly", "SystemAlertId": "q1", "Severity": "Medium", "Status": "Active",
      "ResourceIdentifiers": [{"AzureResourceId": "/subscriptions/s6/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv6", "Type": "AzureResource"}]}}]})",
      "arg.json");
  const auto& a = only_alert(r);
  CHECK(a.source.shape == Shape::arg);
  CHECK(a.resource_id ==
        "/subscriptions/s6/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv6");
  CHECK(a.alert_location == "centralus");
}

TEST_CASE("containers: arrays, REST lists, spec examples and NDJSON")
{
  const std::string two = R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"x1","Severity":"Low"})";
  CHECK(parse_alerts("[" + two + "," + two + "]", "f").alerts.size() == 2);
  CHECK(parse_alerts(R"({"value":[)" + two + "," + two + R"(],"nextLink":null})", "f")
            .alerts.size() == 2);
  CHECK(parse_alerts(R"({"records":[)" + two + "]}", "f").alerts.size() == 1);
  CHECK(parse_alerts(two + "\n" + two + "\n", "f").alerts.size() == 2);
  CHECK(parse_alerts("\xEF\xBB\xBF" + two + "\r\n" + two + "\r\n", "f").alerts.size() == 2);
  const auto spec = parse_alerts(R"({"parameters": {}, "responses": {"200": {"body": {"value": [)" +
                                     two + "," + two + "]}}}}",
                                 "f");
  CHECK(spec.alerts.size() == 2);
  CHECK(spec.alerts[1].source.index == 2);
  CHECK(spec.alerts[1].source.document == 1);
}

TEST_CASE("legacy 2015-06-01-preview alerts")
{
  const auto& a = only_alert(parse_alerts(
      R"({"id": "/subscriptions/s7/providers/Microsoft.Security/locations/centralus/alerts/l1",
    "name": "l1", "type": "Microsoft.Security/Locations/alerts", "properties": {"alertName": "ThreatIntelligence",
    "reportedSeverity": "Informational", "state": "Dismissed", "detectedTimeUtc": "2018-05-07T13:51:45.0045913Z",
    "associatedResource": "/SUBSCRIPTIONS/s7/RESOURCEGROUPS/rg/providers/Microsoft.Compute/virtualMachines/vm7",
    "remediationSteps": "1. Escalate.\r\n2. Contain.\r\n"}})",
      "legacy.json"));
  CHECK(a.alert_type == "ThreatIntelligence");
  CHECK(a.severity == Severity::informational);
  CHECK(a.status == "Dismissed");
  CHECK(a.family == Family::other);
  CHECK(a.remediation_steps == std::vector<std::string>{"1. Escalate.", "2. Contain."});
  CHECK(a.resource_group == "rg");
}

TEST_CASE("bad input gives exact diagnostics and the rest is still read")
{
  const std::string good =
      R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"ok","Severity":"Low"})";
  SECTION("malformed JSON: file, line and column")
  {
    const auto r = parse_alerts(good + "\n" + "{\"a\": tru}\n" + good + "\n", "in.ndjson");
    CHECK(r.alerts.size() == 2);
    CHECK(messages(r) == std::vector<std::string>{
                             "in.ndjson:2:7: syntax error while parsing value: invalid literal"});
  }
  SECTION("unquoted key in a pretty-printed document")
  {
    const auto r = parse_alerts("{\n  \"a\": 1,\n  b: 2\n}\n", "doc.json");
    CHECK(messages(r) == std::vector<std::string>{"doc.json:3:3: syntax error while parsing object "
                                                  "key: invalid literal; expected string literal"});
  }
  SECTION("an NDJSON line cut short")
  {
    const auto r = parse_alerts(good + "\n{\"AlertType\": \"KV_x\",\n" + good + "\n", "cut.ndjson");
    CHECK(r.alerts.size() == 2);
    CHECK(messages(r) ==
          std::vector<std::string>{"cut.ndjson:2:22: syntax error while parsing object key: "
                                   "unexpected end of input; expected string literal"});
  }
  SECTION("valid JSON that is no alert")
  {
    const auto r = parse_alerts(R"({"type": "Microsoft.Security/assessments", "properties": {}})"
                                "\n" +
                                    good + "\n[1]\n",
                                "hub.ndjson");
    CHECK(r.alerts.size() == 1);
    CHECK(messages(r) ==
          std::vector<std::string>{
              "hub.ndjson: document 1: not a Defender alert (no alertType/AlertType)",
              "hub.ndjson: document 3: not a Defender alert (no alertType/AlertType)"});
  }
  SECTION("invalid UTF-8")
  {
    const auto r = parse_alerts("{\"AlertType\": \"KV_\xff\"}", "bin.json");
    CHECK(r.alerts.empty());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].line == 1);
    CHECK(r.diagnostics[0].message.find(
              "syntax error while parsing value: invalid string: ill-formed UTF-8 byte") == 0);
  }
  SECTION("a file that is not JSON at all: 20 errors, then their number")
  {
    std::string text;
    for (int i = 0; i < 50; ++i) {
      text += "# not json\n";
    }
    const auto r = parse_alerts(text, "README.md");
    CHECK(r.diagnostics.size() == 21);
    CHECK(r.diagnostics.back().to_string() == "README.md: 30 more problems not shown (30 syntax "
                                              "errors; -v shows all); is this a JSON file?");
  }
}

TEST_CASE("odd values are kept and flagged, not dropped")
{
  const auto& a = only_alert(
      parse_alerts(R"({"AlertType": "KV_TORAccess", "SystemAlertId": "w", "Severity": "Critical",
    "StartTimeUtc": "last tuesday", "AzureResourceId": "/subscriptions/s/resourceGroups/../providers/a/b/c",
    "Entities": [{"Address": "10.0.0.1\u001b[2J", "Type": "ip"}, {"Address": "10.0.0.1\u001b[2J", "Type": "ip"}]})",
                   "odd.json"));
  CHECK(a.severity == Severity::unknown);
  CHECK(a.start_time.empty());
  CHECK(a.resource_id.empty());
  REQUIRE(a.entities.ips.size() == 1);
  CHECK(a.entities.ips[0].address == "10.0.0.1\x1b[2J");
  CHECK_FALSE(a.entities.ips[0].valid);
  CHECK(
      a.warnings ==
      std::vector<std::string>{
          R"(severity "Critical" is not one of High, Medium, Low, Informational)",
          R"(start time "last tuesday" is not an ISO-8601 time; dropped)",
          R"(IP address "10.0.0.1\u001b[2J" is not a valid IPv4 or IPv6 address)",
          R"(resource ID "/subscriptions/s/resourceGroups/../providers/a/b/c" is not a valid Azure resource ID; ignored)"});
}

TEST_CASE("family comes from the alert type, then the product, then the resource")
{
  auto family = [](const std::string& fields) {
    return only_alert(parse_alerts("{\"SystemAlertId\":\"f\"," + fields + "}", "f")).family;
  };
  CHECK(family(R"("AlertType":"Arm_Suspicious_Vault_Recovering")") == Family::resourcemanager);
  CHECK(family(R"("AlertType":"RM_MicroBurst.AzureRmVMBulkCMD")") == Family::resourcemanager);
  CHECK(family(R"("AlertType":"ARM.MCAS_ImpossibleTravelActivity")") == Family::resourcemanager);
  CHECK(family(R"("AlertType":"SIMULATED_AzureDNS_PhishingDomain")") == Family::dns);
  CHECK(family(R"("AlertType":"VM_Something","ProductComponentName":"ARM")") ==
        Family::resourcemanager);
  CHECK(
      family(
          R"("AlertType":"New_Thing","AzureResourceId":"/subscriptions/s/resourceGroups/r/providers/MICROSOFT.KEYVAULT/vaults/v")") ==
      Family::keyvault);
  CHECK(family(R"("AlertType":"VM_EICAR")") == Family::other);
}

TEST_CASE("a forced shape overrides detection")
{
  ReadOptions options;
  options.shape = Shape::export_;
  const auto r =
      parse_alerts(R"({"id":"x","properties":{"alertType":"KV_UserAnomaly"}})", "f", options);
  CHECK(r.alerts.empty());
  CHECK(messages(r) ==
        std::vector<std::string>{
            "f: document 1: not a Defender alert (no alertType/AlertType in the export shape)"});
}

TEST_CASE("append_json writes exactly what to_json dumps")
{
  const std::string hostile =
      R"({"AlertType": "KV_TORAccess", "SystemAlertId": "q\"\\\u0001\u001f\u007f", "Severity": "Low",
    "AlertDisplayName": "Zürich 北京 \u2028 tab\there", "Status": "Weird",
    "AzureResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
    "Entities": [{"Address": "1.2.3.4", "Type": "ip"}, {"Name": "bob", "UPNSuffix": "x.example", "Type": "account"},
                 {"HostName": "h", "Type": "host"}, {"DomainName": "d.example", "Type": "dns"}],
    "ExtendedProperties": {"b": "2", "a": {"nested": [1, 2.5, null, true]}},
    "RemediationSteps": ["one", "two\nlines"]})";
  for (const auto& text : {hostile, std::string(k_arm)}) {
    const auto r = parse_alerts(text, "f\"ile.json");
    REQUIRE(r.alerts.size() == 1);
    std::string line;
    append_json(r.alerts[0], line);
    CHECK(line == to_json(r.alerts[0]).dump());
  }
}

TEST_CASE("an export without the alert's ARM ID gets one from subscription, location and name")
{
  const auto a = only_alert(
      parse_alerts(R"({"AlertType": "KV_TORAccess", "SystemAlertId": "abc", "Severity": "Low",
    "AzureResourceId": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv",
    "AlertUri": "https://portal.azure.com/#blade/x/AlertBlade/alertId/abc/subscriptionId/s1/resourceGroup/rg-alerts/referencedFrom/alertDeepLink/location/westeurope"})",
                   "e.json"));
  CHECK(a.alert_resource_id == "/subscriptions/s1/resourceGroups/rg-alerts/providers/"
                               "Microsoft.Security/locations/westeurope/alerts/abc");
}

TEST_CASE("a broken first NDJSON line costs one error and no alert")
{
  const std::string good =
      R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"ok","Severity":"Low","Entities":[{"Address":"1.2.3.4","Type":"ip"}]})";
  const std::string first =
      R"({"AlertType":"KV_TORAccess","SystemAlertId":"x1","Severity":"High","n":[1,2.5,{"a":null}],"t":true})";
  for (std::size_t cut_at = 1; cut_at < first.size(); ++cut_at) {
    const auto r = parse_alerts(
        first.substr(0, cut_at) + "\n" + good + "\n" + good + "\n" + good + "\n", "cut.ndjson");
    INFO(first.substr(0, cut_at) << "\n" << Catch::Detail::stringify(messages(r)));
    CHECK(r.alerts.size() == 3);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].line == 1);
  }
  SECTION("the same line second loses nothing either")
  {
    const auto r =
        parse_alerts(good + "\n" + first.substr(0, 30) + "\n" + good + "\n", "cut.ndjson");
    CHECK(r.alerts.size() == 2);
    CHECK(messages(r) == std::vector<std::string>{
                             "cut.ndjson:2:31: syntax error while parsing object key: invalid "
                             "string: missing closing quote; expected string literal"});
  }
}

TEST_CASE("AlertReader::read hands over each document's diagnostics as soon as they are met")
{
  // A source that fails if read past the first line: diagnostics must not wait for an alert.
  struct OneLine : ByteSource
  {
    bool served = false;
    std::size_t read(char* buffer, std::size_t size) override
    {
      if (served) {
        FAIL("read past the first line before handing over its diagnostic");
      }
      served = true;
      const std::string line = "{\"kind\":\"score\"}\n";
      REQUIRE(size >= line.size());
      std::copy(line.begin(), line.end(), buffer);
      return line.size();
    }
  } source;
  AlertReader reader(source, "-");
  Alert alert;
  std::vector<Diagnostic> diagnostics;
  CHECK(reader.read(alert, diagnostics) == ReadEvent::diagnostics);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].to_string() ==
        "-: document 1: not a Defender alert (no alertType/AlertType)");
}

TEST_CASE("past 20 problems a file is still read to the end, and the rest are counted")
{
  const std::string good =
      R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"ok","Severity":"Low"})";
  std::string text;
  for (int i = 1; i <= 2000; ++i) {
    text += (i % 50 == 0 ? std::string("{\"AlertType\": nope}") : good) + "\n";
  }
  const auto r = parse_alerts(text, "big.ndjson");
  CHECK(r.alerts.size() == 1960);
  REQUIRE(r.diagnostics.size() == 21);
  CHECK(r.diagnostics[0].to_string() ==
        "big.ndjson:50:15: syntax error while parsing value: invalid literal");
  CHECK(r.diagnostics[20].to_string() ==
        "big.ndjson: 20 more problems not shown (20 syntax errors; -v shows all)");
  SECTION("with no limit every problem is returned")
  {
    ReadOptions all;
    all.max_diagnostics = 0;
    CHECK(parse_alerts(text, "big.ndjson", all).diagnostics.size() == 40);
  }
}

TEST_CASE("numbers: huge ones are kept as text, bad ones are reported where they are")
{
  SECTION("a 20-digit integer and 1e400 in unrelated fields")
  {
    const auto r =
        parse_alerts(R"({"AlertType": "KV_TORAccess", "SystemAlertId": "n1", "Severity": "High",
      "Correlation": 12345678901234567890123, "ExtendedProperties": {"ratio": 1e400, "count": 7, "neg": -99999999999999999999}})",
                     "n.json");
    const auto& a = only_alert(r);
    CHECK(r.diagnostics.empty());
    CHECK(a.extended_properties.at("ratio") == "1e400");
    CHECK(a.extended_properties.at("count") == 7);
    CHECK(a.extended_properties.at("neg") == "-99999999999999999999");
    CHECK(a.warnings ==
          std::vector<std::string>{"a number too large for a 64-bit value was kept as text"});
  }
  SECTION("a million-digit number is kept, and never echoed")
  {
    const std::string digits(1000000, '7');
    const auto ok =
        parse_alerts(R"({"AlertType": "KV_TORAccess", "Big": )" + digits + "}", "big.json");
    CHECK(ok.alerts.size() == 1);
    const auto bad =
        parse_alerts("{\"AlertType\": \"KV_TORAccess\",\n \"Big\": " + digits + "x}", "bad.json");
    REQUIRE(bad.diagnostics.size() == 1);
    CHECK(bad.diagnostics[0].line == 2);
    CHECK(bad.diagnostics[0].to_string().size() < 300);
  }
  SECTION("nesting too deep is reported at the bracket that goes too deep")
  {
    std::string text = "{\"AlertType\": \"KV_TORAccess\",\n";
    for (int i = 2; i < 14; ++i) {
      text += "\n";
    }
    text += "  \"deep\": [12345, " + std::string(1100, '[') + std::string(1100, ']') + "]}";
    const auto r = parse_alerts(text, "deep.json");
    CHECK(messages(r) ==
          std::vector<std::string>{"deep.json:14:1041: nested deeper than 1024 levels"});
  }
}

TEST_CASE("duplicate keys: the last one wins, as in jq and Python, with a warning")
{
  SECTION("an early empty properties does not hide the alert")
  {
    const auto r = parse_alerts(
        R"({"id": "/subscriptions/s/providers/Microsoft.Security/locations/l/alerts/d1", "name": "d1",
      "type": "Microsoft.Security/Locations/alerts", "properties": {},
      "properties": {"alertType": "KV_TORAccess", "severity": "High"}})",
        "dup.json");
    const auto& a = only_alert(r);
    CHECK(a.alert_type == "KV_TORAccess");
    CHECK(a.warnings ==
          std::vector<std::string>{R"(duplicate key "properties"; the last one is used)"});
  }
  SECTION("a nested duplicate")
  {
    const auto& a = only_alert(parse_alerts(
        R"({"AlertType": "KV_TORAccess", "SystemAlertId": "d2", "Severity": "Low", "Severity": "High", "ExtendedProperties": {"a/b": {"x": 1, "x": 2}}})",
        "dup.json"));
    CHECK(a.severity == Severity::high);
    CHECK(a.extended_properties.at("a/b").at("x") == 2);
    CHECK(a.warnings ==
          std::vector<std::string>{R"(duplicate key "Severity"; the last one is used)"});
  }
  SECTION("deeper: the path to the object, and its smallest duplicate key")
  {
    const auto r = parse_alerts(
        R"({"AlertType": "KV_TORAccess", "SystemAlertId": "d3", "Severity": "High", "ExtendedProperties": {"a/b~c": {"x": 1, "y": [0, {"z": 1, "z": 2}], "x": 2}}}
{"AlertType": "KV_TORAccess", "SystemAlertId": "d4", "Severity": "High", "Entities": [{"t": 1}, {"b": 1, "a": 2, "b": 3, "a": 4}]})",
        "dup.json");
    REQUIRE(r.alerts.size() == 2);
    CHECK(r.alerts[0].warnings ==
          std::vector<std::string>{
              R"(duplicate key "x" in "/ExtendedProperties/a~1b~0c"; the last one is used)"});
    CHECK(r.alerts[1].warnings ==
          std::vector<std::string>{R"(duplicate key "a" in "/Entities/1"; the last one is used)"});
  }
}

TEST_CASE("keys differing only in case: the first spelling met is read, its last occurrence")
{
  // More members than are kept inline, so that the lookup also runs on the spilled ones.
  std::string text = R"({"AlertType": "KV_TORAccess", "SystemAlertId": "c1", "SEVERITY": "Low")";
  for (int i = 0; i < 60; ++i) {
    text += ", \"filler" + std::to_string(i) + "\": " + std::to_string(i);
  }
  text += R"(, "Severity": "High", "SEVERITY": "Medium", "alertdisplayname": "late name"})";
  const auto& a = only_alert(parse_alerts(text, "case.json"));
  CHECK(a.severity == Severity::medium);
  CHECK(a.display_name == "late name");
  CHECK(a.warnings ==
        std::vector<std::string>{R"(duplicate key "SEVERITY"; the last one is used)"});
}

TEST_CASE("Log Analytics rows are read one at a time")
{
  std::string text =
      R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"AlertType","type":"string"},{"name":"SystemAlertId","type":"string"}],"rows":[)";
  for (int i = 0; i < 1000; ++i) {
    text += std::string(i ? "," : "") + "[\"KV_UserAnomaly\",\"r" + std::to_string(i) + "\"]";
  }
  text += "]}]}";
  const auto r = parse_alerts(text, "q.json");
  REQUIRE(r.alerts.size() == 1000);
  CHECK(r.diagnostics.empty());
  CHECK(r.alerts[999].id == "r999");
  CHECK(r.alerts[999].source.document == 1);
}
