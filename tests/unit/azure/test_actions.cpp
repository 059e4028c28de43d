// The action catalogue: arguments checked against their types, URL segments encoded,
// every action building the exact request its REST contract gives (the tables of
// expected_*.cpp), KQL and OData literals.

#include "azure/actions/families.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/util/text.hpp"
#include "unit/azure/action_expectations.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::azure;
using namespace dftriage::azure::testing;
using Json = nlohmann::ordered_json;

namespace {

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
