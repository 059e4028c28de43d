// End-to-end: the output contract of docs/OUTPUT.md. Every -o value a command's help
// advertises gives valid output; stdout stays valid JSON (or empty) when a JSON command
// fails; and the JSON shapes hold exactly the fields the page lists.

#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

using dftriage::test::run_process;
using Json = nlohmann::json;

namespace {

const std::string k_bin = DFTRIAGE_BINARY;
const std::string k_source = DFTRIAGE_SOURCE_DIR;
const std::string k_alerts = k_source + "/examples/alerts/";
const std::string k_answers = k_source + "/examples/answers/";

dftriage::test::ProcessResult dftriage_run(std::vector<std::string> args)
{
  args.insert(args.begin(), k_bin);
  return run_process(args, {}, {{"NO_COLOR", "1"}, {"DFTRIAGE_NOW", "2026-12-01T10:00:00Z"}});
}

std::vector<std::string> split(const std::string& s, char by)
{
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, by)) {
    out.push_back(part);
  }
  return out;
}

// The -o values `dftriage help WORDS…` advertises.
std::vector<std::string> advertised(const std::vector<std::string>& words)
{
  std::vector<std::string> help{"help"};
  help.insert(help.end(), words.begin(), words.end());
  const auto out = dftriage_run(help).out;
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("-o,--output ([a-z|]+)")));
  return split(m[1].str(), '|');
}

// Checks that `out` is well-formed output of `format`.
void check_format(const std::string& format, const std::string& out)
{
  INFO("format " << format << ", output:\n" << out);
  REQUIRE_FALSE(out.empty());
  if (format == "json") {
    CHECK_NOTHROW(Json::parse(out));
  } else if (format == "ndjson") {
    for (const auto& line : split(out, '\n')) {
      CHECK_NOTHROW(Json::parse(line));
    }
  } else if (format == "tsv") {
    std::size_t fields = 0;
    for (const auto& line : split(out, '\n')) {
      const auto n = split(line + "\t", '\t').size();
      CHECK(n > 1);
      CHECK((fields == 0 || n == fields));
      fields = n;
    }
  } else if (format == "table") {
    const auto lines = split(out, '\n');
    REQUIRE(lines.size() >= 2);
    CHECK(std::regex_match(lines[0], std::regex("[A-Z #]+"))); // the header
    CHECK(std::regex_match(lines[1], std::regex("[- ]+")));
  } else {
    CHECK(out.back() == '\n'); // text, md: lines
  }
}

// The keys docs/OUTPUT.md lists under `### heading`: (required, optional).
std::pair<std::set<std::string>, std::set<std::string>> documented(const std::string& heading)
{
  std::ifstream in(k_source + "/docs/OUTPUT.md");
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) {
      in_section = line == "### " + heading;
    } else if (in_section && line.rfind("Keys: ", 0) == 0) {
      std::set<std::string> required;
      std::set<std::string> optional;
      const std::regex key("`([A-Za-z]+)([?]?)`");
      for (std::sregex_iterator it(line.begin(), line.end(), key), end; it != end; ++it) {
        ((*it)[2].length() > 0 ? optional : required).insert((*it)[1].str());
      }
      return {required, optional};
    }
  }
  FAIL("docs/OUTPUT.md has no Keys line under ### " << heading);
  return {};
}

// Checks that every object of `objects` holds every required key of `heading`, nothing
// undocumented, and that each optional key turns up somewhere.
void check_shape(const std::string& heading, const std::vector<Json>& objects,
                 bool expect_every_optional = true)
{
  INFO("shape " << heading);
  REQUIRE_FALSE(objects.empty());
  const auto [required, optional] = documented(heading);
  std::set<std::string> seen;
  for (const auto& object : objects) {
    REQUIRE(object.is_object());
    for (const auto& key : required) {
      INFO(object.dump().substr(0, 300));
      CHECK(object.contains(key));
    }
    for (const auto& [key, value] : object.items()) {
      INFO("key " << key);
      CHECK((required.count(key) + optional.count(key)) == 1);
      seen.insert(key);
    }
  }
  if (expect_every_optional) {
    for (const auto& key : optional) {
      INFO("optional key never seen: " << key);
      CHECK(seen.count(key) == 1);
    }
  }
}

} // namespace

TEST_CASE("every -o value a command advertises gives valid output", "[e2e][output]")
{
  // The command's words (for help), then its arguments.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{"show"}, {k_alerts + "mixed.ndjson"}},
      {{"match"}, {k_alerts + "mixed.ndjson"}},
      {{"plan"}, {k_alerts + "keyvault-tor.json"}},
      {{"run"},
       {k_alerts + "keyvault-tor.json", "--dry-run", "--non-interactive", "--answers",
        k_answers + "keyvault-tor.json"}},
      {{"playbooks", "list"}, {}},
      {{"playbooks", "show"}, {"dns"}},
      {{"playbooks", "validate"}, {}},
      {{"playbooks", "coverage"}, {}},
      {{"playbooks", "actions"}, {}},
      {{"version"}, {}},
  };
  for (const auto& [words, arguments] : commands) {
    auto command = words;
    command.insert(command.end(), arguments.begin(), arguments.end());
    for (const auto& format : advertised(words)) {
      auto args = command;
      args.insert(args.end(), {"-o", format});
      const auto r = dftriage_run(args);
      INFO(words[0] << " -o " << format << "\n" << r.err);
      CHECK(r.exit_code == 0);
      check_format(format, r.out);
    }
  }
}

TEST_CASE("in JSON mode a failure leaves stdout valid JSON or empty", "[e2e][output]")
{
  const std::vector<std::vector<std::string>> failing = {
      {"show", "/nonexistent.json", "-o", "json"},
      {"match", "/nonexistent.json", "-o", "json"},
      {"plan", "/nonexistent.json", "-o", "json"},
      {"plan", "/nonexistent.json", "-o", "ndjson"},
      {"playbooks", "show", "nope", "-o", "json"},
      {"playbooks", "validate", "/nonexistent.json", "-o", "json"},
      {"report", "/nonexistent-case", "-o", "json"},
      {"case", "verify", "/nonexistent-case", "-o", "json"},
  };
  for (const auto& args : failing) {
    const auto r = dftriage_run(args);
    INFO(args[0] << " " << args[1] << "\n" << r.out << r.err);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("dftriage: error: "));
    if (!r.out.empty()) {
      CHECK_NOTHROW(Json::parse(r.out));
    }
  }
}

TEST_CASE("plan, step, action and request hold the fields docs/OUTPUT.md lists", "[e2e][output]")
{
  const auto planned =
      dftriage_run({"plan", k_alerts + "keyvault-tor.json", k_alerts + "dns-darkweb.json",
                    k_alerts + "arm-microburst-export.json", "-o", "json"});
  REQUIRE(planned.exit_code == 0);
  const auto plans = Json::parse(planned.out);
  std::vector<Json> plan_objects;
  std::vector<Json> steps;
  std::vector<Json> actions;
  std::vector<Json> requests;
  for (const auto& plan : plans) {
    plan_objects.push_back(plan);
    for (const auto& step : plan["steps"]) {
      steps.push_back(step);
      if (step["action"].is_object()) {
        actions.push_back(step["action"]);
        for (const auto* list : {"preImage", "requests"}) {
          for (const auto& r : step["action"][list]) {
            requests.push_back(r);
          }
        }
      }
    }
  }
  check_shape("Plan", plan_objects);
  check_shape("Step", steps, false);     // outcome, message: a walk's
  check_shape("Action", actions, false); // captured: with --capture only
  check_shape("Request", requests, false);

  const auto walked =
      dftriage_run({"run", k_alerts + "keyvault-tor.json", "--dry-run", "--non-interactive",
                    "--answers", k_answers + "keyvault-tor.json", "-o", "json"});
  const auto records = Json::parse(walked.out);
  std::vector<Json> record_objects;
  std::vector<Json> walked_steps;
  for (const auto& record : records) {
    record_objects.push_back(record);
    for (const auto& step : record["steps"]) {
      walked_steps.push_back(step);
      CHECK(step.contains("outcome"));
    }
  }
  check_shape("Run record", record_objects, false); // case, mode, needs: a kept case's
  check_shape("Step", walked_steps, false);

  const auto matched = dftriage_run({"match", k_alerts + "mixed.ndjson", "-o", "json"});
  std::vector<Json> matches;
  for (const auto& m : Json::parse(matched.out)) {
    matches.push_back(m);
  }
  check_shape("Match", matches);
}

TEST_CASE("positions are the same in plan and run, and never change", "[e2e][output]")
{
  const auto planned =
      Json::parse(dftriage_run({"plan", k_alerts + "keyvault-tor.json", "--answers",
                                k_answers + "keyvault-tor.json", "-o", "json"})
                      .out)[0];
  std::map<std::string, std::string> position;
  for (const auto& step : planned["steps"]) {
    position[step["id"]] = step["position"];
  }
  const auto walked = Json::parse(
      dftriage_run({"run", k_alerts + "keyvault-tor.json", "--dry-run", "--non-interactive",
                    "--answers", k_answers + "keyvault-tor.json", "-o", "json"})
          .out)[0];
  for (const auto& step : walked["steps"]) {
    INFO(step["id"]);
    CHECK(step["position"] == position[step["id"]]);
  }
  // Every phase's positions run 1..M with one M.
  std::map<std::string, std::set<std::string>> totals;
  for (const auto& step : planned["steps"]) {
    const auto p = step["position"].get<std::string>();
    totals[step["phase"]].insert(p.substr(p.find('/') + 1));
  }
  for (const auto& [phase, t] : totals) {
    INFO(phase);
    CHECK(t.size() == 1);
  }
}
