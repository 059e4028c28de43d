// End-to-end: the command line itself, as a user meets it: unknown words get a "did you
// mean", `help` and `version`, and each command's own help.

#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using dftriage::test::run_process;

namespace {

const std::string k_bin = DFTRIAGE_BINARY;
const std::string k_alert = std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/keyvault-tor.json";

dftriage::test::ProcessResult dftriage_run(std::vector<std::string> args)
{
  args.insert(args.begin(), k_bin);
  return run_process(args, {}, {{"NO_COLOR", "1"}});
}

} // namespace

TEST_CASE("an unknown command gets a did-you-mean and its parent's help", "[e2e][cli]")
{
  const auto top = dftriage_run({"shwo", "x.json"});
  CHECK(top.exit_code == 2);
  CHECK(top.out.empty());
  CHECK(top.err == "dftriage: error: unknown command \"shwo\"; did you mean \"show\"?\n"
                   "Run 'dftriage --help' for usage.\n");

  const auto nested = dftriage_run({"playbooks", "lsit"});
  CHECK(nested.exit_code == 2);
  CHECK(nested.err == "dftriage: error: unknown command \"lsit\"; did you mean \"list\"?\n"
                      "Run 'dftriage playbooks --help' for usage.\n");

  // Global options before the command are read past, with their values.
  const auto after_global = dftriage_run({"-v", "--cloud", "AzureCloud", "paln", k_alert});
  CHECK(after_global.exit_code == 2);
  CHECK_THAT(after_global.err, Catch::Contains("did you mean \"plan\"?"));

  const auto far = dftriage_run({"xyzzy"});
  CHECK(far.exit_code == 2);
  CHECK(far.err ==
        "dftriage: error: unknown command \"xyzzy\"\nRun 'dftriage --help' for usage.\n");
}

TEST_CASE("an unknown option gets a did-you-mean and the command's own help", "[e2e][cli]")
{
  const auto r = dftriage_run({"show", k_alert, "--ouput", "json"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "dftriage: error: unknown option \"--ouput\"; did you mean \"--output\"?\n"
                 "Run 'dftriage show --help' for usage.\n");

  const auto nested = dftriage_run({"case", "verify", "somewhere", "--haed", "x"});
  CHECK(nested.exit_code == 2);
  CHECK(nested.err == "dftriage: error: unknown option \"--haed\"; did you mean \"--head\"?\n"
                      "Run 'dftriage case verify --help' for usage.\n");

  // Any other parse error names the command's help too.
  const auto missing = dftriage_run({"plan"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::StartsWith("dftriage: error: "));
  CHECK_THAT(missing.err, Catch::EndsWith("Run 'dftriage plan --help' for usage.\n"));
}

TEST_CASE("help describes a command with its own examples and exit statuses", "[e2e][cli]")
{
  const auto top = dftriage_run({"help"});
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Catch::Contains("Usage: dftriage"));
  CHECK_THAT(top.out, Catch::Contains("Environment:"));

  const auto undo = dftriage_run({"help", "undo"});
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
  CHECK(dftriage_run({"undo", "--help"}).out == undo.out);

  const auto verify = dftriage_run({"help", "case", "verify"});
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::Contains("Usage: dftriage case verify"));

  const auto wrong = dftriage_run({"help", "shw"});
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("did you mean \"show\"?"));
}

TEST_CASE("help names arguments by what they are", "[e2e][cli]")
{
  const auto show = dftriage_run({"help", "show"}).out;
  CHECK_THAT(show, Catch::Contains("FILE"));
  CHECK_THAT(show, Catch::Contains("-o,--output text|json|ndjson|table|tsv"));
  CHECK_THAT(show, Catch::Contains("--format arm|"));
  CHECK(show.find("TEXT") == std::string::npos);
  const auto plan = dftriage_run({"help", "plan"}).out;
  CHECK_THAT(plan, Catch::Contains("--answers FILE"));
  CHECK_THAT(plan, Catch::Contains("--lang en|zh-CN"));
  CHECK_THAT(plan, Catch::Contains("--playbooks DIR"));
  const auto lab = dftriage_run({"help", "lab", "serve"}).out;
  CHECK(lab.find("INT:INT") == std::string::npos);
}

TEST_CASE("version names the commit and the build type", "[e2e][cli]")
{
  const auto piped = dftriage_run({"version"});
  CHECK(piped.exit_code == 0);
  const auto info = nlohmann::json::parse(piped.out);
  CHECK(info["name"] == "dftriage");
  CHECK_FALSE(info["version"].get<std::string>().empty());
  CHECK_FALSE(info["commit"].get<std::string>().empty());
  CHECK_FALSE(info["buildType"].get<std::string>().empty());

  const auto text = dftriage_run({"version", "-o", "text"});
  CHECK_THAT(text.out, Catch::StartsWith("dftriage " + info["version"].get<std::string>() +
                                         " (commit " + info["commit"].get<std::string>()));
  CHECK_THAT(dftriage_run({"--version"}).out, Catch::StartsWith("dftriage "));
}
