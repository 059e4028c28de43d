// End-to-end: dftriage case list, case show, and `last` wherever a case folder is taken.

#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/run_dftriage.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

// Writes a case folder `root`/`name` whose journal holds `events`, the first at `day`
// 10:00 UTC of May 2024 and each next one a minute later.
void make_case(const std::string& root, const std::string& name, int day, std::vector<Json> events)
{
  auto folder = dftriage::journal::CaseFolder::create(root + "/" + name);
  folder.write_file("alert.json", "{}\n");
  int minute = 0;
  dftriage::journal::Journal journal(folder.journal_path(), {"tester@ws", ""}, [day, &minute] {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "2024-05-%02dT10:%02d:00Z", day, minute++);
    return std::string(stamp);
  });
  for (auto& e : events) {
    journal.append(std::move(e));
  }
}

Json opened(const std::string& alert)
{
  return {{"event", "case.opened"},
          {"alertId", alert},
          {"alertType", "KV_TORAccess"},
          {"playbook", "keyvault-tor"},
          {"mode", "lab"}};
}

Json change_entered(const std::string& step)
{
  return {{"event", "step.entered"},
          {"step", step},
          {"action", "keyvault.firewall"},
          {"mutating", true},
          {"reversibility", "reversible"}};
}

// Five cases and two folders that are not cases under `root`. By their last entry, newest
// first: undone (4 May), needs-human (3 May), interrupted (2 May), completed (1 May),
// damaged (the journal altered; 1 May at 09:00).
void make_cases(const std::string& root)
{
  make_case(root, "done-case", 1,
            {opened("alert-done"),
             {{"event", "step.entered"}, {"step", "read-vault"}},
             {{"event", "step.done"}, {"step", "read-vault"}},
             {{"event", "case.closed"}, {"outcome", "completed"}}});
  // Opened first, undone last: its last entry makes it the newest.
  make_case(root, "undone-case", 4,
            {opened("alert-undone"),
             change_entered("firewall"),
             {{"event", "step.done"}, {"step", "firewall"}},
             {{"event", "undo.requested"}, {"steps", {"firewall"}}, {"reason", "drill"}},
             {{"event", "undo.started"}, {"step", "firewall"}},
             {{"event", "undo.done"}, {"step", "firewall"}}});
  make_case(root, "waiting-case", 3,
            {opened("alert-waiting"),
             change_entered("firewall"),
             {{"event", "step.declined"}, {"step", "firewall"}}});
  make_case(root, "stopped-case", 2,
            {opened("alert-stopped"), change_entered("firewall"), {{"event", "case.interrupted"}}});
  make_case(root, "damaged-case", 1, {opened("alert-damaged")});
  // The damaged case's one entry is rewritten: its chain no longer holds (and its time
  // now says 09:00, the oldest of all).
  const std::string journal = root + "/damaged-case/journal.jsonl";
  std::ifstream in(journal);
  std::stringstream text;
  text << in.rdbuf();
  std::string altered = text.str();
  altered.replace(altered.find("\"seq\":1"), 7, "\"seq\":9");
  altered.replace(altered.find("T10:00"), 6, "T09:00");
  std::ofstream(journal, std::ios::trunc) << altered;
  std::filesystem::create_directories(root + "/notes");
  std::ofstream(root + "/notes/todo.txt") << "not a case\n";
  std::filesystem::create_directories(root + "/.trash");
}

} // namespace

TEST_CASE("case list shows the cases newest first in every output format", "[e2e][case]")
{
  TempDir dir("case-list");
  const std::string root = dir / "cases";
  make_cases(root);

  SECTION("json: an array of objects, newest first, the damaged case listed")
  {
    const auto r = run_process({k_bin, "case", "list", "--root", root, "-o", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto cases = Json::parse(r.out);
    REQUIRE(cases.size() == 5);
    std::vector<std::string> order;
    std::vector<std::string> statuses;
    for (const auto& c : cases) {
      order.push_back(c["alert"]["id"].is_null() ? "?" : c["alert"]["id"].get<std::string>());
      statuses.push_back(c["status"]);
    }
    CHECK(order == std::vector<std::string>{"alert-undone", "alert-waiting", "alert-stopped",
                                            "alert-done", "alert-damaged"});
    CHECK(statuses ==
          std::vector<std::string>{"undone", "needs-human", "interrupted", "completed", "damaged"});
    CHECK(cases[0]["case"] == root + "/undone-case");
    CHECK(cases[0]["playbook"] == "keyvault-tor");
    CHECK(cases[0]["opened"] == "2024-05-04T10:00:00Z");
    CHECK(cases[0]["lastEntry"] == "2024-05-04T10:05:00Z");
    CHECK(cases[0]["chainIntact"] == true);
    CHECK(cases[4]["chainIntact"] == false);
    CHECK_THAT(cases[4]["problem"].get<std::string>(), Catch::Contains("journal.jsonl:1:"));
  }
  SECTION("a case whose lock a process holds now is in use")
  {
    const auto held = dftriage::journal::CaseFolder::open_existing(
        root + "/waiting-case", dftriage::journal::Access::write);
    const auto r = run_process({k_bin, "case", "list", "--root", root, "-o", "json"});
    REQUIRE(r.exit_code == 0);
    const auto cases = Json::parse(r.out);
    CHECK(cases[1]["case"] == root + "/waiting-case");
    CHECK(cases[1]["status"] == "in-use");
    CHECK(cases[0]["status"] == "undone");
  }
  SECTION("tsv: one line of six tab-separated fields per case, no header")
  {
    const auto r = run_process({k_bin, "case", "list", "--root", root, "-o", "tsv"});
    REQUIRE(r.exit_code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "alert-undone\tkeyvault-tor\tundone\t2024-05-04T10:05:00Z\t" + root +
                          "/undone-case\tKV_TORAccess");
    for (const auto& line : lines) {
      CHECK(std::count(line.begin(), line.end(), '\t') == 5);
    }
  }
  SECTION("table and text: aligned columns under a header")
  {
    for (const std::string format : {"table", "text"}) {
      const auto r = run_process({k_bin, "case", "list", "--root", root, "-o", format});
      REQUIRE(r.exit_code == 0);
      const auto lines = lines_of(r.out);
      REQUIRE(lines.size() == 7); // header, rule, five cases
      CHECK(lines[0].rfind("FOLDER", 0) == 0);
      CHECK(lines[2].rfind(root + "/undone-case", 0) == 0);
      CHECK(lines[0].find("ALERT TYPE") != std::string::npos);
      CHECK(lines[2].size() < 120 + root.size()); // no 56-character alert ID
      const auto status_column = lines[0].find("STATUS");
      CHECK(lines[2].substr(status_column, 6) == "undone");
      CHECK(lines[4].substr(status_column, 11) == "interrupted");
      CHECK(lines[6].substr(status_column, 7) == "damaged");
    }
  }
  SECTION("in a pipe the default is json; an unknown format is refused")
  {
    CHECK(Json::parse(run_process({k_bin, "case", "list", "--root", root}).out).size() == 5);
    const auto bad = run_process({k_bin, "case", "list", "--root", root, "-o", "yaml"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.empty());
  }
  SECTION("no case: json is an empty array, text says so on stderr")
  {
    const std::string empty = dir / "none";
    CHECK(run_process({k_bin, "case", "list", "--root", empty, "-o", "json"}).out == "[]\n");
    const auto text = run_process({k_bin, "case", "list", "--root", empty, "-o", "text"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.empty());
    CHECK(text.err == "dftriage: no case under " + empty + "/\n");
  }
}

TEST_CASE("case show gives one case: status, changes and undos, evidence, journal", "[e2e][case]")
{
  TempDir dir("case-show");
  make_cases(dir / "cases");
  const auto r = run_process({k_bin, "case", "show", dir / "cases/undone-case", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto shown = Json::parse(r.out);
  CHECK(shown["status"] == "undone");
  CHECK(shown["playbook"] == "keyvault-tor");
  CHECK(shown["alert"]["id"] == "alert-undone");
  CHECK(shown["operators"][0]["user"] == "tester@ws");
  REQUIRE(shown["changes"].size() == 1);
  CHECK(shown["changes"][0]["step"] == "firewall");
  CHECK(shown["changes"][0]["undo"] == "done");
  CHECK(shown["undone"].size() == 1);
  CHECK(shown["journal"]["entries"] == 6);
  CHECK(shown["journal"]["chainIntact"] == true);
  CHECK(shown["journal"]["head"] == "matches");
  CHECK(shown["commands"]["verify"] == "dftriage case verify " + (dir / "cases/undone-case"));

  const auto text = run_process({k_bin, "case", "show", dir / "cases/waiting-case", "-o", "text"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("\nStatus      needs-human\n"));
  CHECK_THAT(text.out, Catch::Contains("\nSteps       1 declined\n"));
  CHECK_THAT(text.out, Catch::Contains("3 entries, chain intact, head matches"));

  const auto damaged =
      run_process({k_bin, "case", "show", dir / "cases/damaged-case", "-o", "json"});
  CHECK(damaged.exit_code == 0);
  CHECK(Json::parse(damaged.out)["status"] == "damaged");
  CHECK(Json::parse(damaged.out)["journal"]["chainIntact"] == false);

  const auto none = run_process({k_bin, "case", "show", dir / "cases/notes"});
  CHECK(none.exit_code == 7);
  CHECK_THAT(none.err, Catch::Contains("not a case folder (no journal.jsonl)"));
}

TEST_CASE("last names the newest case for case show, case verify, report, undo and run --case",
          "[e2e][case]")
{
  TempDir dir("case-last");
  const std::string cwd = dir.path.string();
  make_cases(dir / "cases");
  const std::string note =
      "dftriage: last case: cases/undone-case (undone, 2024-05-04T10:05:00Z)\n";

  const auto shown = run_dftriage_in(cwd, {"case", "show", "last", "-o", "json"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.err == note);
  CHECK(Json::parse(shown.out)["case"] == "cases/undone-case");

  const auto verified = run_dftriage_in(cwd, {"case", "verify", "last", "-o", "json"});
  CHECK(verified.exit_code == 0);
  CHECK(verified.err == note);
  CHECK(Json::parse(verified.out)["chain"]["journal"] == "cases/undone-case/journal.jsonl");

  const auto reported = run_dftriage_in(cwd, {"report", "last", "-o", "json"});
  CHECK(reported.err == note);
  CHECK(Json::parse(reported.out)["case"] == "cases/undone-case");

  const auto undone = run_dftriage_in(cwd, {"undo", "-o", "text", "last", "--yes"});
  CHECK(undone.exit_code == 0);
  CHECK(undone.err == note);
  CHECK_THAT(undone.out, Catch::Contains("Nothing to undo in cases/undone-case."));

  // run --case last resumes the newest case (here its alert.json is not an alert: the
  // error names the folder it resolved to).
  const auto resumed = run_dftriage_in(cwd, {"run", "--case", "last", "--non-interactive"});
  CHECK(resumed.exit_code != 0);
  CHECK(resumed.err.rfind(note, 0) == 0);

  SECTION("-q keeps stderr quiet")
  {
    const auto quiet = run_dftriage_in(cwd, {"-q", "case", "show", "last", "-o", "json"});
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.err.empty());
  }
  SECTION("./last is a folder named last")
  {
    const auto folder = run_dftriage_in(cwd, {"case", "show", "./last"});
    CHECK(folder.exit_code == 7);
    CHECK_THAT(folder.err, Catch::Contains("./last: not a case folder"));
  }
}

TEST_CASE("last without any case is a clear error", "[e2e][case]")
{
  TempDir dir("case-last-none");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"report", "last"},
                                               {"case", "verify", "last"},
                                               {"case", "show", "last"},
                                               {"undo", "-o", "text", "last"},
                                               {"run", "--case", "last"}}) {
    const auto r = run_dftriage_in(dir.path.string(), args);
    INFO(args.front());
    CHECK(r.exit_code == 7);
    CHECK(r.out.empty());
    CHECK(r.err == "dftriage: error: no case to take for 'last': cases/ holds no case folder "
                   "(cases are made there by dftriage run and apply; give the folder itself, or "
                   "run from the folder that holds cases/)\n");
  }
}

TEST_CASE("case list and case show at a terminal", "[e2e][case]")
{
  TempDir dir("case-tty");
  const std::string root = dir / "cases";
  make_cases(root);
  // A terminal gets the table by default (no JSON), with the newest case first.
  const auto listed = run_in_pty({k_bin, "case", "list", "--root", root});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find('{') == std::string::npos);
  CHECK(listed.out.find("/undone-case") < listed.out.find("/waiting-case"));
  const auto shown = run_in_pty({k_bin, "case", "show", root + "/waiting-case"});
  CHECK(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("Status      needs-human"));
}
