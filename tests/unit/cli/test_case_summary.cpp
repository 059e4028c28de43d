#include "cli/case_summary.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using dftriage::cli::case_status;
using dftriage::exec::CaseState;
using Json = nlohmann::ordered_json;

namespace {

std::string status_after(const std::vector<Json>& entries)
{
  return case_status(CaseState::replay(entries), entries);
}

Json entered_event(const std::string& step, const std::string& action, bool mutating,
                   const std::string& reversibility)
{
  return {{"event", "step.entered"},
          {"step", step},
          {"action", action},
          {"mutating", mutating},
          {"reversibility", reversibility}};
}

Json event_on(const std::string& event, const std::string& step)
{
  return {{"event", event}, {"step", step}};
}

const Json k_opened = {{"event", "case.opened"}, {"alertId", "a-1"}};

} // namespace

TEST_CASE("case_status says what a case's walks came to", "[cli][case]")
{
  const Json change = entered_event("firewall", "keyvault.firewall", true, "reversible");
  CHECK(status_after({}) == "empty");
  CHECK(status_after({k_opened}) == "needs-human");
  CHECK(status_after(
            {k_opened, change, event_on("step.done", "firewall"), {{"event", "case.closed"}}}) ==
        "completed");
  CHECK(status_after({k_opened, change, event_on("step.failed", "firewall")}) == "failed");
  CHECK(status_after({k_opened, change, event_on("step.refused", "firewall")}) == "refused");
  CHECK(status_after({k_opened, change, event_on("step.declined", "firewall")}) == "needs-human");

  SECTION("interrupted: Ctrl-C, or a journal that ends in the middle of a step")
  {
    CHECK(status_after({k_opened, change, {{"event", "case.interrupted"}}}) == "interrupted");
    CHECK(status_after({k_opened, change}) == "interrupted");
    // Killed after the change was sent: the step never concluded.
    CHECK(status_after({k_opened,
                        change,
                        {{"event", "request.sent"},
                         {"step", "firewall"},
                         {"kind", "action"},
                         {"mutating", true}},
                        {{"event", "step.left"}, {"step", "firewall"}}}) == "interrupted");
  }
  SECTION("undone: every change undo takes back was undone; a failed undo fails")
  {
    const std::vector<Json> done{
        k_opened, change, event_on("step.done", "firewall"), {{"event", "case.closed"}}};
    auto undone = done;
    undone.push_back(event_on("undo.started", "firewall"));
    undone.push_back(event_on("undo.done", "firewall"));
    CHECK(status_after(undone) == "undone");
    auto cut = done;
    cut.push_back(event_on("undo.started", "firewall"));
    CHECK(status_after(cut) == "interrupted");
    auto failed = done;
    failed.push_back(event_on("undo.started", "firewall"));
    failed.push_back(event_on("undo.failed", "firewall"));
    CHECK(status_after(failed) == "failed");
    // A second change still in place: not undone.
    auto partly = undone;
    partly.insert(partly.begin() + 3, entered_event("tag", "resources.tag", true, "reversible"));
    partly.insert(partly.begin() + 4, event_on("step.done", "tag"));
    CHECK(status_after(partly) == "completed");
    // An irreversible change cannot be taken back: undoing the rest is undoing the case.
    auto irreversible = undone;
    irreversible.insert(irreversible.begin() + 3,
                        entered_event("delete", "keyvault.delete_secret", true, "irreversible"));
    irreversible.insert(irreversible.begin() + 4, event_on("step.done", "delete"));
    CHECK(status_after(irreversible) == "undone");
  }
}

TEST_CASE("summarize_case lists a damaged journal as damaged", "[cli][case]")
{
  dftriage::test::TempDir dir("case-summary");
  const std::string path = dir / "case";
  std::filesystem::create_directories(path);
  std::ofstream(path + "/journal.jsonl") << "{\"event\": \"case.opened\"}\n";
  const auto summary = dftriage::cli::summarize_case(path);
  CHECK(summary.status == "damaged");
  CHECK(summary.problem == "journal.jsonl:1: sequence number missing, expected 1");
  CHECK_THROWS_WITH(dftriage::cli::summarize_case(dir.path.string()),
                    Catch::Contains("not a case folder"));
}

TEST_CASE("CaseFolder::check_new refuses what create refuses and creates nothing", "[journal]")
{
  using dftriage::journal::CaseFolder;
  dftriage::test::TempDir dir("case-check-new");
  const std::string fresh = dir / "new/case";
  CaseFolder::check_new(fresh);
  CHECK_FALSE(std::filesystem::exists(dir / "new"));
  std::filesystem::create_directories(dir / "theirs");
  std::ofstream(dir / "theirs/file.txt") << "x";
  CHECK_THROWS_WITH(CaseFolder::check_new(dir / "theirs"),
                    Catch::Contains("exists and is not empty"));
  {
    auto folder = CaseFolder::create(dir / "ours");
    folder.write_file("journal.jsonl", "");
  }
  CHECK_THROWS_WITH(CaseFolder::check_new(dir / "ours"), Catch::Contains("already holds a case"));
  CHECK(CaseFolder::is_case(dir / "ours"));
  CHECK_FALSE(CaseFolder::is_case(dir / "theirs"));
}
