#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/journal/verify_case.hpp"
#include "dftriage/util/error.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace dftriage::journal;
using dftriage::test::mode_of;
using dftriage::test::read_file;
using dftriage::test::TempDir;
using dftriage::test::write_file;
using Json = nlohmann::ordered_json;

namespace {

Journal::Clock fixed_clock()
{
  return [] { return std::string("2026-11-28T12:00:00.000Z"); };
}

} // namespace

TEST_CASE("sha256_hex gives the standard digest")
{
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("the journal chains each entry to the one before and verifies")
{
  TempDir dir("journal");
  const std::string path = dir / "journal.jsonl";
  {
    Journal j(path, {"alice@ws", ""}, fixed_clock());
    const auto first = j.append({{"event", "case.opened"}, {"alertId", "a1"}});
    CHECK(first["seq"] == 1);
    CHECK(first["prev"] == std::string(k_genesis));
    CHECK(first["operator"]["user"] == "alice@ws");
    j.set_principal("client c1 in tenant t1");
    const auto second = j.append({{"event", "step.entered"}, {"step", "read-vault"}});
    CHECK(second["operator"]["principal"] == "client c1 in tenant t1");
  }
  const std::string text = read_file(path);
  const auto lines = std::count(text.begin(), text.end(), '\n');
  CHECK(lines == 2);
  const auto first_line = text.substr(0, text.find('\n'));
  CHECK(Json::parse(text.substr(text.find('\n') + 1))["prev"] == sha256_hex(first_line));
  const auto check = verify(text);
  CHECK(check.ok);
  CHECK(check.entries == 2);
  CHECK(mode_of(path) == 0600);

  SECTION("reopening continues the chain")
  {
    Journal j(path, {"bob@ws", ""}, fixed_clock());
    CHECK(j.entries().size() == 2);
    CHECK(j.append({{"event", "case.resumed"}})["seq"] == 3);
    CHECK(verify(read_file(path)).entries == 3);
  }
  SECTION("an altered entry breaks the chain at the entry after it")
  {
    std::string altered = text;
    altered.replace(altered.find("read-vault"), 10, "read-VAULT");
    write_file(path, altered);
    CHECK(verify(altered).ok); // the last entry itself has nothing after it to disagree
    std::string early = text;
    early.replace(early.find("a1"), 2, "a2");
    const auto broken = verify(early);
    CHECK_FALSE(broken.ok);
    CHECK(broken.line == 2);
    CHECK(broken.entries == 1);
    CHECK_THAT(broken.problem, Catch::Contains("prev does not match"));
    write_file(path, early);
    CHECK_THROWS_WITH(Journal(path),
                      Catch::Contains("journal.jsonl:2: the journal's chain breaks"));
  }
  SECTION("a removed entry is found")
  {
    const auto broken = verify(text.substr(text.find('\n') + 1));
    CHECK_FALSE(broken.ok);
    CHECK(broken.line == 1);
    CHECK_THAT(broken.problem, Catch::Contains("sequence number 2, expected 1"));
  }
  SECTION("a write cut short is reported as such")
  {
    const auto broken = verify(text + R"({"seq": 3, "ev)");
    CHECK_FALSE(broken.ok);
    CHECK(broken.line == 3);
    CHECK_THAT(broken.problem, Catch::Contains("incomplete"));
  }
}

TEST_CASE("the journal calls its after-entry hook once each entry and its head are on disk")
{
  TempDir dir("journal");
  const std::string path = dir / "journal.jsonl";
  Journal j(path, {"alice@ws", ""}, fixed_clock());
  j.append({{"event", "case.opened"}});                    // no hook set: nothing is called
  std::vector<std::pair<std::size_t, std::uint64_t>> seen; // lines in the file, head's count
  j.set_after_entry([&] {
    const std::string text = read_file(path);
    seen.emplace_back(std::count(text.begin(), text.end(), '\n'),
                      read_head(head_path(path))->entries);
  });
  j.append({{"event", "step.entered"}}, Sync::later);
  j.append({{"event", "step.finished"}});
  CHECK(seen == std::vector<std::pair<std::size_t, std::uint64_t>>{{2, 2}, {3, 3}});
}

TEST_CASE("secrets never reach the journal or the evidence")
{
  const std::string canary = "canary-s3cr3t-value-7f3a";
  const Json response = {{"id", "https://kv1.vault.azure.net/secrets/db/1"},
                         {"value", canary},
                         {"attributes", {{"enabled", true}}}};
  const Json body = {
      {"properties",
       {{"protectedSettings", {{"password", canary}}}, {"settings", {{"username", "admin"}}}}}};
  const Json token = {{"access_token", canary}, {"token_type", "Bearer"}, {"clientSecret", canary}};
  for (const auto& v : {response, body, token}) {
    CHECK(redact_secrets(v).dump().find(canary) == std::string::npos);
  }
  CHECK(redact_secrets(body)["properties"]["settings"]["username"] == "admin");
  CHECK(redact_secrets(response)["attributes"]["enabled"] == true);

  TempDir dir("journal");
  auto folder = CaseFolder::create(dir / "case");
  {
    Journal j(folder.journal_path());
    j.append({{"event", "response.received"}, {"body", response}});
    j.append({{"event", "request.sent"}, {"body", body}});
  }
  const auto evidence = folder.write_evidence("secret-get", response);
  CHECK(read_file(folder.journal_path()).find(canary) == std::string::npos);
  CHECK(read_file(dir / ("case/" + evidence)).find(canary) == std::string::npos);
}

TEST_CASE("case folders are private and written whole")
{
  TempDir dir("journal");
  const std::string path = dir / "cases/a1-20261128T120000Z";
  auto folder = CaseFolder::create(path);
  CHECK(mode_of(path) == 0700);
  CHECK(mode_of(path + "/evidence") == 0700);
  folder.write_file("alert.json", "{}\n");
  CHECK(mode_of(path + "/alert.json") == 0600);
  CHECK(folder.read_file("alert.json") == "{}\n");
  CHECK(folder.write_evidence("read vault/../x", Json{{"a", 1}}) ==
        "evidence/001-read_vault_.._x.json");
  {
    Journal j(folder.journal_path());
    j.append({{"event", "case.opened"}});
    j.append({{"event", "evidence.saved"}, {"evidence", "evidence/001-read_vault_.._x.json"}});
  }
  // Evidence no entry names: written just before a kill, set aside when the case is opened
  // to write again (below).
  folder.write_file("evidence/002-unjournaled.json", "{}\n");
  // While one folder object writes the case, no other may (even in this process).
  CHECK_THROWS_WITH(CaseFolder::create(path), Catch::Contains("is in use by"));
  CHECK_THROWS_WITH(CaseFolder::open_existing(path, dftriage::journal::Access::write),
                    Catch::Contains("is in use by"));
  folder = CaseFolder::open_existing(path); // reading only: the lock is let go
  CHECK_THROWS_WITH(CaseFolder::create(path), Catch::Contains("already holds a case"));
  auto again = CaseFolder::open_existing(path, dftriage::journal::Access::write);
  CHECK(again.set_aside() == std::vector<std::string>{"evidence/002-unjournaled.json"});
  CHECK(again.set_aside_files() == std::vector<std::string>{"unjournaled/002-unjournaled.json"});
  CHECK(again.evidence_files() == std::vector<std::string>{"evidence/001-read_vault_.._x.json"});
  CHECK(again.write_evidence("next", Json{}) == "evidence/002-next.json");
  CHECK_THROWS_WITH(CaseFolder::open_existing(dir.path.string()),
                    Catch::Contains("not a case folder"));
}

TEST_CASE("case folder names cannot be steered by the alert ID")
{
  CHECK(safe_name("../../etc/passwd") == "_.._.._etc_passwd");
  CHECK(safe_name(".hidden") == "_.hidden");
  CHECK(safe_name("") == "_");
  CHECK(safe_name(std::string(300, 'a')).size() == 64);
  CHECK(default_case_dir("2517_5f0c", std::chrono::system_clock::from_time_t(1795867200)) ==
        "cases/2517_5f0c-20261128T120000Z");
}

namespace {

// A case as a run leaves it: alert.json (hashed in case.opened), plan.json, a pre-image
// on line 2, a read's evidence on line 3 and an older case's unhashed evidence on line 4.
struct SampleCase
{
  TempDir temp{"journal"};
  std::string dir = temp / "case";
  CaseFolder folder = CaseFolder::create(dir);
  std::string pre_image;
  std::string evidence;
  std::string older;

  SampleCase()
  {
    const std::string alert = R"({"alertId": "a1"})"
                              "\n";
    folder.write_file("alert.json", alert);
    folder.write_file("plan.json", "{}\n");
    pre_image = folder.write_evidence("enable-firewall-pre-image", Json{{"status", 200}});
    evidence =
        folder.write_evidence("read-vault", Json{{"status", 200}, {"body", {{"name", "kv1"}}}});
    older = folder.write_evidence("read-logs", Json::array());
    Journal j(folder.journal_path(), {"alice@ws", ""}, fixed_clock());
    j.append({{"event", "case.opened"}, {"alertId", "a1"}, {"alertSha256", sha256_hex(alert)}});
    j.append({{"event", "pre-image.captured"},
              {"step", "enable-firewall"},
              {"evidence", pre_image},
              {"sha256", sha256_hex(folder.read_file(pre_image))}});
    j.append({{"event", "evidence.saved"},
              {"step", "read-vault"},
              {"evidence", evidence},
              {"sha256", sha256_hex(folder.read_file(evidence))}});
    j.append({{"event", "evidence.saved"}, {"step", "read-logs"}, {"evidence", older}});
  }

  void edit(const std::string& relative, const std::string& from, const std::string& to) const
  {
    std::string text = read_file(dir + "/" + relative);
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), to);
    write_file(dir + "/" + relative, text);
  }
};

// Returns "path status line" for each file the check lists.
std::vector<std::string> listing(const CaseCheck& check)
{
  std::vector<std::string> out;
  for (const auto& f : check.files) {
    out.push_back(f.path + " " + std::string(to_string(f.status)) + " " + std::to_string(f.line));
  }
  return out;
}

} // namespace

TEST_CASE("verify_case checks every file the journal vouches for", "[journal][verify_case]")
{
  SampleCase c;
  const std::vector<std::string> intact = {
      "alert.json ok 1", "evidence/001-enable-firewall-pre-image.json ok 2",
      "evidence/002-read-vault.json ok 3", "evidence/003-read-logs.json unhashed 4"};

  SECTION("an intact case, plan.json rewritten, is ok; older unhashed evidence only has to exist")
  {
    c.folder.write_file("plan.json", R"({"rewritten": true})"
                                     "\n");
    const auto check = verify_case(c.folder);
    CHECK(check.chain.ok);
    CHECK(check.chain.entries == 4);
    CHECK(listing(check) == intact);
    CHECK(check.files[1].recorded == check.files[1].actual);
    CHECK(check.ok());
  }
  SECTION("an altered pre-image")
  {
    c.edit(c.pre_image, "200", "404");
    const auto check = verify_case(c.folder);
    CHECK(check.chain.ok);
    CHECK(listing(check)[1] == "evidence/001-enable-firewall-pre-image.json altered 2");
    CHECK(check.files[1].actual == sha256_hex(read_file(c.dir + "/" + c.pre_image)));
    CHECK(check.files[1].recorded != check.files[1].actual);
    CHECK(check.count(FileStatus::altered) == 1);
    CHECK_FALSE(check.ok());
  }
  SECTION("altered evidence")
  {
    c.edit(c.evidence, "kv1", "kv2");
    const auto check = verify_case(c.folder);
    CHECK(listing(check)[2] == "evidence/002-read-vault.json altered 3");
    CHECK(check.count(FileStatus::altered) == 1);
    CHECK_FALSE(check.ok());
  }
  SECTION("an altered alert.json")
  {
    c.edit("alert.json", "a1", "a2");
    const auto check = verify_case(c.folder);
    CHECK(listing(check)[0] == "alert.json altered 1");
    CHECK_FALSE(check.ok());
  }
  SECTION("missing files, hashed or not")
  {
    std::filesystem::remove(c.dir + "/" + c.evidence);
    std::filesystem::remove(c.dir + "/" + c.older);
    const auto check = verify_case(c.folder);
    CHECK(listing(check) ==
          std::vector<std::string>{
              "alert.json ok 1", "evidence/001-enable-firewall-pre-image.json ok 2",
              "evidence/002-read-vault.json missing 3", "evidence/003-read-logs.json missing 4"});
    CHECK(check.files[2].actual.empty());
    CHECK_FALSE(check.ok());
  }
  SECTION("a file in the evidence folder that no entry names")
  {
    c.folder.write_file("evidence/004-planted.json", "{}\n");
    write_file(c.dir + "/evidence/.hidden", "x");
    const auto check = verify_case(c.folder);
    auto expected = intact;
    expected.push_back("evidence/.hidden extra 0");
    expected.push_back("evidence/004-planted.json extra 0");
    CHECK(listing(check) == expected);
    CHECK(check.count(FileStatus::extra) == 2);
    CHECK_FALSE(check.ok());
  }
}

TEST_CASE("verify_case on older and damaged journals", "[journal][verify_case]")
{
  TempDir temp{"journal"};
  auto folder = CaseFolder::create(temp / "case");
  Journal j(folder.journal_path(), {"alice@ws", ""}, fixed_clock());

  SECTION("without alertSha256 alert.json is not hashed but must exist")
  {
    j.append({{"event", "case.opened"}, {"alertId", "a1"}});
    CHECK(listing(verify_case(folder)) == std::vector<std::string>{"alert.json missing 1"});
    folder.write_file("alert.json", "{}\n");
    const auto check = verify_case(folder);
    CHECK(listing(check) == std::vector<std::string>{"alert.json unhashed 1"});
    CHECK(check.ok());
  }
  SECTION("a path outside the case folder is never opened")
  {
    j.append({{"event", "evidence.saved"},
              {"evidence", "../../etc/hostname"},
              {"sha256", sha256_hex("")}});
    const auto check = verify_case(folder);
    CHECK(listing(check) == std::vector<std::string>{"../../etc/hostname missing 1"});
    CHECK(check.files[0].detail == "the journal names a path outside the case folder");
    CHECK_FALSE(check.ok());
  }
  SECTION("a broken chain fails the case even when every file matches")
  {
    folder.write_file("alert.json", "{}\n");
    j.append({{"event", "case.opened"}, {"alertId", "a1"}, {"alertSha256", sha256_hex("{}\n")}});
    j.append({{"event", "case.closed"}});
    std::string text = read_file(folder.journal_path());
    text.replace(text.find("a1"), 2, "a2");
    write_file(folder.journal_path(), text);
    const auto check = verify_case(folder);
    CHECK_FALSE(check.chain.ok);
    CHECK(check.chain.line == 2);
    CHECK(listing(check) == std::vector<std::string>{"alert.json ok 1"});
    CHECK_FALSE(check.ok());
  }
}
