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

TEST_CASE("plan text in Chinese leaves none of our words in English")
{
  auto zh_plan = plan();
  zh_plan["incident"] = {
      {"id", "INC-67824da8e1eb"},
      {"alerts",
       {{{"startTime", "2026-11-27T07:58:12Z"}, {"alertType", "KV_Tor"}, {"status", "Active"}},
        {{"startTime", "2026-11-27T08:05:40Z"},
         {"alertType", "KV_ListGetAnomaly"},
         {"status", "Active"}}}}};
  zh_plan["missing"] = {"the alert has no resourceId"};
  zh_plan["answers"] = {{{"question", "允许的地址"}, {"value", nullptr}, {"source", "none"}},
                        {{"question", "是否保留"}, {"value", true}, {"source", "default"}}};
  zh_plan["steps"].insert(zh_plan["steps"].begin(),
                          Json{{"phase", "contact"},
                               {"id", "contact-owner"},
                               {"position", "1/3"},
                               {"title", "联系负责人"},
                               {"guidance", "……"},
                               {"status", "skipped"},
                               {"note", "step origin-unverified goes to mitigate"},
                               {"action", nullptr}});
  PlanTextOptions options;
  options.lang = dftriage::playbook::Lang::zh_cn;
  options.reason = "alertType KV_Tor 与 KV_* 匹配";
  options.full_bodies = true;
  const std::map<std::string, dftriage::azure::PreImage> captured{
      {"enable-firewall",
       {{200, Json{{"properties", {{"tenantId", "t-1"}, {"networkAcls", Json::object()}}}}}}}};
  options.captured = &captured;
  const auto text = plan_text(zh_plan, options);
  INFO(text);
  CHECK(text.find("KV_Tor  ->  剧本 keyvault（alertType KV_Tor 与 KV_* 匹配）\n") == 0);
  CHECK(text.find("\n  事件 INC-67824da8e1eb：2 条告警\n"
                  "    1. 2026-11-27T07:58:12Z  KV_Tor  Active\n"
                  "    2. 2026-11-27T08:05:40Z  KV_ListGetAnomaly  Active\n") != std::string::npos);
  CHECK(text.find("  拒绝执行：the alert has no resourceId\n") != std::string::npos);
  CHECK(text.find("  ? 允许的地址 = null（未回答）\n") != std::string::npos);
  CHECK(text.find("  ? 是否保留 = true（剧本默认值）\n") != std::string::npos);
  CHECK(text.find("\n[联系 1/3] 联系负责人  跳过\n    步骤 origin-unverified 转到 mitigate\n") !=
        std::string::npos);
  CHECK(text.find("\n[缓解 2/7] Turn on the firewall  已计划\n") != std::string::npos);
  CHECK(text.find("  [读取更改前状态，需要 Microsoft.KeyVault/vaults/read]\n") !=
        std::string::npos);
  CHECK(text.find("  [操作，会更改，可以撤销，需要 Microsoft.KeyVault/vaults/write]\n") !=
        std::string::npos);
  CHECK(text.find("      完整请求体：\n") != std::string::npos);
  for (const char* english : {"playbook", "incident", "alerts", "refused", "(none)", "(default)",
                              "contact ", "mitigate ", "planned", "skipped", "goes to", "pre-image",
                              "action", "mutating", "needs", "whole body"}) {
    INFO(english);
    CHECK(text.find(english) == std::string::npos);
  }
}
