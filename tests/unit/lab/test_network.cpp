// The lab's Microsoft.Network NSGs and NICs as Azure clients see them: long-running PUT
// and DELETE with Azure-AsyncOperation, ETags that change on every write, If-Match and
// If-None-Match, rule checks, the NIC's NSG association and the NSG's back-reference.

#include "compute_fixture.hpp"
#include "lab/seed.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_isolation =
    k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/triage-isolation";

// An isolation NSG: one analyst source allowed in first, then everything else denied both
// ways (priorities 100 and 110: Azure refuses anything under 100).
const std::string k_isolation_body = R"({"location":"westeurope","tags":{"createdBy":"dftriage"},
 "properties":{"securityRules":[
  {"name":"triage-allow-analyst-in","properties":{"priority":100,"direction":"Inbound","access":"Allow","protocol":"*",
   "sourceAddressPrefixes":["198.51.100.7"],"sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}},
  {"name":"triage-deny-all-in","properties":{"priority":110,"direction":"Inbound","access":"Deny","protocol":"*",
   "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}},
  {"name":"triage-deny-all-out","properties":{"priority":100,"direction":"Outbound","access":"Deny","protocol":"*",
   "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}}]}})";

// One inbound deny-all rule.
const std::string k_one_rule = R"({"location":"westeurope","properties":{"securityRules":[
  {"name":"deny-in","properties":{"priority":100,"direction":"Inbound","access":"Deny","protocol":"*",
   "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}}]}})";

// The body network.nic.attach_nsg sends: the NIC's writable properties from its GET,
// with networkSecurityGroup `nsg` ("" leaves it out, which detaches the NSG).
std::string nic_body(const Json& nic, const std::string& nsg)
{
  Json properties = Json::object();
  for (const char* key :
       {"ipConfigurations", "dnsSettings", "enableAcceleratedNetworking", "enableIPForwarding",
        "disableTcpStateTracking", "nicType", "auxiliaryMode", "auxiliarySku"}) {
    properties[key] = nic["properties"][key];
  }
  if (!nsg.empty()) {
    properties["networkSecurityGroup"] = {{"id", nsg}};
  }
  return Json{{"location", nic["location"]}, {"tags", nic["tags"]}, {"properties", properties}}
      .dump();
}

Json get(LabFixture& lab, const std::string& id)
{
  return body_of(lab.send("GET", id, k_network_version));
}

} // namespace

TEST_CASE("lab NSG PUT creates as a long-running operation and every write changes the ETag",
          "[lab][network]")
{
  LabFixture lab;
  auto created = lab.send("PUT", k_isolation, k_network_version, k_isolation_body);
  REQUIRE(created.status == 201);
  const auto body = body_of(created);
  CHECK(body["properties"]["provisioningState"] == "Updating");
  REQUIRE(body["properties"]["securityRules"].size() == 3);
  CHECK(body["properties"]["securityRules"][0]["id"] ==
        k_isolation + "/securityRules/triage-allow-analyst-in");
  CHECK(body["properties"]["securityRules"][0]["properties"]["sourceAddressPrefixes"] ==
        Json::array({"198.51.100.7"}));
  CHECK(body["properties"]["defaultSecurityRules"].size() == 6);
  CHECK(body["tags"]["createdBy"] == "dftriage");
  const std::string etag = body["etag"];
  CHECK(etag.rfind("W/\"", 0) == 0);
  CHECK(created.header("ETag") == std::optional<std::string>(etag));
  for (const auto& rule : body["properties"]["securityRules"]) {
    CHECK(rule["etag"] == etag); // Network's sub-resources carry their parent's ETag
  }
  // Network answers a PUT with Azure-AsyncOperation only.
  REQUIRE(created.header("Azure-AsyncOperation"));
  CHECK(created.header("Azure-AsyncOperation")
            ->find("/providers/Microsoft.Network/locations/westeurope/operations/") !=
        std::string::npos);
  CHECK(!created.header("Location"));
  CHECK(poll_async(lab, created) == std::vector<std::string>{"InProgress", "Succeeded"});

  auto got = lab.send("GET", k_isolation, k_network_version);
  REQUIRE(got.status == 200);
  CHECK(body_of(got)["properties"]["provisioningState"] == "Succeeded");
  CHECK(body_of(got)["etag"] == etag);
  CHECK(got.header("ETag") == std::optional<std::string>(etag));

  SECTION("a second PUT replaces the rules, answers 200 and a new ETag")
  {
    auto updated = lab.send("PUT", k_isolation, k_network_version, k_one_rule);
    CHECK(updated.status == 200);
    CHECK(poll_async(lab, updated).back() == "Succeeded");
    const auto after = get(lab, k_isolation);
    CHECK(after["etag"] != etag);
    CHECK(names_of(Json{{"value", after["properties"]["securityRules"]}}) ==
          std::vector<std::string>{"deny-in"});
    CHECK(after["properties"]["resourceGuid"] == body["properties"]["resourceGuid"]);
    CHECK(after["tags"].empty()); // a PUT replaces the tags too
  }
  SECTION("a PATCH of tags answers 200 at once with a new ETag and the rules kept")
  {
    auto patched =
        lab.send("PATCH", k_isolation, k_network_version, R"({"tags":{"incident":"42"}})");
    REQUIRE(patched.status == 200);
    CHECK(!patched.header("Azure-AsyncOperation"));
    const auto after = get(lab, k_isolation);
    CHECK(after["tags"] == Json{{"incident", "42"}});
    CHECK(after["etag"] != etag);
    CHECK(patched.header("ETag") == std::optional<std::string>(after["etag"].get<std::string>()));
    CHECK(after["properties"]["securityRules"].size() == 3);
    CHECK(lab.send("PATCH", k_isolation, k_network_version, R"({"properties":{}})").status == 400);
  }
}

TEST_CASE("lab Network writes honour If-Match and If-None-Match", "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string etag = get(lab, k_nsg1)["etag"];
  SECTION("a stale If-Match gets 412 PreconditionFailed and changes nothing")
  {
    for (const char* method : {"PUT", "PATCH", "DELETE"}) {
      const std::string body =
          std::string(method) == "PATCH" ? R"({"tags":{"a":"b"}})" : k_one_rule;
      auto r = send_with_headers(lab, method, k_nsg1, k_network_version, body,
                                 {{"If-Match", "W/\"stale\""}});
      INFO(method);
      CHECK(r.status == 412);
      CHECK(error_code_of(r) == "PreconditionFailed");
    }
    const auto after = get(lab, k_nsg1);
    CHECK(after["etag"] == etag);
    CHECK(after["properties"]["securityRules"][0]["name"] == "RDP");
  }
  SECTION("the current ETag and * are accepted")
  {
    auto r =
        send_with_headers(lab, "PUT", k_nsg1, k_network_version, k_one_rule, {{"If-Match", etag}});
    CHECK(r.status == 200);
    const std::string next = body_of(r)["etag"];
    CHECK(next != etag);
    // The old ETag no longer matches.
    CHECK(send_with_headers(lab, "PUT", k_nsg1, k_network_version, k_one_rule, {{"If-Match", etag}})
              .status == 412);
    CHECK(send_with_headers(lab, "PUT", k_nsg1, k_network_version, k_one_rule, {{"If-Match", "*"}})
              .status == 200);
  }
  SECTION("If-Match: * needs the resource to exist")
  {
    auto r = send_with_headers(lab, "PUT", k_isolation, k_network_version, k_isolation_body,
                               {{"If-Match", "*"}});
    CHECK(r.status == 412);
    CHECK(lab.send("GET", k_isolation, k_network_version).status == 404);
  }
  SECTION("If-None-Match: * creates only what does not exist")
  {
    auto taken = send_with_headers(lab, "PUT", k_nsg1, k_network_version, k_one_rule,
                                   {{"If-None-Match", "*"}});
    CHECK(taken.status == 412);
    CHECK(error_code_of(taken) == "PreconditionFailed");
    CHECK(get(lab, k_nsg1)["etag"] == etag);
    CHECK(send_with_headers(lab, "PUT", k_isolation, k_network_version, k_isolation_body,
                            {{"If-None-Match", "*"}})
              .status == 201);
  }
  SECTION("the NIC checks its own ETag")
  {
    const auto nic = get(lab, k_nic1);
    CHECK(send_with_headers(lab, "PUT", k_nic1, k_network_version, nic_body(nic, ""),
                            {{"If-Match", etag}})
              .status == 412);
    CHECK(get(lab, k_nic1)["properties"]["networkSecurityGroup"]["id"] == k_nsg1);
    CHECK(send_with_headers(lab, "PUT", k_nic1, k_network_version, nic_body(nic, ""),
                            {{"If-Match", nic["etag"].get<std::string>()}})
              .status == 200);
  }
}

TEST_CASE("lab NSG rules are checked as Azure checks them", "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string etag = get(lab, k_nsg1)["etag"];
  const auto put = [&](const std::string& id, const std::string& rules) {
    return lab.send("PUT", id, k_network_version,
                    R"({"location":"westeurope","properties":{"securityRules":)" + rules + "}}");
  };
  const auto rule = [](const std::string& name, int priority, const std::string& direction) {
    return Json{{"name", name},
                {"properties",
                 {{"priority", priority},
                  {"direction", direction},
                  {"access", "Deny"},
                  {"protocol", "*"},
                  {"sourceAddressPrefix", "*"},
                  {"sourcePortRange", "*"},
                  {"destinationAddressPrefix", "*"},
                  {"destinationPortRange", "*"}}}};
  };
  SECTION("a priority outside 100..4096")
  {
    for (int priority : {90, 99, 4097, 0}) {
      auto r = put(k_nsg1, Json::array({rule("x", priority, "Inbound")}).dump());
      INFO(priority);
      CHECK(r.status == 400);
      CHECK(error_code_of(r) == "SecurityRuleInvalidPriority");
      CHECK(body_of(r)["error"]["message"].get<std::string>().find(std::to_string(priority)) !=
            std::string::npos);
    }
    CHECK(put(k_nsg1,
              Json::array({rule("low", 100, "Inbound"), rule("high", 4096, "Inbound")}).dump())
              .status == 200);
  }
  SECTION("direction, access and protocol take only ARM's values")
  {
    for (const auto& [field, bad] : std::vector<std::pair<std::string, std::string>>{
             {"direction", "Sideways"}, {"access", "Maybe"}, {"protocol", "Gopher"}}) {
      auto odd = rule("x", 200, "Inbound");
      odd["properties"][field] = bad;
      auto r = put(k_nsg1, Json::array({odd}).dump());
      INFO(field);
      CHECK(r.status == 400);
      CHECK(error_code_of(r) == "InvalidRequestFormat");
      CHECK_THAT(body_of(r)["error"]["message"].get<std::string>(),
                 Catch::Contains(field + " \"" + bad + "\""));
    }
    auto lower_case = rule("x", 200, "outbound");
    lower_case["properties"]["protocol"] = "tcp";
    CHECK(put(k_nsg1, Json::array({lower_case}).dump()).status == 200);
  }
  SECTION("two rules of one direction with one priority conflict; of two directions they do not")
  {
    auto r =
        put(k_nsg1, Json::array({rule("a", 200, "Inbound"), rule("b", 200, "Inbound")}).dump());
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "SecurityRuleConflict");
    CHECK(body_of(r)["error"]["message"].get<std::string>().find("a conflicts with rule b") !=
          std::string::npos);
    CHECK(get(lab, k_nsg1)["etag"] == etag); // refused writes change nothing
    CHECK(put(k_nsg1, Json::array({rule("a", 200, "Inbound"), rule("b", 200, "Outbound")}).dump())
              .status == 200);
  }
  SECTION("a rule without a name, rules that are not an array, a new NSG without a location")
  {
    CHECK(
        error_code_of(put(k_nsg1, R"([{"properties":{"priority":200,"direction":"Inbound"}}])")) ==
        "InvalidRequestFormat");
    CHECK(error_code_of(put(k_nsg1, R"({"name":"x"})")) == "InvalidRequestFormat");
    auto no_location = lab.send("PUT", k_isolation, k_network_version, R"({"properties":{}})");
    CHECK(no_location.status == 400);
    CHECK(error_code_of(no_location) == "LocationRequired");
    CHECK(error_code_of(lab.send("PUT", k_nsg1, k_network_version,
                                 R"({"location":"eastus","properties":{}})")) ==
          "InvalidResourceLocation");
    CHECK(lab.send("GET", k_isolation, k_network_version).status ==
          404); // a refused create stores nothing
  }
}

TEST_CASE("lab NIC PUT attaches and detaches an NSG and the NSG lists the NICs using it",
          "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  REQUIRE(lab.send("PUT", k_isolation, k_network_version, k_isolation_body).status == 201);
  const auto nic = get(lab, k_nic1);
  CHECK(nic["properties"]["networkSecurityGroup"]["id"] == k_nsg1);
  CHECK(nic["properties"]["virtualMachine"]["id"] == k_vm1);
  CHECK(get(lab, k_nsg1)["properties"]["networkInterfaces"] == Json::array({{{"id", k_nic1}}}));
  CHECK(!get(lab, k_isolation)["properties"].contains("networkInterfaces"));

  auto attached = lab.send("PUT", k_nic1, k_network_version, nic_body(nic, k_isolation));
  REQUIRE(attached.status == 200);
  CHECK(body_of(attached)["properties"]["provisioningState"] == "Updating");
  CHECK(poll_async(lab, attached) == std::vector<std::string>{"InProgress", "Succeeded"});
  const auto after = get(lab, k_nic1);
  CHECK(after["properties"]["networkSecurityGroup"]["id"] == k_isolation);
  CHECK(after["etag"] != nic["etag"]);
  CHECK(after["properties"]["virtualMachine"]["id"] == k_vm1); // read-only: kept
  CHECK(after["properties"]["macAddress"] == nic["properties"]["macAddress"]);
  CHECK(after["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"] == "10.0.0.4");
  CHECK(get(lab, k_isolation)["properties"]["networkInterfaces"] ==
        Json::array({{{"id", k_nic1}}}));
  CHECK(!get(lab, k_nsg1)["properties"].contains("networkInterfaces"));

  SECTION("a second NIC on the same NSG is listed too")
  {
    REQUIRE(lab.send("PUT", k_nic2, k_network_version, nic_body(get(lab, k_nic2), k_isolation))
                .status == 200);
    CHECK(get(lab, k_isolation)["properties"]["networkInterfaces"] ==
          Json::array({{{"id", k_nic1}}, {{"id", k_nic2}}}));
  }
  SECTION("an NSG that does not exist is refused and the NIC keeps its NSG")
  {
    auto r = lab.send(
        "PUT", k_nic1, k_network_version,
        nic_body(after, k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/nope"));
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "InvalidResourceReference");
    CHECK(get(lab, k_nic1)["properties"]["networkSecurityGroup"]["id"] == k_isolation);
  }
  SECTION("a PUT without networkSecurityGroup detaches it")
  {
    CHECK(lab.send("PUT", k_nic1, k_network_version, nic_body(after, "")).status == 200);
    CHECK(!get(lab, k_nic1)["properties"].contains("networkSecurityGroup"));
    CHECK(!get(lab, k_isolation)["properties"].contains("networkInterfaces"));
  }
}

TEST_CASE("lab keeps a seeded NSG's back-reference right when its NIC moves to another NSG",
          "[lab][network]")
{
  LabFixture lab;
  dftriage::lab::apply_seed(lab.tenant.state(), example_alert("dns-darkweb.json"),
                            "dns-darkweb.json");
  const std::string web =
      "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-web";
  const std::string nic_id = web + "/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic";
  const std::string nsg_id =
      web + "/providers/Microsoft.Network/networkSecurityGroups/vm-web-01-nsg";
  const std::string other = web + "/providers/Microsoft.Network/networkSecurityGroups/isolate";
  REQUIRE(lab.send("PUT", other, k_network_version, k_one_rule).status == 201);
  REQUIRE(lab.send("PUT", nic_id, k_network_version, nic_body(get(lab, nic_id), other)).status ==
          200);
  CHECK(!get(lab, nsg_id)["properties"].contains("networkInterfaces"));
  CHECK(get(lab, other)["properties"]["networkInterfaces"] == Json::array({{{"id", nic_id}}}));
  // And the NSG, no longer used, can go.
  CHECK(lab.send("DELETE", nsg_id, k_network_version).status == 202);
}

TEST_CASE("lab NSG and NIC DELETE are long-running and refused while in use", "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  auto in_use = lab.send("DELETE", k_nsg1, k_network_version);
  CHECK(in_use.status == 400);
  CHECK(error_code_of(in_use) == "InUseNetworkSecurityGroupCannotBeDeleted");
  CHECK(body_of(in_use)["error"]["message"].get<std::string>().find(k_nic1) != std::string::npos);
  CHECK(lab.send("GET", k_nsg1, k_network_version).status == 200);
  auto nic_in_use = lab.send("DELETE", k_nic1, k_network_version);
  CHECK(nic_in_use.status == 400);
  CHECK(error_code_of(nic_in_use) == "NicInUse");

  REQUIRE(lab.send("PUT", k_nic1, k_network_version, nic_body(get(lab, k_nic1), "")).status == 200);
  auto deleted = lab.send("DELETE", k_nsg1, k_network_version);
  REQUIRE(deleted.status == 202);
  CHECK(deleted.header("Azure-AsyncOperation"));
  auto done = poll_location(lab, deleted);
  CHECK(done.status == 200);
  CHECK(done.body.empty());
  auto gone = lab.send("GET", k_nsg1, k_network_version);
  CHECK(gone.status == 404);
  CHECK(error_code_of(gone) == "ResourceNotFound");
  CHECK(lab.send("DELETE", k_nsg1, k_network_version).status == 204);
  // A NIC no VM uses can be deleted.
  lab.tenant.state().resources[dftriage::lab::lower(k_nic1)]["properties"].erase("virtualMachine");
  CHECK(lab.send("DELETE", k_nic1, k_network_version).status == 202);
  CHECK(lab.send("GET", k_nic1, k_network_version).status == 404);
}

TEST_CASE("lab Network lists NSGs and NICs by group and subscription", "[lab][network]")
{
  LabFixture lab;
  seed_compute(lab);
  lab.tenant.state().config.page_size = 50;
  REQUIRE(lab.send("PUT", k_isolation, k_network_version, k_isolation_body).status == 201);
  const auto nsgs = body_of(lab.send(
      "GET", k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups", k_network_version));
  CHECK(names_of(nsgs) == std::vector<std::string>{"triage-isolation", "vm1-nsg"});
  CHECK(nsgs["value"][1]["properties"]["networkInterfaces"][0]["id"] == k_nic1);
  CHECK(names_of(body_of(lab.send("GET",
                                  std::string("/subscriptions/") + k_sub +
                                      "/providers/Microsoft.Network/networkInterfaces",
                                  k_network_version))) ==
        std::vector<std::string>{"vm1-nic", "vm2-nic"});
  CHECK(error_code_of(lab.send("GET", k_nsg1)) == "MissingApiVersionParameter");
}
