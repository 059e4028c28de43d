// End-to-end: `dftriage collect` over the example queue on a served lab: every incident's
// reads into a case of its own within a read budget, no 429 reaching a case, cases that
// `run --case` continues; a collect killed with SIGKILL and run again reads nothing twice;
// shards that cover every incident once; bad options and bad input; what it says on stderr
// in Chinese with --lang zh-CN.

#include "dftriage/queue/triage.hpp"
#include "dftriage/util/sha256.hpp"
#include "e2e/output_contract.hpp"
#include "support/served_lab.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace dftriage::test;
using namespace dftriage::test::served;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_col_queue = k_source + "/examples/queue/az-alert-list.json";
const std::string k_col_subscription = "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";

std::vector<Json> col_entries(const std::string& case_dir)
{
  std::vector<Json> out;
  for (const auto& line : lines_of(read_file(case_dir + "/journal.jsonl"))) {
    if (!line.empty()) {
      out.push_back(Json::parse(line));
    }
  }
  return out;
}

// The case folders under `root`, by name.
std::set<std::string> col_cases(const std::string& root)
{
  std::set<std::string> out;
  if (std::filesystem::exists(root)) {
    for (const auto& e : std::filesystem::directory_iterator(root)) {
      out.insert(e.path().filename().string());
    }
  }
  return out;
}

// The incidents `dftriage triage` makes of `args`.
std::set<std::string> col_triaged(std::vector<std::string> args)
{
  args.insert(args.begin(), {k_bin, "triage"});
  args.insert(args.end(), {"-o", "json"});
  const auto r = run_process(args);
  REQUIRE(r.exit_code == 0);
  std::set<std::string> out;
  for (const auto& incident : Json::parse(r.out)) {
    out.insert(incident["incident"].get<std::string>());
  }
  return out;
}

// The lab's answered GETs (a 429 is not an answer) per URL, and how many 429s it sent.
std::pair<std::map<std::string, int>, int> col_lab_reads(const ServedLab& lab)
{
  std::map<std::string, int> reads;
  int throttled = 0;
  for (const auto& line : lines_of(read_file((lab.dir / "record.ndjson").string()))) {
    const auto pair = Json::parse(line);
    const std::string status = pair["liveResponse"].value("statusCode", "");
    if (status == "429") {
      ++throttled;
    } else if (pair["liveRequest"]["method"] == "GET") {
      ++reads[pair["liveRequest"]["url"].get<std::string>()];
    }
  }
  return {reads, throttled};
}

// Reads journaled as answered (or failed) in `entries` from entry `from` on, per URL.
std::map<std::string, int> col_journaled_reads(const std::vector<Json>& entries,
                                               std::size_t from = 0)
{
  std::map<std::string, int> out;
  for (std::size_t i = from; i < entries.size(); ++i) {
    const std::string event = entries[i]["event"];
    if (event == "response.received" || event == "request.failed") {
      ++out[entries[i]["url"].get<std::string>()];
    }
  }
  return out;
}

// The records of `collect -o json`, as the output contract checks them.
std::vector<nlohmann::json> col_records(const std::string& out)
{
  const auto list = nlohmann::json::parse(out);
  return {list.begin(), list.end()};
}

// "N throttled waits" of the summary line on stderr.
int col_waits(const std::string& err)
{
  std::smatch m;
  REQUIRE(std::regex_search(err, m, std::regex("([0-9]+) throttled waits?")));
  return std::stoi(m[1].str());
}

} // namespace

TEST_CASE("collect fills a case per incident within a small read budget, and no 429 reaches one",
          "[e2e][collect]")
{
  // The lab allows 20 reads a second per subscription and also throttles the first reads
  // of the activity log five times running (more than the client's own four sends).
  std::vector<std::string> faults;
  for (int n = 1; n <= 5; ++n) {
    faults.push_back("429:GET:" + std::to_string(n) +
                     ":path=/providers/Microsoft.Insights/eventtypes:retry-after=1");
  }
  ServedLab lab("collect-budget", faults, k_col_queue, "0", {"--read-budget", "20/s"});
  const std::string root = (lab.dir / "cases").string();
  const auto r = lab.run({"collect", k_col_queue, "--cases", root, "--read-budget", "20/s",
                          "--jobs", "4", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto records = col_records(r.out);
  contract::check_shape("Collect record", records);
  const auto incidents = col_triaged({k_col_queue});
  REQUIRE(records.size() == incidents.size());
  CHECK(col_cases(root) == incidents);
  for (const auto& record : records) {
    INFO(record.dump());
    CHECK(record["status"] == "collected");
    CHECK(record["failed"] == 0);
    CHECK(record["reads"].get<int>() > 3);
    CHECK(record["case"] == root + "/" + record["incident"].get<std::string>());
  }

  // The budget mattered: the lab throttled, and collect waited.
  CHECK(col_lab_reads(lab).second >= 5);
  CHECK(col_waits(r.err) > 0);

  for (const auto& record : records) {
    const std::string dir = record["case"];
    INFO(dir);
    const auto entries = col_entries(dir);
    for (const auto& e : entries) {
      CHECK(e.value("status", 0) != 429); // no answer journaled is a 429
      CHECK(e["event"] != "request.failed");
      CHECK(e["event"] != "step.failed");
      if (e["event"] == "step.entered" && e.contains("reversibility")) {
        CHECK(e["reversibility"] == "read-only"); // nothing else is carried out
      }
    }
    // Opened as run opens a case, said to be collected, and not closed.
    const auto& opened = entries.front();
    CHECK(opened["event"] == "case.opened");
    CHECK(opened["collect"] == true);
    CHECK(opened["mode"] == "lab");
    CHECK(opened["subscriptions"] == Json::array({k_col_subscription}));
    CHECK(opened["alertSha256"] == dftriage::sha256_hex(read_file(dir + "/alert.json")));
    const auto alerts = Json::parse(read_file(dir + "/alert.json"));
    if (record["alerts"] == 1) {
      CHECK(alerts.is_object());
      CHECK_FALSE(opened.contains("incident"));
    } else {
      CHECK(alerts.size() == record["alerts"]);
      CHECK(opened["incident"]["id"] == record["incident"].get<std::string>());
    }
    CHECK(entries.back()["event"] == "collect.finished");
    CHECK(entries.back()["reads"] == record["reads"].get<int>());
    const auto verified = lab.run({"case", "verify", dir});
    INFO(verified.out << verified.err);
    CHECK(verified.exit_code == 0);
  }

  // An analyst continues a case: its reads are not sent again (a change's pre-image is
  // read, as always before a change), the rest waits for a person.
  const std::string dir = root + "/INC-67824da8e1eb";
  const auto collected = col_entries(dir);
  const auto resumed = lab.run({"run", "--case", dir, "--non-interactive", "-o", "json"});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 5);
  const auto walked = Json::parse(resumed.out)[0];
  CHECK(walked["status"] == "needs-human");
  std::set<std::string> earlier;
  for (const auto& step : walked["steps"]) {
    if (step["outcome"] == "done-earlier") {
      earlier.insert(step["id"].get<std::string>());
    }
  }
  const auto leading = std::find_if(records.begin(), records.end(), [](const auto& c) {
    return c["incident"] == "INC-67824da8e1eb";
  });
  REQUIRE(leading != records.end());
  CHECK(earlier.size() == (*leading)["reads"].get<std::size_t>());
  const auto continued = col_entries(dir);
  REQUIRE(continued.size() > collected.size());
  CHECK(continued[collected.size()]["event"] == "case.resumed");
  for (std::size_t i = collected.size(); i < continued.size(); ++i) {
    if (continued[i]["event"] == "request.sent") {
      CHECK(earlier.count(continued[i]["step"].get<std::string>()) == 0);
    }
  }

  // Run again: every case is left as it is; each output format is well-formed.
  for (const std::string format : {"text", "ndjson", "json"}) {
    const auto again =
        lab.run({"collect", k_col_queue, "--cases", root, "--read-budget", "20/s", "-o", format});
    INFO(format << "\n" << again.err);
    CHECK(again.exit_code == 0);
    contract::check_format(format, again.out);
    if (format == "json") {
      for (const auto& record : col_records(again.out)) {
        CHECK(record["status"] == "skipped");
      }
    }
  }
}

TEST_CASE("collect killed with SIGKILL goes on when run again, and reads nothing twice",
          "[e2e][collect]")
{
  ServedLab lab("collect-kill", {}, k_col_queue, "0", {"--read-budget", "10/s"});
  const std::string root = (lab.dir / "cases").string();
  const std::vector<std::string> args = {k_bin,           "collect", k_col_queue, "--cases", root,
                                         "--read-budget", "10/s",    "-o",        "json"};
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setenv("DFTRIAGE_CLOUD", lab.cloud_file.c_str(), 1);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (const auto& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // Killed once a case holds a finished read and before the queue is done.
  const auto has_read = [&] {
    for (const auto& name : col_cases(root)) {
      if (read_file(root + "/" + name + "/journal.jsonl").find("\"step.done\"") !=
          std::string::npos) {
        return true;
      }
    }
    return false;
  };
  for (int i = 0; i < 1000 && !has_read(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(has_read());
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the lab records its last answers

  std::map<std::string, std::vector<Json>> killed;
  std::size_t finished_before = 0;
  for (const auto& name : col_cases(root)) {
    killed[name] = col_entries(root + "/" + name);
    finished_before += killed[name].back()["event"] == "collect.finished" ? 1 : 0;
  }
  REQUIRE(finished_before < col_triaged({k_col_queue}).size());
  const auto lab_before = col_lab_reads(lab).first;

  const auto r =
      lab.run({"collect", k_col_queue, "--cases", root, "--read-budget", "10/s", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(col_cases(root) == col_triaged({k_col_queue}));
  std::map<std::string, int> journaled_now;
  for (const auto& record : col_records(r.out)) {
    INFO(record.dump());
    CHECK((record["status"] == "collected" || record["status"] == "skipped"));
    const std::string name = record["incident"];
    const auto entries = col_entries(root + "/" + name);
    CHECK(entries.back()["event"] == "collect.finished");
    // The chain holds and every file the journal vouches for matches it. A file written
    // just before the kill and never journaled was set aside (unjournaled/) when collect
    // opened the case again, so the case verifies.
    const auto verified = lab.run({"case", "verify", root + "/" + name, "-o", "json"});
    const auto report = Json::parse(verified.out);
    CHECK(verified.exit_code == 0);
    CHECK(report["ok"] == true);
    for (const auto& f : report["files"]) {
      CHECK((f["status"] == "ok" || f["status"] == "set-aside"));
    }
    // No step the case had finished before the kill is entered again.
    const auto& old = killed[name];
    std::set<std::string> done_before;
    for (const auto& e : old) {
      if (e["event"] == "step.done") {
        done_before.insert(e["step"].get<std::string>());
      }
    }
    for (std::size_t i = old.size(); i < entries.size(); ++i) {
      if (entries[i]["event"] == "request.sent") {
        CHECK(done_before.count(entries[i]["step"].get<std::string>()) == 0);
      }
    }
    for (const auto& [url, n] : col_journaled_reads(entries, old.size())) {
      journaled_now[url] += n;
    }
  }
  // And the lab saw no read beyond those the cases journaled since.
  const auto lab_after = col_lab_reads(lab).first;
  for (const auto& [url, n] : journaled_now) {
    INFO(url);
    const int sent = lab_after.at(url) - (lab_before.count(url) > 0 ? lab_before.at(url) : 0);
    CHECK(sent == n);
  }
}

TEST_CASE("collect's shards together hold every incident of the queue once", "[e2e][collect]")
{
  // The example queue in three subscriptions, each its own shard of three.
  const std::vector<std::string> subscriptions = {k_col_subscription,
                                                  "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a01",
                                                  "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a02"};
  std::set<std::size_t> shards;
  for (const auto& s : subscriptions) {
    shards.insert(dftriage::queue::shard_of(s, 3));
  }
  REQUIRE(shards.size() == 3);
  TempDir input("collect-shards-input");
  std::string body = read_file(k_col_queue);
  body = body.substr(body.find('[') + 1, body.rfind(']') - body.find('[') - 1);
  std::string queue = "[" + body;
  for (std::size_t k = 1; k < subscriptions.size(); ++k) {
    std::string copy = std::regex_replace(body, std::regex(k_col_subscription), subscriptions[k]);
    copy = std::regex_replace(copy, std::regex("2517138462"), "25171385" + std::to_string(k) + "0");
    copy =
        std::regex_replace(copy, std::regex("3b2c1d0e-9f8a"), "3b2c1d0e-9f8" + std::to_string(k));
    queue += "," + copy;
  }
  const std::string file = input / "queue.json";
  write_file(file, queue + "]");
  ServedLab lab("collect-shards", {}, file);

  const auto all = col_triaged({file});
  REQUIRE(all.size() == 15);
  std::set<std::string> union_of;
  for (int k = 1; k <= 3; ++k) {
    const std::string root = (lab.dir / ("shard-" + std::to_string(k))).string();
    const auto r = lab.run(
        {"collect", file, "--cases", root, "--shard", std::to_string(k) + "/3", "-o", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto cases = col_cases(root);
    CHECK_FALSE(cases.empty());
    CHECK(col_records(r.out).size() == cases.size());
    for (const auto& name : cases) {
      CHECK(union_of.insert(name).second); // in no other shard
    }
  }
  CHECK(union_of == all);
}

TEST_CASE("collect refuses bad options naming them, and collects nothing of a bad file",
          "[e2e][collect]")
{
  TempDir dir("collect-bad");
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--jobs", "0"}, "--jobs: expected a number of incidents at once from 1 to 64, got \"0\""},
      {{"--jobs", "many"}, "--jobs:"},
      {{"--read-budget", "5"}, "--read-budget: expected reads per subscription as N/h"},
      {{"--read-budget", "0/s"}, "--read-budget: N must be from 1"},
      {{"--shard", "4/3"}, "--shard: expected K/N with 1 <= K <= N"},
      {{"--window", "soon"}, "--window:"},
      {{"--status", "open"}, "--status: unknown status \"open\""},
      {{"--family", "sql"}, "--family: unknown family \"sql\""},
      {{"-o", "table"}, "table"},
  };
  for (const auto& [options, message] : bad) {
    std::vector<std::string> args = {k_bin, "collect", k_col_queue, "--cases", dir / "cases"};
    args.insert(args.end(), options.begin(), options.end());
    const auto r = run_process(args, {}, {{"DFTRIAGE_CLOUD", ""}});
    INFO(options[0] << " " << options[1] << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(message));
    CHECK(col_cases(dir / "cases").empty());
  }

  // A file cut short: its alerts are not collected; the good file's incident is.
  ServedLab lab("collect-bad-input", {}, k_dns_alert);
  const std::string cut = dir / "cut.json";
  const std::string whole = read_file(k_col_queue);
  write_file(cut, whole.substr(0, whole.size() / 2)); // four alerts, then a syntax error
  const std::string root = dir / "cases";
  const auto r = lab.run({"collect", k_dns_alert, cut, "--cases", root, "-o", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("cut.json:"));
  CHECK_THAT(r.err, Catch::Contains("INC-67824da8e1eb: not collected: "));
  const auto good = col_triaged({k_dns_alert});
  REQUIRE(good.size() == 1);
  CHECK(col_cases(root) == good);
  for (const auto& record : col_records(r.out)) {
    CHECK(good.count(record["incident"].get<std::string>()) == 1);
  }
}

TEST_CASE("collect shows its progress at a terminal and a summary off one", "[e2e][collect]")
{
  ServedLab lab("collect-progress", {}, k_col_queue);
  const std::string root = (lab.dir / "cases").string();
  const auto tty = run_in_pty({k_bin, "collect", k_col_queue, "--cases", root, "--jobs", "2"},
                              {{"DFTRIAGE_CLOUD", lab.cloud_file}, {"NO_COLOR", "1"}});
  INFO(tty.out);
  CHECK(tty.exit_code == 0);
  CHECK_THAT(tty.out, Catch::Contains("/5 incidents, "));
  CHECK_THAT(tty.out, Catch::Contains("\x1b[K")); // drawn in place, and erased
  CHECK_THAT(tty.out, Catch::Contains("INC-67824da8e1eb  " + root + "/INC-67824da8e1eb  "));

  const auto piped = lab.run({"collect", k_col_queue, "--cases", root, "-o", "ndjson"});
  CHECK(piped.exit_code == 0);
  CHECK(lines_of(piped.out).size() == 5);
  CHECK(piped.err.find("\x1b[K") == std::string::npos);
  CHECK(lines_of(piped.err).size() == 1);
  CHECK_THAT(piped.err, Catch::Contains("dftriage: collect: 5 of 5 incidents (5 skipped)"));
}

TEST_CASE("collect --lang zh-CN speaks Chinese to people, and its JSON records stay English",
          "[e2e][collect]")
{
  // The activity log refuses every read, so that each incident that reads it ends failed.
  ServedLab lab("collect-zh", {"403:GET:path=/providers/Microsoft.Insights/eventtypes"},
                k_col_queue);
  const std::string root = (lab.dir / "cases").string();
  const auto tty =
      run_in_pty({k_bin, "collect", k_col_queue, "--cases", root, "--jobs", "2", "--lang", "zh-CN"},
                 {{"DFTRIAGE_CLOUD", lab.cloud_file}, {"NO_COLOR", "1"}});
  INFO(tty.out);
  CHECK(tty.exit_code == 4);
  // The progress line, drawn in place and erased, with an estimate once an incident is done.
  CHECK_THAT(tty.out, Catch::Contains("\x1b[K"));
  CHECK_THAT(tty.out, Catch::Contains("/5，请求 "));
  CHECK_THAT(tty.out, Catch::Contains(" 次，限流等待 "));
  CHECK_THAT(tty.out, Catch::Contains("，预计还需约 "));
  CHECK_THAT(tty.out, Catch::Contains("dftriage: collect：事件 5/5，其中"));
  CHECK_THAT(tty.out, Catch::Contains("读取失败（failed）"));
  CHECK_THAT(tty.out, Catch::Contains("项读取失败（原因见案例）；再次运行 collect 即可重试"));
  // A line about an incident is never written onto the progress line.
  CHECK(!std::regex_search(tty.out, std::regex("次[^\r\n]*dftriage: INC-")));
  CHECK(tty.out.find(" incidents") == std::string::npos);
  CHECK(tty.out.find("throttled") == std::string::npos);
  // A line per incident for people (-o text at a terminal), in Chinese too.
  CHECK(
      std::regex_search(tty.out, std::regex("INC-[0-9a-f]+  \\S+  读取 [0-9]+ 项，失败 [1-9][0-9]* "
                                            "项  读取失败（failed）\r?\n")));

  // Off a terminal: no progress line; at -v a line per incident; the summary.
  const auto piped =
      lab.run({"collect", k_col_queue, "--cases", root, "--lang", "zh-CN", "-o", "ndjson", "-v"});
  INFO(piped.err);
  CHECK(piped.exit_code == 4);
  CHECK(piped.err.find("\x1b[K") == std::string::npos);
  std::size_t failed = 0;
  for (const auto& line : lines_of(piped.out)) {
    const auto record = Json::parse(line);
    CHECK((record["status"] == "failed" || record["status"] == "skipped"));
    failed += record["status"] == "failed" ? 1 : 0;
  }
  REQUIRE(failed > 0);
  CHECK_THAT(piped.err, Catch::Contains("：读取失败（failed），读取 "));
  CHECK_THAT(piped.err, Catch::Contains("：读取失败（failed）：有 "));
  CHECK_THAT(piped.err, Catch::Contains("dftriage: collect：事件 5/5，其中读取失败（failed）" +
                                        std::to_string(failed) + " 个"));
  CHECK_THAT(piped.err, Catch::Contains("；请求 "));
  CHECK(piped.err.find("dftriage: collect: ") == std::string::npos);

  // In English, the same lines as before --lang.
  const auto english = lab.run({"collect", k_col_queue, "--cases", root, "-o", "json"});
  INFO(english.err);
  CHECK(english.exit_code == 4);
  CHECK_THAT(english.err, Catch::Contains(": failed: "));
  CHECK_THAT(english.err, Catch::Contains(" of its reads failed (the case says why); "
                                          "collect again to try them again"));
  CHECK_THAT(english.err, Catch::Contains("dftriage: collect: 5 of 5 incidents ("));
}
