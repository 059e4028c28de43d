// One way to say where and why a JSON file is not JSON (util/json_error.hpp), and the
// readers that use it: playbooks, cloud files, answers files.

#include "dftriage/azure/cloud_config.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/playbook/playbook.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/json_error.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;

namespace {

std::string message_of(std::string_view text)
{
  const auto error = find_json_error(text);
  return error ? error->message : "(none)";
}

std::string diagnostic_of(std::string_view text)
{
  return json_error_diagnostic(text, "f.json").to_string();
}

} // namespace

TEST_CASE("find_json_error says why in the project's words, without the input")
{
  SECTION("valid JSON has no error")
  {
    CHECK_FALSE(find_json_error(R"({"a": [1, 2.5, "x", null]})"));
    CHECK_FALSE(find_json_error(" 12 \n"));
  }
  SECTION("nlohmann's prefix and ' - ' become our message")
  {
    CHECK(message_of("{\"a\" 1}") ==
          "syntax error while parsing object separator: unexpected number literal; expected ':'");
    CHECK(message_of("[1,]") ==
          "syntax error while parsing value: unexpected ']'; expected '[', '{', or a literal");
  }
  SECTION("the 'last read' excerpt is dropped: it repeats input, which may be secret")
  {
    const std::string text = R"({"secret": "CANA)"
                             "\x01"
                             R"(RY"})";
    const std::string message = message_of(text);
    CHECK(message.find("CANA") == std::string::npos);
    CHECK(message.find("last read") == std::string::npos);
    CHECK(message.rfind("syntax error while parsing value: invalid string: control character", 0) ==
          0);
  }
  SECTION("an empty input")
  {
    CHECK(message_of("") == "no JSON value: the input is empty");
    CHECK(message_of(" \n\t") == "no JSON value: the input is empty");
  }
  SECTION("a number too large for a double, where it starts, never quoted")
  {
    const auto error = find_json_error(R"({"n": 1e999})");
    REQUIRE(error);
    CHECK(error->message == "a number too large for a double");
    CHECK(error->offset == 6);
  }
  SECTION("a bad bare word is reported where it starts")
  {
    const auto error = find_json_error("[true, tru}");
    REQUIRE(error);
    CHECK(error->offset == 7);
    CHECK(error->message == "syntax error while parsing value: invalid literal");
  }
  SECTION("a long message is cut")
  {
    const auto error = find_json_error(std::string("\"") + std::string(300, 'x'));
    REQUIRE(error);
    CHECK(error->message.size() <= 163);
  }
}

TEST_CASE("line_column counts lines and byte columns from 1")
{
  const std::string text = "ab\ncd\n";
  CHECK(line_column(text, 0).line == 1);
  CHECK(line_column(text, 0).column == 1);
  CHECK(line_column(text, 4).line == 2);
  CHECK(line_column(text, 4).column == 2);
  CHECK(line_column(text, 99).line == 3);
  CHECK(line_column(text, 99).column == 1);
}

TEST_CASE("json_error_diagnostic points at FILE:LINE:COL")
{
  CHECK(diagnostic_of("{\n  \"a\": 1,\n  \"b\" 2\n}") ==
        "f.json:3:7: syntax error while parsing object separator: unexpected number literal; "
        "expected ':'");
  CHECK(diagnostic_of("{\n \"n\": -1e999\n}") == "f.json:2:7: a number too large for a double");
  CHECK(diagnostic_of("") == "f.json:1:1: no JSON value: the input is empty");
  CHECK(diagnostic_of("{}") == "f.json: not valid JSON");
}

TEST_CASE("every JSON file reader reports a syntax error alike")
{
  const std::string text = "{\n  \"id\": \"x\",\n  \"version\" 2\n}";
  const std::string reason =
      "syntax error while parsing object separator: unexpected number literal; expected ':'";

  SECTION("a playbook")
  {
    const auto result = playbook::load_playbook(text, "p.json", {});
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].to_string() == "p.json:3:13: " + reason);
  }
  SECTION("a cloud file")
  {
    CHECK_THROWS_WITH(azure::parse_cloud_config(text, "cloud.json"), "cloud.json:3:13: " + reason);
  }
  SECTION("an answers file")
  {
    CHECK_THROWS_WITH(engine::parse_answers(text, "a.json"),
                      "a.json:3:13: " + reason +
                          "; answers must be a JSON object of question id to answer");
  }
  SECTION("a number too large for a double has a position too")
  {
    const std::string big = "{\"n\": 1e999}";
    const auto result = playbook::load_playbook(big, "p.json", {});
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].to_string() == "p.json:1:7: a number too large for a double");
    CHECK_THROWS_WITH(azure::parse_cloud_config(big, "cloud.json"),
                      "cloud.json:1:7: a number too large for a double");
  }
}
