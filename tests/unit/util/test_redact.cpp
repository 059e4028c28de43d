// The one list of secrets (util/redact.hpp) and each of its four users: the Azure
// client's observer, the journal, the credentials' error messages and the lab's
// --record log.

#include "dftriage/azure/token_credentials.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/redact.hpp"
#include "dftriage/util/text.hpp"
#include "lab/record.hpp"
#include "support/client_harness.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_secret = "s3cr3t-CANARY";

// Every header the list names, in the case Azure writes it, and headers that are
// secret by their name's shape.
std::vector<std::string> secret_header_samples()
{
  std::vector<std::string> out = {"Authorization",
                                  "Proxy-Authorization",
                                  "x-ms-authorization-auxiliary",
                                  "X-IDENTITY-HEADER",
                                  "Secret",
                                  "Cookie",
                                  "Set-Cookie",
                                  "Ocp-Apim-Subscription-Key",
                                  "X-MS-TOKEN-AAD-ACCESS-TOKEN",
                                  "x-ms-encryption-key",
                                  "X-Client-Secret"};
  for (const auto& name : redact::secret_headers()) {
    out.push_back(name);
  }
  return out;
}

const std::vector<std::string> k_plain_headers = {
    "Content-Type",     "x-ms-request-id", "x-ms-keyvault-service-version",
    "WWW-Authenticate", "Retry-After",     "x-ms-ratelimit-remaining-subscription-reads"};

// A credential whose token request fails with a message that echoes its secret.
class EchoingCredential : public azure::CachingCredential
{
public:
  explicit EchoingCredential(std::vector<std::string> secrets)
      : CachingCredential(azure::CredentialContext{})
  {
    for (auto& s : secrets) {
      add_secret(std::move(s));
    }
  }
  std::string description() const override { return "EchoingCredential"; }

protected:
  Fetched fetch(const std::string&) override
  {
    throw Error("rejected " + k_secret + " and again " + k_secret + " and " + k_secret + "2",
                ExitStatus::azure_failure);
  }
};

} // namespace

TEST_CASE("redact: which headers and fields are secret")
{
  SECTION("every listed header and field, in any case")
  {
    for (const auto& name : secret_header_samples()) {
      INFO(name);
      CHECK(redact::is_secret_header(name));
    }
    for (const auto& name : redact::secret_fields()) {
      INFO(name);
      CHECK(redact::is_secret_field(name));
      std::string upper = name;
      for (char& c : upper) {
        c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      }
      CHECK(redact::is_secret_field(upper));
    }
    CHECK(redact::is_secret_field("clientSecret"));
    CHECK(redact::is_secret_field("adminPassword"));
    CHECK(redact::is_secret_field("protectedSettings"));
    CHECK(redact::is_secret_field("Authorization"));
  }
  SECTION("what must stay readable")
  {
    for (const auto& name : k_plain_headers) {
      INFO(name);
      CHECK_FALSE(redact::is_secret_header(name));
    }
    for (const char* name : {"name", "id", "expires_in", "token_type", "tokenType", "value"}) {
      INFO(name);
      CHECK_FALSE(redact::is_secret_field(name));
    }
  }
}

TEST_CASE("redact: header values keep an authorization scheme, nothing else")
{
  CHECK(redact::header_value("Authorization", "Bearer eyJabc") == "Bearer ***");
  CHECK(redact::header_value("authorization", "Basic dXNlcg==", "<redacted>") ==
        "Basic <redacted>");
  CHECK(redact::header_value("Authorization", "eyJabc") == "***");
  CHECK(redact::header_value("Cookie", "a=b; c=d") == "***");
  CHECK(redact::header_value("X-IDENTITY-HEADER", "0f3c") == "***");
  CHECK(redact::header_value("x-ms-request-id", "r1") == "r1");
}

TEST_CASE("redact: JSON hides secret members at any depth and Key Vault secret values")
{
  const Json in = {
      {"name", "vm1"},
      {"properties",
       {{"osProfile", {{"adminPassword", k_secret}, {"adminUsername", "azureuser"}}},
        {"extensions",
         Json::array({{{"protectedSettings", {{"password", k_secret}}},
                       {"protectedSettingsFromKeyVault", {{"secretUrl", k_secret}}}}})}}},
      {"bundle", {{"id", "https://kv1.vault.azure.net/secrets/db/1"}, {"value", k_secret}}},
      {"list", {{"value", Json::array({"a"})}}},
      {"client_secret", nullptr}};
  const Json out = redact::json_value(in);
  CHECK(out.dump().find(k_secret) == std::string::npos);
  CHECK(out["properties"]["osProfile"]["adminPassword"] == "***");
  CHECK(out["properties"]["osProfile"]["adminUsername"] == "azureuser");
  CHECK(out["properties"]["extensions"][0]["protectedSettings"] == "***");
  CHECK(out["bundle"]["value"] == "***");
  CHECK(out["list"]["value"] == Json::array({"a"}));
  CHECK(out["client_secret"].is_null());

  SECTION("a body's own top-level string value is a secret being set")
  {
    const Json body = {{"value", k_secret}, {"contentType", "text/plain"}};
    CHECK(redact::json_value(body)["value"] == k_secret);
    CHECK(redact::json_body(body, "<redacted>")["value"] == "<redacted>");
    CHECK(redact::json_body(body)["contentType"] == "text/plain");
    CHECK(redact::json_body(Json{{"value", Json::array()}})["value"] == Json::array());
  }
}

TEST_CASE("redact: known values are replaced wherever they appear")
{
  CHECK(redact::known_values("a " + k_secret + " b " + k_secret, {k_secret, ""}) == "a *** b ***");
  CHECK(redact::known_values("x*y", {"*"}) == "x***y"); // a marker-like secret ends
  CHECK(redact::known_values("nothing here", {k_secret}) == "nothing here");
}

TEST_CASE("every user of the list hides each listed header")
{
  const auto names = secret_header_samples();

  SECTION("the Azure client's observer, in requests and responses")
  {
    test::ClientHarness h;
    std::vector<azure::Header> reply_headers;
    reply_headers.reserve(names.size());
    for (const auto& name : names) {
      reply_headers.push_back({name, k_secret});
    }
    for (const auto& name : k_plain_headers) {
      reply_headers.push_back({name, "plain"});
    }
    h.transport.reply(200, "{}", reply_headers);
    auto request = test::make_request("GET");
    for (const auto& name : names) {
      if (!text::iequals(name, "Authorization")) {
        request.headers.push_back({name, k_secret});
      }
    }
    auto client = h.client();
    client.send(request);
    REQUIRE(h.exchanges.size() == 1);
    const auto& e = h.exchanges[0];
    for (const auto* headers : {&e.request_headers, &e.response_headers}) {
      for (const auto& header : *headers) {
        INFO(header.name << ": " << header.value);
        CHECK(header.value.find(k_secret) == std::string::npos);
        CHECK(header.value.find(test::k_canary_token) == std::string::npos);
        if (redact::is_secret_header(header.name)) {
          CHECK((header.value == "***" || header.value == "Bearer ***"));
        }
      }
    }
    CHECK(azure::header_in(e.response_headers, "x-ms-request-id") == std::string("plain"));
    // What was sent is untouched: only the observer's copy is redacted.
    CHECK(test::header_of(h.transport.sent()[0], "Cookie") == k_secret);
  }

  SECTION("the journal, as member names")
  {
    Json entry = Json::object();
    for (const auto& name : redact::secret_headers()) {
      entry["headers"][name] = k_secret;
    }
    const Json out = journal::redact_secrets(entry);
    CHECK(out.dump().find(k_secret) == std::string::npos);
  }

  SECTION("the lab's --record log, in requests and responses")
  {
    lab::LabRequest request;
    request.method = "GET";
    request.path = "/x";
    lab::LabResponse response;
    for (const auto& name : names) {
      request.headers.emplace_back(name, "Bearer " + k_secret);
      response.headers.emplace_back(name, k_secret);
    }
    request.headers.emplace_back("x-ms-request-id", "plain");
    const Json pair = lab::recorded_pair(request, "http://127.0.0.1:1/x", response);
    CHECK(pair.dump().find(k_secret) == std::string::npos);
    CHECK(pair["liveRequest"]["headers"]["x-ms-request-id"] == "plain");
    CHECK(pair["liveRequest"]["headers"]["authorization"] == "Bearer <redacted>");
    CHECK(pair["liveResponse"]["headers"]["set-cookie"] == "<redacted>");
  }

  SECTION("the lab's --record log, in form and JSON bodies")
  {
    lab::LabRequest request;
    request.method = "POST";
    request.path = "/t/oauth2/v2.0/token";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    for (const auto& name : redact::secret_fields()) {
      request.body += (request.body.empty() ? "" : "&") + name + "=" + k_secret;
    }
    Json reply = Json::object();
    for (const auto& name : redact::secret_fields()) {
      reply[name] = k_secret;
    }
    const auto response = lab::LabResponse::json(200, reply);
    const Json pair = lab::recorded_pair(request, "http://127.0.0.1:1/t", response);
    CHECK(pair.dump().find(k_secret) == std::string::npos);
  }

  SECTION("the credentials' error messages, for every registered value")
  {
    EchoingCredential credential({k_secret});
    try {
      credential.get_token("https://management.azure.com/");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) == "EchoingCredential: rejected *** and again *** and ***2");
    }
  }
}
