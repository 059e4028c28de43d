// End-to-end: a case folder is made when the case has something worth keeping (its
// first journal entry), never by a run or an apply that stops before it.

#include "support/paths.hpp"
#include "support/run_dftriage.hpp"
#include "support/served_lab.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

using namespace dftriage::test;
using dftriage::test::served::ServedLab;

TEST_CASE("a run that fails before its first step leaves no case folder", "[e2e][case]")
{
  TempDir dir("case-made-run");
  const std::string cwd = dir.path.string();
  SECTION("no credential")
  {
    for (int i = 0; i < 2; ++i) {
      const auto r = run_dftriage_in(cwd, {"run", k_kv_alert}, no_credential_env());
      CHECK(r.exit_code == 4);
      CHECK_THAT(r.err, Catch::Contains("no credential could get a token"));
      CHECK_THAT(r.err, !Catch::Contains("Case "));
    }
    CHECK_FALSE(std::filesystem::exists(dir / "cases"));
    const auto named =
        run_dftriage_in(cwd, {"run", k_kv_alert, "--case", "mine"}, no_credential_env());
    CHECK(named.exit_code == 4);
    CHECK_FALSE(std::filesystem::exists(dir / "mine"));
  }
  SECTION("questions to answer first (on a lab)")
  {
    const auto r = run_dftriage_in(cwd, {"run", k_rm_alert, "--lab", "--non-interactive"});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("need an answer before a case is opened"));
    CHECK_FALSE(std::filesystem::exists(dir / "cases"));
  }
  SECTION("a folder that is not ours is refused before connecting")
  {
    std::filesystem::create_directories(dir / "theirs");
    std::ofstream(dir / "theirs/notes.txt") << "mine\n";
    const auto r =
        run_dftriage_in(cwd, {"run", k_kv_alert, "--case", "theirs"}, no_credential_env());
    CHECK(r.exit_code == 7);
    CHECK_THAT(r.err, Catch::Contains("theirs exists and is not empty"));
    CHECK_THAT(r.err, !Catch::Contains("credential"));
  }
  SECTION("a run that opens its case makes the folder, with the alert and the journal")
  {
    const auto r = run_dftriage_in(cwd, {"run", k_kv_alert, "--lab", "--non-interactive",
                                         "--answers", k_kv_answers, "--case", "kept"});
    INFO(r.err);
    CHECK(r.exit_code == 5); // changes await --yes
    CHECK(std::filesystem::exists(dir / "kept/journal.jsonl"));
    CHECK(std::filesystem::exists(dir / "kept/alert.json"));
    CHECK_THAT(r.err, Catch::Contains("Case kept\n"));
  }
}

TEST_CASE("apply opens no case when no change may be carried out", "[e2e][case][apply]")
{
  ServedLab lab("case-made-apply");
  const auto plan = lab.run({"plan", k_kv_alert, "--capture", "--set",
                             "allowed_ranges=203.0.113.0/24, 127.0.0.1", "-o", "json"});
  REQUIRE(plan.exit_code == 0);
  const std::string plan_file = (lab.dir / "plan.json").string();
  std::ofstream(plan_file) << plan.out;
  const std::string cwd = (lab.dir / "work").string();
  std::filesystem::create_directories(cwd);
  const std::map<std::string, std::string> env{{"DFTRIAGE_CLOUD", lab.cloud_file}};

  for (int i = 0; i < 2; ++i) {
    const auto declined = run_dftriage_in(cwd, {"apply", "-o", "text", plan_file}, env);
    INFO(declined.out + declined.err);
    CHECK(declined.exit_code == 5);
    CHECK_THAT(declined.out, Catch::Contains("awaiting-confirmation"));
    CHECK_THAT(declined.err, Catch::Contains("needs-human (changes await --yes): nothing was "
                                             "sent and no case was opened"));
  }
  CHECK_FALSE(std::filesystem::exists(lab.dir / "work/cases"));
  CHECK(lab.changes_received().empty());

  const auto named =
      run_dftriage_in(cwd, {"apply", "-o", "text", plan_file, "--case", "named"}, env);
  CHECK(named.exit_code == 5);
  CHECK_FALSE(std::filesystem::exists(lab.dir / "work/named"));

  const auto applied =
      run_dftriage_in(cwd, {"apply", "-o", "text", plan_file, "--yes", "--case", "named"}, env);
  INFO(applied.out + applied.err);
  CHECK(applied.exit_code == 0);
  CHECK(std::filesystem::exists(lab.dir / "work/named/journal.jsonl"));
}
