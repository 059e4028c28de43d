#include "dftriage/util/json_path.hpp"
#include "dftriage/util/time.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

using namespace dftriage;
using Json = nlohmann::ordered_json;

TEST_CASE("json paths take quoted keys for names with dots and '@'")
{
  const Json doc = Json::parse(R"({"p": {"@odata.type": "#microsoft.graph.user", "a b": [1, 2]}})");
  const auto path = json_path::parse("p['@odata.type']");
  REQUIRE(path);
  CHECK(json_path::evaluate(doc, *path) == "#microsoft.graph.user");
  const auto spaced = json_path::parse("p['a b'][1]");
  REQUIRE(spaced);
  CHECK(json_path::evaluate(doc, *spaced) == 2);
  CHECK(!json_path::parse("p['']"));
  CHECK(!json_path::parse("p['a"));
  CHECK(!json_path::parse("p['a'b']"));
  const auto first = json_path::parse("['@odata.type']");
  REQUIRE(first);
  CHECK(json_path::evaluate(doc.at("p"), *first) == "#microsoft.graph.user");
  CHECK(!json_path::parse("a.['b']"));
  CHECK(!json_path::parse("p['a\nb']"));
}

TEST_CASE("times convert to and from seconds since the epoch, and DFTRIAGE_NOW fixes now")
{
  CHECK(time::to_unix_seconds("1970-01-01T00:00:00Z") == 0);
  CHECK(time::to_unix_seconds("2026-12-02T05:00:00.123+01:00") ==
        time::to_unix_seconds("2026-12-02T04:00:00Z"));
  CHECK(time::from_unix_seconds(*time::to_unix_seconds("2024-02-29T23:59:59Z")) ==
        "2024-02-29T23:59:59Z");
  CHECK(time::from_unix_seconds(-1) == "1969-12-31T23:59:59Z");
  CHECK(!time::to_unix_seconds("yesterday"));
  ::setenv("DFTRIAGE_NOW", "2026-12-02T06:00:00Z", 1);
  CHECK(time::now_unix_seconds() == *time::to_unix_seconds("2026-12-02T06:00:00Z"));
  ::unsetenv("DFTRIAGE_NOW");
  CHECK(time::now_unix_seconds() > *time::to_unix_seconds("2026-01-01T00:00:00Z"));
}
