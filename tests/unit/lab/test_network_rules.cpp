// An NSG's security rules one by one, as azure-mgmt-network's security_rules operations
// send them: `{nsg}/securityRules` (a page with value/nextLink) and
// `{nsg}/securityRules/{name}` (GET; PUT and DELETE as long-running operations). One state
// with the NSG's embedded securityRules; checked as the NSG's PUT checks its rules.

#include "compute_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_nsg = k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/iso";
const std::string k_rules = k_nsg + "/securityRules";

std::string rule_json(int priority, const std::string& direction = "Inbound",
                      const std::string& access = "Deny", const std::string& protocol = "Tcp")
{
  return Json{{"properties",
               {{"priority", priority},
                {"direction", direction},
                {"access", access},
                {"protocol", protocol},
                {"sourceAddressPrefix", "*"},
                {"sourcePortRange", "*"},
                {"destinationAddressPrefix", "*"},
                {"destinationPortRange", "22"}}}}
      .dump();
}

// An NSG `iso` with rules a (Inbound 100), b (Inbound 200) and c (Outbound 100).
void make_nsg(LabFixture& lab)
{
  Json rules = Json::array();
  for (const auto& [name, priority, direction] :
       {std::tuple{"a", 100, "Inbound"}, {"b", 200, "Inbound"}, {"c", 100, "Outbound"}}) {
    Json rule = Json::parse(rule_json(priority, direction));
    rule["name"] = name;
    rules.push_back(rule);
  }
  const Json body{{"location", "westeurope"}, {"properties", {{"securityRules", rules}}}};
  REQUIRE(lab.send("PUT", k_nsg, k_network_version, body.dump()).status == 201);
}

std::vector<std::string> embedded_names(LabFixture& lab)
{
  std::vector<std::string> out;
  const Json nsg = body_of(lab.send("GET", k_nsg, k_network_version));
  for (const auto& rule : nsg["properties"]["securityRules"]) {
    out.push_back(rule["name"]);
  }
  return out;
}

} // namespace

TEST_CASE("lab NSG security rules list in pages and get one by one", "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  make_nsg(lab);
  auto first = lab.send("GET", k_rules, k_network_version);
  REQUIRE(first.status == 200);
  const auto page1 = body_of(first);
  CHECK(names_of(page1) == std::vector<std::string>{"a", "b"}); // page size 2
  REQUIRE(page1["nextLink"].is_string());
  CHECK(page1["value"][0]["id"] == k_rules + "/a");
  CHECK(page1["value"][0]["type"] == "Microsoft.Network/networkSecurityGroups/securityRules");
  const auto page2 = body_of(send_url(lab, "GET", page1["nextLink"]));
  CHECK(names_of(page2) == std::vector<std::string>{"c"});
  CHECK(page2["nextLink"].is_null());

  auto one = lab.send("GET", k_rules + "/B", k_network_version);
  REQUIRE(one.status == 200);
  CHECK(body_of(one)["name"] == "b");
  CHECK(body_of(one)["properties"]["priority"] == 200);
  CHECK(one.header("ETag") == std::optional<std::string>(body_of(one)["etag"]));

  auto missing = lab.send("GET", k_rules + "/nope", k_network_version);
  CHECK(missing.status == 404);
  CHECK(error_code_of(missing) == "NotFound");
  CHECK(lab.send("GET",
                 k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/no/securityRules",
                 k_network_version)
            .status == 404);
}

TEST_CASE("lab NSG security rule PUT and DELETE are long-running and change the NSG",
          "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  make_nsg(lab);
  const std::string before = body_of(lab.send("GET", k_nsg, k_network_version))["etag"];

  auto created = lab.send("PUT", k_rules + "/d", k_network_version, rule_json(300));
  REQUIRE(created.status == 201);
  CHECK(body_of(created)["id"] == k_rules + "/d");
  CHECK(body_of(created)["properties"]["provisioningState"] == "Updating");
  REQUIRE(created.header("Azure-AsyncOperation"));
  CHECK(!created.header("Location"));
  CHECK(poll_async(lab, created) == std::vector<std::string>{"InProgress", "Succeeded"});
  CHECK(embedded_names(lab) == std::vector<std::string>{"a", "b", "c", "d"});
  const auto nsg = body_of(lab.send("GET", k_nsg, k_network_version));
  CHECK(nsg["etag"] != before);
  CHECK(nsg["properties"]["securityRules"][3]["etag"] == nsg["etag"]);
  CHECK(body_of(lab.send("GET", k_rules + "/d",
                         k_network_version))["properties"]["provisioningState"] == "Succeeded");

  auto updated = lab.send("PUT", k_rules + "/d", k_network_version, rule_json(310));
  REQUIRE(updated.status == 200);
  CHECK(body_of(lab.send("GET", k_rules + "/d", k_network_version))["properties"]["priority"] ==
        310);
  CHECK(embedded_names(lab).size() == 4);

  auto deleted = lab.send("DELETE", k_rules + "/b", k_network_version);
  REQUIRE(deleted.status == 202);
  REQUIRE(deleted.header("Azure-AsyncOperation"));
  REQUIRE(deleted.header("Location"));
  CHECK(poll_async(lab, deleted) == std::vector<std::string>{"InProgress", "Succeeded"});
  CHECK(embedded_names(lab) == std::vector<std::string>{"a", "c", "d"});
  CHECK(lab.send("DELETE", k_rules + "/b", k_network_version).status == 204);

  SECTION("an NSG PUT replaces the rules the sub-resource shows")
  {
    const Json body{{"location", "westeurope"}, {"properties", {{"securityRules", Json::array()}}}};
    REQUIRE(lab.send("PUT", k_nsg, k_network_version, body.dump()).status == 200);
    CHECK(names_of(body_of(lab.send("GET", k_rules, k_network_version))).empty());
  }
}

TEST_CASE("lab NSG security rule PUT is checked as the NSG's rules are", "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  make_nsg(lab);
  auto sideways = lab.send("PUT", k_rules + "/x", k_network_version, rule_json(300, "Sideways"));
  CHECK(sideways.status == 400);
  CHECK(error_code_of(sideways) == "InvalidRequestFormat");
  CHECK(lab.send("PUT", k_rules + "/x", k_network_version, rule_json(300, "Inbound", "Maybe"))
            .status == 400);
  CHECK(lab.send("PUT", k_rules + "/x", k_network_version,
                 rule_json(300, "Inbound", "Allow", "Carrier-pigeon"))
            .status == 400);
  CHECK(lab.send("PUT", k_rules + "/x", k_network_version, rule_json(50)).status == 400);
  auto clash = lab.send("PUT", k_rules + "/x", k_network_version, rule_json(200));
  CHECK(clash.status == 400);
  CHECK(error_code_of(clash) == "SecurityRuleConflict");
  // The same priority in the other direction is no clash; nothing refused was kept.
  CHECK(lab.send("PUT", k_rules + "/x", k_network_version, rule_json(200, "Outbound")).status ==
        201);
  CHECK(embedded_names(lab) == std::vector<std::string>{"a", "b", "c", "x"});

  SECTION("If-Match against the rule's ETag")
  {
    auto stale = send_with_headers(lab, "PUT", k_rules + "/a", k_network_version, rule_json(120),
                                   {{"If-Match", "W/\"stale\""}});
    CHECK(stale.status == 412);
    const std::string etag = body_of(lab.send("GET", k_rules + "/a", k_network_version))["etag"];
    CHECK(send_with_headers(lab, "PUT", k_rules + "/a", k_network_version, rule_json(120),
                            {{"If-Match", etag}})
              .status == 200);
  }
}
