// JSON paths as playbooks write them ("entities.ips[*].address", "p['@odata.type']"):
// what parses, what is refused, and what a path finds or misses in a document.

#include "dftriage/util/json_path.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using Json = nlohmann::ordered_json;
using Kind = json_path::Token::Kind;

namespace {

// Returns the value at `path` in `doc`; the path must parse.
Json value_at(const Json& doc, const std::string& path)
{
  const auto tokens = json_path::parse(path);
  INFO(path);
  REQUIRE(tokens);
  return json_path::evaluate(doc, *tokens);
}

const Json k_doc = Json::parse(R"({
  "entities": {
    "ips": [{"address": "203.0.113.5"}, {"other": 1}, {"address": "198.51.100.7"}],
    "accounts": [{"upn": "a@contoso.com", "groups": ["g1", "g2"]}, {"upn": "b@contoso.com", "groups": []}]
  },
  "Attacker IP Address": "203.0.113.5",
  "my-key_2": {"x": false},
  "zero": 0,
  "nothing": null
})");

} // namespace

TEST_CASE("json paths take quoted keys for names with dots and '@'", "[json-path]")
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

TEST_CASE("json paths parse into keys, indexes and wildcards", "[json-path]")
{
  const auto tokens = json_path::parse("entities.accounts[12]['@odata.type'][*].upn");
  REQUIRE(tokens);
  REQUIRE(tokens->size() == 6);
  CHECK((*tokens)[0].kind == Kind::key);
  CHECK((*tokens)[0].key == "entities");
  CHECK((*tokens)[1].key == "accounts");
  CHECK((*tokens)[2].kind == Kind::index);
  CHECK((*tokens)[2].index == 12);
  CHECK((*tokens)[3].kind == Kind::key);
  CHECK((*tokens)[3].key == "@odata.type");
  CHECK((*tokens)[4].kind == Kind::each);
  CHECK((*tokens)[5].key == "upn");
  // A quoted key may hold what a plain one may not, even ']' and '.'.
  const auto odd = json_path::parse("['a]b.c']");
  REQUIRE(odd);
  REQUIRE(odd->size() == 1);
  CHECK(odd->front().key == "a]b.c");
  // Plain keys take letters, digits, '_', '-' and ' '.
  CHECK(json_path::parse("Attacker IP Address"));
  CHECK(json_path::parse("my-key_2.x"));
  CHECK(json_path::parse("a[0][1]"));
  CHECK(json_path::parse("a[999999]"));
}

TEST_CASE("json paths refuse what is not a path", "[json-path]")
{
  for (const char* bad : {
           "",           // nothing
           ".",          // no key
           ".a",         // starts with a dot
           "a.",         // ends with a dot
           "a..b",       // an empty key
           "[0]",        // starts with an index
           "[*]",        // starts with a wildcard
           "a[]",        // an empty index
           "a[-1]",      // a negative index
           "a[1.5]",     // not an integer
           "a[x]",       // a key in brackets without quotes
           "a[1234567]", // more digits than any alert holds
           "a[0",        // unclosed
           "a]",         // a stray bracket
           "a*",         // a wildcard outside brackets
           "a[*]b",      // a key after a bracket without a dot
           "a['b']c",    // the same after a quoted key
           "a/b",        // a JSON pointer is not a path
           "$.a",        // nor is JSONPath's root
           "a.b\n",      // a control character
           "a['b\"]",    // a quoted key not closed by its quote
           "a['it's']",  // a quote inside a quoted key
       }) {
    INFO("\"" << bad << "\"");
    CHECK_FALSE(json_path::parse(bad));
  }
}

TEST_CASE("json paths find values, and null where a step is missing", "[json-path]")
{
  CHECK(value_at(k_doc, "entities.accounts[0].upn") == "a@contoso.com");
  CHECK(value_at(k_doc, "entities.accounts[1].groups") == Json::array());
  CHECK(value_at(k_doc, "Attacker IP Address") == "203.0.113.5");
  CHECK(value_at(k_doc, "my-key_2.x") == false);
  CHECK(value_at(k_doc, "zero") == 0);
  CHECK(value_at(k_doc, "entities.accounts[0].groups[1]") == "g2");
  // Keys are compared exactly (alert readers normalise case before).
  CHECK(value_at(k_doc, "Entities").is_null());
  // Missing: an absent key, an index past the end, a key of a non-object, an index of a
  // non-array, a null on the way.
  for (const char* missing : {"absent", "entities.absent.deeper", "entities.accounts[2].upn",
                              "entities.accounts[0].upn.more", "zero[0]", "entities[0]",
                              "entities.ips.address", "nothing.x", "nothing[0]"}) {
    INFO(missing);
    CHECK(value_at(k_doc, missing).is_null());
  }
  CHECK(value_at(Json(), "a").is_null());
  CHECK(value_at(Json("text"), "a").is_null());
}

TEST_CASE("a wildcard gives the rest of the path for each element, skipping the missing",
          "[json-path]")
{
  CHECK(value_at(k_doc, "entities.ips[*].address") == Json::array({"203.0.113.5", "198.51.100.7"}));
  CHECK(value_at(k_doc, "entities.ips[*].absent") == Json::array());
  CHECK(value_at(k_doc, "entities.ips[*]") == k_doc["entities"]["ips"]);
  // Two wildcards: an array per element (an element with an empty array gives an empty one).
  CHECK(value_at(k_doc, "entities.accounts[*].groups[*]") == Json::parse(R"([["g1", "g2"], []])"));
  CHECK(value_at(k_doc, "entities.accounts[*].groups[0]") == Json::array({"g1"}));
  // A wildcard over something that is not an array finds nothing; over a missing key, null.
  CHECK(value_at(k_doc, "entities[*]") == Json::array());
  CHECK(value_at(k_doc, "absent[*].x").is_null());
  // Null elements are skipped like missing ones.
  CHECK(value_at(Json::parse(R"({"a": [null, 1, null]})"), "a[*]") == Json::array({1}));
}
