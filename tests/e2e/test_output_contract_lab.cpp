// End-to-end: the output contract (docs/OUTPUT.md) of the commands that need a cloud or
// a case: apply, undo, report, case list/show/verify and auth status, each with every -o
// value its help advertises, on a served lab. And a check that no command taking -o is
// left out of the contract tests.

#include "e2e/output_contract.hpp"
#include "support/served_lab.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace contract = dftriage::test::contract;

namespace {

// Runs dftriage with the lab named by --cloud as a value: DFTRIAGE_CLOUD is blanked, so
// the choice can only come from the option.
dftriage::test::ProcessResult run_on_cloud(const std::string& cloud_file,
                                           std::vector<std::string> args)
{
  args.insert(args.begin(), {"--cloud", cloud_file});
  return contract::run_dftriage_plain(std::move(args), {{"DFTRIAGE_CLOUD", ""}});
}

// Runs `args` with `-o format` on the lab and checks that it succeeded with well-formed
// output; in JSON, that the record is completed for `case_dir` and every step of it ended
// `outcome`. Returns the record (null for text).
nlohmann::json run_checked(const std::string& cloud_file, std::vector<std::string> args,
                           const std::string& format, const std::string& case_dir,
                           const std::string& outcome)
{
  args.insert(args.end(), {"-o", format});
  const auto r = run_on_cloud(cloud_file, args);
  INFO(args[0] << " -o " << format << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  contract::check_format(format, r.out);
  if (format != "json") {
    return nullptr;
  }
  auto record = nlohmann::json::parse(r.out);
  CHECK(record["status"] == "completed");
  CHECK(record["case"] == case_dir);
  CHECK_FALSE(record["steps"].empty());
  for (const auto& step : record["steps"]) {
    CHECK(step["outcome"] == outcome);
  }
  return record;
}

// The steps of a record, for check_shape.
std::vector<nlohmann::json> steps_of(const nlohmann::json& record)
{
  return {record["steps"].begin(), record["steps"].end()};
}

} // namespace

TEST_CASE("apply, undo, report, case and auth give valid output for every -o value",
          "[e2e][output][lab]")
{
  dftriage::test::served::ServedLab lab("output-contract");
  const std::string cloud = lab.cloud_file;
  const std::string alert = std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/keyvault-tor.json";
  const std::string answers =
      std::string(DFTRIAGE_SOURCE_DIR) + "/examples/answers/keyvault-tor.json";
  const std::string plan_file = (lab.dir / "plan.json").string();
  {
    const auto planned =
        run_on_cloud(cloud, {"plan", alert, "--answers", answers, "--capture", "-o", "json"});
    INFO(planned.err);
    REQUIRE(planned.exit_code == 0);
    std::ofstream(plan_file) << planned.out;
    // As text, a captured change is shown as what it changes in the target as read.
    const auto text =
        run_on_cloud(cloud, {"plan", alert, "--answers", answers, "--capture", "-o", "text"});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("~ /properties/networkAcls/defaultAction: \"Allow\" → "
                                         "\"Deny\""));
  }

  // apply without --yes: a preview, the run record says what awaits.
  {
    const auto preview = run_on_cloud(cloud, {"apply", plan_file, "-o", "json"});
    INFO(preview.err);
    CHECK(preview.exit_code == 5);
    const auto record = nlohmann::json::parse(preview.out);
    CHECK(record["status"] == "needs-human");
    CHECK_FALSE(record["awaitingConfirmation"].empty());
    CHECK_FALSE(record.contains("case"));
    contract::check_shape("Run record", {record}, false);
    contract::check_shape("Step", steps_of(record), false);
  }

  // Each format in turn: plan, apply --yes, read the case, undo, so that every apply
  // finds the targets as the alert left them (json first: its record is checked closely).
  const auto apply_formats = contract::advertised({"apply"});
  REQUIRE(apply_formats == std::vector<std::string>{"text", "json"});
  REQUIRE(contract::advertised({"undo"}) == apply_formats);
  for (const std::string format : {"json", "text"}) {
    const auto planned =
        run_on_cloud(cloud, {"plan", alert, "--answers", answers, "--capture", "-o", "json"});
    REQUIRE(planned.exit_code == 0);
    std::ofstream(plan_file) << planned.out;
    const std::string case_dir = (lab.dir / ("case-" + format)).string();
    const auto applied = run_checked(cloud, {"apply", plan_file, "--yes", "--case", case_dir},
                                     format, case_dir, "done");
    if (format == "json") {
      CHECK(applied["mode"] == "lab");
      contract::check_shape("Run record", {applied}, false);

      // What reads a case, with every format each advertises.
      const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> readers = {
          {{"report"}, {case_dir}},         {{"case", "show"}, {case_dir}},
          {{"case", "verify"}, {case_dir}}, {{"case", "list"}, {"--root", lab.dir.string()}},
          {{"auth", "status"}, {}},
      };
      for (const auto& [words, arguments] : readers) {
        const auto formats = contract::advertised(words);
        REQUIRE_FALSE(formats.empty());
        for (const auto& read_format : formats) {
          auto args = words;
          args.insert(args.end(), arguments.begin(), arguments.end());
          args.insert(args.end(), {"-o", read_format});
          const auto r = run_on_cloud(cloud, args);
          INFO(words[0] << " -o " << read_format << "\n" << r.err);
          CHECK(r.exit_code == 0);
          contract::check_format(read_format, r.out);
        }
      }

      // undo without --yes and no terminal: nothing is done, and the record says so.
      const auto asked = run_on_cloud(cloud, {"undo", case_dir, "-o", "json"});
      INFO(asked.err);
      CHECK(asked.exit_code == 5);
      const auto waiting = nlohmann::json::parse(asked.out);
      CHECK(waiting["status"] == "needs-human");
      REQUIRE_FALSE(waiting["steps"].empty());
      for (const auto& step : waiting["steps"]) {
        CHECK(step["outcome"] == "awaiting-confirmation");
      }
      contract::check_shape("Undo record", {waiting});
    }
    run_checked(cloud, {"undo", case_dir, "--yes"}, format, case_dir, "undone");
    if (format == "json") {
      // Once undone, nothing is left: still a record, with no steps.
      const auto again = run_on_cloud(cloud, {"undo", case_dir, "--yes", "-o", "json"});
      CHECK(again.exit_code == 0);
      CHECK(nlohmann::json::parse(again.out)["steps"].empty());
    }
  }
}

TEST_CASE("every command that takes -o is in the output contract tests", "[e2e][output]")
{
  // The commands the contract tests drive with each advertised -o value (this file,
  // test_output_contract.cpp, and test_training.cpp for train); lab serve prints its one
  // JSON line and takes no -o.
  const std::set<std::vector<std::string>> covered = {{"show"},
                                                      {"match"},
                                                      {"triage"},
                                                      {"collect"},
                                                      {"plan"},
                                                      {"preflight"},
                                                      {"run"},
                                                      {"apply"},
                                                      {"undo"},
                                                      {"report"},
                                                      {"case", "list"},
                                                      {"case", "show"},
                                                      {"case", "verify"},
                                                      {"auth", "status"},
                                                      {"playbooks", "list"},
                                                      {"playbooks", "show"},
                                                      {"playbooks", "validate"},
                                                      {"playbooks", "coverage"},
                                                      {"playbooks", "actions"},
                                                      {"playbooks", "role"},
                                                      {"train", "list"},
                                                      {"train", "start"},
                                                      {"train", "score"},
                                                      {"version"}};
  const auto leaves = contract::leaf_commands();
  REQUIRE(leaves.size() > 15);
  for (const auto& words : leaves) {
    if (!contract::advertised(words).empty()) {
      INFO("dftriage " << words[0] << (words.size() > 1 ? " " + words[1] : "")
                       << " takes -o but no contract test drives it");
      CHECK(covered.count(words) == 1);
    }
  }
}

TEST_CASE("preflight gives valid output for every -o value, in the documented shape",
          "[e2e][output][lab]")
{
  dftriage::test::served::ServedLab lab("output-preflight");
  const std::string alert = std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/keyvault-tor.json";
  const std::string answers =
      std::string(DFTRIAGE_SOURCE_DIR) + "/examples/answers/keyvault-tor.json";
  for (const auto& format : contract::advertised({"preflight"})) {
    const auto r =
        run_on_cloud(lab.cloud_file, {"preflight", alert, "--answers", answers, "-o", format});
    INFO("preflight -o " << format << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    contract::check_format(format, r.out);
    if (format == "json") {
      const auto list = nlohmann::json::parse(r.out);
      REQUIRE(list.size() == 1);
      contract::check_shape("Preflight", {list[0]});
      contract::check_shape("Permission check",
                            {list[0]["checks"].begin(), list[0]["checks"].end()});
    }
  }
}
