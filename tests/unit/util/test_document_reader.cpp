#include "dftriage/util/document_reader.hpp"
#include "dftriage/util/error.hpp"

#include <catch2/catch.hpp>
#include <cstring>

using dftriage::Document;
using dftriage::DocumentReader;

namespace {

struct Cut
{
  std::string text;
  std::uint64_t line;
  std::uint64_t column;
  bool truncated;
  Document::Kind kind;
};

struct Result
{
  std::vector<Cut> docs;
  std::vector<std::string> problems;
};

// A source that hands out at most `chunk` bytes per read, to cross buffer edges.
class ChunkedSource : public dftriage::ByteSource
{
public:
  ChunkedSource(std::string text, std::size_t chunk)
      : m_text(std::move(text))
      , m_chunk(chunk)
  {
  }
  std::size_t read(char* buffer, std::size_t size) override
  {
    const std::size_t n = std::min({size, m_chunk, m_text.size() - m_offset});
    std::memcpy(buffer, m_text.data() + m_offset, n);
    m_offset += n;
    return n;
  }

private:
  std::string m_text;
  std::size_t m_chunk;
  std::size_t m_offset = 0;
};

Result cut(const std::string& input, std::size_t chunk = 1 << 20,
           std::size_t max_document = DocumentReader::k_default_max_document)
{
  ChunkedSource source(input, chunk);
  DocumentReader reader(source, max_document);
  Result result;
  Document doc;
  for (;;) {
    const bool more = reader.next(doc);
    DocumentReader::Problem problem;
    if (reader.take_problem(problem)) {
      result.problems.push_back(std::to_string(problem.line) + ":" +
                                std::to_string(problem.column) + ": " + problem.message);
    }
    if (!more) {
      break;
    }
    result.docs.push_back(
        Cut{std::string(doc.text), doc.line, doc.column, doc.truncated, doc.kind});
  }
  return result;
}

std::vector<std::string> texts(const Result& r)
{
  std::vector<std::string> out;
  for (const auto& d : r.docs) {
    out.push_back(d.text);
  }
  return out;
}

} // namespace

TEST_CASE("document reader cuts NDJSON, concatenated JSON and single objects")
{
  SECTION("NDJSON with CRLF and blank lines")
  {
    const auto r = cut("{\"a\":1}\r\n\r\n{\"b\":[1,2]}\r\n");
    CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}", "{\"b\":[1,2]}"});
    CHECK(r.docs[1].line == 3);
    CHECK(r.problems.empty());
  }
  SECTION("pretty-printed documents one after another")
  {
    const auto r = cut("{\n  \"a\": 1\n}\n{\n  \"b\": \"}{\"\n}\n");
    CHECK(texts(r) == std::vector<std::string>{"{\n  \"a\": 1\n}", "{\n  \"b\": \"}{\"\n}"});
    CHECK(r.docs[1].line == 4);
  }
  SECTION("brackets and escaped quotes inside strings do not count")
  {
    const auto r = cut(R"({"a":"x\"]}{[","b":"\\"}{"c":2})");
    CHECK(texts(r) == std::vector<std::string>{R"({"a":"x\"]}{[","b":"\\"})", R"({"c":2})"});
  }
  SECTION("a UTF-8 byte order mark is skipped")
  {
    const auto r = cut("\xEF\xBB\xBF{\"a\":1}");
    CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}"});
    CHECK(r.docs[0].column == 1);
  }
  SECTION("scalars are documents too")
  {
    CHECK(texts(cut("42 \"x\" true")) == std::vector<std::string>{"42", "\"x\"", "true"});
  }
}

TEST_CASE("document reader streams the elements of arrays and envelopes")
{
  SECTION("top-level array")
  {
    const auto r = cut("[\n {\"a\":1},\n {\"b\":2}\n]\n");
    CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    CHECK(r.docs[1].line == 3);
    CHECK(r.docs[1].column == 2);
  }
  SECTION("REST list with nextLink after the array")
  {
    const auto r = cut(R"({"value":[{"a":1},{"b":2}],"nextLink":"https://x/?a=[1]"})");
    CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    CHECK(r.problems.empty());
  }
  SECTION("Event Hub records and Resource Graph data, with members before the array")
  {
    CHECK(texts(cut(R"({"records": [ {"a":1} ]})")) == std::vector<std::string>{"{\"a\":1}"});
    CHECK(texts(cut(R"({"totalRecords":1,"count":1,"data":[{"a":1}],"facets":[]})")) ==
          std::vector<std::string>{"{\"a\":1}"});
  }
  SECTION("an object whose value is not an array stays one document")
  {
    CHECK(texts(cut(R"({"data":{"value":[1]}})")) ==
          std::vector<std::string>{R"({"data":{"value":[1]}})"});
    CHECK(texts(cut(R"({"id":"x","properties":{"value":[1]}})")) ==
          std::vector<std::string>{R"({"id":"x","properties":{"value":[1]}})"});
  }
  SECTION("an empty array yields nothing")
  {
    const auto r = cut("[ ]");
    CHECK(r.docs.empty());
    CHECK(r.problems.empty());
  }
}

TEST_CASE("document reader works across buffer edges")
{
  std::string input = "[";
  for (int i = 0; i < 200; ++i) {
    input += std::string(i ? "," : "") + "{\"n\":" + std::to_string(i) + ",\"s\":\"a\\\"b}\"}";
  }
  input += "]";
  for (const std::size_t chunk : {1u, 3u, 7u, 64u}) {
    const auto r = cut(input, chunk);
    REQUIRE(r.docs.size() == 200);
    CHECK(r.docs[199].text == "{\"n\":199,\"s\":\"a\\\"b}\"}");
  }
}

TEST_CASE("strings are followed across the reader's 64-byte blocks")
{
  // Brackets, escaped quotes and runs of backslashes inside strings, shifted through
  // every position of a block and read whole or a few bytes at a time.
  const std::string inside = R"(]}[{\"]\\\\\"}\\)";
  for (std::size_t shift = 0; shift < 70; ++shift) {
    const std::string doc = "{\"a\":[{\"s\":\"" + std::string(shift, 'x') + inside +
                            std::string(70 - shift, 'y') + "\"},\"\\\\\"],\"b\":\"]\"}";
    const std::string input = doc + "\n" + doc + "\n";
    for (const std::size_t chunk : {std::size_t{1} << 20, std::size_t{7}, std::size_t{64}}) {
      const auto r = cut(input, chunk);
      CHECK(texts(r) == std::vector<std::string>{doc, doc});
      CHECK(r.problems.empty());
    }
  }
  SECTION("a line end inside a string ends an NDJSON record there")
  {
    const std::string good = R"({"a":")" + std::string(100, 'x') + R"("})";
    const std::string broken = R"({"a":[{"b":")" + std::string(90, 'z') + "\\";
    const auto r = cut(good + "\n" + broken + "\n" + good + "\n");
    REQUIRE(r.docs.size() == 3);
    CHECK(r.docs[1].text == broken);
    CHECK(r.docs[1].truncated);
    CHECK(r.docs[2].text == good);
    CHECK(r.docs[2].line == 3);
  }
}

TEST_CASE("document reader reports structural problems and carries on")
{
  SECTION("a mismatched bracket")
  {
    const auto r = cut("{\"a\":[1}\n{\"b\":2}\n");
    CHECK(r.problems == std::vector<std::string>{"1:8: unexpected '}': expected ']'"});
    CHECK(texts(r) == std::vector<std::string>{"{\"b\":2}"});
  }
  SECTION("a stray closing bracket at top level")
  {
    const auto r = cut("}\n{\"b\":2}");
    CHECK(r.problems == std::vector<std::string>{"1:1: unexpected '}' outside any JSON value"});
    CHECK(texts(r) == std::vector<std::string>{"{\"b\":2}"});
  }
  SECTION("a missing comma between array elements")
  {
    const auto r = cut("[{\"a\":1} {\"b\":2}]");
    CHECK(r.problems ==
          std::vector<std::string>{"1:10: unexpected '{' in array: expected ',' or ']'"});
  }
  SECTION("an unclosed document at the end is cut and marked truncated")
  {
    const auto r = cut("{\n  \"a\": [1,\n");
    REQUIRE(r.docs.size() == 1);
    CHECK(r.docs[0].truncated);
  }
  SECTION("an unclosed top-level array")
  {
    const auto r = cut("[{\"a\":1},");
    CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}"});
    CHECK(r.problems == std::vector<std::string>{
                            "1:10: unexpected end of input: the top-level array is not closed"});
  }
}

TEST_CASE("in NDJSON a broken line does not swallow the lines after it")
{
  const auto r = cut("{\"a\":1}\n{\"b\":[2,\n{\"c\":3}\n{\"d\":\"x\n{\"e\":5}\n");
  CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}", "{\"b\":[2,", "{\"c\":3}", "{\"d\":\"x",
                                             "{\"e\":5}"});
  CHECK_FALSE(r.docs[0].truncated);
  CHECK(r.docs[1].truncated);
  CHECK(r.docs[3].truncated);
  CHECK(r.docs[4].line == 5);
}

TEST_CASE("document reader refuses a document over the size limit")
{
  const std::string big = "{\"a\":\"" + std::string(5000, 'x') + "\"}";
  CHECK_THROWS_AS(cut(big, 512, 4096), dftriage::InputError);
  CHECK(cut(big, 512, 8192).docs.size() == 1);
}

TEST_CASE("position_in translates an offset inside a document")
{
  const auto r = cut("\n  {\"a\":\n 1}");
  REQUIRE(r.docs.size() == 1);
  Document doc;
  doc.text = r.docs[0].text;
  doc.line = r.docs[0].line;
  doc.column = r.docs[0].column;
  const auto pos = dftriage::position_in(doc, 7); // the 1
  CHECK(pos.line == 3);
  CHECK(pos.column == 2);
}

TEST_CASE("a broken first NDJSON line does not swallow the lines after it")
{
  const std::string line =
      R"({"AlertType":"KV_TORAccess","SystemAlertId":"a\"1","Entities":[{"Address":"1.2.3.4","Type":"ip"}],)"
      R"("ExtendedProperties":{"k":[1,2,{"x":null}]},"Severity":"High","n":-1.5e3,"t":true})";
  const std::string good = "{\"AlertType\":\"KV_x\",\"n\":[1,{\"s\":\"}]\"}]}";
  const std::string rest = good + "\n" + good + "\r\n\n" + good + "\n";
  for (std::size_t cut_at = 1; cut_at < line.size(); ++cut_at) {
    for (const std::size_t chunk : {std::size_t{1} << 20, std::size_t{7}}) {
      const auto r = cut(line.substr(0, cut_at) + "\n" + rest, chunk);
      INFO("cut at " << cut_at << ": " << line.substr(0, cut_at) << " (chunk " << chunk << ")");
      REQUIRE(r.docs.size() == 4);
      CHECK(r.docs[0].text == line.substr(0, cut_at));
      CHECK(r.docs[0].truncated);
      CHECK(r.problems.empty());
      for (std::size_t i = 1; i < 4; ++i) {
        CHECK(r.docs[i].text == good);
        CHECK_FALSE(r.docs[i].truncated);
      }
      CHECK(r.docs[1].line == 2);
      CHECK(r.docs[3].line == 5);
    }
  }
}

TEST_CASE("a broken NDJSON line that opens an array or envelope swallows nothing")
{
  const std::string good = "{\"c\":3}";
  const std::string after = good + "\n" + "{\"d\":4}\n" + "{\"e\":5}\n";
  auto tail_is_good = [](const Result& r) {
    REQUIRE(r.docs.size() >= 3);
    const std::size_t n = r.docs.size();
    CHECK(r.docs[n - 3].text == "{\"c\":3}");
    CHECK(r.docs[n - 2].text == "{\"d\":4}");
    CHECK(r.docs[n - 1].text == "{\"e\":5}");
  };
  for (const bool first : {true, false}) {
    const std::string before = first ? "" : "{\"a\":0}\n";
    const std::size_t skip = first ? 0 : 1;
    SECTION(std::string("an array cut inside an element, ") +
            (first ? "first line" : "second line"))
    {
      const auto r = cut(before + "[{\"a\":1},{\"b\":\n" + after);
      tail_is_good(r);
      CHECK(r.docs.size() == skip + 5);
      CHECK(r.docs[skip + 1].text == "{\"b\":");
      CHECK(r.docs[skip + 1].truncated);
    }
    SECTION(std::string("an array cut after a comma, ") + (first ? "first line" : "second line"))
    {
      const auto r = cut(before + "[1,\n" + after);
      tail_is_good(r);
      CHECK(r.docs.size() == skip + 4);
      CHECK(r.problems.size() == 1);
    }
    SECTION(std::string("an envelope cut after a comma, ") + (first ? "first line" : "second line"))
    {
      const auto r = cut(before + "{\"value\":[{\"a\":1},\n" + after);
      tail_is_good(r);
      CHECK(r.docs.size() == skip + 4);
      CHECK(r.problems.size() == 1);
    }
  }
  SECTION("in NDJSON the line end says where the array ended")
  {
    const auto r = cut("{\"a\":0}\n[1,\n" + after);
    CHECK(r.problems ==
          std::vector<std::string>{"2:4: unexpected end of line: the array is not closed"});
  }
}

TEST_CASE("pretty-printed documents are not mistaken for broken NDJSON lines")
{
  SECTION("a document whose first line holds members")
  {
    const auto r = cut("{\"a\": 1,\n  \"b\": [1,\n    2]}\n{\"c\": {\n  \"d\": 1}}\n");
    CHECK(texts(r) ==
          std::vector<std::string>{"{\"a\": 1,\n  \"b\": [1,\n    2]}", "{\"c\": {\n  \"d\": 1}}"});
  }
  SECTION("an array with one element per line")
  {
    const auto r = cut("[{\"a\":1},\n{\"b\":2},\n{\"c\":\n3}]\n");
    CHECK(texts(r) == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":\n3}"});
    CHECK(r.problems.empty());
  }
  SECTION("a broken pretty-printed document is reported where it breaks")
  {
    const auto r = cut("{\n  \"a\": [1,\n  \"b\": 2\n}\n{\"c\":1}");
    CHECK(r.problems == std::vector<std::string>{"4:1: unexpected '}': expected ']'"});
    CHECK(texts(r) == std::vector<std::string>{"{\"c\":1}"});
  }
}

TEST_CASE("document reader streams the rows of Log Analytics tables")
{
  const auto r =
      cut(R"({"tables":[{"name":"A","columns":[{"name":"x"}],"rows":[["1"],["2"]],"more":{}},)"
          "\n"
          R"({"name":"B","rows":[["3"]],"columns":[{"name":"y"}]}]})");
  REQUIRE(r.docs.size() == 4);
  CHECK(r.problems.empty());
  CHECK(r.docs[0].text == R"({"name":"A","columns":[{"name":"x"}]})");
  CHECK(r.docs[1].text == R"(["1"])");
  CHECK(r.docs[2].text == R"(["2"])");
  CHECK(r.docs[3].text == R"({"name":"B","rows":[["3"]],"columns":[{"name":"y"}]})");
  CHECK(r.docs[0].kind == Document::Kind::table);
  CHECK(r.docs[1].kind == Document::Kind::row);
  CHECK(r.docs[2].kind == Document::Kind::row);
  CHECK(r.docs[3].kind == Document::Kind::table);
  CHECK(r.docs[1].line == 1);
  CHECK(r.docs[3].line == 2);
}
