// End-to-end: the command line itself, as a user meets it: unknown words get a "did you
// mean", `help` and `version`, and each command's own help.

#include "support/run_dftriage.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace dftriage::test;

namespace {

// Runs dftriage without colour.
ProcessResult run_plain(const std::vector<std::string>& args)
{
  return run_dftriage(args, {}, {{"NO_COLOR", "1"}});
}

} // namespace

TEST_CASE("an unknown command gets a did-you-mean and its parent's help", "[e2e][cli]")
{
  const auto top = run_plain({"shwo", "x.json"});
  CHECK(top.exit_code == 2);
  CHECK(top.out.empty());
  CHECK(top.err == "dftriage: error: unknown command \"shwo\"; did you mean \"show\"?\n"
                   "Run 'dftriage --help' for usage.\n");

  const auto nested = run_plain({"playbooks", "lsit"});
  CHECK(nested.exit_code == 2);
  CHECK(nested.err == "dftriage: error: unknown command \"lsit\"; did you mean \"list\"?\n"
                      "Run 'dftriage playbooks --help' for usage.\n");

  // Global options before the command are read past, with their values.
  const auto after_global = run_plain({"-v", "--cloud", "AzureCloud", "paln", k_kv_alert});
  CHECK(after_global.exit_code == 2);
  CHECK_THAT(after_global.err, Catch::Contains("did you mean \"plan\"?"));

  const auto far = run_plain({"xyzzy"});
  CHECK(far.exit_code == 2);
  CHECK(far.err ==
        "dftriage: error: unknown command \"xyzzy\"\nRun 'dftriage --help' for usage.\n");
}

TEST_CASE("an unknown option gets a did-you-mean and the command's own help", "[e2e][cli]")
{
  const auto r = run_plain({"show", k_kv_alert, "--ouput", "json"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "dftriage: error: unknown option \"--ouput\"; did you mean \"--output\"?\n"
                 "Run 'dftriage show --help' for usage.\n");

  const auto nested = run_plain({"case", "verify", "somewhere", "--haed", "x"});
  CHECK(nested.exit_code == 2);
  CHECK(nested.err == "dftriage: error: unknown option \"--haed\"; did you mean \"--head\"?\n"
                      "Run 'dftriage case verify --help' for usage.\n");

  // Any other parse error names the command's help too.
  const auto missing = run_plain({"plan"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::StartsWith("dftriage: error: "));
  CHECK_THAT(missing.err, Catch::EndsWith("Run 'dftriage plan --help' for usage.\n"));
}

TEST_CASE("help describes a command with its own examples and exit statuses", "[e2e][cli]")
{
  const auto top = run_plain({"help"});
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Catch::Contains("Usage: dftriage"));
  CHECK_THAT(top.out, Catch::Contains("Environment:"));

  const auto undo = run_plain({"help", "undo"});
  CHECK(undo.exit_code == 0);
  CHECK_THAT(undo.out, Catch::Contains("Usage: dftriage undo"));
  CHECK_THAT(undo.out, Catch::Contains("dftriage undo last"));
  // Its own examples, not every command's; its own exit statuses; the global options.
  CHECK(undo.out.find("dftriage show alerts.json") == std::string::npos);
  CHECK_THAT(undo.out, Catch::Contains("Exit status:"));
  CHECK_THAT(undo.out, Catch::Contains("  8    "));
  CHECK(undo.out.find("  3    ") == std::string::npos);
  CHECK_THAT(undo.out, Catch::Contains("--cloud NAME|FILE"));
  CHECK_THAT(undo.out, Catch::Contains("-q,--quiet"));
  CHECK(run_plain({"undo", "--help"}).out == undo.out);

  const auto verify = run_plain({"help", "case", "verify"});
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::Contains("Usage: dftriage case verify"));

  const auto wrong = run_plain({"help", "shw"});
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("did you mean \"show\"?"));
}

TEST_CASE("help names arguments by what they are", "[e2e][cli]")
{
  const auto show = run_plain({"help", "show"}).out;
  CHECK_THAT(show, Catch::Contains("FILE"));
  CHECK_THAT(show, Catch::Contains("-o,--output text|json|ndjson|table|tsv"));
  CHECK_THAT(show, Catch::Contains("--format arm|"));
  CHECK(show.find("TEXT") == std::string::npos);
  const auto plan = run_plain({"help", "plan"}).out;
  CHECK_THAT(plan, Catch::Contains("--answers FILE"));
  CHECK_THAT(plan, Catch::Contains("--lang en|zh-CN"));
  CHECK_THAT(plan, Catch::Contains("--playbooks DIR"));
  const auto lab = run_plain({"help", "lab", "serve"}).out;
  CHECK(lab.find("INT:INT") == std::string::npos);
}

TEST_CASE("version names the commit and the build type", "[e2e][cli]")
{
  const auto piped = run_plain({"version"});
  CHECK(piped.exit_code == 0);
  const auto info = nlohmann::json::parse(piped.out);
  CHECK(info["name"] == "dftriage");
  CHECK_FALSE(info["version"].get<std::string>().empty());
  CHECK_FALSE(info["commit"].get<std::string>().empty());
  CHECK_FALSE(info["buildType"].get<std::string>().empty());

  const auto text = run_plain({"version", "-o", "text"});
  CHECK_THAT(text.out, Catch::StartsWith("dftriage " + info["version"].get<std::string>() +
                                         " (commit " + info["commit"].get<std::string>()));
  CHECK_THAT(run_plain({"--version"}).out, Catch::StartsWith("dftriage "));
}
