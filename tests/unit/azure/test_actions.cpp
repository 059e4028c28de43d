#include "dftriage/azure/actions.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::azure;

TEST_CASE("keyvault.firewall.enable builds a PATCH with the allowed ranges")
{
  const auto* spec = find_action("keyvault.firewall.enable");
  REQUIRE(spec);
  const auto args = check_args(*spec, {{"vault", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1"},
                                       {"allowedIps", {"203.0.113.0/24"}}});
  const auto built = spec->build(args, public_cloud());
  REQUIRE(built.pre_image.size() == 1);
  REQUIRE(built.requests.size() == 1);
  const auto& r = built.requests[0];
  CHECK(r.method == "PATCH");
  CHECK(r.url == "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1?api-version=2026-02-01");
  CHECK(r.body->dump() == R"({"properties":{"networkAcls":{"defaultAction":"Deny","bypass":"AzureServices","ipRules":[{"value":"203.0.113.0/24"}],"virtualNetworkRules":[]}}})");
  CHECK(r.mutating);
  CHECK(r.reversibility == Reversibility::reversible);
  CHECK(r.permission == "Microsoft.KeyVault/vaults/write");
}

TEST_CASE("action arguments are checked against their types")
{
  const auto* spec = find_action("keyvault.firewall.enable");
  REQUIRE(spec);
  CHECK_THROWS_WITH(check_args(*spec, {{"vault", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"}}),
                    "parameter vault: expected an Azure resource ID of type microsoft.keyvault/vaults, got \"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\"");
  CHECK_THROWS_WITH(check_args(*spec, {{"vault", "/subscriptions/s/resourceGroups/../providers/Microsoft.KeyVault/vaults/kv"}}),
                    Catch::Contains("expected an Azure resource ID"));
  CHECK_THROWS_WITH(check_args(*spec, {{"vault", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"},
                                       {"allowedIps", {"1.2.3.4/33"}}}),
                    "parameter allowedIps: expected a list of IP addresses or CIDR ranges, got \"1.2.3.4/33\"");
  CHECK_THROWS_WITH(check_args(*spec, {{"valt", "x"}}), "unknown parameter \"valt\" of keyvault.firewall.enable");
  CHECK_THROWS_WITH(check_args(*spec, nlohmann::ordered_json::object()), "parameter vault of keyvault.firewall.enable is required");
}

TEST_CASE("URL segments are encoded so a value cannot add a segment")
{
  CHECK(encode_segment("a/b?c#d%e f") == "a%2Fb%3Fc%23d%25e%20f");
  CHECK(encode_segment("..") == "%2E%2E");
  CHECK(encode_segment("kv-1_x.y~z") == "kv-1_x.y~z");
  UrlBuilder url("https://vault.example");
  url.segment("secrets").segment("name/../../x").query("api-version", "2025-07-01").query("$filter", "principalId eq 'a&b'");
  CHECK(url.str() == "https://vault.example/secrets/name%2F..%2F..%2Fx?api-version=2025-07-01&$filter=principalId%20eq%20%27a%26b%27");
}
