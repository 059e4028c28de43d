// The executor resuming a case: a change sent when the run died (its answer never
// journaled) is checked against the target before anything is sent again; a change done
// is done earlier; a failed send that may have reached Azure is checked too.

#include "executor_fixture.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace dftriage;
using Json = nlohmann::ordered_json;
using test::ExecutorFixture;
using test::k_json_headers;
using test::vault_body;

namespace {

const std::string k_versions =
    R"({"value": [{"id": "https://kv1.vault.azure.net/secrets/db-password/v1",
                                               "attributes": {"enabled": true}}]})";

// Runs `step` with its pre-image answered by `pre_image` and dies while its change is in
// flight: the scripted transport has no answer for it and throws out of run_step, as a
// killed process would leave the journal (request.sent, nothing after).
void die_while_sending(ExecutorFixture& f, const std::string& step, const std::string& pre_image)
{
  f.harness.transport.reply(200, pre_image, k_json_headers);
  CHECK_THROWS_AS(f.run(step), std::logic_error);
  REQUIRE(f.harness.transport.left() == 0);
  const auto& state = f.executor().state(); // the case opened again: a resumed run
  REQUIRE(state.step(step) != nullptr);
  REQUIRE(state.step(step)->request_pending);
  REQUIRE(state.step(step)->change_unfinished);
}

} // namespace

TEST_CASE("a resumed change found in place is this case's, done without sending it again",
          "[exec][fake][resume]")
{
  ExecutorFixture f;
  die_while_sending(f, "enable-firewall", vault_body());
  const auto first_pre_image = f.events("pre-image.captured", "enable-firewall").at(0);

  f.harness.transport.reply(200, vault_body(true), k_json_headers);
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::done);
  CHECK_THAT(result.message, Catch::Contains("found in place on resume"));
  CHECK(f.sent("PATCH").size() == 1); // the one sent before the run died
  CHECK(f.responder.changes.size() == 1);
  const auto done = f.events("step.done", "enable-firewall");
  REQUIRE(done.size() == 1);
  CHECK(done[0]["recovered"] == true);
  // Undo restores the state from before the change: the first pre-image.
  const auto* r = f.executor().state().step("enable-firewall");
  REQUIRE(r != nullptr);
  CHECK(r->changed);
  CHECK(r->pre_image == first_pre_image["evidence"]);
  CHECK(f.executor().state().changes() == std::vector<std::string>{"enable-firewall"});
}

TEST_CASE("a resumed change not in place is confirmed and sent again", "[exec][fake][resume]")
{
  ExecutorFixture f;
  die_while_sending(f, "enable-firewall", vault_body());
  f.harness.transport.reply(200, vault_body(), k_json_headers)
      .reply(200, vault_body(true), k_json_headers);
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::done);
  CHECK(f.responder.changes.size() == 2); // asked again: the earlier send did not take
  CHECK(f.sent("PATCH").size() == 2);
  CHECK(f.executor().state().step("enable-firewall")->status == "done");
}

TEST_CASE("a resumed change that cannot be read back is not sent blindly", "[exec][fake][resume]")
{
  ExecutorFixture f;
  die_while_sending(f, "rotate-secret", k_versions);
  REQUIRE(f.sent("PUT").size() == 1);

  f.harness.transport.reply(200, k_versions, k_json_headers);
  const auto result = f.run("rotate-secret");
  CHECK(result.outcome == exec::Outcome::failed);
  CHECK_THAT(result.message,
             Catch::Contains("cannot be read back") && Catch::Contains("check by hand"));
  CHECK(f.sent("PUT").size() == 1);
  CHECK(f.responder.changes.size() == 1);
  REQUIRE(f.responder.failures.size() == 1);
  CHECK(f.events("step.failed", "rotate-secret").size() == 1);

  SECTION("the step failed, a later run sends it again once confirmed")
  {
    f.executor();
    f.harness.transport.reply(200, k_versions, k_json_headers)
        .reply(200, R"({"id": "v2"})", k_json_headers);
    CHECK(f.run("rotate-secret").outcome == exec::Outcome::done);
    CHECK(f.sent("PUT").size() == 2);
    CHECK(f.responder.changes.size() == 2);
  }
}

// The failure says "check by hand, then run the step again (interactive retry)"; the
// retry it advises reads the pre-image and fails the same way, without ever sending.
TEST_CASE("after checking by hand, an interactive retry of an unreadable resumed change sends it",
          "[exec][fake][resume]")
{
  ExecutorFixture f;
  die_while_sending(f, "rotate-secret", k_versions);
  f.responder.failure_choices = {exec::FailureChoice::retry, exec::FailureChoice::stop};
  f.harness.transport.reply(200, k_versions, k_json_headers)
      .reply(200, k_versions, k_json_headers)
      .reply(200, R"({"id": "v2"})", k_json_headers);
  const auto result = f.run("rotate-secret");
  CHECK(result.outcome == exec::Outcome::done);
  CHECK(f.sent("PUT").size() == 2);
}

TEST_CASE("a change done before the resume is done earlier, nothing sent", "[exec][fake][resume]")
{
  ExecutorFixture f;
  f.harness.transport.reply(200, vault_body(), k_json_headers)
      .reply(200, vault_body(true), k_json_headers);
  REQUIRE(f.run("enable-firewall").outcome == exec::Outcome::done);
  const auto before = f.harness.transport.sent().size();
  f.executor();
  const auto result = f.run("enable-firewall");
  CHECK(result.outcome == exec::Outcome::done_earlier);
  CHECK(result.message == "already done in this case");
  CHECK(f.harness.transport.sent().size() == before);
}

TEST_CASE("a change whose send failed after it may have reached Azure is checked on resume",
          "[exec][fake][resume]")
{
  ExecutorFixture f;
  f.harness.transport.reply(200, vault_body(), k_json_headers)
      .fail("connection reset by peer", true);
  const auto failed = f.run("enable-firewall");
  CHECK(failed.outcome == exec::Outcome::failed);
  CHECK_THAT(failed.message, Catch::Contains("connection reset"));
  const auto journaled = f.events("request.failed", "enable-firewall");
  REQUIRE(journaled.size() == 1);
  CHECK(journaled[0]["mayHaveReachedServer"] == true);

  f.executor();
  SECTION("it took effect: not sent twice")
  {
    f.harness.transport.reply(200, vault_body(true), k_json_headers);
    const auto result = f.run("enable-firewall");
    CHECK((result.outcome == exec::Outcome::no_op || result.outcome == exec::Outcome::done));
    CHECK(f.sent("PATCH").size() == 1);
  }
  SECTION("it did not: sent again")
  {
    f.harness.transport.reply(200, vault_body(), k_json_headers)
        .reply(200, vault_body(true), k_json_headers);
    CHECK(f.run("enable-firewall").outcome == exec::Outcome::done);
    CHECK(f.sent("PATCH").size() == 2);
  }
}

// The PATCH failed in transit (mayHaveReachedServer) and the step was journaled failed;
// on resume the firewall is found in place. It is most likely this case's change, and
// the case state still marks the request pending, but the executor records a no-op
// (it looks only at change_unfinished), so undo will never revert it.
TEST_CASE("a change that may have reached Azure before its step failed is the case's to undo",
          "[exec][fake][resume]")
{
  ExecutorFixture f;
  f.harness.transport.reply(200, vault_body(), k_json_headers)
      .fail("connection reset by peer", true);
  REQUIRE(f.run("enable-firewall").outcome == exec::Outcome::failed);
  f.executor();
  REQUIRE(f.executor().state().step("enable-firewall")->request_pending);
  f.harness.transport.reply(200, vault_body(true), k_json_headers);
  f.run("enable-firewall");
  CHECK(f.executor().state().changes() == std::vector<std::string>{"enable-firewall"});
}
