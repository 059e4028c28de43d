#include "cli/walk_session.hpp"

#include "dftriage/alert/reader.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

using namespace dftriage;

namespace {

std::string slurp(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a dry-run walk of the Key Vault example with `typed` as what was typed before
// and `keys` as what the responder types now; returns everything the walk printed.
std::string walk(const engine::Answers& typed, const std::string& keys, const std::set<std::string>& done = {})
{
  const auto parsed = alert::parse_alerts(slurp(std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/keyvault-tor.json"),
                                          "keyvault-tor.json");
  REQUIRE(parsed.alerts.size() == 1);
  const auto library = engine::load_library();
  const auto match = engine::match_alert(parsed.alerts.front(), library);
  REQUIRE(match.playbook);
  int input[2];
  REQUIRE(::pipe(input) == 0);
  REQUIRE(::write(input[1], keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
  ::close(input[1]);
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  {
    cli::Prompter prompter(input[0], out);
    cli::WalkSettings settings;
    settings.typed_before = typed;
    if (!done.empty()) {
      settings.earlier = [done](const std::string& id) { return done.count(id) > 0 ? std::string("done") : std::string(); };
    }
    cli::WalkSession session(parsed.alerts.front(), match, *match.playbook, {}, azure::public_cloud(), prompter,
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

} // namespace

TEST_CASE("an answer kept from an earlier run that a step now refuses is asked again")
{
  const auto printed = walk({{"role_assignment_id", "not-a-role-assignment"}, {"ip_recognised", false}}, "q\n");
  CHECK_THAT(printed, Catch::Contains("The answer kept for role_assignment_id is refused (step delete-role-assignment: "
                                      "parameter roleAssignmentId"));
  CHECK_THAT(printed, Catch::Contains("it will be asked again."));
  // An answer a step takes is kept as it was.
  CHECK_THAT(printed, Catch::Contains("[contact 1/"));
  CHECK(printed.find("The answer kept for ip_recognised") == std::string::npos);
}

TEST_CASE("a dropped answer whose step is already done is asked before the walk goes on")
{
  const std::set<std::string> done{"read-vault", "owner-tags", "verify-origin", "origin-unverified", "check-source-ip",
                                   "enable-firewall", "trusted-networks", "caller-access", "choose-response"};
  const auto printed = walk({{"role_assignment_id", "not-a-role-assignment"}}, "q\n", done);
  const auto summary = printed.find("Already done in this case:");
  REQUIRE(summary != std::string::npos);
  const auto asked = printed.find("ID of the caller's role assignment to delete", summary);
  CHECK(asked != std::string::npos);
  CHECK(printed.find("[mitigate", asked) == std::string::npos);  // asked before any further step
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
  })", "nav.json", engine::action_directory());
  REQUIRE(loaded.playbook);
  const auto parsed = alert::parse_alerts(slurp(std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/keyvault-tor.json"),
                                          "keyvault-tor.json");
  REQUIRE(parsed.alerts.size() == 1);
  int input[2];
  REQUIRE(::pipe(input) == 0);
  const std::string typed = "\n\nyes\nb\nq\n";  // y default, Enter after B, x = yes, b after C, q
  REQUIRE(::write(input[1], typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
  ::close(input[1]);
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  {
    cli::Prompter prompter(input[0], out);
    cli::WalkSession session(parsed.alerts.front(), engine::MatchResult{}, *loaded.playbook, {}, azure::public_cloud(),
                             prompter, cli::WalkSettings{});
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
  // B is no longer on the walk: back from C reaches the start (and says so), not B.
  CHECK(printed.find("This is the first step.") != std::string::npos);
  const auto second_c = printed.find("Step C", printed.find("Step C") + 1);
  CHECK(second_c != std::string::npos);
  CHECK(printed.find("Step B", printed.find("This is the first step.")) == std::string::npos);
}
