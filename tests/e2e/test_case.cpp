// End-to-end: dftriage case verify.

#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace dftriage::test;

namespace {

// A journal entry that names a file, with its 1-based line.
struct Named
{
  std::string path;
  std::size_t line = 0;
};

// Returns the first entry of `event` in the journal of `case_dir`.
Named first_named(const std::string& case_dir, const std::string& event)
{
  std::istringstream lines(read_file(case_dir + "/journal.jsonl"));
  std::string line;
  for (std::size_t n = 1; std::getline(lines, line); ++n) {
    const auto entry = nlohmann::json::parse(line);
    if (entry["event"] == event) {
      return {entry["evidence"].get<std::string>(), n};
    }
  }
  return {};
}

} // namespace

TEST_CASE("case verify says whether the chain holds and where it breaks", "[e2e][case]")
{
  const std::string dir = "/tmp/dftriage-case-" + std::to_string(::getpid());
  auto folder = dftriage::journal::CaseFolder::create(dir);
  folder.write_file("alert.json", "{}\n");
  {
    dftriage::journal::Journal j(folder.journal_path());
    j.append({{"event", "case.opened"},
              {"alertId", "a1"},
              {"alertSha256", dftriage::journal::sha256_hex("{}\n")}});
    j.append({{"event", "step.entered"}, {"step", "read-vault"}});
    j.append({{"event", "case.closed"}});
  }
  auto ok = run_process({k_bin, "case", "verify", dir, "-o", "text"});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("3 entries, chain intact"));
  CHECK_THAT(
      ok.out,
      Catch::EndsWith(
          "\ncase intact: the chain holds and the 1 file(s) the journal vouches for match it\n"));

  std::string altered = read_file(folder.journal_path());
  altered.replace(altered.find("read-vault"), 10, "read-VAULT");
  write_file(folder.journal_path(), altered);
  auto broken = run_process({k_bin, "case", "verify", dir, "-o", "json"});
  CHECK(broken.exit_code == 7);
  const auto result = nlohmann::json::parse(broken.out);
  CHECK(result["ok"] == false);
  CHECK(result["chain"]["ok"] == false);
  CHECK(result["chain"]["line"] == 3);
  CHECK(result["chain"]["entries"] == 2);
  CHECK(result["files"] ==
        nlohmann::json::parse(R"([{"path": "alert.json", "status": "ok", "line": 1}])"));
  auto text = run_process({k_bin, "case", "verify", dir, "-o", "text"});
  CHECK(text.exit_code == 7);
  CHECK_THAT(text.out, Catch::EndsWith("\ncase damaged: the chain breaks at line 3\n"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("case verify finds altered, missing and planted files of a case the run left intact",
          "[e2e][case]")
{
  const std::string root = "/tmp/dftriage-case-files-" + std::to_string(::getpid());
  const std::string case_dir = root + "/case";
  std::filesystem::remove_all(root);
  const auto run =
      run_process({k_bin, "run", k_source + "/examples/alerts/keyvault-tor.json", "--lab", "--case",
                   case_dir, "--answers", k_source + "/examples/answers/keyvault-tor.json", "--yes",
                   "--reason", "case verify test", "-o", "json"});
  INFO(run.err);
  // The run itself is not under test: it may leave manual steps open (exit 5); what
  // matters is the case it left behind.
  REQUIRE(std::filesystem::exists(case_dir + "/journal.jsonl"));
  const auto intact = run_process({k_bin, "case", "verify", case_dir, "-o", "text"});
  INFO(intact.out);
  CHECK(intact.exit_code == 0);
  CHECK_THAT(intact.out, Catch::Contains("\ncase intact: the chain holds and the "));
  CHECK_THAT(intact.out, !Catch::Contains("differs") && !Catch::Contains("missing") &&
                             !Catch::Contains("not in the journal"));

  const Named pre_image = first_named(case_dir, "pre-image.captured");
  const Named evidence = first_named(case_dir, "evidence.saved");
  REQUIRE(!pre_image.path.empty());
  REQUIRE(!evidence.path.empty());
  // One byte more in the pre-image the undo would restore; the first read's answer
  // removed; a file slipped into the evidence; plan.json (never vouched for) rewritten.
  write_file(case_dir + "/" + pre_image.path, read_file(case_dir + "/" + pre_image.path) + " ");
  std::filesystem::remove(case_dir + "/" + evidence.path);
  write_file(case_dir + "/evidence/999-planted.json", "{}\n");
  write_file(case_dir + "/plan.json", "{}\n");

  const auto damaged = run_process({k_bin, "case", "verify", case_dir, "-o", "text"});
  CHECK(damaged.exit_code == 7);
  CHECK_THAT(damaged.out, Catch::Contains(", chain intact (last "));
  CHECK_THAT(damaged.out,
             Catch::Contains("\n" + pre_image.path + ": SHA-256 differs from the journal (line " +
                             std::to_string(pre_image.line) + ")\n"));
  CHECK_THAT(damaged.out, Catch::Contains("\n" + evidence.path + ": missing (line " +
                                          std::to_string(evidence.line) + ")\n"));
  CHECK_THAT(damaged.out, Catch::Contains("\nevidence/999-planted.json: not in the journal\n"));
  CHECK_THAT(
      damaged.out,
      Catch::EndsWith("\ncase damaged: 1 file(s) altered, 1 file(s) missing, 1 file(s) not in "
                      "the journal\n"));
  CHECK_THAT(damaged.out, !Catch::Contains("plan.json"));

  const auto json = run_process({k_bin, "case", "verify", case_dir, "-o", "json"});
  CHECK(json.exit_code == 7);
  const auto result = nlohmann::json::parse(json.out);
  CHECK(result["ok"] == false);
  CHECK(result["chain"]["ok"] == true);
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& f : result["files"]) {
    by_path[f["path"].get<std::string>()] = f;
  }
  CHECK(by_path[pre_image.path]["status"] == "altered");
  CHECK(by_path[pre_image.path]["line"] == pre_image.line);
  CHECK(by_path[evidence.path]["status"] == "missing");
  CHECK(by_path["evidence/999-planted.json"]["status"] == "extra");
  CHECK(by_path["evidence/999-planted.json"]["line"].is_null());
  CHECK(by_path.count("plan.json") == 0);
  std::size_t intact_files = 0;
  for (const auto& [path, f] : by_path) {
    intact_files += f["status"] == "ok" || f["status"] == "unhashed" ? 1 : 0;
  }
  CHECK(intact_files == by_path.size() - 3);
  std::filesystem::remove_all(root);
}

TEST_CASE("case verify sees a journal cut short, emptied or with its last entry rewritten",
          "[e2e][case]")
{
  const std::string dir = "/tmp/dftriage-head-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::string last_hash;
  {
    auto folder = dftriage::journal::CaseFolder::create(dir);
    folder.write_file("alert.json", "{}\n");
    dftriage::journal::Journal j(folder.journal_path());
    j.append({{"event", "case.opened"},
              {"alertId", "a1"},
              {"alertSha256", dftriage::journal::sha256_hex("{}\n")}});
    j.append({{"event", "step.entered"}, {"step", "read-vault"}});
    j.append({{"event", "step.done"}, {"step", "read-vault"}});
    const std::string text = read_file(folder.journal_path());
    last_hash = dftriage::journal::sha256_hex(
        text.substr(text.rfind('\n', text.size() - 2) + 1,
                    text.size() - text.rfind('\n', text.size() - 2) - 2));
  }
  const std::string journal = dir + "/journal.jsonl";
  const std::string whole = read_file(journal);
  const auto verify = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{k_bin, "case", "verify", dir};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv);
  };
  CHECK(verify().exit_code == 0);
  CHECK(verify({"--head", last_hash}).exit_code == 0);

  SECTION("the last entry dropped")
  {
    write_file(journal, whole.substr(0, whole.rfind('\n', whole.size() - 2) + 1));
    const auto r = verify();
    CHECK(r.exit_code == 7);
    CHECK_THAT(r.out,
               Catch::Contains(
                   "the journal was cut short: the head records 3 entries, the journal has 2"));
    CHECK(verify({"--head", last_hash}).exit_code == 7);
  }
  SECTION("the journal emptied")
  {
    write_file(journal, "");
    CHECK_THAT(verify().out,
               Catch::Contains(
                   "the journal was cut short: the head records 3 entries, the journal has 0"));
  }
  SECTION("the last entry rewritten, its chain kept")
  {
    std::string edited = whole;
    edited.replace(edited.rfind("read-vault"), 10, "read-vaulT");
    write_file(journal, edited);
    const auto r = verify({"-o", "json"});
    CHECK(r.exit_code == 7);
    const auto result = nlohmann::json::parse(r.out);
    CHECK(result["chain"]["ok"] == true);
    CHECK(result["chain"]["head"]["ok"] == false);
    CHECK_THAT(result["chain"]["head"]["problem"].get<std::string>(),
               Catch::Contains("last entry was rewritten"));
  }
  SECTION("the head removed, or a hash the journal never held")
  {
    std::filesystem::remove(dir + "/journal.head");
    CHECK_THAT(verify().out, Catch::Contains("journal.head is missing"));
    dftriage::journal::write_head(dir + "/journal.head", {3, last_hash});
    CHECK(verify().exit_code == 0);
    const auto r = verify({"--head", std::string(64, 'a')});
    CHECK(r.exit_code == 7);
    CHECK_THAT(r.out, Catch::Contains("no entry of the journal has the SHA-256 given with --head"));
  }
  SECTION("entries added after the kept hash, and a head one entry behind after a crash")
  {
    {
      dftriage::journal::Journal j(journal);
      j.append({{"event", "case.closed"}});
    }
    const auto r = verify({"--head", last_hash});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("1 entries were added since"));
    dftriage::journal::write_head(dir + "/journal.head", {3, last_hash});
    const auto behind = verify();
    CHECK(behind.exit_code == 0);
    CHECK_THAT(behind.out, Catch::Contains("one entry behind"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a resumed case sets aside evidence its journal never recorded, and verifies",
          "[e2e][case]")
{
  const std::string root = "/tmp/dftriage-case-aside-" + std::to_string(::getpid());
  const std::string case_dir = root + "/case";
  std::filesystem::remove_all(root);
  const std::vector<std::string> walk = {
      "--answers", k_source + "/examples/answers/keyvault-tor.json",
      "--yes",     "--non-interactive",
      "--reason",  "set-aside test",
      "-o",        "json"};
  std::vector<std::string> first = {
      k_bin, "run", k_source + "/examples/alerts/keyvault-tor.json", "--lab", "--case", case_dir};
  first.insert(first.end(), walk.begin(), walk.end());
  const auto run = run_process(first);
  INFO(run.err);
  REQUIRE(std::filesystem::exists(case_dir + "/journal.jsonl"));
  // What a kill between a read's evidence file and its journal entry leaves behind.
  const std::string orphan = "{\"value\": \"read just before the kill\"}\n";
  write_file(case_dir + "/evidence/900-owner.json", orphan);
  CHECK(run_process({k_bin, "case", "verify", case_dir}).exit_code == 7);

  std::vector<std::string> again = {k_bin, "run", "--case", case_dir, "--lab"};
  again.insert(again.end(), walk.begin(), walk.end());
  const auto resumed = run_process(again);
  INFO(resumed.err);
  CHECK_THAT(resumed.err, Catch::Contains("evidence/900-owner.json was written as the case was "
                                          "interrupted and never journaled: set aside as "
                                          "unjournaled/900-owner.json"));
  CHECK(!std::filesystem::exists(case_dir + "/evidence/900-owner.json"));
  CHECK(read_file(case_dir + "/unjournaled/900-owner.json") == orphan);

  const auto verified = run_process({k_bin, "case", "verify", case_dir, "-o", "text"});
  INFO(verified.out);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains("\nunjournaled/900-owner.json: set aside: written as "
                                           "the case was interrupted, never journaled\n"));
  CHECK_THAT(verified.out, Catch::EndsWith("; 1 file(s) set aside in unjournaled/ after an "
                                           "interruption\n"));
  const auto json =
      nlohmann::json::parse(run_process({k_bin, "case", "verify", case_dir, "-o", "json"}).out);
  CHECK(json["ok"] == true);
  bool listed = false;
  for (const auto& f : json["files"]) {
    listed = listed || (f["path"] == "unjournaled/900-owner.json" && f["status"] == "set-aside");
  }
  CHECK(listed);
  std::filesystem::remove_all(root);
}
