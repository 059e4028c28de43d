#include "cli/walk_session.hpp"
#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace dftriage;

namespace {

alert::Alert example_kv_alert()
{
  const auto parsed = alert::parse_alerts(test::read_file(test::k_kv_alert), "keyvault-tor.json");
  REQUIRE(parsed.alerts.size() == 1);
  return parsed.alerts.front();
}

// Runs a dry-run walk of `playbook` for `the_alert` with `settings`, the responder typing
// `keys` (then end of input); returns everything the walk printed. It must stop early.
std::string walk_with(const alert::Alert& the_alert, const engine::MatchResult& match,
                      const playbook::Playbook& playbook, const cli::WalkSettings& settings,
                      const std::string& keys)
{
  int input[2];
  REQUIRE(::pipe(input) == 0);
  REQUIRE(::write(input[1], keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
  ::close(input[1]);
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  {
    cli::Prompter prompter(input[0], out);
    cli::WalkSession session(the_alert, match, playbook, {}, azure::public_cloud(), prompter,
                             settings);
    CHECK(session.run() == "stopped");
  }
  ::close(input[0]);
  std::rewind(out);
  std::string printed;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) {
    printed.append(buffer, n);
  }
  std::fclose(out);
  return printed;
}

// The Key Vault example's walk with `typed` as what was typed before, `done` the steps an
// earlier run did, and `keys` what the responder types now.
std::string walk(const engine::Answers& typed, const std::string& keys,
                 const std::set<std::string>& done = {}, const std::set<std::string>& cleared = {})
{
  const auto the_alert = example_kv_alert();
  const auto library = engine::load_library();
  const auto match = engine::match_alert(the_alert, library);
  REQUIRE(match.playbook);
  cli::WalkSettings settings;
  settings.typed_before = typed;
  settings.cleared_before = cleared;
  if (!done.empty()) {
    settings.earlier = [done](const std::string& id) {
      return done.count(id) > 0 ? std::string("done") : std::string();
    };
  }
  return walk_with(the_alert, match, *match.playbook, settings, keys);
}

// The Key Vault walk of a case that stopped once the principal's details were read (the
// step is done, "user or application?" after it was never answered), resumed with `keys`
// typed now and `cleared` the optional answers the case had cleared with -.
std::string walk_stopped_at_principal(const std::string& keys,
                                      const std::set<std::string>& cleared = {})
{
  const std::set<std::string> done{"read-vault",        "owner-tags",       "verify-origin",
                                   "origin-unverified", "check-source-ip",  "enable-firewall",
                                   "trusted-networks",  "principal-details"};
  return walk({{"ip_recognised", false},
               {"origin_verified", false},
               {"principal", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"}},
              keys, done, cleared);
}

} // namespace

TEST_CASE("an answer kept from an earlier run that a step now refuses is asked again")
{
  const auto printed =
      walk({{"role_assignment_id", "not-a-role-assignment"}, {"ip_recognised", false}}, "q\n");
  CHECK_THAT(printed,
             Catch::Contains(
                 "The answer kept for role_assignment_id is refused (step delete-role-assignment: "
                 "parameter roleAssignmentId"));
  CHECK_THAT(printed, Catch::Contains("it will be asked again."));
  // An answer a step takes is kept as it was.
  CHECK_THAT(printed, Catch::Contains("[contact 1/"));
  CHECK(printed.find("The answer kept for ip_recognised") == std::string::npos);
}

TEST_CASE("a dropped answer whose step is already done is asked before the walk goes on")
{
  const std::set<std::string> done{"read-vault",        "owner-tags",        "verify-origin",
                                   "origin-unverified", "check-source-ip",   "enable-firewall",
                                   "trusted-networks",  "principal-details", "caller-access",
                                   "choose-response"};
  const auto printed = walk({{"role_assignment_id", "not-a-role-assignment"}}, "q\n", done);
  const auto summary = printed.find("Already done in this case:");
  REQUIRE(summary != std::string::npos);
  const auto asked = printed.find("ID of the caller's role assignment to delete", summary);
  CHECK(asked != std::string::npos);
  CHECK(printed.find("[mitigate", asked) == std::string::npos); // asked before any further step
}

TEST_CASE("b goes back past a step that a later answer took off the walk")
{
  // b asks y; c asks x, which turns b off: back from c must not land on c again silently.
  const auto loaded = playbook::load_playbook(R"({
  "id": "nav", "title": "Nav", "version": "1.0.0", "lastReviewed": "2026-12-01",
  "match": {"alertTypes": ["KV_*"]},
  "inputs": [{"id": "x", "type": "yes-no", "default": false, "prompt": "X?"},
             {"id": "y", "type": "yes-no", "default": false, "prompt": "Y?"}],
  "phases": {"contact": [
    {"id": "b", "title": "Step B", "guidance": "B.", "when": {"answer": "x", "equals": false}, "ask": ["y"]},
    {"id": "c", "title": "Step C", "guidance": "C.", "ask": ["x"]},
    {"id": "d", "title": "Step D", "guidance": "D.", "stop": true}]}
  })",
                                              "nav.json", engine::action_directory());
  REQUIRE(loaded.playbook);
  // y default, Enter after B, x = yes, b after C, q
  const auto printed = walk_with(example_kv_alert(), engine::MatchResult{}, *loaded.playbook,
                                 cli::WalkSettings{}, "\n\nyes\nb\nq\n");
  // B is no longer on the walk: back from C reaches the start (and says so), not B.
  CHECK(printed.find("This is the first step.") != std::string::npos);
  const auto second_c = printed.find("Step C", printed.find("Step C") + 1);
  CHECK(second_c != std::string::npos);
  CHECK(printed.find("Step B", printed.find("This is the first step.")) == std::string::npos);
}

TEST_CASE(
    "under zh-CN the walk says in Chinese why the playbook was chosen and how a change is undone")
{
  const auto the_alert = example_kv_alert();
  const auto library = engine::load_library();
  const auto match = engine::match_alert(the_alert, library);
  REQUIRE(match.playbook);
  cli::WalkSettings settings;
  settings.lang = playbook::Lang::zh_cn;
  const std::set<std::string> done{"read-vault", "owner-tags", "verify-origin", "origin-unverified",
                                   "check-source-ip"};
  settings.earlier = [done](const std::string& id) {
    return done.count(id) > 0 ? std::string("done") : std::string();
  };
  settings.typed_before = {{"principal", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"},
                           {"origin_verified", false},
                           {"ip_recognised", false}};
  const auto printed = walk_with(the_alert, match, *match.playbook, settings, "\n\n\nq\n");
  CHECK_THAT(printed, Catch::Contains("剧本 keyvault（alertType KV_TORAccess 与 KV_* 匹配）"));
  CHECK_THAT(printed,
             Catch::Contains("撤销方式：用 PATCH 把保管库的 networkAcls 恢复为更改前记录的内容"));
  CHECK(printed.find("back to the pre-image") == std::string::npos);
  CHECK(printed.find(" matches ") == std::string::npos);
}

TEST_CASE("a decision shows what it is about from the alert before its question")
{
  const std::set<std::string> done{"read-vault", "owner-tags", "verify-origin",
                                   "origin-unverified"};
  // What the done steps asked was answered then.
  const auto printed =
      walk({{"principal", "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f"}, {"origin_verified", false}},
           "q\n", done);
  const auto heading = printed.find("Judge the caller's IP address");
  REQUIRE(heading != std::string::npos);
  const auto shown =
      printed.find("Caller IP addresses in the alert (1):\n    - 185.220.101.47", heading);
  CHECK(shown != std::string::npos);
  CHECK(shown < printed.find("Is the caller's IP address one you recognise", heading));
}

TEST_CASE("a question asked after a done step's read and never answered is asked on resume")
{
  // The case stopped at "user or application?", asked once the principal's details were
  // read: the read is done, the question was never answered.
  const auto printed = walk_stopped_at_principal("q\n");
  const auto summary = printed.find("Already done in this case:");
  REQUIRE(summary != std::string::npos);
  const auto asked = printed.find("Is the caller a user or an application", summary);
  INFO(printed.substr(summary));
  CHECK(asked != std::string::npos);
  CHECK(printed.find("Not answered before the case stopped (") < asked);
  CHECK(printed.find("[mitigate 5/", summary) == std::string::npos); // asked before going on
}

TEST_CASE("b at a question left open before the case stopped asks it again")
{
  const auto printed = walk_stopped_at_principal("b\nq\n");
  const auto refused = printed.find("The steps before it are done: answer it, or q to stop.");
  REQUIRE(refused != std::string::npos);
  CHECK(printed.find("Is the caller a user or an application", refused) != std::string::npos);
  CHECK(printed.find("[mitigate 5/") == std::string::npos);
}

TEST_CASE("an optional question cleared with - before the case stopped is not asked on resume")
{
  const auto printed = walk_stopped_at_principal("q\n", {"principal_type"});
  INFO(printed);
  CHECK(printed.find("Not answered before the case stopped (") == std::string::npos);
  CHECK(printed.find("Is the caller a user or an application") == std::string::npos);
  CHECK(printed.find("[mitigate 5/") != std::string::npos); // goes on to the next step
}
