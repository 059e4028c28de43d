// End-to-end: `dftriage triage` as a pipeline and a person use it.

#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using namespace dftriage::test;

namespace {

const std::string k_triage_queue = k_source + "/examples/queue/";

ProcessResult run_triage(std::vector<std::string> args, const std::string& input = {})
{
  args.insert(args.begin(), {k_bin, "triage"});
  return run_process(args, input, {{"NO_COLOR", ""}});
}

std::vector<std::string> triage_queue_files()
{
  return {k_triage_queue + "az-alert-list.json", k_triage_queue + "continuous-export.ndjson",
          k_triage_queue + "sentinel-rows.json"};
}

std::string triage_slurp(const std::string& path)
{
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first line of `out`: a table's header.
std::string triage_header_line(const std::string& out)
{
  return out.substr(0, out.find('\n'));
}

} // namespace

TEST_CASE("triage reads az's list on standard input and prints incidents as JSON", "[e2e][triage]")
{
  const auto r =
      run_triage({"-", "-o", "json"}, triage_slurp(k_triage_queue + "az-alert-list.json"));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto incidents = nlohmann::json::parse(r.out);
  REQUIRE(incidents.size() == 5);
  const auto& first = incidents[0];
  CHECK(first["incident"].get<std::string>().rfind("INC-", 0) == 0);
  CHECK(first["rank"] == 1);
  CHECK(first["family"] == "keyvault");
  CHECK(first["playbook"] == "keyvault");
  CHECK(first["alertCount"] == 3);
  CHECK(first["grouping"]["groupBy"] == nlohmann::json::array({"resource"}));
  CHECK(first["grouping"]["windowSeconds"] == 86400);
  CHECK(first["alerts"][0]["source"]["file"] == "-");
}

TEST_CASE("triage output is the same bytes whatever order the files come in", "[e2e][triage]")
{
  auto files = triage_queue_files();
  auto a = run_triage({files[0], files[1], files[2], "-o", "ndjson"});
  auto b = run_triage({files[2], files[1], files[0], "-o", "ndjson"});
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  // Which copy is kept (and so the source it names) may differ; nothing else does.
  const auto strip = [](const std::string& out) {
    std::string lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      for (auto& alert : j["alerts"]) {
        alert.erase("source");
      }
      lines += j.dump() + "\n";
    }
    return lines;
  };
  CHECK(strip(a.out) == strip(b.out));
  const auto c = run_triage({files[0], files[1], files[2], "-o", "ndjson"});
  CHECK(c.out == a.out);
}

TEST_CASE("triage -o text and table for people, in English and Chinese", "[e2e][triage]")
{
  auto args = triage_queue_files();
  args.insert(args.end(), {"-o", "text"});
  const auto en = run_triage(args);
  CHECK(en.exit_code == 0);
  CHECK(en.out.find("#1 INC-") == 0);
  // Wrapped to the width of a pipe's 88 columns, under its label.
  CHECK(en.out.find("    grouped:   same resource; tied by callerObjectId "
                    "d3b07384-d9a0-4c1e-8f4b-2a6e5c7d8e9f (2\n               alerts), callerIp "
                    "185.220.101.47 (2 alerts)") != std::string::npos);
  CHECK(en.out.find("12 alert(s) read, 2 duplicate(s) dropped, 0 left out by filters: 5 "
                    "incident(s)") != std::string::npos);
  args.insert(args.end(), {"--lang", "zh-CN"});
  const auto zh = run_triage(args);
  CHECK(zh.out.find("分组：") != std::string::npos);
  CHECK(zh.out.find("个事件") != std::string::npos);
  auto table_args = triage_queue_files();
  table_args.insert(table_args.end(), {"-o", "tsv"});
  const auto tsv = run_triage(table_args);
  std::istringstream lines(tsv.out);
  std::string line;
  std::getline(lines, line);
  CHECK(line.rfind("1\tINC-", 0) == 0);
}

TEST_CASE("triage -o table and tsv say which incidents are simulated, tsv in a last column",
          "[e2e][triage]")
{
  auto args = triage_queue_files();
  args.insert(args.end(), {"-o", "tsv"});
  const auto tsv = run_triage(args);
  REQUIRE(tsv.exit_code == 0);
  std::map<std::string, std::vector<std::string>> rows; // incident → fields
  std::istringstream lines(tsv.out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string field; std::getline(cells, field, '\t');) {
      fields.push_back(field);
    }
    REQUIRE(fields.size() == 9);
    rows[fields[1]] = fields;
  }
  // The sample alert of the az list is an incident of its own, ranked last.
  REQUIRE(rows.size() == 5);
  std::size_t simulated = 0;
  for (const auto& [id, fields] : rows) {
    INFO(id);
    CHECK((fields[8] == "true" || fields[8] == "false"));
    simulated += fields[8] == "true" ? 1 : 0;
    // The columns before it are where they were: rank, ID, severity, ..., resource.
    CHECK(fields[0] == std::to_string(std::stoi(fields[0])));
    CHECK(fields[7].find('/') == std::string::npos);
  }
  CHECK(simulated == 1);
  CHECK(rows.at("INC-c6d409c0349c")[8] == "true");
  CHECK(rows.at("INC-c6d409c0349c")[0] == "5");

  args.back() = "table";
  const auto table = run_triage(args);
  REQUIRE(table.exit_code == 0);
  const auto header = triage_header_line(table.out);
  CHECK(header.rfind("RANK  INCIDENT  ", 0) == 0);
  CHECK(header.size() > 9);
  CHECK(header.substr(header.size() - 9) == "SIMULATED");
  const auto last_row = table.out.substr(table.out.rfind('\n', table.out.size() - 2) + 1);
  CHECK(last_row.rfind("5 ", 0) == 0);
  CHECK(last_row.find("INC-c6d409c0349c") != std::string::npos);
  CHECK(last_row.substr(last_row.size() - 4) == "yes\n");
}

TEST_CASE("triage -o table in Chinese has a Chinese header", "[e2e][triage]")
{
  auto args = triage_queue_files();
  args.insert(args.end(), {"-o", "table", "--lang", "zh-CN"});
  const auto r = run_triage(args);
  REQUIRE(r.exit_code == 0);
  const auto header = triage_header_line(r.out);
  CHECK(header.rfind("排名  事件  ", 0) == 0);
  for (const char* word : {"严重性", "状态", "类别", "告警数", "最近出现", "资源", "模拟"}) {
    INFO(word);
    CHECK(header.find(word) != std::string::npos);
  }
  CHECK(header.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos);
  CHECK(r.out.find("  是\n") != std::string::npos); // the simulated incident
  CHECK(r.out.find("  否\n") != std::string::npos);
}

TEST_CASE("DFTRIAGE_LANG stands for --lang when the option is not given", "[e2e][triage]")
{
  auto args = triage_queue_files();
  args.insert(args.begin(), {k_bin, "triage"});
  args.insert(args.end(), {"-o", "table"});
  const auto zh = run_process(args, {}, {{"DFTRIAGE_LANG", "zh-CN"}});
  REQUIRE(zh.exit_code == 0);
  CHECK(triage_header_line(zh.out).rfind("排名  事件  ", 0) == 0);
  auto english = args;
  english.insert(english.end(), {"--lang", "en"});
  const auto en = run_process(english, {}, {{"DFTRIAGE_LANG", "zh-CN"}});
  REQUIRE(en.exit_code == 0);
  CHECK(triage_header_line(en.out).rfind("RANK  INCIDENT  ", 0) == 0);
  const auto bad = run_process(args, {}, {{"DFTRIAGE_LANG", "fr"}});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("DFTRIAGE_LANG") != std::string::npos);
  CHECK(bad.out.empty());
}

TEST_CASE("triage filters: --status, --family, --since, --subscription", "[e2e][triage]")
{
  auto base = triage_queue_files();
  base.insert(base.end(), {"-o", "json"});
  const auto count = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    const auto r = run_triage(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out).size();
  };
  CHECK(count({"--family", "dns"}) == 1);
  CHECK(count({"--family", "keyvault,resource-manager"}) == 4);
  CHECK(count({"--since", "2026-11-27T00:00:00Z"}) == 3);
  CHECK(count({"--status", "in-progress"}) == 1);
  CHECK(count({"--subscription", "00000000-0000-0000-0000-000000000000"}) == 0);
  CHECK(count({"--subscription", "/subscriptions/4C1A2F07-3D5E-4B8A-9F61-2E7D8C0B5A13"}) ==
        count({"--subscription", "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"}));
  CHECK(count({"--subscription", "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13"}) == 5);
  CHECK(count({"--window", "30m", "--family", "dns"}) == 4);
}

TEST_CASE("triage filters choose whole incidents, so plan and run find their IDs", "[e2e][triage]")
{
  const auto files = triage_queue_files();
  const auto incidents = [&](std::vector<std::string> more) {
    auto args = files;
    args.insert(args.end(), more.begin(), more.end());
    args.insert(args.end(), {"-o", "json"});
    const auto r = run_triage(args);
    REQUIRE(r.exit_code == 0);
    std::map<std::string, std::size_t> out; // ID → alerts
    for (const auto& inc : nlohmann::json::parse(r.out)) {
      out[inc["incident"].get<std::string>()] = inc["alertCount"].get<std::size_t>();
    }
    return out;
  };
  const auto whole = incidents({});
  for (const auto& filter :
       std::vector<std::vector<std::string>>{{"--status", "active"},
                                             {"--status", "in-progress"},
                                             {"--since", "2026-11-27T02:00:00Z"},
                                             {"--family", "keyvault", "--status", "active"}}) {
    INFO(filter.front() << " " << filter[1]);
    const auto chosen = incidents(filter);
    CHECK(!chosen.empty());
    for (const auto& [id, alerts] : chosen) {
      INFO(id);
      REQUIRE(whole.count(id) == 1);
      CHECK(whole.at(id) == alerts);
    }
  }
  // The Key Vault attack has an alert in progress (its export copy) and two active: it is
  // one incident of three alerts under --status active, and plan takes its ID.
  const auto active = incidents({"--status", "active"});
  const auto attack =
      std::find_if(active.begin(), active.end(), [](const auto& inc) { return inc.second == 3; });
  REQUIRE(attack != active.end());
  std::vector<std::string> plan = {k_bin, "plan"};
  plan.insert(plan.end(), files.begin(), files.end());
  plan.insert(plan.end(), {"--incident", attack->first, "-o", "json"});
  const auto planned = run_process(plan, {}, {{"NO_COLOR", ""}});
  INFO(planned.err);
  CHECK(planned.exit_code == 0);
}

TEST_CASE("triage refuses a bad option value, naming it and what it expects", "[e2e][triage]")
{
  const auto file = k_triage_queue + "az-alert-list.json";
  for (const auto& [option, value, expected] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--window", "soon", "--window: expected a duration"},
           {"--since", "yesterday", "--since: expected a time"},
           {"--status", "open", "--status: unknown status \"open\""},
           {"--family", "sql", "--family: unknown family \"sql\""},
           {"--shard", "3/2", "--shard: expected K/N"},
           {"--shard", "0/2", "--shard: expected K/N"},
           {"--memory", "12", "--memory: expected a size from 1k up"},
           {"--memory", "10T", "--memory: expected a size from 1k up, in bytes or with k, M or G"},
           {"--subscription", "prod", "--subscription: expected a subscription ID"},
           {"--memory", "lots", "--memory: expected a size"},
       }) {
    const auto r = run_triage({file, option, value});
    INFO(option << " " << value << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(expected) != std::string::npos);
  }
}

TEST_CASE("triage past --memory sorts through TMPDIR, prints the same and leaves nothing there",
          "[e2e][triage]")
{
  TempDir spill("triage-spill");
  auto files = triage_queue_files();
  const auto in_memory = run_triage(files);
  REQUIRE(in_memory.exit_code == 0);
  std::vector<std::string> args = {k_bin, "-v", "triage", "--memory", "1k"};
  args.insert(args.end(), files.begin(), files.end());
  const std::map<std::string, std::string> env = {{"NO_COLOR", ""},
                                                  {"TMPDIR", spill.path.string()}};
  const auto spilled = run_process(args, {}, env);
  INFO(spilled.err);
  CHECK(spilled.exit_code == 0);
  CHECK(spilled.out == in_memory.out);
  CHECK(spilled.err.find("outgrew its memory budget of 1 kB (--memory)") != std::string::npos);
  CHECK(std::filesystem::is_empty(spill.path));

  std::filesystem::permissions(spill.path, std::filesystem::perms::owner_read |
                                               std::filesystem::perms::owner_exec);
  const auto refused = run_process(args, {}, env);
  std::filesystem::permissions(spill.path, std::filesystem::perms::owner_all);
  if (::geteuid() != 0) { // root writes anywhere
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("set TMPDIR to a writable folder") != std::string::npos);
  }
}

TEST_CASE("triage past --memory says so in Chinese under --lang zh-CN", "[e2e][triage]")
{
  TempDir spill("triage-spill-zh");
  std::vector<std::string> args = {k_bin, "-v", "triage", "--memory", "1k", "--lang", "zh-CN"};
  const auto files = triage_queue_files();
  args.insert(args.end(), files.begin(), files.end());
  const auto r = run_process(args, {}, {{"NO_COLOR", ""}, {"TMPDIR", spill.path.string()}});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("triage：队列超出了内存预算 1 kB（--memory），已将 ") != std::string::npos);
  CHECK(r.err.find("个临时文件排序") != std::string::npos);
  CHECK(r.err.find("outgrew") == std::string::npos);
  CHECK(r.err.find("spill files") == std::string::npos);
}

TEST_CASE("triage shards: N machines together see every incident once", "[e2e][triage]")
{
  const auto whole = run_triage({k_triage_queue + "az-alert-list.json", "-o", "json"});
  std::set<std::string> all;
  for (const auto& inc : nlohmann::json::parse(whole.out)) {
    all.insert(inc["incident"].get<std::string>());
  }
  std::multiset<std::string> seen;
  for (int k = 1; k <= 3; ++k) {
    const auto r = run_triage(
        {k_triage_queue + "az-alert-list.json", "--shard", std::to_string(k) + "/3", "-o", "json"});
    REQUIRE(r.exit_code == 0);
    for (const auto& inc : nlohmann::json::parse(r.out)) {
      seen.insert(inc["incident"].get<std::string>());
    }
  }
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == all);
  CHECK(seen.size() == all.size());
}

TEST_CASE("triage reports a malformed file and still ranks the rest", "[e2e][triage]")
{
  const auto r =
      run_triage({"-", k_triage_queue + "az-alert-list.json", "-o", "json"}, "{\"id\": [1,\n");
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("-:") != std::string::npos);
  CHECK(nlohmann::json::parse(r.out).size() == 5);
}

TEST_CASE("triage neutralises hostile alert text on the terminal and in tables", "[e2e][triage]")
{
  // Two alerts of one vault tied by a domain-less, escape-laden caller: every field a
  // line of the text shows comes from the alert.
  const std::string alert =
      R"({"AlertType": "KV_TORAccess\u001b]0;pwned\u0007", "SystemAlertId": "ID", "Severity": "High",
    "Status": "Active\u001b[2J", "StartTimeUtc": "2026-11-27T08:00:00Z",
    "AzureResourceId": "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv\u001b[31m",
    "Entities": [{"Type": "account", "AadUserId": "6c2f8a1e\u001b[8m"}, {"Type": "ip", "Address": "192.0.2.1"}]})";
  std::string input = alert;
  input.replace(input.find("\"ID\""), 4, "\"h1\"");
  std::string second = alert;
  second.replace(second.find("\"ID\""), 4, "\"h2\"");
  input += "\n" + second + "\n";
  for (const char* format : {"text", "table", "tsv"}) {
    const auto r = run_triage({"-", "-o", format}, input);
    INFO(format << ": " << r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\x07') == std::string::npos);
    CHECK(r.err.find('\x1b') == std::string::npos);
  }
}
