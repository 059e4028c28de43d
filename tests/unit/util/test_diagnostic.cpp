#include "dftriage/util/diagnostic.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace dftriage;

TEST_CASE("a Diagnostic renders the position it knows")
{
  Diagnostic d;
  d.source = "alerts.json";
  d.message = "bad";
  CHECK(d.to_string() == "alerts.json: bad");
  SECTION("line and column win")
  {
    d.line = 12;
    d.column = 7;
    d.pointer = "/a";
    CHECK(d.to_string() == "alerts.json:12:7: bad");
  }
  SECTION("a document number")
  {
    d.document = 3;
    CHECK(d.to_string() == "alerts.json: document 3: bad");
    d.pointer = "/properties";
    CHECK(d.to_string() == "alerts.json: document 3: /properties: bad");
  }
  SECTION("a JSON pointer, and a warning")
  {
    const auto w = Diagnostic::at_pointer(Diagnostic::Level::warning, "p.json", "/phases/1",
                                          "key given twice");
    CHECK(w.to_string() == "p.json: /phases/1: warning: key given twice");
    CHECK_FALSE(w.is_error());
  }
}

TEST_CASE("a Diagnostic as JSON")
{
  auto d = Diagnostic::at_pointer(Diagnostic::Level::error, "p.json", "/id", "bad id");
  CHECK(
      d.to_json().dump() ==
      R"({"level":"error","file":"p.json","pointer":"/id","line":0,"column":0,"message":"bad id"})");
  d.document = 2;
  CHECK(d.to_json()["document"] == 2);
}
