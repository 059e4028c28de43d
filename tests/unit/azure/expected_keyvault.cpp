// What the Key Vault and Log Analytics actions must send, and what they refuse: the
// firewall that keeps the vault's subnets and never lets a blocked address in, versions
// that are never disabled while current, key rotation, certificate re-issue with a new
// key, and the audit query over both log tables.

#include "dftriage/azure/actions.hpp"
#include "unit/azure/action_expectations.hpp"

#include <catch2/catch.hpp>

namespace dftriage::azure::testing {

const std::vector<Expected> k_expected_keyvault = {
    {"keyvault.firewall.enable",
     R"({"vault":"{kv}","allowedIps":["203.0.113.0/24"],"bypassAzureServices":false})", "PATCH",
     "{arm}{kv}?api-version=2026-02-01",
     R"j({"properties":{"networkAcls":{"defaultAction":"Deny","bypass":"None","ipRules":[{"value":"203.0.113.0/24"}],
       "virtualNetworkRules":"$(pre-image 0 /properties/networkAcls/virtualNetworkRules)"}}})j",
     "{arm}{kv}?api-version=2026-02-01", Reversibility::reversible,
     "Microsoft.KeyVault/vaults/write"},
    {"keyvault.key.rotate", R"({"vault":"{kv}","name":"cmk"})", "POST",
     "{dp}/keys/cmk/rotate?api-version=2025-07-01", "", "{dp}/keys/cmk?api-version=2025-07-01",
     Reversibility::irreversible, "Microsoft.KeyVault/vaults/keys/rotate/action"},
    {"keyvault.key.versions.list", R"({"vault":"{kv}","name":"cmk"})", "GET",
     "{dp}/keys/cmk/versions?api-version=2025-07-01", "", "", Reversibility::read_only,
     "Microsoft.KeyVault/vaults/keys/read"},
    {"keyvault.certificate.versions.list", R"({"vault":"{kv}","name":"web-tls"})", "GET",
     "{dp}/certificates/web-tls/versions?api-version=2025-07-01", "", "", Reversibility::read_only,
     "Microsoft.KeyVault/vaults/certificates/read"},
    {"keyvault.certificate.create", R"({"vault":"{kv}","name":"web-tls"})", "POST",
     "{dp}/certificates/web-tls/create?api-version=2025-07-01",
     R"j({"policy":{"key_props":{"exportable":"$(pre-image 0 /key_props/exportable)","kty":"$(pre-image 0 /key_props/kty)",
         "key_size":"$(pre-image 0 /key_props/key_size)","crv":"$(pre-image 0 /key_props/crv)","reuse_key":false},
       "secret_props":"$(pre-image 0 /secret_props)","x509_props":"$(pre-image 0 /x509_props)",
       "lifetime_actions":"$(pre-image 0 /lifetime_actions)","issuer":"$(pre-image 0 /issuer)",
       "attributes":{"enabled":"$(pre-image 0 /attributes/enabled)"}}})j",
     "{dp}/certificates/web-tls/policy?api-version=2025-07-01", Reversibility::irreversible,
     "Microsoft.KeyVault/vaults/certificates/create/action"},
    {"keyvault.diagnostics.query",
     R"({"workspaceId":"{ws}","vault":"{kv}","callerIp":"203.0.113.7","objectId":"{oid}",
       "start":"2026-11-20T00:00:00Z","end":"2026-11-27T09:00:00+01:00"})",
     "POST", "https://api.loganalytics.io/v1/workspaces/{ws}/query",
     R"({"query":"union isfuzzy=true\n)"
     R"((AzureDiagnostics\n)"
     R"(| where ResourceProvider == \"MICROSOFT.KEYVAULT\" and Resource =~ \"kv1\"\n)"
     R"(| project TimeGenerated, OperationName, CallerIpAddress = CallerIPAddress, )"
     R"(CallerObjectId = tostring(identity_claim_oid_g), CallerUpn = identity_claim_upn_s, )"
     R"(CallerAppId = tostring(identity_claim_appid_g), RequestUri = requestUri_s, ResultSignature, )"
     R"(HttpStatusCode = toint(httpStatusCode_d), ClientInfo = clientInfo_s),\n)"
     R"((AZKVAuditLogs\n)"
     R"(| where _ResourceId =~ \"/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1\"\n)"
     R"(| project TimeGenerated, OperationName, CallerIpAddress, )"
     R"(CallerObjectId = tostring(coalesce(Identity.claim.oid, )"
     R"(Identity.claim[\"http://schemas.microsoft.com/identity/claims/objectidentifier\"])), )"
     R"(CallerUpn = tostring(coalesce(Identity.claim.upn, )"
     R"(Identity.claim[\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn\"])), )"
     R"(CallerAppId = tostring(Identity.claim.appid), RequestUri, ResultSignature, )"
     R"(HttpStatusCode = toint(HttpStatusCode), ClientInfo)\n)"
     R"(| where CallerIpAddress == \"203.0.113.7\"\n)"
     R"(| where CallerObjectId =~ \"{oid}\"\n)"
     R"(| order by TimeGenerated desc\n)"
     R"(| take 1000",
       "timespan":"2026-11-20T00:00:00Z/2026-11-27T08:00:00Z"})",
     "", Reversibility::read_only, "Microsoft.OperationalInsights/workspaces/query/read"},
};

} // namespace dftriage::azure::testing

using namespace dftriage::azure;
using namespace dftriage::azure::testing;
using Json = nlohmann::ordered_json;

namespace {

const Json k_vnet_rule =
    Json::parse(R"({"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/)"
                R"(virtualNetworks/app/subnets/web","ignoreMissingVnetServiceEndpoint":false})");

// A vault as ARM returns it with the firewall open and one subnet rule.
PreImage open_vault()
{
  return {{200, Json{{"properties",
                      {{"networkAcls",
                        {{"defaultAction", "Allow"},
                         {"bypass", "AzureServices"},
                         {"ipRules", Json::array()},
                         {"virtualNetworkRules", Json::array({k_vnet_rule})}}}}}}}};
}

} // namespace

TEST_CASE("keyvault.firewall.enable builds a PATCH with the allowed ranges")
{
  const auto built =
      build("keyvault.firewall.enable", R"({"vault":"{kv}","allowedIps":["203.0.113.0/24"]})");
  REQUIRE(built.pre_image.size() == 1);
  REQUIRE(built.requests.size() == 1);
  const auto& r = built.requests[0];
  CHECK(r.method == "PATCH");
  CHECK(r.url == expand("{arm}{kv}?api-version=2026-02-01"));
  CHECK(
      r.body->dump() ==
      R"({"properties":{"networkAcls":{"defaultAction":"Deny","bypass":"AzureServices","ipRules":[{"value":"203.0.113.0/24"}],)"
      R"j("virtualNetworkRules":"$(pre-image 0 /properties/networkAcls/virtualNetworkRules)"}}})j");
  CHECK(r.mutating);
  CHECK(r.reversibility == Reversibility::reversible);
  CHECK(r.permission == "Microsoft.KeyVault/vaults/write");
}

TEST_CASE("keyvault.firewall.enable keeps the vault's subnets unless allowedSubnets replaces them")
{
  const auto kept =
      build("keyvault.firewall.enable", R"({"vault":"{kv}","allowedIps":["203.0.113.0/24"]})");
  const auto sent = resolve_pre_image(*kept.requests[0].body, open_vault());
  CHECK(sent["properties"]["networkAcls"]["virtualNetworkRules"] == Json::array({k_vnet_rule}));
  CHECK(sent["properties"]["networkAcls"]["defaultAction"] == "Deny");
  // A vault that has no rules yet gets none: the key is left out of the PATCH.
  const auto bare =
      resolve_pre_image(*kept.requests[0].body, {{200, Json{{"properties", Json::object()}}}});
  CHECK_FALSE(bare["properties"]["networkAcls"].contains("virtualNetworkRules"));

  const auto cleared = build("keyvault.firewall.enable", R"({"vault":"{kv}","allowedSubnets":[]})");
  CHECK(cleared.requests[0].body->at("properties").at("networkAcls").at("virtualNetworkRules") ==
        Json::array());
  const std::string other = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/"
                            "virtualNetworks/soc/subnets/jump";
  const auto replaced =
      build("keyvault.firewall.enable", R"({"vault":"{kv}","allowedSubnets":[")" + other + "\"]}");
  CHECK(replaced.requests[0].body->at("properties").at("networkAcls").at("virtualNetworkRules") ==
        Json::parse(R"([{"id":")" + other + R"(","ignoreMissingVnetServiceEndpoint":false}])"));

  // Already on with the same ranges: satisfied whatever the subnets, when they are kept.
  const auto& spec = spec_of("keyvault.firewall.enable");
  PreImage on = open_vault();
  on[0].body["properties"]["networkAcls"]["defaultAction"] = "Deny";
  on[0].body["properties"]["networkAcls"]["ipRules"] = Json::array({{{"value", "203.0.113.0/24"}}});
  CHECK(spec.satisfied(args_of(spec.name, R"({"vault":"{kv}","allowedIps":["203.0.113.0/24"]})"),
                       on));
  CHECK_FALSE(spec.satisfied(
      args_of(spec.name, R"({"vault":"{kv}","allowedIps":["203.0.113.0/24"],"allowedSubnets":[]})"),
      on));
  // Undo puts back the whole networkAcls, subnets included.
  const auto undo =
      spec.revert(args_of(spec.name, R"({"vault":"{kv}"})"), open_vault(), public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK(undo[0].body->at("properties").at("networkAcls") ==
        open_vault()[0].body["properties"]["networkAcls"]);
}

TEST_CASE("keyvault.firewall.enable refuses allowed ranges that let a blocked address in")
{
  const auto with = [](const std::string& allowed, const std::string& blocked) {
    return build("keyvault.firewall.enable", R"({"vault":"{kv}","allowedIps":[")" + allowed +
                                                 R"("],"blockedIps":[")" + blocked + R"("]})");
  };
  CHECK_THROWS_WITH(
      with("185.220.100.0/22", "185.220.101.47"),
      "parameter blockedIps: \"185.220.101.47\" is inside the allowed range \"185.220.100.0/22\" "
      "(allowedIps): the firewall would let it in; narrow the range");
  CHECK_THROWS_WITH(with("185.220.101.47", "185.220.101.47"),
                    Catch::StartsWith("parameter blockedIps: \"185.220.101.47\""));
  CHECK_THROWS_WITH(with("2001:db8::/32", "2001:db8:1::7"), Catch::Contains("\"2001:db8::/32\""));
  CHECK_NOTHROW(with("185.220.100.0/24", "185.220.101.47"));
  CHECK_NOTHROW(with("0.0.0.0/1", "185.220.101.47"));
  CHECK_THROWS_WITH(with("0.0.0.0/0", "185.220.101.47"), Catch::Contains("\"0.0.0.0/0\""));
  CHECK_NOTHROW(with("2001:db8::/32", "185.220.101.47"));
  CHECK_NOTHROW(
      build("keyvault.firewall.enable", R"({"vault":"{kv}","blockedIps":["185.220.101.47"]})"));
  // The alert's addresses are attacker-written: one that is no address is in no range,
  // and never stops the firewall.
  CHECK_NOTHROW(with("0.0.0.0/0", "185.220.101.47\\u001b[0m"));
  CHECK_NOTHROW(with("0.0.0.0/0", "185.220.101.0/24"));
}

TEST_CASE("disabling a secret, key or certificate version refuses the current version")
{
  struct Case
  {
    const char* action;
    const char* name;
    const char* current_url;
    Json (*current)(const std::string& version); // the current-version read naming `version`
    const char* refusal;
  };
  const Case cases[] = {
      {"keyvault.secret.disable", "db-password",
       "{arm}{kv}/secrets/db-password?api-version=2026-02-01",
       [](const std::string& v) {
         return Json{
             {"properties",
              {{"secretUriWithVersion", "https://kv1.vault.azure.net/secrets/db-password/" + v}}}};
       },
       "version \"aaaa1111\" of secret \"db-password\" is its current version: rotate first "
       "(keyvault.secret.rotate), "
       "or everything using it fails"},
      {"keyvault.key.disable", "cmk", "{dp}/keys/cmk?api-version=2025-07-01",
       [](const std::string& v) {
         return Json{{"key", {{"kid", "https://kv1.vault.azure.net/keys/cmk/" + v}}}};
       },
       "version \"aaaa1111\" of key \"cmk\" is its current version: rotate first "
       "(keyvault.key.rotate), "
       "or everything using it fails"},
      {"keyvault.certificate.disable", "web-tls",
       "{dp}/certificates/web-tls?api-version=2025-07-01",
       [](const std::string& v) {
         return Json{{"id", "https://kv1.vault.azure.net/certificates/web-tls/" + v}};
       },
       "version \"aaaa1111\" of certificate \"web-tls\" is its current version: re-issue first "
       "(keyvault.certificate.create), or everything using it fails"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.action)
    {
      const auto& spec = spec_of(c.action);
      const std::string args =
          std::string(R"({"vault":"{kv}","name":")") + c.name + R"(","version":"aaaa1111"})";
      const auto built = build(c.action, args);
      REQUIRE(built.pre_image.size() == 2);
      CHECK(built.pre_image[1].url == expand(c.current_url));
      CHECK(built.pre_image[1].purpose == "pre-image");
      // Keys are listed by "kid", secrets and certificates by "id".
      const char* id_key = std::string(c.action) == "keyvault.key.disable" ? "kid" : "id";
      const auto versions = [&](bool enabled) {
        Json item{{id_key, "https://kv1.vault.azure.net/x/y/AAAA1111"},
                  {"attributes", {{"enabled", enabled}}}};
        return Observed{200, Json{{"value", Json::array({item})}}};
      };
      const auto checked = args_of(c.action, args);
      const Observed current{200, c.current("AAAA1111")};
      CHECK(spec.refuse(checked, {versions(true), current}) == c.refusal);
      // Already disabled: nothing to refuse, nothing to send.
      CHECK(spec.refuse(checked, {versions(false), current}).empty());
      CHECK(spec.satisfied(checked, {versions(false), current}));
      // An older version: disabled as asked, and undone from the versions list.
      const Observed newer{200, c.current("bbbb2222")};
      CHECK(spec.refuse(checked, {versions(true), newer}).empty());
      CHECK(spec.refuse(checked, {versions(true), {404, nullptr}}).empty());
      const auto undo = spec.revert(checked, {versions(true), newer}, public_cloud());
      REQUIRE(undo.size() == 1);
      CHECK(undo[0].body->dump() == R"({"attributes":{"enabled":true}})");
    }
  }
}

TEST_CASE("keyvault.key.rotate refuses a key that is missing or belongs to a certificate")
{
  const auto& spec = spec_of("keyvault.key.rotate");
  const auto args = args_of(spec.name, R"({"vault":"{kv}","name":"cmk"})");
  const auto built = build(spec.name, R"({"vault":"{kv}","name":"cmk"})");
  CHECK_FALSE(built.requests[0].body);
  CHECK(built.pre_image[0].permission == "Microsoft.KeyVault/vaults/keys/read");
  CHECK(spec.refuse(args, {{404, nullptr}}) == "the vault has no key \"cmk\": nothing to rotate");
  CHECK(spec.refuse(args, {{200, Json{{"key", {{"kid", "k"}}}, {"managed", true}}}}) ==
        "key \"cmk\" backs a certificate (managed): re-issue the certificate "
        "(keyvault.certificate.create), "
        "which makes its new key");
  CHECK(spec.refuse(args, {{200, Json{{"key", {{"kid", "k"}}}}}}).empty());
  CHECK(spec.undo.empty());
  CHECK_FALSE(spec.revert);
}

TEST_CASE("keyvault.certificate.create re-issues under the certificate's own policy with a new key")
{
  const auto& spec = spec_of("keyvault.certificate.create");
  const std::string call = R"({"vault":"{kv}","name":"web-tls"})";
  const auto built = build(spec.name, call);
  REQUIRE(built.pre_image.size() == 2);
  CHECK(built.pre_image[1].url ==
        expand("{dp}/certificates/web-tls/pending?api-version=2025-07-01"));
  const Json policy =
      Json::parse(R"({"id":"https://kv1.vault.azure.net/certificates/web-tls/policy",
    "key_props":{"exportable":true,"kty":"RSA","key_size":2048,"reuse_key":true},
    "secret_props":{"contentType":"application/x-pkcs12"},
    "x509_props":{"subject":"CN=web.contoso.com","sans":{"dns_names":["web.contoso.com"]},"validity_months":12},
    "lifetime_actions":[{"trigger":{"lifetime_percentage":80},"action":{"action_type":"AutoRenew"}}],
    "issuer":{"name":"DigiCert","cty":"OV-SSL"},
    "attributes":{"enabled":true,"created":1700000000,"updated":1700000000}})");
  const auto sent = resolve_pre_image(*built.requests[0].body, {{200, policy}, {404, nullptr}});
  CHECK(
      sent.dump() ==
      Json::parse(
          R"({"policy":{"key_props":{"exportable":true,"kty":"RSA","key_size":2048,"reuse_key":false},
             "secret_props":{"contentType":"application/x-pkcs12"},
             "x509_props":{"subject":"CN=web.contoso.com","sans":{"dns_names":["web.contoso.com"]},"validity_months":12},
             "lifetime_actions":[{"trigger":{"lifetime_percentage":80},"action":{"action_type":"AutoRenew"}}],
             "issuer":{"name":"DigiCert","cty":"OV-SSL"},"attributes":{"enabled":true}}})")
          .dump());

  const auto args = args_of(spec.name, call);
  CHECK(spec.refuse(args, {{404, nullptr}, {404, nullptr}}) ==
        "the vault has no certificate \"web-tls\": nothing to re-issue");
  CHECK(spec.refuse(args,
                    {{200, policy},
                     {200, Json{{"status", "inProgress"}, {"issuer", {{"name", "DigiCert"}}}}}}) ==
        "certificate \"web-tls\" already has an operation in progress (issuer \"DigiCert\"): Key "
        "Vault takes no new "
        "one until it completes, fails or is cancelled");
  CHECK(spec.refuse(args, {{200, policy}, {200, Json{{"status", "completed"}}}}).empty());
  CHECK(spec.refuse(args, {{200, policy}, {404, nullptr}}).empty());
}

TEST_CASE("keyvault.diagnostics.query inserts alert values only as escaped KQL literals")
{
  const auto query = [](const std::string& ip) {
    Json args = Json::parse(expand(R"({"workspaceId":"{ws}","vault":"{kv}"})"));
    args["callerIp"] = ip;
    return spec_of("keyvault.diagnostics.query")
        .build(check_args(spec_of("keyvault.diagnostics.query"), args), public_cloud())
        .requests[0]
        .body->at("query")
        .get<std::string>();
  };
  CHECK(query(R"(1.2.3.4" | union * | where "1"=="1)")
            .find(R"(| where CallerIpAddress == "1.2.3.4\" | union * | where \"1\"==\"1")") !=
        std::string::npos);
  CHECK(query(R"(\")").find(R"(== "\\\"")") != std::string::npos);
  CHECK_THROWS_WITH(
      query("1.2.3.4\n| take 1"),
      "parameter callerIp: control character in a KQL string: \"1.2.3.4\\n| take 1\"");
  CHECK_THROWS_WITH(query(std::string(10240, '1')),
                    Catch::StartsWith("parameter callerIp: too long for a KQL string"));
  CHECK_THROWS_WITH(
      build("keyvault.diagnostics.query", R"({"workspaceId":"{oid}/../x","vault":"{kv}"})"),
      Catch::StartsWith("parameter workspaceId: expected a GUID"));
}

TEST_CASE(
    "keyvault.diagnostics.query covers start to end, the 7 days before end, or the last 7 days")
{
  const auto timespan = [](const std::string& extra) {
    return build("keyvault.diagnostics.query",
                 R"({"workspaceId":"{ws}","vault":"{kv}")" + extra + "}")
        .requests[0]
        .body->at("timespan")
        .get<std::string>();
  };
  CHECK(timespan("") == "P7D");
  CHECK(timespan(R"(,"start":"2026-11-27T07:58:12.5Z","end":"2026-11-27T08:02:47Z")") ==
        "2026-11-27T07:58:12.5Z/2026-11-27T08:02:47Z");
  CHECK(timespan(R"(,"end":"2026-11-27T08:00:00Z")") ==
        "2026-11-20T08:00:00Z/2026-11-27T08:00:00Z");
  CHECK_THROWS_WITH(timespan(R"(,"start":"2026-11-27T08:00:00Z")"),
                    "parameter end is required with start (the query covers start to end); give "
                    "neither for the last 7 days");
  CHECK_THROWS_WITH(
      timespan(R"(,"start":"2026-11-28T00:00:00Z","end":"2026-11-27T00:00:00Z")"),
      "parameter start: \"2026-11-28T00:00:00Z\" is after end \"2026-11-27T00:00:00Z\"");
  CHECK_THROWS_WITH(
      timespan(R"(,"end":"last week")"),
      "parameter end: expected an ISO 8601 time like 2026-01-31T08:00:00Z, got \"last week\"");
  // Both tables, the filters after the union, on the columns both legs project.
  const auto query = build("keyvault.diagnostics.query",
                           R"({"workspaceId":"{ws}","vault":"{kv}","objectId":"{oid}"})")
                         .requests[0]
                         .body->at("query")
                         .get<std::string>();
  CHECK_THAT(query, Catch::StartsWith("union isfuzzy=true\n(AzureDiagnostics\n"));
  CHECK_THAT(query, Catch::Contains("),\n(AZKVAuditLogs\n"));
  CHECK_THAT(
      query,
      Catch::EndsWith(expand(
          ")\n| where CallerObjectId =~ \"{oid}\"\n| order by TimeGenerated desc\n| take 1000")));
}
