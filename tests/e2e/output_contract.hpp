#pragma once

// The output contract's checks (docs/OUTPUT.md), shared by the contract tests: the -o
// values a command's help advertises, whether output is well-formed for its format, and
// whether JSON objects hold exactly the keys the page lists.

#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace dftriage::test::contract {

using Json = nlohmann::json;

inline const std::string k_contract_bin = DFTRIAGE_BINARY;
inline const std::string k_contract_source = DFTRIAGE_SOURCE_DIR;

// Runs dftriage without colour at a fixed time; `env` adds to (or blanks) the environment.
inline ProcessResult run_dftriage_plain(std::vector<std::string> args,
                                        std::map<std::string, std::string> env = {})
{
  args.insert(args.begin(), k_contract_bin);
  env.emplace("NO_COLOR", "1");
  env.emplace("DFTRIAGE_NOW", "2026-12-01T10:00:00Z");
  return run_process(args, {}, env);
}

inline std::vector<std::string> split(const std::string& s, char by)
{
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, by)) {
    out.push_back(part);
  }
  return out;
}

// The -o values `dftriage help WORDS…` advertises (none when it takes no -o).
inline std::vector<std::string> advertised(const std::vector<std::string>& words)
{
  std::vector<std::string> help{"help"};
  help.insert(help.end(), words.begin(), words.end());
  const auto out = run_dftriage_plain(help).out;
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("-o,--output ([a-z|]+)"))) {
    return {};
  }
  return split(m[1].str(), '|');
}

// Every command (as its words) that `dftriage help` reaches, leaves only: those with no
// subcommands of their own. `help` itself is left out.
inline std::vector<std::vector<std::string>>
leaf_commands(const std::vector<std::string>& words = {})
{
  std::vector<std::string> help{"help"};
  help.insert(help.end(), words.begin(), words.end());
  const auto lines = split(run_dftriage_plain(help).out, '\n');
  std::vector<std::vector<std::string>> out;
  bool in_list = false;
  bool has_subcommands = false;
  const std::regex entry("  ([a-z][a-z-]*)  +.*");
  for (const auto& line : lines) {
    if (line == "Subcommands:") {
      in_list = true;
      continue;
    }
    std::smatch m;
    if (in_list && std::regex_match(line, m, entry)) {
      has_subcommands = true;
      if (m[1].str() != "help") {
        auto sub = words;
        sub.push_back(m[1].str());
        const auto leaves = leaf_commands(sub);
        out.insert(out.end(), leaves.begin(), leaves.end());
      }
    } else if (in_list && line.empty()) {
      in_list = false;
    }
  }
  if (!has_subcommands && !words.empty()) {
    out.push_back(words);
  }
  return out;
}

// Checks that `out` is well-formed output of `format`.
inline void check_format(const std::string& format, const std::string& out)
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
inline std::pair<std::set<std::string>, std::set<std::string>>
documented(const std::string& heading)
{
  std::ifstream in(k_contract_source + "/docs/OUTPUT.md");
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
inline void check_shape(const std::string& heading, const std::vector<Json>& objects,
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

} // namespace dftriage::test::contract
