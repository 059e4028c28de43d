// The exit statuses: one table for the help text and the README.

#include "dftriage/util/error.hpp"
#include "dftriage/util/exit_status.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

using namespace dftriage;

TEST_CASE("the README's exit-status table is the one the program documents")
{
  std::ifstream in(test::k_source + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto start = readme.find("### Exit status\n");
  REQUIRE(start != std::string::npos);
  std::istringstream lines(readme.substr(start));
  std::map<int, std::string> rows;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| ", 0) == 0 && line.size() > 2 && line[2] >= '0' && line[2] <= '9') {
      const auto bar = line.find(" | ", 2);
      rows[std::stoi(line.substr(2, bar - 2))] = line.substr(bar + 3, line.size() - bar - 5);
    } else if (!rows.empty() && line.rfind('|', 0) != 0) {
      break; // the end of the table
    }
  }
  REQUIRE(rows.size() == exit_status_table().size());
  for (const auto& row : exit_status_table()) {
    INFO(row.code);
    CHECK(rows[row.code] == row.meaning);
  }
}

TEST_CASE("the help lists every exit status, wrapped, without Markdown")
{
  const std::string help = exit_status_help();
  CHECK(help.rfind("Exit status:\n  0    success; for run, apply and undo: the case is completed\n",
                   0) == 0);
  CHECK(help.find('`') == std::string::npos);
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    CHECK(line.size() <= 80);
  }
  for (const auto& row : exit_status_table()) {
    CHECK(help.find("\n  " + std::to_string(row.code) + " ") != std::string::npos);
  }
  // Every status the program can exit with is documented.
  for (const ExitStatus status :
       {ExitStatus::success, ExitStatus::failure, ExitStatus::usage, ExitStatus::input_rejected,
        ExitStatus::azure_failure, ExitStatus::needs_human, ExitStatus::refused,
        ExitStatus::case_problem, ExitStatus::case_busy, ExitStatus::interrupted}) {
    const auto& table = exit_status_table();
    CHECK(std::any_of(table.begin(), table.end(),
                      [&](const ExitStatusRow& r) { return r.code == to_int(status); }));
  }
}
