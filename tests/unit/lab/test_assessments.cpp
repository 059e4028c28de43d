// The lab's Defender for Cloud assessments ({scope}/providers/Microsoft.Security/assessments):
// worked out from the VMs' current state, so the management-ports finding turns Healthy
// once the VM's NIC has an NSG that keeps 22 and 3389 closed to the internet.

#include "compute_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const char* k_management_ports = "Management ports should be closed on your virtual machines";

// Returns the status code of the assessment named `display` of `resource`, "" when none.
std::string assessment_status(LabFixture& lab, const std::string& resource,
                              const std::string& display)
{
  lab.tenant.state().config.page_size = 50;
  auto r = lab.send("GET", resource + "/providers/Microsoft.Security/assessments",
                    k_assessments_version);
  REQUIRE(r.status == 200);
  const auto list = body_of(r);
  for (const auto& a : list["value"]) {
    if (a["properties"]["displayName"] == display) {
      return a["properties"]["status"]["code"];
    }
  }
  return "";
}

std::string nsg_put(const std::string& source, const std::string& port)
{
  return Json{{"location", "westeurope"},
              {"properties",
               {{"securityRules", Json::array({{{"name", "admin"},
                                                {"properties",
                                                 {{"priority", 300},
                                                  {"direction", "Inbound"},
                                                  {"access", "Allow"},
                                                  {"protocol", "Tcp"},
                                                  {"sourceAddressPrefix", source},
                                                  {"sourcePortRange", "*"},
                                                  {"destinationAddressPrefix", "*"},
                                                  {"destinationPortRange", port}}}}})}}}}
      .dump();
}

} // namespace

TEST_CASE("lab assessments of a VM: the shape clients read", "[lab][security]")
{
  LabFixture lab;
  seed_compute(lab);
  auto r =
      lab.send("GET", k_vm1 + "/providers/Microsoft.Security/assessments", k_assessments_version);
  REQUIRE(r.status == 200);
  lab.tenant.state().config.page_size = 50;
  const auto all = body_of(
      lab.send("GET", k_vm1 + "/providers/Microsoft.Security/assessments", k_assessments_version));
  REQUIRE(all["value"].size() == 3);
  for (const auto& a : all["value"]) {
    CHECK(a["type"] == "Microsoft.Security/assessments");
    CHECK(a["id"].get<std::string>().rfind(k_vm1 + "/providers/Microsoft.Security/assessments/",
                                           0) == 0);
    CHECK(a["properties"]["resourceDetails"]["Id"] == k_vm1);
    const std::string code = a["properties"]["status"]["code"];
    CHECK((code == "Healthy" || code == "Unhealthy"));
  }
  // The group and the subscription list the assessments of every VM under them.
  CHECK(body_of(lab.send("GET", k_rg1 + "/providers/Microsoft.Security/assessments",
                         k_assessments_version))["value"]
            .size() == 6);
  CHECK(body_of(lab.send("GET",
                         std::string("/subscriptions/") + k_sub +
                             "/providers/Microsoft.Security/assessments",
                         k_assessments_version))["value"]
            .size() == 6);
  CHECK(lab.send("GET",
                 k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope/providers/"
                         "Microsoft.Security/assessments",
                 k_assessments_version)
            .status == 404);
}

TEST_CASE("lab management-ports finding follows the NSG on the VM's NIC", "[lab][security]")
{
  LabFixture lab;
  seed_compute(lab);
  REQUIRE(assessment_status(lab, k_vm1, k_management_ports) == "Unhealthy"); // RDP open to *

  SECTION("healthy once the NIC has an isolation NSG")
  {
    const std::string isolation =
        k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/isolation";
    REQUIRE(lab.send("PUT", isolation, k_network_version, nsg_put("198.51.100.7", "*")).status ==
            201);
    auto nic = body_of(lab.send("GET", k_nic1, k_network_version));
    nic["properties"]["networkSecurityGroup"] = {{"id", isolation}};
    REQUIRE(lab.send("PUT", k_nic1, k_network_version, nic.dump()).status == 200);
    CHECK(assessment_status(lab, k_vm1, k_management_ports) == "Healthy");
  }
  SECTION("healthy once the rule admits only a private range, unhealthy again for Internet on 22")
  {
    REQUIRE(lab.send("PUT", k_nsg1, k_network_version, nsg_put("10.0.0.0/8", "3389")).status ==
            200);
    CHECK(assessment_status(lab, k_vm1, k_management_ports) == "Healthy");
    REQUIRE(lab.send("PUT", k_nsg1, k_network_version, nsg_put("Internet", "22")).status == 200);
    CHECK(assessment_status(lab, k_vm1, k_management_ports) == "Unhealthy");
  }
  SECTION("list forms and port ranges count too")
  {
    auto rules = Json::parse(nsg_put("10.0.0.0/8", "443"));
    auto& p = rules["properties"]["securityRules"][0]["properties"];
    p.erase("sourceAddressPrefix");
    p.erase("destinationPortRange");
    p["sourceAddressPrefixes"] = {"10.0.0.0/8", "Internet"};
    p["destinationPortRanges"] = {"443", "3380-3390"};
    REQUIRE(lab.send("PUT", k_nsg1, k_network_version, rules.dump()).status == 200);
    CHECK(assessment_status(lab, k_vm1, k_management_ports) == "Unhealthy");
    p["destinationPortRanges"] = {"443", "8000-9000"};
    REQUIRE(lab.send("PUT", k_nsg1, k_network_version, rules.dump()).status == 200);
    CHECK(assessment_status(lab, k_vm1, k_management_ports) == "Healthy");
  }
  SECTION("an unrelated port open to the internet is no finding")
  {
    REQUIRE(lab.send("PUT", k_nsg1, k_network_version, nsg_put("*", "443")).status == 200);
    CHECK(assessment_status(lab, k_vm1, k_management_ports) == "Healthy");
  }
}
