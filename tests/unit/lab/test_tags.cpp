// The lab's Tags API at a resource scope ({scope}/providers/Microsoft.Resources/tags/default):
// GET, PUT (replace), PATCH (Merge, Replace, Delete), DELETE; the resource shows the tags
// and, for Network resources, gets a new ETag.

#include "compute_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_tags = k_nsg1 + "/providers/Microsoft.Resources/tags/default";

Json tags_of(LabFixture& lab, const std::string& path = k_tags)
{
  return body_of(lab.send("GET", path, k_tags_version))["properties"]["tags"];
}

std::string patch(const std::string& operation, const Json& tags)
{
  return Json{{"operation", operation}, {"properties", {{"tags", tags}}}}.dump();
}

} // namespace

TEST_CASE("lab Tags at a resource scope: GET, PUT, PATCH and DELETE", "[lab][tags]")
{
  LabFixture lab;
  seed_compute(lab);
  auto empty = lab.send("GET", k_tags, k_tags_version);
  REQUIRE(empty.status == 200);
  CHECK(body_of(empty)["id"] == k_tags);
  CHECK(body_of(empty)["name"] == "default");
  CHECK(body_of(empty)["type"] == "Microsoft.Resources/tags");
  CHECK(body_of(empty)["properties"]["tags"] == Json::object());

  const std::string etag = body_of(lab.send("GET", k_nsg1, k_network_version))["etag"];
  auto put = lab.send("PUT", k_tags, k_tags_version,
                      R"({"properties":{"tags":{"env":"prod","owner":"web"}}})");
  REQUIRE(put.status == 200);
  CHECK(body_of(put)["properties"]["tags"] == Json{{"env", "prod"}, {"owner", "web"}});
  const auto nsg = body_of(lab.send("GET", k_nsg1, k_network_version));
  CHECK(nsg["tags"] == Json{{"env", "prod"}, {"owner", "web"}});
  CHECK(nsg["etag"] != etag); // a write of the NSG's tags is a write of the NSG

  SECTION("PUT replaces every tag")
  {
    REQUIRE(lab.send("PUT", k_tags, k_tags_version, R"({"properties":{"tags":{"incident":"42"}}})")
                .status == 200);
    CHECK(tags_of(lab) == Json{{"incident", "42"}});
  }
  SECTION("PATCH Merge adds and overwrites, keeping the rest")
  {
    auto r = lab.send("PATCH", k_tags, k_tags_version,
                      patch("Merge", {{"env", "quarantine"}, {"incident", "42"}}));
    REQUIRE(r.status == 200);
    CHECK(body_of(r)["properties"]["tags"] ==
          Json{{"env", "quarantine"}, {"owner", "web"}, {"incident", "42"}});
    CHECK(tags_of(lab) == Json{{"env", "quarantine"}, {"owner", "web"}, {"incident", "42"}});
  }
  SECTION("PATCH Replace replaces every tag")
  {
    REQUIRE(
        lab.send("PATCH", k_tags, k_tags_version, patch("Replace", {{"incident", "42"}})).status ==
        200);
    CHECK(tags_of(lab) == Json{{"incident", "42"}});
  }
  SECTION("PATCH Delete removes the named tags whose value matches (or any value when given empty)")
  {
    REQUIRE(lab.send("PATCH", k_tags, k_tags_version, patch("Delete", {{"env", "dev"}})).status ==
            200);
    CHECK(tags_of(lab) == Json{{"env", "prod"}, {"owner", "web"}});
    REQUIRE(
        lab.send("PATCH", k_tags, k_tags_version, patch("Delete", {{"env", "prod"}, {"owner", ""}}))
            .status == 200);
    CHECK(tags_of(lab) == Json::object());
  }
  SECTION("DELETE removes every tag")
  {
    auto r = lab.send("DELETE", k_tags, k_tags_version);
    CHECK(r.status == 200);
    CHECK(tags_of(lab) == Json::object());
    CHECK(body_of(lab.send("GET", k_nsg1, k_network_version))["tags"] == Json::object());
  }
  SECTION("bad requests are refused and change nothing")
  {
    CHECK(lab.send("PATCH", k_tags, k_tags_version, patch("Append", {{"a", "b"}})).status == 400);
    CHECK(lab.send("PUT", k_tags, k_tags_version, R"({"properties":{"tags":{"n":1}}})").status ==
          400);
    CHECK(lab.send("PUT", k_tags, k_tags_version, R"({"tags":{"a":"b"}})").status == 400);
    CHECK(lab.send("PUT", k_tags, k_tags_version, "not json").status == 400);
    CHECK(lab.send("PATCH", k_tags, k_tags_version, "[]").status == 400);
    CHECK(tags_of(lab) == Json{{"env", "prod"}, {"owner", "web"}});
  }
}

TEST_CASE("lab Tags work at VM and resource group scopes and 404 for what does not exist",
          "[lab][tags]")
{
  LabFixture lab;
  seed_compute(lab);
  const std::string vm_tags = k_vm1 + "/providers/Microsoft.Resources/tags/default";
  REQUIRE(
      lab.send("PATCH", vm_tags, k_tags_version, patch("Merge", {{"quarantine", "true"}})).status ==
      200);
  CHECK(body_of(lab.send("GET", k_vm1, k_compute_version))["tags"]["quarantine"] == "true");
  CHECK(tags_of(lab, vm_tags) == Json{{"quarantine", "true"}});

  const std::string group_tags = k_rg1 + "/providers/Microsoft.Resources/tags/default";
  REQUIRE(lab.send("PUT", group_tags, k_tags_version, R"({"properties":{"tags":{"cost":"soc"}}})")
              .status == 200);
  CHECK(tags_of(lab, group_tags) == Json{{"cost", "soc"}});

  auto missing = lab.send("GET",
                          k_rg1 + "/providers/Microsoft.Compute/virtualMachines/nope/providers/"
                                  "Microsoft.Resources/tags/default",
                          k_tags_version);
  CHECK(missing.status == 404);
}
