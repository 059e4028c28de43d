#include "dftriage/azure/azure_error.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::azure;

namespace {

const std::string k_url = "https://management.azure.com/x?api-version=1";

AzureError error_for(int status, const std::string& body, std::vector<Header> headers = {})
{
  return make_azure_error("GET", k_url, HttpResponse{status, std::move(headers), body});
}

} // namespace

TEST_CASE("ARM errors give code, message, target and details")
{
  const auto e = error_for(400, R"({"error":{"code":"InvalidParameter","message":"Bad ipRules",
    "target":"properties.networkAcls","details":[{"code":"InvalidIp","message":"1.2.3.999"}],
    "additionalInfo":[{"type":"PolicyViolation","info":{}}]}})",
                           {{"x-ms-request-id", "arm-1"}});
  CHECK(e.info().code == "InvalidParameter");
  CHECK(e.info().message == "Bad ipRules");
  CHECK(e.info().target == "properties.networkAcls");
  REQUIRE(e.info().details.size() == 1);
  CHECK(e.info().details[0].code == "InvalidIp");
  CHECK(e.info().details[0].message == "1.2.3.999");
  CHECK(e.request_id() == "arm-1");
  CHECK(std::string(e.what()) ==
        "GET " + k_url + ": 400 Bad Request: InvalidParameter: Bad ipRules (request ID arm-1)");
  CHECK(e.status() == ExitStatus::azure_failure);
}

TEST_CASE("Key Vault data-plane errors keep the innererror chain")
{
  const auto e =
      error_for(403, R"({"error":{"code":"Forbidden","message":"Caller is not authorized",
    "innererror":{"code":"ForbiddenByPolicy","innererror":{"code":"AccessDenied"}}}})");
  CHECK(e.code() == "Forbidden");
  REQUIRE(e.info().details.size() == 2);
  CHECK(e.info().details[0].code == "ForbiddenByPolicy");
  CHECK(e.info().details[1].code == "AccessDenied");
}

TEST_CASE("Graph errors give the request ID from innerError")
{
  const auto e = error_for(403, R"({"error":{"code":"Authorization_RequestDenied",
    "message":"Insufficient privileges to complete the operation.",
    "innerError":{"date":"2024-01-01T00:00:00","request-id":"graph-req-9","client-request-id":"c"}}})");
  CHECK(e.code() == "Authorization_RequestDenied");
  CHECK(e.request_id() == "graph-req-9");
  CHECK(std::string(e.what()).find("(request ID graph-req-9)") != std::string::npos);
  SECTION("the header wins when present")
  {
    const auto h = error_for(403, R"({"error":{"code":"X","innerError":{"request-id":"body"}}})",
                             {{"request-id", "header"}});
    CHECK(h.request_id() == "header");
  }
}

TEST_CASE("Log Analytics errors give details and the innererror")
{
  const auto e = error_for(
      400,
      R"({"error":{"code":"BadArgumentError","message":"The request had some invalid properties",
    "details":[{"code":"SyntaxError","message":"A recognition error occurred.","target":"query","value":"take x"}],
    "innererror":{"code":"SyntaxError","message":"Query could not be parsed"}}})");
  CHECK(e.code() == "BadArgumentError");
  REQUIRE(e.info().details.size() == 2);
  CHECK(e.info().details[0].message == "A recognition error occurred.");
  CHECK(e.info().details[1].message == "Query could not be parsed");
}

TEST_CASE("flat and OAuth error shapes are read too")
{
  const auto flat = error_for(400, R"({"code":"BadRequest","message":"filter is invalid"})");
  CHECK(flat.code() == "BadRequest");
  CHECK(flat.info().message == "filter is invalid");
  const auto oauth =
      error_for(401, R"({"error":"invalid_client","error_description":"AADSTS7000215"})");
  CHECK(oauth.code() == "invalid_client");
  CHECK(oauth.info().message == "AADSTS7000215");
}

TEST_CASE("non-JSON bodies are cut to 200 characters and sanitised")
{
  const auto e = error_for(502, "<html>\x1b[31mBad gateway</html>" + std::string(500, 'x'));
  CHECK(e.code().empty());
  CHECK(e.info().message.rfind("<html>\\x1b[31mBad gateway</html>xxx", 0) == 0);
  CHECK(e.info().message.find('\x1b') == std::string::npos);
  CHECK(e.info().message.size() < 220);
  CHECK(std::string(e.what()).find("502 Bad Gateway: <html>") != std::string::npos);

  const auto empty = error_for(404, "");
  CHECK(std::string(empty.what()) == "GET " + k_url + ": 404 Not Found");
  const auto odd = error_for(418, "[1,2]");
  CHECK(std::string(odd.what()) == "GET " + k_url + ": 418: [1,2]");
}

TEST_CASE("server text in an error message cannot drive the terminal")
{
  const auto e = error_for(409, R"({"error":{"code":"C\u001b]0;x\u0007","message":"m\u202e"}})");
  const std::string what = e.what();
  CHECK(what.find('\x1b') == std::string::npos);
  CHECK(what.find('\x07') == std::string::npos);
  CHECK(what.find("\\x1b") != std::string::npos);
}
