#include "cli/request_text.hpp"

#include <catch2/catch.hpp>

TEST_CASE("a request shown as curl keeps every value inside its quotes")
{
  CHECK(dftriage::cli::shell_quote("a'b") == R"('a'\''b')");
  dftriage::azure::Request r;
  r.method = "PUT";
  r.url = "https://management.azure.com/x?api-version=1";
  r.body = nlohmann::ordered_json{{"note", "it's $(reboot) \u202e"}};
  const auto text = dftriage::cli::as_curl(r, "");
  CHECK(text == "curl -X PUT 'https://management.azure.com/x?api-version=1' \\\n"
                "  -H \"Authorization: Bearer $TOKEN\" \\\n"
                "  -H 'Content-Type: application/json' \\\n"
                "  --data-binary '{\"note\":\"it'\\''s $(reboot) \\u202e\"}'\n");
}
