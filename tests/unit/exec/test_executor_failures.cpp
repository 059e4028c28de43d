// The executor over a scripted transport when a change fails: a long-running operation
// that fails and is retried, a refusal that stops the step; and generated passwords.

#include "executor_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using test::ExecutorFixture;
using test::k_json_headers;
using test::vault_body;

TEST_CASE("generated passwords mix every class and differ", "[exec]")
{
  const auto a = exec::generate_password();
  const auto b = exec::generate_password();
  CHECK(a.size() == 24);
  CHECK(a != b);
  CHECK(a.find_first_of("ABCDEFGHJKLMNPQRSTUVWXYZ") != std::string::npos);
  CHECK(a.find_first_of("abcdefghijkmnopqrstuvwxyz") != std::string::npos);
  CHECK(a.find_first_of("23456789") != std::string::npos);
  CHECK(a.find_first_of("!#%+-.:=?@_~") != std::string::npos);
}

TEST_CASE("a change whose long-running operation fails stops the step, journaled with the error, "
          "retry succeeds",
          "[exec]")
{
  ExecutorFixture f;
  const std::string poll =
      "https://management.azure.com/subscriptions/s1/providers/"
      "Microsoft.KeyVault/locations/westeurope/operations/op1?api-version=2026-02-01";
  f.harness.transport
      .reply(200, vault_body(), k_json_headers) // pre-image
      .reply(202, "", {{"Azure-AsyncOperation", poll}, {"Retry-After", "0"}})
      .reply(
          200,
          R"({"status":"Failed","error":{"code":"VaultUpdateFailed","message":"the update could not be applied"}})",
          k_json_headers)
      .reply(200, vault_body(), k_json_headers)      // retry: pre-image again
      .reply(200, vault_body(true), k_json_headers); // the PATCH succeeds at once
  f.responder.failure_choices = {exec::FailureChoice::retry};
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::done);
  REQUIRE(f.responder.failures.size() == 1);
  CHECK_THAT(f.responder.failures[0], Catch::Contains("VaultUpdateFailed"));
  const auto failed = f.events("request.failed", "enable-firewall");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]["code"] == "VaultUpdateFailed");
  CHECK(f.events("step.failed", "enable-firewall").size() == 1);
  CHECK(f.events("step.done", "enable-firewall").size() == 1);
  CHECK(f.case_text().find(test::k_canary_token) == std::string::npos);
  CHECK(f.harness.transport.left() == 0);
}

TEST_CASE("a change that fails with stop leaves the step failed and sends nothing more", "[exec]")
{
  ExecutorFixture f;
  f.harness.transport.reply(200, vault_body(), k_json_headers)
      .reply(409, R"({"error":{"code":"ConflictError","message":"busy"}})",
             {{"x-ms-request-id", "req-409"}, {"Content-Type", "application/json"}});
  f.responder.failure_choices = {exec::FailureChoice::stop};
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::failed);
  CHECK_THAT(result.message, Catch::Contains("409") && Catch::Contains("ConflictError") &&
                                 Catch::Contains("req-409"));
  CHECK(f.harness.transport.left() == 0);
  CHECK(f.executor().state().step("enable-firewall")->status == "failed");
}
