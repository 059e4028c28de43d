#include "dftriage/alert/resource_id.hpp"

#include <catch2/catch.hpp>

using dftriage::alert::parse_resource_id;

TEST_CASE("parse_resource_id canonicalises the keywords and keeps the names")
{
  SECTION("upper-cased export spelling")
  {
    const auto id = parse_resource_id(
        "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/Sample-RG/providers/"
        "microsoft.keyvault/vaults/Sample-KV");
    REQUIRE(id);
    CHECK(id->canonical == "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
                           "Sample-RG/providers/microsoft.keyvault/vaults/Sample-KV");
    CHECK(id->subscription_id == "00000000-0000-0000-0000-000000000000");
    CHECK(id->resource_group == "Sample-RG");
    CHECK(id->type() == "microsoft.keyvault/vaults");
    CHECK(id->name() == "Sample-KV");
  }
  SECTION("subscription level")
  {
    const auto id = parse_resource_id("/SUBSCRIPTIONS/abc");
    REQUIRE(id);
    CHECK(id->canonical == "/subscriptions/abc");
    CHECK(id->resource_group.empty());
    CHECK(id->type().empty());
  }
  SECTION("child resources and extension resources")
  {
    const auto id =
        parse_resource_id("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/"
                          "virtualMachines/vm1/extensions/ext1");
    REQUIRE(id);
    CHECK(id->type() == "microsoft.compute/virtualmachines/extensions");
    CHECK(id->name() == "ext1");
    const auto alert = parse_resource_id("/subscriptions/s/PROVIDERS/Microsoft.Security/locations/"
                                         "centralus/alerts/a1");
    REQUIRE(alert);
    CHECK(alert->canonical ==
          "/subscriptions/s/providers/Microsoft.Security/locations/centralus/alerts/a1");
    CHECK(alert->names.front() == "centralus");
  }
}

TEST_CASE("parse_resource_id refuses what could retarget a request")
{
  for (const char* bad :
       {"", "/", "subscriptions/s", "/subscriptions", "/subscriptions/",
        "/subscriptions/s/resourceGroups/../providers/x/y/z",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/../../x",
        "/subscriptions/s/resourceGroups/./providers/a/b/c", "/subscriptions/s//resourceGroups/rg",
        "/subscriptions/s/resourceGroups/rg?api-version=1",
        "/subscriptions/s/resourceGroups/rg#frag", "/subscriptions/s/resourceGroups/r\ng",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault",
        "/subscriptions/s/resourceGroups/rg/extra", "/tenants/t/providers/x/y/z"}) {
    INFO(bad);
    CHECK_FALSE(parse_resource_id(bad));
  }
}
