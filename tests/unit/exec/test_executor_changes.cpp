// The executor over a scripted transport: a change read, confirmed, sent and journaled;
// refused when the plan, the case's scope, the action or the target's drift forbids it;
// declined; and no generated or returned secret ever written to the case.

#include "dftriage/exec/plan_file.hpp"
#include "executor_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using Json = nlohmann::ordered_json;
using test::ExecutorFixture;
using test::k_fixture_vault_url;
using test::k_json_headers;
using test::vault_body;

namespace {

// The plan's capture of the vault as vault_body(args...) shows it.
Json capture_of(const std::string& body, int status = 200)
{
  return Json::array(
      {exec::fingerprint(k_fixture_vault_url, status, status == 404 ? Json() : Json::parse(body))});
}

} // namespace

TEST_CASE("a change reads its pre-image, is confirmed, sent and journaled", "[exec][fake]")
{
  ExecutorFixture f;
  f.harness.transport.reply(200, vault_body(), k_json_headers)
      .reply(200, vault_body(true), k_json_headers);
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::done);
  REQUIRE(f.harness.transport.sent().size() == 2);
  CHECK(f.harness.transport.sent()[0].method == "GET");
  CHECK(f.harness.transport.sent()[0].url == k_fixture_vault_url);
  const auto patch = f.sent("PATCH");
  REQUIRE(patch.size() == 1);
  const auto body = Json::parse(patch[0].body);
  CHECK(body["properties"]["networkAcls"]["defaultAction"] == "Deny");
  CHECK(body["properties"]["networkAcls"]["ipRules"] ==
        Json::parse(R"([{"value": "203.0.113.0/24"}])"));
  REQUIRE(f.responder.changes.size() == 1);
  CHECK_THAT(f.responder.changes[0], Catch::Contains("PATCH " + k_fixture_vault_url));

  CHECK(f.events("pre-image.captured", "enable-firewall").size() == 1);
  const auto confirmed = f.events("confirmation", "enable-firewall");
  REQUIRE(confirmed.size() == 1);
  CHECK(confirmed[0]["reason"] == "test reason");
  CHECK(f.events("response.received", "enable-firewall").size() == 2);
  CHECK(f.events("step.done", "enable-firewall").size() == 1);
  CHECK(f.executor().state().changes() == std::vector<std::string>{"enable-firewall"});
}

TEST_CASE("a change already in place is a no-op: nothing confirmed, nothing sent", "[exec][fake]")
{
  ExecutorFixture f;
  f.harness.transport.reply(200, vault_body(true), k_json_headers);
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::no_op);
  CHECK(f.sent("PATCH").empty());
  CHECK(f.responder.changes.empty());
  CHECK(f.events("step.no-op", "enable-firewall").size() == 1);
  CHECK(f.executor().state().changes().empty());
}

TEST_CASE("a change whose target drifted since the plan was captured is refused", "[exec][fake]")
{
  ExecutorFixture f;
  const std::string then = vault_body(false, true, "W/\"1\"");
  exec::ExecSettings settings;
  settings.captured["enable-firewall"] = capture_of(then);
  f.executor(settings);

  SECTION("the same target: carried out")
  {
    f.harness.transport.reply(200, then, k_json_headers)
        .reply(200, vault_body(true), k_json_headers);
    CHECK(f.run("enable-firewall").outcome == exec::Outcome::done);
    CHECK(f.sent("PATCH").size() == 1);
  }
  SECTION("a new ETag: refused, naming both")
  {
    f.harness.transport.reply(200, vault_body(false, false, "W/\"2\""), k_json_headers);
    const auto result = f.run("enable-firewall");
    CHECK(result.outcome == exec::Outcome::refused);
    CHECK_THAT(result.message, Catch::Contains("changed since the plan was made") &&
                                   Catch::Contains("ETag W/\"1\" then, W/\"2\" now"));
    CHECK(f.sent("PATCH").empty());
    CHECK(f.responder.changes.empty());
    const auto refused = f.events("step.refused", "enable-firewall");
    REQUIRE(refused.size() == 1);
    CHECK(refused[0]["why"] == result.message);
  }
  SECTION("the same ETag, other content: refused")
  {
    f.harness.transport.reply(200, vault_body(false, false, "W/\"1\""), k_json_headers);
    const auto result = f.run("enable-firewall");
    CHECK(result.outcome == exec::Outcome::refused);
    CHECK_THAT(result.message, Catch::Contains("its content differs"));
    CHECK(f.sent("PATCH").empty());
  }
  SECTION("gone since: refused, with both statuses")
  {
    f.harness.transport.reply(404, R"({"error":{"code":"ResourceNotFound","message":"gone"}})",
                              k_json_headers);
    const auto result = f.run("enable-firewall");
    CHECK(result.outcome == exec::Outcome::refused);
    CHECK_THAT(result.message, Catch::Contains("HTTP 200 then, 404 now"));
    CHECK(f.sent("PATCH").empty());
  }
  SECTION("a capture without this target: refused")
  {
    exec::ExecSettings empty_capture;
    empty_capture.captured["enable-firewall"] = Json::array();
    f.executor(empty_capture);
    f.harness.transport.reply(200, then, k_json_headers);
    CHECK(f.run("enable-firewall").outcome == exec::Outcome::refused);
    CHECK(f.sent("PATCH").empty());
  }
}

TEST_CASE("a target this case changed itself is no drift for its later steps", "[exec][fake]")
{
  ExecutorFixture f;
  const std::string then = vault_body();
  exec::ExecSettings settings;
  settings.captured["enable-firewall"] = capture_of(then);
  settings.captured["restrict-policy"] = capture_of(then);
  f.executor(settings);
  f.harness.transport.reply(200, then, k_json_headers).reply(200, vault_body(true), k_json_headers);
  REQUIRE(f.run("enable-firewall").outcome == exec::Outcome::done);
  // The vault now shows the firewall this case turned on.
  f.harness.transport.reply(200, vault_body(true), k_json_headers)
      .reply(200, vault_body(true), k_json_headers);
  const auto result = f.run("restrict-policy");
  INFO(result.message);
  CHECK(result.outcome == exec::Outcome::done);
  CHECK(f.sent("PUT").size() == 1);
}

TEST_CASE("the executor refuses what the plan, the scope or the action forbids, sending no change",
          "[exec][fake]")
{
  ExecutorFixture f;
  SECTION("a step the plan refused is refused with the plan's reason, nothing read")
  {
    const auto result = f.run("open-firewall");
    CHECK(result.outcome == exec::Outcome::refused);
    CHECK_THAT(result.message,
               Catch::Contains("198.51.100.9") && Catch::Contains("inside the allowed range"));
    CHECK(f.harness.transport.sent().empty());
    CHECK(f.events("step.refused", "open-firewall").size() == 1);
  }
  SECTION("a step outside the case's subscriptions, nothing read")
  {
    exec::ExecSettings settings;
    settings.subscriptions = {"0000-other"};
    f.executor(settings);
    const auto result = f.run("enable-firewall");
    CHECK(result.outcome == exec::Outcome::refused);
    CHECK_THAT(result.message,
               Catch::Contains("subscription s1") && Catch::Contains("outside this case's scope"));
    CHECK(f.harness.transport.sent().empty());
  }
  SECTION("inside the case's subscriptions it goes ahead")
  {
    exec::ExecSettings settings;
    settings.subscriptions = {"s1"};
    f.executor(settings);
    f.harness.transport.reply(200, vault_body(true), k_json_headers);
    CHECK(f.run("enable-firewall").outcome == exec::Outcome::no_op);
  }
  SECTION("the action's own refusal after its pre-image: no policy to restrict")
  {
    f.harness.transport.reply(200, vault_body(false, false), k_json_headers);
    const auto result = f.run("restrict-policy");
    CHECK(result.outcome == exec::Outcome::refused);
    CHECK_THAT(result.message, Catch::Contains("holds no access policy"));
    CHECK(f.harness.transport.sent().size() == 1); // the pre-image only
    CHECK(f.sent("PUT").empty());
    CHECK(f.responder.changes.empty());
  }
  SECTION("declined by the responder, with the reason journaled")
  {
    f.responder.confirms = {false};
    f.responder.decline_reason = "the owner objects";
    f.harness.transport.reply(200, vault_body(), k_json_headers);
    const auto result = f.run("enable-firewall");
    CHECK(result.outcome == exec::Outcome::declined);
    CHECK(f.sent("PATCH").empty());
    const auto declined = f.events("step.declined", "enable-firewall");
    REQUIRE(declined.size() == 1);
    CHECK(declined[0]["reason"] == "the owner objects");
    CHECK(f.executor().state().step("enable-firewall")->status == "declined");
  }
}

TEST_CASE("a generated secret is sent, shown once, and never written to the case",
          "[exec][fake][secrets]")
{
  ExecutorFixture f;
  f.harness.transport
      .reply(200,
             R"({"value": [{"id": "https://kv1.vault.azure.net/secrets/db-password/v1",
                            "attributes": {"enabled": true}}]})",
             k_json_headers)
      .reply_with([](const azure::HttpRequest& request) {
        // Key Vault answers a set with the secret bundle, value included.
        const auto sent = Json::parse(request.body);
        return azure::HttpResponse{
            200,
            {{"Content-Type", "application/json"}},
            Json{{"value", sent["value"]},
                 {"id", "https://kv1.vault.azure.net/secrets/db-password/v2"},
                 {"attributes", {{"enabled", true}}}}
                .dump()};
      });
  const auto result = f.run("rotate-secret");
  INFO(result.message);
  REQUIRE(result.outcome == exec::Outcome::done);
  const auto put = f.sent("PUT");
  REQUIRE(put.size() == 1);
  const std::string secret = Json::parse(put[0].body)["value"];
  CHECK(secret.size() == 24);
  CHECK(secret != "$(generated secret)");

  REQUIRE(f.responder.secrets.size() == 1);
  CHECK(f.responder.secrets[0].second == secret);
  REQUIRE(f.responder.changes.size() == 1);
  CHECK(f.responder.changes[0].find(secret) == std::string::npos);
  CHECK_THAT(f.responder.changes[0], Catch::Contains("not recorded"));
  CHECK(result.result.dump().find(secret) == std::string::npos);

  const auto text = f.case_text();
  CHECK(text.find(secret) == std::string::npos);
  CHECK(text.find(test::k_canary_token) == std::string::npos);
  const auto sent = f.events("request.sent", "rotate-secret");
  REQUIRE(sent.size() == 2);
  CHECK(sent[1]["body"]["value"] == "(generated at run time; not recorded)");
}

TEST_CASE("secrets in what Azure answers a read are redacted in the evidence",
          "[exec][fake][secrets]")
{
  ExecutorFixture f;
  auto vault = Json::parse(vault_body());
  vault["properties"]["password"] = "hunter2-canary";
  vault["properties"]["nested"] = {{"clientSecret", "canary-client-secret"}};
  f.harness.transport.reply(200, vault.dump(), k_json_headers);
  const auto result = f.run("read-vault");
  CHECK(result.outcome == exec::Outcome::done);
  const auto text = f.case_text();
  CHECK(text.find("hunter2-canary") == std::string::npos);
  CHECK(text.find("canary-client-secret") == std::string::npos);
  CHECK(text.find(test::k_canary_token) == std::string::npos);
  CHECK(f.events("evidence.saved", "read-vault").size() == 1);
}
