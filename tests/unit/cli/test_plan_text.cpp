#include "cli/plan_text.hpp"
#include "dftriage/azure/cloud.hpp"
#include "support/files.hpp"

#include <catch2/catch.hpp>

using dftriage::cli::plan_text;
using dftriage::cli::PlanTextOptions;
using dftriage::test::occurrences;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_kv1_url = "https://management.azure.com/subscriptions/s/resourceGroups/rg/"
                              "providers/Microsoft.KeyVault/vaults/kv1?api-version=2022-07-01";

// A planned request to k_kv1_url.
Json kv1_request(const std::string& method, const std::string& purpose, Json body)
{
  return {{"method", method},
          {"url", k_kv1_url},
          {"body", std::move(body)},
          {"mutating", method != "GET"},
          {"reversible", method != "GET"},
          {"reversibility", method != "GET" ? "reversible" : "read-only"},
          {"permission",
           "Microsoft.KeyVault/vaults/" + std::string(method == "GET" ? "read" : "write")},
          {"audience", "arm"},
          {"purpose", purpose}};
}

Json plan()
{
  const Json body{{"location", "$(pre-image 0 /location)"},
                  {"properties",
                   {{"tenantId", "$(pre-image 0 /properties/tenantId)"},
                    {"networkAcls", {{"defaultAction", "Deny"}}}}}};
  return {{"alertType", "KV_Tor"},
          {"playbook", "keyvault"},
          {"reason", "matched"},
          {"missing", Json::array()},
          {"answers", Json::array()},
          {"steps",
           {{{"phase", "mitigate"},
             {"id", "enable-firewall"},
             {"position", "2/7"},
             {"title", "Turn on the firewall"},
             {"guidance", "Deny by default."},
             {"status", "planned"},
             {"note", nullptr},
             {"action",
              {{"name", "keyvault.firewall.enable"},
               {"preImage", {kv1_request("GET", "pre-image", nullptr)}},
               {"requests", {kv1_request("PUT", "action", body)}}}}}}}};
}

} // namespace

TEST_CASE("plan text shows a change's body once when its target was not read")
{
  const auto text = plan_text(plan(), false);
  CHECK(occurrences(text, "\"networkAcls\"") == 1);
  CHECK(text.find("$(pre-image") == std::string::npos);
  CHECK(text.find("\"tenantId\": $TENANT_ID") != std::string::npos);
  CHECK(text.find("$TENANT_ID: /properties/tenantId\n") != std::string::npos);
  CHECK(text.find("curl") == std::string::npos);
}

TEST_CASE("plan text shows a captured change as what it changes and the whole body on request")
{
  const std::map<std::string, dftriage::azure::PreImage> captured{
      {"enable-firewall",
       {{200, Json{{"id", "/subscriptions/s/.../kv1"},
                   {"location", "westeurope"},
                   {"properties",
                    {{"tenantId", "t-1"}, {"networkAcls", {{"defaultAction", "Allow"}}}}}}}}}};
  PlanTextOptions options;
  options.captured = &captured;
  const auto text = plan_text(plan(), options);
  CHECK(text.find("      ~ /properties/networkAcls/defaultAction: \"Allow\" → \"Deny\"\n") !=
        std::string::npos);
  CHECK(text.find("westeurope") == std::string::npos); // unchanged: not shown
  options.full_bodies = true;
  const auto full = plan_text(plan(), options);
  CHECK(full.find("whole body:") != std::string::npos);
  CHECK(full.find("\"tenantId\": \"t-1\"") != std::string::npos);
  CHECK(occurrences(full, "\"defaultAction\": \"Deny\"") == 1);
}

TEST_CASE("plan text as curl says where the token comes from once at the top")
{
  PlanTextOptions options;
  options.curl = true;
  options.cloud = &dftriage::azure::public_cloud();
  const auto text = plan_text(plan(), options);
  CHECK(occurrences(text, "# TOKEN=$(az account get-access-token") == 1);
  CHECK(text.find("# TOKEN=") < text.find("[mitigate 2/7]"));
  CHECK(occurrences(text, "curl -X ") == 2);
  CHECK(text.find("    # action, mutating, reversible, needs Microsoft.KeyVault/vaults/write\n") !=
        std::string::npos);
}
