// The plan file's seal: a sealed plan round-trips through its file, any altered byte is
// refused, and the targets' state captured for apply's drift check.

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/exec/plan_file.hpp"
#include "dftriage/journal/journal.hpp"
#include "support/client_harness.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_golden = test::k_source + "/tests/golden/";

// A small plan of the shape `plan -o json` writes: one planned change with a pre-image.
Json small_plan()
{
  return Json::parse(R"({
    "alertId": "a-1", "alertType": "KV_TORAccess", "family": "keyvault",
    "subscription": "s", "playbook": "keyvault", "playbookVersion": "2.0.0",
    "reason": "alertType KV_TORAccess matches KV_*", "status": "ready", "missing": [],
    "answers": {"allowed_ranges": ["198.51.100.0/24"]},
    "steps": [
        {"phase": "mitigate", "id": "enable-firewall", "status": "planned", "note": null,
         "action": {"name": "keyvault.firewall.enable",
                    "params": {"vault": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1",
                               "allowedIps": ["198.51.100.0/24"], "bypassAzureServices": true},
                    "mutating": true,
                    "preImage": [{"method": "GET", "url": ")" +
                     test::k_vault_url + R"(", "audience": "arm"}],
                    "requests": [{"method": "PATCH", "url": ")" +
                     test::k_vault_url +
                     R"(", "body": {"properties": {"networkAcls": {"defaultAction": "Deny"}}}}]}},
        {"phase": "mitigate", "id": "notify-owner", "status": "planned", "note": null, "action": null}]})");
}

// Calls `visit` with a pointer to every scalar of `node`.
void each_leaf(Json& node, const std::function<void(Json&)>& visit)
{
  if (node.is_structured()) {
    for (auto& child : node) {
      each_leaf(child, visit);
    }
  } else {
    visit(node);
  }
}

} // namespace

TEST_CASE("a sealed plan carries its digest last and checks", "[exec][plan-file]")
{
  const auto sealed = exec::seal(small_plan());
  REQUIRE(sealed.contains("digest"));
  auto last = sealed.end();
  --last;
  CHECK(last.key() == "digest");
  const std::string digest = sealed["digest"];
  CHECK(digest.rfind("sha256:", 0) == 0);
  CHECK(digest.size() == 7 + 64);
  CHECK(digest == "sha256:" + journal::sha256_hex(small_plan().dump()));
  CHECK(exec::check_seal(sealed).empty());

  SECTION("sealing again gives the same digest")
  {
    CHECK(exec::seal(sealed) == sealed);
  }
  SECTION("the seal survives the file: pretty-printed, re-indented, read back")
  {
    for (const int indent : {-1, 2, 4}) {
      CHECK(exec::check_seal(Json::parse(sealed.dump(indent))).empty());
    }
  }
  SECTION("the shipped golden plans (written by plan -o json) check")
  {
    for (const char* name :
         {"keyvault-tor.plan.json", "dns-darkweb.plan.json", "arm-microburst-export.plan.json"}) {
      INFO(name);
      const auto plans = Json::parse(test::read_file(k_golden + name));
      REQUIRE(plans.is_array());
      for (const auto& plan : plans) {
        CHECK(exec::check_seal(plan).empty());
      }
    }
  }
}

TEST_CASE("any altered byte of a sealed plan is refused", "[exec][plan-file]")
{
  const std::string text = exec::seal(small_plan()).dump();
  std::size_t altered = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const unsigned char flip : {0x01, 0x20}) {
      std::string changed = text;
      changed[i] = static_cast<char>(static_cast<unsigned char>(changed[i]) ^ flip);
      const auto doc = Json::parse(changed, nullptr, false);
      if (doc.is_discarded()) {
        continue; // not JSON any more: apply refuses it as such
      }
      ++altered;
      INFO("byte " << i << " of " << text);
      CHECK_FALSE(exec::check_seal(doc).empty());
    }
  }
  CHECK(altered > text.size() / 2); // most alterations still parse, and each was refused
}

TEST_CASE("every value changed in a real plan is refused", "[exec][plan-file]")
{
  const auto plan = Json::parse(test::read_file(k_golden + "keyvault-tor.plan.json")).at(0);
  REQUIRE(exec::check_seal(plan).empty());
  std::size_t leaves = 0;
  auto copy = plan;
  each_leaf(copy, [&](Json&) { ++leaves; });
  for (std::size_t n = 0; n < leaves; ++n) {
    auto edited = plan;
    std::size_t at = 0;
    each_leaf(edited, [&](Json& leaf) {
      if (at++ != n) {
        return;
      }
      if (leaf.is_string()) {
        leaf = leaf.get<std::string>() + "x";
      } else if (leaf.is_boolean()) {
        leaf = !leaf.get<bool>();
      } else if (leaf.is_number()) {
        leaf = leaf.get<double>() + 1;
      } else {
        leaf = "x";
      }
    });
    INFO("value " << n);
    CHECK_FALSE(exec::check_seal(edited).empty());
  }
  CHECK(leaves > 100);
}

TEST_CASE("the seal check says what is wrong", "[exec][plan-file]")
{
  CHECK_THAT(exec::check_seal(Json::array()), Catch::Contains("not a plan"));
  CHECK_THAT(exec::check_seal(Json("plan")), Catch::Contains("not a plan"));
  CHECK_THAT(exec::check_seal(Json()), Catch::Contains("not a plan"));
  CHECK_THAT(exec::check_seal(small_plan()), Catch::Contains("carries no digest"));
  auto plan = small_plan();
  plan["digest"] = 42;
  CHECK_THAT(exec::check_seal(plan), Catch::Contains("carries no digest"));
  plan["digest"] = "sha256:" + std::string(64, '0');
  CHECK_THAT(exec::check_seal(plan), Catch::Contains("altered after it was made"));
  auto sealed = exec::seal(small_plan());
  sealed["steps"][0]["action"]["params"]["allowedIps"] = {"0.0.0.0/0"};
  CHECK_THAT(exec::check_seal(sealed), Catch::Contains("altered after it was made"));
  auto extra = exec::seal(small_plan());
  extra["approvedBy"] = "mallory";
  CHECK_FALSE(exec::check_seal(extra).empty());
}

TEST_CASE("fingerprint keeps the status, ETag and body digest, never the body", "[exec][plan-file]")
{
  const Json body{{"etag", "W/\"7\""}, {"properties", {{"secret", "hunter2"}}}};
  const auto f = exec::fingerprint(test::k_vault_url, 200, body);
  CHECK(f["url"] == test::k_vault_url);
  CHECK(f["status"] == 200);
  CHECK(f["etag"] == "W/\"7\"");
  CHECK(f["sha256"] == journal::sha256_hex(body.dump()));
  CHECK(f.dump().find("hunter2") == std::string::npos);
  // No ETag, or not an object: an empty one.
  CHECK(exec::fingerprint(test::k_vault_url, 404, nullptr)["etag"] == "");
  CHECK(exec::fingerprint(test::k_vault_url, 200, Json::array({1}))["etag"] == "");
  // A different body, a different digest.
  CHECK(exec::fingerprint(test::k_vault_url, 200, {{"etag", "W/\"7\""}})["sha256"] != f["sha256"]);
}

TEST_CASE("capture_targets reads each planned change's pre-image and records its fingerprint",
          "[exec][plan-file]")
{
  test::ClientHarness h;
  auto client = h.client();
  const std::string vault = R"({"etag":"W/\"1\"","properties":{"networkAcls":{}}})";

  SECTION("a target that exists")
  {
    h.transport.reply(200, vault, {{"Content-Type", "application/json"}});
    auto plan = small_plan();
    exec::capture_targets(plan, client);
    CHECK(h.transport.left() == 0);
    REQUIRE(h.transport.sent().size() == 1);
    CHECK(h.transport.sent()[0].method == "GET");
    CHECK(h.transport.sent()[0].url == test::k_vault_url);
    const auto& captured = plan["steps"][0]["action"]["captured"];
    REQUIRE(captured.size() == 1);
    CHECK(captured[0] == exec::fingerprint(test::k_vault_url, 200, Json::parse(vault)));
    // A step without a pre-image (or without an action) is left as it was.
    CHECK_FALSE(plan["steps"][1].contains("captured"));
    CHECK(exec::check_seal(exec::seal(plan)).empty());
  }
  SECTION("a target that is gone is recorded as a 404")
  {
    h.transport.reply(404, R"({"error":{"code":"ResourceNotFound","message":"gone"}})",
                      {{"Content-Type", "application/json"}});
    auto plan = small_plan();
    exec::capture_targets(plan, client);
    const auto& captured = plan["steps"][0]["action"]["captured"];
    REQUIRE(captured.size() == 1);
    CHECK(captured[0]["status"] == 404);
    CHECK(captured[0] == exec::fingerprint(test::k_vault_url, 404, nullptr));
  }
  SECTION("any other failure stops the capture")
  {
    h.transport.reply(403, R"({"error":{"code":"AuthorizationFailed","message":"no"}})",
                      {{"Content-Type", "application/json"}});
    auto plan = small_plan();
    CHECK_THROWS_AS(exec::capture_targets(plan, client), azure::AzureError);
  }
  SECTION("a step that is not planned is not read")
  {
    auto plan = small_plan();
    plan["steps"][0]["status"] = "refused";
    exec::capture_targets(plan, client);
    CHECK(h.transport.sent().empty());
    CHECK_FALSE(plan["steps"][0]["action"].contains("captured"));
  }
}
