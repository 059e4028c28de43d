// CaseState: a case's journal replayed into what resume, undo and the report read —
// steps done, a change sent without its answer, steps left at a prompt, undone and
// redone changes, answers, and a journal whose last line was cut short.

#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace dftriage;
using Json = nlohmann::ordered_json;
namespace event = journal::event;

namespace {

const std::string k_journal_vault_url =
    "https://management.azure.com/subscriptions/s1/resourceGroups/rg/"
    "providers/Microsoft.KeyVault/vaults/kv1?api-version=2026-02-01";

Json entered(const std::string& step, const std::string& action, bool mutating,
             const std::string& reversibility = "reversible")
{
  return {{"event", event::step_entered},
          {"step", step},
          {"phase", "contain"},
          {"action", action},
          {"params", {{"vault", "kv1"}}},
          {"mutating", mutating},
          {"reversibility", reversibility}};
}

Json sent(const std::string& step, const std::string& kind, bool mutating,
          const std::string& url = k_journal_vault_url)
{
  return {{"event", event::request_sent},         {"step", step}, {"kind", kind},
          {"method", mutating ? "PATCH" : "GET"}, {"url", url},   {"mutating", mutating}};
}

Json received(const std::string& step, const std::string& kind, const std::string& request_id)
{
  return {{"event", event::response_received},
          {"step", step},
          {"kind", kind},
          {"status", 200},
          {"requestId", request_id}};
}

Json failed_request(const std::string& step, const std::string& kind, bool may_have_reached)
{
  return {{"event", event::request_failed},
          {"step", step},
          {"kind", kind},
          {"status", 0},
          {"mayHaveReachedServer", may_have_reached}};
}

Json captured(const std::string& step, const std::string& evidence, const std::string& sha)
{
  return {{"event", event::pre_image_captured},
          {"step", step},
          {"evidence", evidence},
          {"sha256", sha}};
}

Json concluded(const char* name, const std::string& step, const std::string& why = "")
{
  Json e{{"event", name}, {"step", step}};
  if (!why.empty()) {
    e["why"] = why;
  }
  return e;
}

// A firewall change carried out in full: pre-image, confirmation, request, answer, done.
std::vector<Json> change_done(const std::string& step, const std::string& pre_image)
{
  return {entered(step, "keyvault.firewall.enable", true),
          sent(step, "pre-image", false),
          received(step, "pre-image", "req-pre-" + step),
          captured(step, pre_image, "sha-" + pre_image),
          {{"event", event::confirmation}, {"step", step}, {"reason", "TOR access confirmed"}},
          sent(step, "action", true),
          received(step, "action", "req-change-" + step),
          concluded(event::step_done, step)};
}

std::vector<Json> joined(std::vector<Json> a, const std::vector<Json>& b)
{
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace

TEST_CASE("case state: a read and a change done, in the order entered", "[exec][case-state]")
{
  std::vector<Json> entries{
      {{"event", event::case_opened}, {"alertId", "a-1"}, {"playbook", "keyvault"}},
      entered("list-secrets", "keyvault.secrets.list", false, "read-only"),
      sent("list-secrets", "read", false),
      received("list-secrets", "read", "req-read"),
      {{"event", event::evidence_saved},
       {"step", "list-secrets"},
       {"evidence", "evidence/001-list-secrets.json"},
       {"sha256", "abc"}},
      concluded(event::step_done, "list-secrets")};
  entries = joined(entries, change_done("enable-firewall", "evidence/002-pre.json"));
  const auto state = exec::CaseState::replay(entries);

  CHECK(state.opened().value("alertId", "") == "a-1");
  CHECK_FALSE(state.closed());
  CHECK(state.order() == std::vector<std::string>{"list-secrets", "enable-firewall"});
  // Only a mutating step counts as a change.
  CHECK(state.changes() == std::vector<std::string>{"enable-firewall"});

  const auto* read = state.step("list-secrets");
  REQUIRE(read != nullptr);
  CHECK(read->status == "done");
  CHECK_FALSE(read->mutating);
  CHECK_FALSE(read->changed);
  CHECK(read->reversibility == "read-only");
  CHECK(read->evidence == std::vector<std::string>{"evidence/001-list-secrets.json"});
  CHECK(read->evidence_sha256 == std::vector<std::string>{"abc"});
  CHECK(read->request_ids == std::vector<std::string>{"req-read"});

  const auto* change = state.step("enable-firewall");
  REQUIRE(change != nullptr);
  CHECK(change->status == "done");
  CHECK(change->action == "keyvault.firewall.enable");
  CHECK(change->params == Json{{"vault", "kv1"}});
  CHECK(change->changed);
  CHECK_FALSE(change->request_pending);
  CHECK_FALSE(change->change_unfinished);
  CHECK(change->reason == "TOR access confirmed");
  CHECK(change->pre_image == "evidence/002-pre.json");
  CHECK(change->pre_image_sha256 == "sha-evidence/002-pre.json");
  CHECK(change->pre_image_urls == std::set<std::string>{k_journal_vault_url});
  CHECK(change->request_ids ==
        std::vector<std::string>{"req-pre-enable-firewall", "req-change-enable-firewall"});

  CHECK(state.step("never-entered") == nullptr);
}

TEST_CASE("case state: a change sent whose answer was never journaled is pending",
          "[exec][case-state]")
{
  std::vector<Json> entries{entered("enable-firewall", "keyvault.firewall.enable", true),
                            sent("enable-firewall", "pre-image", false),
                            received("enable-firewall", "pre-image", "req-pre"),
                            captured("enable-firewall", "evidence/001-pre.json", "sha-1"),
                            sent("enable-firewall", "action", true)};
  auto state = exec::CaseState::replay(entries);
  const auto* r = state.step("enable-firewall");
  REQUIRE(r != nullptr);
  CHECK(r->status == "entered");
  CHECK(r->request_pending);
  CHECK(r->change_unfinished);
  CHECK_FALSE(r->changed);
  CHECK(state.changes().empty());
  // The pre-image read does not count as the change.
  CHECK(r->pre_image == "evidence/001-pre.json");

  SECTION("its answer clears the request, not the step: the run may have died before step.done")
  {
    state.apply(received("enable-firewall", "action", "req-change"));
    CHECK_FALSE(state.step("enable-firewall")->request_pending);
    CHECK(state.step("enable-firewall")->change_unfinished);
    state.apply(concluded(event::step_done, "enable-firewall"));
    CHECK_FALSE(state.step("enable-firewall")->change_unfinished);
    CHECK(state.changes() == std::vector<std::string>{"enable-firewall"});
  }
  SECTION("a failure that never reached the server is no longer pending")
  {
    state.apply(failed_request("enable-firewall", "action", false));
    CHECK_FALSE(state.step("enable-firewall")->request_pending);
  }
  SECTION("a failure that may have reached the server stays pending")
  {
    state.apply(failed_request("enable-firewall", "action", true));
    CHECK(state.step("enable-firewall")->request_pending);
    CHECK(state.step("enable-firewall")->change_unfinished);
  }
  SECTION("a failed step concludes the change, without marking it made")
  {
    state.apply(concluded(event::step_failed, "enable-firewall", "409 Conflict"));
    const auto* failed = state.step("enable-firewall");
    CHECK(failed->status == "failed");
    CHECK(failed->message == "409 Conflict");
    CHECK_FALSE(failed->change_unfinished);
    CHECK_FALSE(failed->changed);
    CHECK(state.changes().empty());
  }
  SECTION("a read-only request of the step is never a pending change")
  {
    auto other =
        exec::CaseState::replay({entered("list", "keyvault.secrets.list", false, "read-only"),
                                 sent("list", "read", false)});
    CHECK_FALSE(other.step("list")->request_pending);
    CHECK_FALSE(other.step("list")->change_unfinished);
  }
}

TEST_CASE("case state: a step left at a prompt is entered, not concluded", "[exec][case-state]")
{
  auto state = exec::CaseState::replay(
      {entered("enable-firewall", "keyvault.firewall.enable", true),
       {{"event", event::step_left}, {"step", "enable-firewall"}, {"to", "back"}}});
  const auto* r = state.step("enable-firewall");
  REQUIRE(r != nullptr);
  CHECK(r->status == "entered");
  CHECK_FALSE(r->changed);
  CHECK_FALSE(r->change_unfinished);
  CHECK(state.changes().empty());
}

TEST_CASE("case state: evidence since the step was last entered", "[exec][case-state]")
{
  auto state = exec::CaseState::replay(
      {entered("list", "keyvault.secrets.list", false, "read-only"),
       {{"event", event::evidence_saved}, {"step", "list"}, {"evidence", "e1"}, {"sha256", "1"}},
       concluded(event::step_failed, "list", "503"),
       entered("list", "keyvault.secrets.list", false, "read-only"),
       {{"event", event::evidence_saved}, {"step", "list"}, {"evidence", "e2"}, {"sha256", "2"}},
       concluded(event::step_done, "list")});
  const auto* r = state.step("list");
  REQUIRE(r != nullptr);
  CHECK(r->evidence == std::vector<std::string>{"e1", "e2"});
  CHECK(r->evidence_from == 1);
  CHECK(r->status == "done");
  CHECK(r->message.empty()); // the earlier failure's reason is gone once it is done
  CHECK(state.order() == std::vector<std::string>{"list"});
}

TEST_CASE("case state: each conclusion of a step, with its reason", "[exec][case-state]")
{
  const std::vector<std::pair<const char*, std::string>> conclusions{
      {event::step_no_op, "no-op"},     {event::step_declined, "declined"},
      {event::step_refused, "refused"}, {event::step_failed, "failed"},
      {event::step_open, "open"},
  };
  for (const auto& [name, status] : conclusions) {
    DYNAMIC_SECTION(name)
    {
      const auto state = exec::CaseState::replay(
          {entered("s", "keyvault.firewall.enable", true), concluded(name, "s", "because")});
      CHECK(state.step("s")->status == status);
      CHECK(state.step("s")->message == "because");
      CHECK(state.changes().empty());
    }
  }
  SECTION("a done or no-op step entered again keeps its status (done earlier)")
  {
    for (const char* name : {event::step_done, event::step_no_op}) {
      const auto state = exec::CaseState::replay({entered("s", "keyvault.firewall.enable", true),
                                                  concluded(name, "s"),
                                                  entered("s", "keyvault.firewall.enable", true)});
      CHECK(state.step("s")->status == std::string(name).substr(5));
    }
  }
  SECTION("a manual step's check and note")
  {
    const auto state =
        exec::CaseState::replay({{{"event", event::step_entered}, {"step", "trusted-networks"}},
                                 {{"event", event::step_done},
                                  {"step", "trusted-networks"},
                                  {"manual", true},
                                  {"checked", "not-applicable"},
                                  {"note", "no such networks"}}});
    const auto* r = state.step("trusted-networks");
    CHECK(r->status == "done");
    CHECK(r->action.empty());
    CHECK(r->checked == "not-applicable");
    CHECK(r->note == "no such networks");
    CHECK(state.changes().empty()); // a manual step changes nothing dftriage can undo
  }
}

TEST_CASE("case state: an undone change, and the same step carried out again", "[exec][case-state]")
{
  auto entries = joined(change_done("enable-firewall", "evidence/001-pre.json"),
                        change_done("remove-policy", "evidence/002-pre.json"));
  auto state = exec::CaseState::replay(entries);
  CHECK(state.changes() == std::vector<std::string>{"enable-firewall", "remove-policy"});

  state.apply({{"event", event::undo_requested}, {"reason", "false positive"}});
  state.apply(concluded(event::undo_started, "enable-firewall"));
  CHECK(state.step("enable-firewall")->undo_status == "started");
  state.apply(concluded(event::undo_done, "enable-firewall"));
  CHECK(state.step("enable-firewall")->undo_status == "done");
  // Undone, it still was a change of this case (the report lists it).
  CHECK(state.changes() == std::vector<std::string>{"enable-firewall", "remove-policy"});

  SECTION("entered again, it is a new change with its own pre-image")
  {
    state.apply(entered("enable-firewall", "keyvault.firewall.enable", true));
    const auto* r = state.step("enable-firewall");
    CHECK(r->status == "entered");
    CHECK(r->undo_status.empty());
    CHECK(r->pre_image.empty());
    CHECK_FALSE(r->changed);
    CHECK(state.changes() == std::vector<std::string>{"remove-policy"});
    state.apply(captured("enable-firewall", "evidence/003-pre.json", "sha-3"));
    state.apply(concluded(event::step_done, "enable-firewall"));
    CHECK(state.step("enable-firewall")->pre_image == "evidence/003-pre.json");
    CHECK(state.changes() == std::vector<std::string>{"remove-policy", "enable-firewall"});
    // Both pre-images stay listed.
    CHECK(state.step("enable-firewall")->pre_images.size() == 2);
    CHECK(state.order() == std::vector<std::string>{"enable-firewall", "remove-policy"});
  }
  SECTION("a failed undo says why; an irreversible one says so; a no-op undo is done")
  {
    state.apply(concluded(event::undo_failed, "remove-policy", "403 Forbidden"));
    CHECK(state.step("remove-policy")->undo_status == "failed");
    CHECK(state.step("remove-policy")->message == "403 Forbidden");
    state.apply(concluded(event::undo_irreversible, "remove-policy"));
    CHECK(state.step("remove-policy")->undo_status == "irreversible");
    state.apply(concluded(event::undo_no_op, "remove-policy"));
    CHECK(state.step("remove-policy")->undo_status == "done");
  }
}

TEST_CASE("case state: answers are the latest of each question, the case closes and reopens",
          "[exec][case-state]")
{
  auto state = exec::CaseState::replay(
      {{{"event", event::case_opened}, {"alertId", "a-1"}},
       {{"event", event::question_answered},
        {"question", "allowed_ranges"},
        {"value", Json::array({"203.0.113.0/24"})}},
       {{"event", event::question_answered}, {"question", "confirm_tor"}, {"value", true}},
       {{"event", event::question_answered},
        {"question", "allowed_ranges"},
        {"value", Json::array({"198.51.100.0/24", "127.0.0.1"})}},
       {{"event", event::case_closed}}});
  CHECK(state.answers().size() == 2);
  CHECK(state.answers().at("allowed_ranges") == Json::array({"198.51.100.0/24", "127.0.0.1"}));
  CHECK(state.answers().at("confirm_tor") == true);
  CHECK(state.closed());
  CHECK(state.order().empty()); // answers and case events are no steps

  state.apply({{"event", event::case_opened}, {"alertId", "a-2"}});
  CHECK_FALSE(state.closed());
  CHECK(state.opened().value("alertId", "") == "a-2");
}

TEST_CASE("case state ignores entries it cannot use", "[exec][case-state]")
{
  const auto state =
      exec::CaseState::replay({{{"event", "something.new"}, {"step", "s"}},
                               {{"event", event::step_done}},              // no step
                               {{"event", event::step_done}, {"step", 7}}, // not a string
                               {{"event", 42}, {"step", "t"}}});           // no event name
  // A step named by an unknown or unnamed event is recorded as seen, never as done.
  for (const auto& id : state.order()) {
    CHECK(state.step(id)->status.empty());
    CHECK_FALSE(state.step(id)->changed);
  }
  CHECK(state.changes().empty());
  CHECK(state.answers().empty());
  CHECK(state.opened().is_null());
}

TEST_CASE("case state from a journal whose last line was cut short", "[exec][case-state][journal]")
{
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dftriage-case-state-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "journal.jsonl").string();
  {
    journal::Journal j(path, {"alice@ws", ""}, [] { return std::string("2026-11-28T12:00:00Z"); });
    for (const auto& e : change_done("enable-firewall", "evidence/001-pre.json")) {
      if (e["event"] == event::step_done) {
        break; // the run dies writing step.done
      }
      j.append(e);
    }
  }
  // Half of the step.done line, without its end of line.
  std::ofstream(path, std::ios::app) << R"({"seq":8,"time":"2026-11-28T12:00:00Z","event":"step.d)";

  SECTION("resume refuses to append to it, naming the line")
  {
    try {
      journal::Journal j(path);
      FAIL("a torn journal was opened for appending");
    } catch (const Error& e) {
      CHECK(e.status() == ExitStatus::case_problem);
      CHECK_THAT(e.what(), Catch::Contains(":8:") && Catch::Contains("cut short"));
    }
  }
  SECTION("read as damaged, the state is what the whole lines record: the change unfinished")
  {
    journal::Journal j(path, {"alice@ws", ""}, {}, journal::Damaged::use_it);
    CHECK_FALSE(j.damage().ok);
    CHECK(j.damage().line == 8);
    REQUIRE(j.entries().size() == 7);
    const auto state = exec::CaseState::replay(j.entries());
    const auto* r = state.step("enable-firewall");
    REQUIRE(r != nullptr);
    CHECK(r->status == "entered");
    CHECK_FALSE(r->request_pending); // its answer was journaled
    CHECK(r->change_unfinished);     // but the step never concluded
    CHECK(state.changes().empty());
    CHECK(r->pre_image == "evidence/001-pre.json");
  }
  std::filesystem::remove_all(dir);
}

// CaseState::apply reads "mutating" (and "mayHaveReachedServer") with json::value(key,
// bool), which throws nlohmann's type_error when the member is there but not a boolean:
// one odd entry in a journal read as damaged (undo) ends the whole command with an
// internal error instead of being skipped like the other entries it cannot use.
TEST_CASE("case state skips an entry whose member has the wrong type", "[exec][case-state]")
{
  exec::CaseState state;
  CHECK_NOTHROW(state.apply(
      {{"event", event::request_sent}, {"step", "u"}, {"kind", "action"}, {"mutating", "yes"}}));
  CHECK_NOTHROW(state.apply({{"event", event::step_entered}, {"step", "v"}, {"mutating", 1}}));
  CHECK_NOTHROW(state.apply({{"event", event::request_failed},
                             {"step", "u"},
                             {"kind", "action"},
                             {"mayHaveReachedServer", "no"}}));
}
