// End-to-end: the walk in Chinese, and the DNS and Resource Manager walks to their end
// at a terminal.

#include "support/paths.hpp"
#include "walk_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace dftriage::test;
using namespace dftriage::test::walk;

namespace {

// Drives a walk to its end as a careful responder would: the shown answer at every
// question, Enter after each step, y and a reason for a change that can be undone, n
// for one that cannot, and d for each task. Returns how many of each prompt it met.
std::map<std::string, int> walk_to_the_end(PtySession& pty)
{
  std::map<std::string, int> met;
  while (true) {
    const int seen =
        pty.expect_any({"Carry out this change? [y]es / [n]o / [v]iew in full / b / q / ? > ",
                        "Type yes to carry it out · n: no · v: in full · b · q · ? > ",
                        "Checked off? [d]one / [n]ot done / not [a]pplicable / b / q / ? > ",
                        "q: stop · ? > ", "· b · q · ? > ", "Summary:"});
    INFO(pty.transcript().substr(pty.transcript().size() > 2000 ? pty.transcript().size() - 2000
                                                                : 0));
    REQUIRE(seen >= 0);
    if (seen == 5) {
      return met;
    }
    static const char* k_kinds[] = {"change", "irreversible", "task", "step", "question"};
    ++met[k_kinds[seen]];
    if (seen == 0) {
      pty.send_line("y");
      REQUIRE(pty.expect("Reason, for the case record (b back · q stop) > "));
      pty.send_line("containment during the exercise");
    } else if (seen == 1) {
      pty.send_line("n");
      REQUIRE(pty.expect("Why not? For the case record (Enter: no reason) > "));
      pty.send_line("not during the exercise");
    } else if (seen == 2) {
      pty.send_line("d");
      REQUIRE(pty.expect("Note for the case record (Enter: none · b back · q stop) > "));
      pty.send_line("");
    } else {
      pty.send_line("");
    }
  }
}

} // namespace

TEST_CASE("the walk in zh-CN: every word of ours in Chinese, 是 and 否 accepted", "[e2e][walk]")
{
  TempDir dir("walk-zh");
  PtySession pty({k_bin, "run", k_kv_alert, "--lab", "--case", dir / "case", "--lang", "zh-CN"},
                 k_terminal);
  REQUIRE(pty.expect("案例 "));
  REQUIRE(pty.expect("每个提示都可以用"));
  REQUIRE(pty.expect("[联系 1/"));
  REQUIRE(pty.expect("回车：下一步 · b：返回 · v：查看完整结果 · q：停止 · ? > "));
  pty.send_line("否"); // not a key here: echoed as typed, not escaped to \u5426
  REQUIRE(pty.expect("这里不能用“否”（可用：回车、b、v、q、?）。"));
  REQUIRE(pty.expect("q：停止 · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("q：停止 · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("[对象 ID（GUID）或 UPN]"));
  pty.send_line("");
  REQUIRE(pty.expect("[是/否]（默认：否）"));
  pty.send_line("是"); // yes: the origin is verified, so the walk asks about the caller
  REQUIRE(pty.expect("q：停止 · ? > "));
  pty.send_line("");
  REQUIRE(pty.expect("[是/否]"));
  pty.send_line("也许");
  REQUIRE(pty.expect("未接受"));
  pty.send_line("q");
  REQUIRE(pty.expect("已停止。"));
  REQUIRE(pty.expect("小结："));
  CHECK(pty.finish() == 5);
  const auto& transcript = pty.transcript();
  for (const char* english : {"Enter: next step", "Keys at every prompt", "Stopped.",
                              "Summary:", " matches ", "(report: ", "; resume: "}) {
    CHECK(transcript.find(english) == std::string::npos);
  }
  CHECK(transcript.find("（alertType KV_TORAccess 与 KV_* 匹配）") != std::string::npos);
  CHECK(transcript.find("dftriage: 案例 ") != std::string::npos);
  // The record of the case is in the case's language unless asked otherwise.
  const auto report = run_process({k_bin, "report", dir / "case"});
  CHECK(report.out.find("## 时间线") != std::string::npos);
  CHECK(report.out.find("中的客户端") != std::string::npos);
  CHECK(report.out.find("## Timeline") == std::string::npos);
  CHECK(run_process({k_bin, "report", dir / "case", "--lang", "en"}).out.find("## Timeline") !=
        std::string::npos);
}

TEST_CASE("the DNS and Resource Manager walks at a terminal on the lab to the end", "[e2e][walk]")
{
  TempDir dir("walk-families");
  for (const std::string family : {"dns-darkweb", "arm-microburst-export"}) {
    DYNAMIC_SECTION(family)
    {
      const std::string case_dir = dir / family;
      PtySession pty({k_bin, "run", k_alerts + family + ".json", "--lab", "--case", case_dir,
                      "--answers", k_answers + family + ".json"},
                     k_terminal);
      const auto met = walk_to_the_end(pty);
      CHECK(met.count("change") == 1);
      CHECK(met.count("irreversible") == 1); // declined: the walk goes on
      CHECK(met.count("task") == 1);
      CHECK(pty.finish() == 0); // every step walked, every task checked off
      const auto& transcript = pty.transcript();
      CHECK(transcript.find("End of the playbook.") != std::string::npos);
      CHECK(transcript.find("declined") != std::string::npos);
      const auto journal = journal_of(case_dir);
      CHECK(std::any_of(journal.begin(), journal.end(), [](const nlohmann::json& e) {
        return e.value("event", "") == "case.closed";
      }));
      CHECK(std::any_of(journal.begin(), journal.end(), [](const nlohmann::json& e) {
        return e.value("event", "") == "step.declined" &&
               e.value("reason", "") == "not during the exercise";
      }));
      if (family == "dns-darkweb") {
        // The software inventory is an inspection: y, not the whole word yes.
        CHECK(transcript.find("runs a read-only script on the VM; changes nothing") !=
              std::string::npos);
        CHECK(count_of(journal, "step.done", "installed-software") == 1);
      }
    }
  }
}
