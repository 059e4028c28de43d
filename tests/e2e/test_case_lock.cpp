// End-to-end: one process writes a case at a time (the case's lock), and a case goes
// only in a new or empty folder, whose mode dftriage leaves alone.

#include "e2e/walk_support.hpp"
#include "support/files.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace dftriage::test;
using dftriage::test::walk::k_terminal;

TEST_CASE("a case in use by one process is refused to another, which says who holds it",
          "[e2e][case]")
{
  TempDir dir("lock-busy");
  const std::string case_dir = dir / "case";
  PtySession walk({k_bin, "run", k_kv_alert, "--lab", "--case", case_dir}, k_terminal);
  REQUIRE(walk.expect("q: stop · ? > ")); // the walk holds the case, waiting for its responder

  // A second run on the case, a resume, an undo: each refused, nothing written.
  const auto journal_before = std::filesystem::file_size(case_dir + "/journal.jsonl");
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{k_bin, "run", k_kv_alert, "--lab", "--yes", "--case", case_dir},
        std::vector<std::string>{k_bin, "run", "--case", case_dir, "--yes"},
        std::vector<std::string>{k_bin, "undo", "-o", "text", case_dir, "--yes"}}) {
    const auto second = run_process(argv);
    INFO(second.err);
    CHECK(second.exit_code == 8);
    CHECK_THAT(second.err, Catch::Contains(case_dir + " is in use by dftriage run (pid "));
    CHECK_THAT(second.err, Catch::Contains("try again when it has ended"));
  }
  CHECK(std::filesystem::file_size(case_dir + "/journal.jsonl") == journal_before);
  // Reading the case needs no lock.
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
  CHECK(run_process({k_bin, "report", case_dir}).exit_code == 0);

  walk.send_line("q");
  CHECK(walk.finish() == 5);
  // Once the walk has ended, the case is free again (a kill -9 frees it the same way).
  const auto resumed =
      run_process({k_bin, "run", "--case", case_dir, "--non-interactive", "-o", "json"});
  INFO(resumed.err);
  CHECK(resumed.exit_code != 8);
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 0);
}

TEST_CASE("a case goes only in a new or empty folder, and an existing folder keeps its mode",
          "[e2e][case]")
{
  TempDir dir("lock-folder");
  SECTION("a folder holding other files is refused")
  {
    const std::string busy = dir / "notes";
    std::filesystem::create_directories(busy);
    std::ofstream(busy + "/todo.txt") << "mine\n";
    ::chmod(busy.c_str(), 01777);
    const auto r = run_process({k_bin, "run", k_kv_alert, "--lab", "--yes", "--case", busy});
    CHECK(r.exit_code == 7);
    CHECK_THAT(r.err, Catch::Contains(busy + " exists and is not empty"));
    CHECK(mode_of(busy) == 01777);
    CHECK_FALSE(std::filesystem::exists(busy + "/journal.jsonl"));
    CHECK_FALSE(std::filesystem::exists(busy + "/alert.json"));
  }
  SECTION("an empty folder becomes the case without being chmod'ed")
  {
    const std::string shared = dir / "shared";
    std::filesystem::create_directories(shared);
    ::chmod(shared.c_str(), 01777);
    const auto r = run_process(
        {k_bin, "run", k_kv_alert, "--lab", "--yes", "--non-interactive", "--case", shared});
    INFO(r.err);
    CHECK(r.exit_code == 5); // manual steps stay open off a terminal
    CHECK(mode_of(shared) == 01777);
    CHECK(std::filesystem::exists(shared + "/journal.jsonl"));
    CHECK(mode_of(shared + "/evidence") == 0700);
    CHECK(run_process({k_bin, "case", "verify", shared}).exit_code == 0);
  }
  SECTION("a folder that is not a case cannot be resumed")
  {
    const auto r = run_process({k_bin, "run", "--case", dir / "nothing-here", "--yes"});
    CHECK(r.exit_code != 0);
    const auto undo = run_process({k_bin, "undo", "-o", "text", dir.path.string(), "--yes"});
    CHECK(undo.exit_code == 7);
    CHECK_THAT(undo.err, Catch::Contains("not a case folder"));
  }
}
