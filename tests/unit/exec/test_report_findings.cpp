// The incident record's findings: indicators from the alert and from reads, the
// attacked resource's owner, the time to first containment.

#include "report_fixture.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace dftriage;
using namespace dftriage::test;

TEST_CASE("the report lists indicators from the alert and from directory reads", "[report]")
{
  const Json props{
      {"entities",
       Json::array(
           {{{"type", "ip"},
             {"address", "185.220.101.47"},
             {"location", {{"countryName", "Germany"}, {"countryCode", "DE"}, {"asn", 4242}}},
             {"threatIntelligence", Json::array({{{"threatName", "TOR exit node"},
                                                  {"providerName", "MSTIC"},
                                                  {"confidence", 0.9}}})}},
            {{"type", "account"}, {"aadUserId", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"}},
            {{"type", "dns"}, {"domainName", "exampleonionrelay.net"}},
            {{"type", "host"},
             {"hostName", "vm-web-01"},
             {"azureID",
              "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-web/"
              "providers/Microsoft.Compute/virtualMachines/vm-web-01"}}})},
      {"extendedProperties", {{"IP reputation", "known TOR exit node"}}}};
  ReportCase c(arm_alert(props));
  c.opened();
  c.read_step("user", "graph.user.get",
              "https://graph.microsoft.com/v1.0/users/d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f",
              {{"id", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"},
               {"userPrincipalName", "mallory@contoso.example"},
               {"displayName", "Mallory"}});
  const auto report = c.report();
  const auto& ind = report["indicators"];
  REQUIRE(ind["ips"].size() == 1);
  CHECK(ind["ips"][0]["address"] == "185.220.101.47");
  CHECK(ind["ips"][0]["reputation"]["location"]["countryName"] == "Germany");
  CHECK(ind["ips"][0]["reputation"]["threatIntelligence"][0]["threatName"] == "TOR exit node");
  CHECK(ind["ips"][0]["reputation"]["notes"] ==
        Json::array({"IP reputation: known TOR exit node"}));
  REQUIRE(ind["principals"].size() == 1);
  CHECK(ind["principals"][0]["objectId"] == "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f");
  CHECK(ind["principals"][0]["upn"] == "mallory@contoso.example");
  CHECK(ind["principals"][0]["from"] == Json::array({"alert", "evidence/001-user.json"}));
  CHECK(ind["domains"] == Json::array({{{"name", "exampleonionrelay.net"}, {"from", {"alert"}}}}));
  REQUIRE(ind["resources"].size() == 2);
  CHECK(ind["resources"][0]["id"] == k_report_vault);
  CHECK(ind["resources"][0]["role"] == "attacked");
  CHECK(ind["resources"][1]["role"] == "host");

  const auto md = section(c.markdown(), "## Indicators");
  CHECK(md ==
        "\n| Kind | Value | Details | From |\n|---|---|---|---|\n"
        "| IP address | `185.220.101.47` | Germany, DE, AS4242; threat intelligence: TOR exit "
        "node, MSTIC, 0.9; "
        "IP reputation: known TOR exit node | alert |\n"
        "| Principal | `mallory@contoso.example` | object ID "
        "`d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f`, display "
        "name Mallory | alert, `evidence/001-user.json` |\n"
        "| Domain | `exampleonionrelay.net` | — | alert |\n"
        "| Resource | `" +
            k_report_vault +
            "` | attacked resource | alert |\n"
            "| Resource | "
            "`/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-web/providers/"
            "Microsoft.Compute/virtualMachines/vm-web-01` | host, `vm-web-01` | alert |\n");
}

TEST_CASE("audit-log reads add the addresses and principals seen with the caller", "[report]")
{
  ReportCase c(arm_alert(
      {{"entities", Json::array({{{"type", "ip"}, {"address", "185.220.101.47"}},
                                 {{"type", "account"}, {"aadUserId", "oid-mallory"}}})}}));
  c.opened();
  const Json columns = Json::array({{{"name", "TimeGenerated"}},
                                    {{"name", "CallerIPAddress"}},
                                    {{"name", "identity_claim_oid_g"}},
                                    {{"name", "identity_claim_upn_s"}},
                                    {{"name", "identity_claim_appid_g"}}});
  c.read_step(
      "log-by-principal", "keyvault.diagnostics.query",
      "https://api.loganalytics.io/v1/workspaces/w/query",
      {{"tables",
        Json::array(
            {{{"name", "PrimaryResult"},
              {"columns", columns},
              {"rows", Json::array({
                           {"t1", "185.220.101.47", "oid-mallory", "", "app-cli"},
                           {"t2", "198.51.100.23", "oid-mallory", "", "app-cli"},
                           {"t3", "not an address", "oid-bob", "bob@contoso.example", "app-cli"},
                       })}}})}});
  const auto ind = c.report()["indicators"];
  CHECK(ind["ips"] == Json::array({{{"address", "185.220.101.47"},
                                    {"valid", true},
                                    {"from", {"alert", "evidence/001-log-by-principal.json"}}},
                                   {{"address", "198.51.100.23"},
                                    {"valid", true},
                                    {"from", {"evidence/001-log-by-principal.json"}}}}));
  // The same public client (app-cli) is not the same person.
  CHECK(ind["principals"] ==
        Json::array({{{"objectId", "oid-mallory"},
                      {"appId", "app-cli"},
                      {"from", {"alert", "evidence/001-log-by-principal.json"}}},
                     {{"objectId", "oid-bob"},
                      {"upn", "bob@contoso.example"},
                      {"appId", "app-cli"},
                      {"from", {"evidence/001-log-by-principal.json"}}}}));
}

TEST_CASE(
    "the report names the owner a read found on the attacked resource, or says it was not found",
    "[report]")
{
  SECTION("from the Tags API")
  {
    ReportCase c;
    c.opened();
    c.read_step("owner-tags", "resources.get_tags",
                "https://management.azure.com" + k_report_vault +
                    "/providers/Microsoft.Resources/tags/default?api-version=x",
                {{"properties",
                  {{"tags", {{"env", "prod"}, {"Owner", "payments-platform@contoso.example"}}}}}});
    const auto report = c.report();
    CHECK(report["owner"] == Json{{"found", true},
                                  {"value", "payments-platform@contoso.example"},
                                  {"tag", "Owner"},
                                  {"step", "owner-tags"},
                                  {"evidence", "evidence/001-owner-tags.json"}});
    CHECK(has_line(
        c.markdown(),
        "- **Owner**: `payments-platform@contoso.example` (tag `Owner`, read by `owner-tags`)"));
  }
  SECTION("from the resource's own body, with a contact tag")
  {
    ReportCase c;
    c.opened();
    c.read_step(
        "read-vault", "keyvault.get",
        "https://management.azure.com" + k_report_vault + "?api-version=x",
        {{"id", k_report_vault}, {"tags", {{"support-contact", "kv-team@contoso.example"}}}});
    CHECK(c.report()["owner"]["value"] == "kv-team@contoso.example");
  }
  SECTION("tags read, none names an owner")
  {
    ReportCase c;
    c.opened();
    c.read_step("owner-tags", "resources.get_tags",
                "https://management.azure.com" + k_report_vault +
                    "/providers/Microsoft.Resources/tags/default",
                {{"properties", {{"tags", {{"env", "prod"}}}}}});
    CHECK(c.report()["owner"] ==
          Json{{"found", false}, {"tagsRead", {"evidence/001-owner-tags.json"}}});
    CHECK(has_line(c.markdown(), "- **Owner**: not found"));
  }
  SECTION("another resource's owner is not this one's")
  {
    ReportCase c;
    c.opened();
    c.read_step("owner-tags", "resources.get_tags",
                "https://management.azure.com" + k_report_vault +
                    "-other/providers/Microsoft.Resources/tags/default",
                {{"properties", {{"tags", {{"owner", "someone@contoso.example"}}}}}});
    CHECK(has_line(c.markdown(), "- **Owner**: not found (no step read the resource's tags)"));
  }
}

TEST_CASE("the report measures time to first containment and the total time", "[report]")
{
  ReportCase c;
  c.at("12:00:00.000");
  c.opened();
  c.at("12:01:00.000");
  c.change("block-early", "contact", "not a mitigation"); // a change, but not in mitigate
  c.at("12:02:00.000");
  c.read_step("read-vault", "keyvault.get", "https://management.azure.com" + k_report_vault,
              Json::object());
  c.at("12:03:04.500");
  c.change("enable-firewall", "mitigate", "contain");
  c.at("12:10:00.000");
  c.change("remove-access-policy", "mitigate", "contain more");
  c.at("13:02:05.000");
  c.add({{"event", "case.closed"}, {"outcome", "completed"}});
  const auto report = c.report();
  CHECK(report["durations"] ==
        Json{{"toFirstContainment",
              {{"step", "enable-firewall"}, {"at", "2026-11-28T12:03:04.500Z"}, {"seconds", 184}}},
             {"total", {{"seconds", 3725}, {"until", "2026-11-28T13:02:05.000Z"}}}});
  const auto md = c.markdown();
  CHECK(has_line(md, "- **Time to first containment**: 3m 04s (`enable-firewall`)"));
  CHECK(has_line(md, "- **Total time**: 1h 02m 05s"));
  CHECK(has_line(md, "- **State**: closed: completed"));
  const auto zh = c.markdown(playbook::Lang::zh_cn);
  CHECK(has_line(zh, "- **首次遏制用时**：3分04秒（`enable-firewall`）"));
  CHECK(has_line(zh, "- **总用时**：1小时02分05秒"));
  CHECK(has_line(zh, "- **状态**：已关闭：已完成"));
}
