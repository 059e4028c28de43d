// End-to-end: dftriage case verify.

#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using dftriage::test::run_process;

TEST_CASE("case verify says whether the chain holds and where it breaks")
{
  const std::string bin = DFTRIAGE_BINARY;
  const std::string dir = "/tmp/dftriage-case-" + std::to_string(::getpid());
  auto folder = dftriage::journal::CaseFolder::create(dir);
  {
    dftriage::journal::Journal j(folder.journal_path());
    j.append({{"event", "case.opened"}, {"alertId", "a1"}});
    j.append({{"event", "step.entered"}, {"step", "read-vault"}});
    j.append({{"event", "case.closed"}});
  }
  auto ok = run_process({bin, "case", "verify", dir, "-o", "text"});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("3 entries, chain intact"));

  std::ifstream in(folder.journal_path());
  std::stringstream text;
  text << in.rdbuf();
  std::string altered = text.str();
  altered.replace(altered.find("read-vault"), 10, "read-VAULT");
  std::ofstream(folder.journal_path(), std::ios::binary | std::ios::trunc) << altered;
  auto broken = run_process({bin, "case", "verify", dir, "-o", "json"});
  CHECK(broken.exit_code == 3);
  const auto result = nlohmann::json::parse(broken.out);
  CHECK(result["ok"] == false);
  CHECK(result["line"] == 3);
  CHECK(result["entries"] == 2);
  std::filesystem::remove_all(dir);
}
