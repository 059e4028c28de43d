#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace dftriage::journal;
using Json = nlohmann::ordered_json;

namespace {

// A fresh folder under the temporary directory, removed afterwards.
struct TempDir
{
  std::string path;
  TempDir()
  {
    char pattern[] = "/tmp/dftriage-journal-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string slurp(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

int mode_of(const std::string& path)
{
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

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
  TempDir dir;
  const std::string path = dir.path + "/journal.jsonl";
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
  const std::string text = slurp(path);
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
    CHECK(verify(slurp(path)).entries == 3);
  }
  SECTION("an altered entry breaks the chain at the entry after it")
  {
    std::string altered = text;
    altered.replace(altered.find("read-vault"), 10, "read-VAULT");
    spit(path, altered);
    CHECK(verify(altered).ok);  // the last entry itself has nothing after it to disagree
    std::string early = text;
    early.replace(early.find("a1"), 2, "a2");
    const auto broken = verify(early);
    CHECK_FALSE(broken.ok);
    CHECK(broken.line == 2);
    CHECK(broken.entries == 1);
    CHECK_THAT(broken.problem, Catch::Contains("prev does not match"));
    spit(path, early);
    CHECK_THROWS_WITH(Journal(path), Catch::Contains("journal.jsonl:2: the journal's chain breaks"));
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

TEST_CASE("secrets never reach the journal or the evidence")
{
  const std::string canary = "canary-s3cr3t-value-7f3a";
  const Json response = {{"id", "https://kv1.vault.azure.net/secrets/db/1"}, {"value", canary},
                         {"attributes", {{"enabled", true}}}};
  const Json body = {{"properties", {{"protectedSettings", {{"password", canary}}}, {"settings", {{"username", "admin"}}}}}};
  const Json token = {{"access_token", canary}, {"token_type", "Bearer"}, {"clientSecret", canary}};
  for (const auto& v : {response, body, token}) {
    CHECK(redact_secrets(v).dump().find(canary) == std::string::npos);
  }
  CHECK(redact_secrets(body)["properties"]["settings"]["username"] == "admin");
  CHECK(redact_secrets(response)["attributes"]["enabled"] == true);

  TempDir dir;
  auto folder = CaseFolder::create(dir.path + "/case");
  {
    Journal j(folder.journal_path());
    j.append({{"event", "response.received"}, {"body", response}});
    j.append({{"event", "request.sent"}, {"body", body}});
  }
  const auto evidence = folder.write_evidence("secret-get", response);
  CHECK(slurp(folder.journal_path()).find(canary) == std::string::npos);
  CHECK(slurp(dir.path + "/case/" + evidence).find(canary) == std::string::npos);
}

TEST_CASE("case folders are private and written whole")
{
  TempDir dir;
  const std::string path = dir.path + "/cases/a1-20261128T120000Z";
  auto folder = CaseFolder::create(path);
  CHECK(mode_of(path) == 0700);
  CHECK(mode_of(path + "/evidence") == 0700);
  folder.write_file("alert.json", "{}\n");
  CHECK(mode_of(path + "/alert.json") == 0600);
  CHECK(folder.read_file("alert.json") == "{}\n");
  CHECK(folder.write_evidence("read vault/../x", Json{{"a", 1}}) == "evidence/001-read_vault_.._x.json");
  { Journal j(folder.journal_path()); j.append({{"event", "case.opened"}}); }
  CHECK_THROWS_WITH(CaseFolder::create(path), Catch::Contains("already holds a case"));
  auto again = CaseFolder::open_existing(path);
  CHECK(again.write_evidence("next", Json{}) == "evidence/002-next.json");
  CHECK_THROWS_WITH(CaseFolder::open_existing(dir.path), Catch::Contains("not a case folder"));
}

TEST_CASE("case folder names cannot be steered by the alert ID")
{
  CHECK(safe_name("../../etc/passwd") == "_.._.._etc_passwd");
  CHECK(safe_name(".hidden") == "_.hidden");
  CHECK(safe_name("") == "_");
  CHECK(safe_name(std::string(300, 'a')).size() == 64);
  CHECK(default_case_dir("2517_5f0c", std::chrono::system_clock::from_time_t(1795867200))
        == "cases/2517_5f0c-20261128T120000Z");
}
