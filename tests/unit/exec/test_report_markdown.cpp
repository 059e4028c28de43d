// The incident record's Markdown: code spans, no over-escaping, hostile alert content
// neutralised, labels in English and Chinese.

#include "report_fixture.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace dftriage;
using namespace dftriage::test;

TEST_CASE("markdown_code fences a value so nothing in it ends the span", "[report]")
{
  CHECK(exec::markdown_code("KV_TORAccess") == "`KV_TORAccess`");
  CHECK(exec::markdown_code("/subscriptions/x/resourceGroups/rg_a") ==
        "`/subscriptions/x/resourceGroups/rg_a`");
  CHECK(exec::markdown_code("a`b") == "``a`b``");
  CHECK(exec::markdown_code("a``b`") == "``` a``b` ```");
  CHECK(exec::markdown_code("`x") == "`` `x ``");
  CHECK(exec::markdown_code(" x ") == "`  x  `");
  CHECK(exec::markdown_code("line one\nline two\r\tend") == "`line one line two  end`");
  CHECK(exec::markdown_code("bell\x07 esc\x1b[31m \xe2\x80\xae") == "`bell esc[31m `");
  CHECK(exec::markdown_code("bad \xff byte") == "`bad \xef\xbf\xbd byte`");
  CHECK(exec::markdown_code("a|b") == "`a|b`");
  CHECK(exec::markdown_code("a|b", true) == "`a\\|b`");
  CHECK(exec::markdown_code("") == "");
  CHECK(exec::markdown_code("\n") == "");
}

TEST_CASE("markdown_text escapes only what Markdown would read", "[report]")
{
  SECTION("ordinary prose and identifiers stay as they are")
  {
    CHECK(exec::markdown_text("Access from a TOR exit node (KV_TORAccess), 3 times: [SecretGet]") ==
          "Access from a TOR exit node (KV_TORAccess), 3 times: \\[SecretGet]");
    CHECK(exec::markdown_text("C:\\Users\\alice #42 AT&T 5 > 3 - ok!") ==
          "C:\\Users\\alice #42 AT&T 5 > 3 - ok!");
    CHECK(exec::markdown_text("  spaced   out\n\ttext  ") == "spaced out text");
  }
  SECTION("emphasis, code, HTML and entities")
  {
    CHECK(exec::markdown_text("_x_ snake_case *y* `z` ~~s~~") ==
          "\\_x\\_ snake_case \\*y\\* \\`z\\` \\~\\~s\\~\\~");
    CHECK(exec::markdown_text("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)>");
    CHECK(exec::markdown_text("&lt;b&gt; &#60;") == "\\&lt;b\\&gt; \\&#60;");
    CHECK(exec::markdown_text("a\\*b\\") == "a\\\\\\*b\\\\");
  }
  SECTION("links, images and autolinks")
  {
    CHECK(exec::markdown_text("![i](javascript:alert(1))") == "!\\[i\\](javascript:alert(1))");
    CHECK(exec::markdown_text("[click](http://x) now") == "`[click](http://x)` now");
    CHECK(exec::markdown_text("see www.evil.example or mail bob@evil.example, @team") ==
          "see `www.evil.example` or mail `bob@evil.example,` `@team`");
  }
  SECTION("block markers at the start")
  {
    CHECK(exec::markdown_text("# Heading") == "\\# Heading");
    CHECK(exec::markdown_text("> quote") == "\\> quote");
    CHECK(exec::markdown_text("- item") == "\\- item");
    CHECK(exec::markdown_text("+ item") == "\\+ item");
    CHECK(exec::markdown_text("---") == "\\---");
    CHECK(exec::markdown_text("1. first") == "1\\. first");
    CHECK(exec::markdown_text("2) second") == "2\\) second");
    CHECK(exec::markdown_text("#hashtag -x 1.5") == "#hashtag -x 1.5");
  }
  SECTION("table cells")
  {
    CHECK(exec::markdown_text("a | b") == "a | b");
    CHECK(exec::markdown_text("a | b", true) == "a \\| b");
  }
}

TEST_CASE("milliseconds_between reads the journal's times", "[report]")
{
  CHECK(exec::milliseconds_between("2026-11-28T12:00:00.000Z", "2026-11-28T13:02:05.500Z") ==
        3725500);
  CHECK(exec::milliseconds_between("2026-12-31T23:59:59Z", "2027-01-01T00:00:01Z") == 2000);
  CHECK(exec::milliseconds_between("2024-02-28T00:00:00Z", "2024-03-01T00:00:00Z") ==
        2 * 86400000LL);
  CHECK_FALSE(exec::milliseconds_between("yesterday", "2027-01-01T00:00:01Z"));
}

TEST_CASE("the report puts identifiers in code spans and keeps prose readable", "[report]")
{
  ReportCase c;
  c.opened();
  c.change("enable-firewall", "mitigate", "TOR access confirmed | by SOC");
  const auto md = c.markdown();
  const auto lines = lines_of(md);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "# Incident record: `KV_TORAccess`");
  CHECK(has_line(md, "- **Case**: `" + c.dir + "`"));
  CHECK(has_line(md, "- **Playbook**: `keyvault` 1.2 (lab)"));
  CHECK(has_line(md, "- **Type**: `KV_TORAccess`"));
  CHECK(has_line(md, "- **Name**: Access from a TOR exit node to a key vault"));
  CHECK(has_line(md, "- **Resource**: `" + k_report_vault + "`"));
  CHECK(has_line(md, "| `enable-firewall` | `keyvault.firewall.enable` | TOR access confirmed \\| "
                     "by SOC | `alice@ws` | "
                     "2026-11-28T12:00:00.000Z |"));
  CHECK(has_line(md, "- **Operators**: `alice@ws` (client c1)"));
  CHECK(md.find("\\_") == std::string::npos);
  CHECK(md.find("\\[") == std::string::npos);
}

TEST_CASE("a hostile alert cannot add headings, links, images, HTML or table cells", "[report]")
{
  const Json hostile{
      {"alertType", "KV_`x`\n# Owned"},
      {"alertDisplayName",
       "# Heading\n## Another [click](http://evil.example) ![i](http://evil.example/i.png)"},
      {"description",
       "<img src=x onerror=alert(1)>\n<script>alert(1)</script> | cell | ](javascript:alert(1))"},
      {"compromisedEntity", "kv`` | x"},
      {"entities", Json::array({{{"type", "ip"}, {"address", "1.2.3.4`](http://x)"}},
                                {{"type", "dns"}, {"domainName", "<b>evil</b>.example|x"}}})}};
  ReportCase c(arm_alert(hostile));
  c.opened();
  c.add({{"event", "step.entered"},
         {"step", "enable-firewall"},
         {"phase", "mitigate"},
         {"action", "keyvault.firewall.enable"},
         {"mutating", true},
         {"reversibility", "reversible"}});
  c.add({{"event", "step.declined"},
         {"step", "enable-firewall"},
         {"reason", "no\n# way <img src=x> [a](http://b)"}});
  const auto md = c.markdown();
  const auto lines = lines_of(md);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "# Incident record: ``KV_`x` # Owned``");
  CHECK(has_line(md, "- **Name**: \\# Heading ## Another `[click](http://evil.example)` "
                     "`![i](http://evil.example/i.png)`"));
  CHECK(has_line(
      md,
      "- **Description**: \\<img src=x onerror=alert(1)> \\<script>alert(1)\\</script> | cell | "
      "\\](javascript:alert(1))"));
  CHECK(has_line(md, "- **Compromised entity**: ```kv`` | x```"));
  CHECK(has_line(md, "| IP address | ``1.2.3.4`](http://x)`` | — | alert |"));
  CHECK(has_line(md, "| Domain | `<b>evil</b>.example\\|x` | — | alert |"));
  CHECK(has_line(md, "| `enable-firewall` | `keyvault.firewall.enable` | no # way \\<img src=x> "
                     "`[a](http://b)` | `alice@ws` | 2026-11-28T12:00:00.000Z |"));
  // Structure: the report's own headings only; nothing starts an HTML tag.
  const std::set<std::string> headings = {
      "## Alert",   "## Indicators",       "## Timeline", "## Answers",  "## Changes confirmed",
      "## Actions", "## Declined changes", "## Undone",   "## Evidence", "## Open follow-ups"};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!lines[i].empty() && lines[i][0] == '#') {
      CHECK(headings.count(lines[i]) == 1);
    }
  }
  CHECK(md.find(" <img") == std::string::npos);
  CHECK(md.find(" <script") == std::string::npos);
}

TEST_CASE("every label of the report is in Chinese with --lang zh-CN", "[report]")
{
  ReportCase c(
      arm_alert({{"entities", Json::array({{{"type", "ip"}, {"address", "185.220.101.47"}}})}}));
  c.opened();
  c.add({{"event", "question.answered"},
         {"question", "origin_verified"},
         {"value", false},
         {"source", "typed"}});
  c.change("enable-firewall", "mitigate", "contain");
  c.add({{"event", "step.entered"}, {"step", "trusted-networks"}, {"phase", "mitigate"}});
  c.add({{"event", "step.open"},
         {"step", "trusted-networks"},
         {"manual", true},
         {"note", "等网络组"}});
  c.add({{"event", "undo.requested"}, {"steps", {"enable-firewall"}}, {"reason", "误报"}});
  c.add({{"event", "undo.started"}, {"step", "enable-firewall"}});
  c.add({{"event", "undo.done"}, {"step", "enable-firewall"}});
  const auto zh = c.markdown(playbook::Lang::zh_cn);
  CHECK(lines_of(zh)[0] == "# 事件记录：`KV_TORAccess`");
  for (const char* heading :
       {"## 告警", "## 威胁指标", "## 时间线", "## 问题回答", "## 已确认的更改", "## 手动步骤",
        "## 执行的操作", "## 已拒绝的更改", "## 已撤销", "## 证据", "## 待跟进事项"}) {
    CHECK(has_line(zh, heading));
  }
  CHECK(has_line(zh, "- **剧本**：`keyvault` 1.2（lab）"));
  CHECK(has_line(zh, "- **资源负责人**：未找到（没有步骤读取该资源的标签）"));
  CHECK(has_line(zh, "| IP 地址 | `185.220.101.47` | — | 告警 |"));
  CHECK(has_line(
      zh,
      "| `origin_verified` | `false` | 在提示处输入 | `alice@ws` | 2026-11-28T12:00:00.000Z |"));
  CHECK(has_line(
      zh, "| `enable-firewall` | `keyvault.firewall.enable`（更改） | 已完成 | 已完成 | — |"));
  CHECK(has_line(zh, "- 2026-11-28T12:00:00.000Z — 请求撤销 `enable-firewall`：误报 — `alice@ws`"));
  CHECK(has_line(
      zh, "- [ ] `trusted-networks`：手动步骤尚未完成（等网络组）：请用 `dftriage run --case " +
              c.dir + "` 勾选。"));
  // No English label is left.
  const auto en = c.markdown();
  for (const char* label : {"Incident record",
                            "Playbook",
                            "Owner",
                            "Operators",
                            "Journal",
                            "Indicators",
                            "Timeline",
                            "Answers",
                            "Question",
                            "Source",
                            "typed at the prompt",
                            "Changes confirmed",
                            "Manual steps",
                            "Actions",
                            "Declined",
                            "Undone",
                            "Evidence",
                            "Open follow-ups",
                            "None.",
                            "not found",
                            "still open",
                            "manual step",
                            "resume with",
                            "Undo requested",
                            "entries",
                            "last hash"}) {
    INFO(label);
    CHECK(en.find(label) != std::string::npos);
    CHECK(zh.find(label) == std::string::npos);
  }
}

TEST_CASE("an incident's record is titled by the incident, as triage lists it", "[report]")
{
  // Alerts of one incident, oldest first: the first is not the most severe, and a type
  // comes twice.
  const auto incident_case = [](const std::vector<std::pair<std::string, std::string>>& alerts) {
    std::string text = "[";
    for (std::size_t i = 0; i < alerts.size(); ++i) {
      text += (i == 0 ? "" : ",") + arm_alert({{"systemAlertId", "a-" + std::to_string(i + 1)},
                                               {"alertType", alerts[i].first},
                                               {"severity", alerts[i].second}});
    }
    auto c = std::make_unique<ReportCase>(text + "]");
    c->add({{"event", "case.opened"},
            {"alertId", "a-1"},
            {"alertType", alerts.front().first},
            {"resource", k_report_vault},
            {"incident", {{"id", "INC-67824da8e1eb"}, {"alerts", alerts.size()}}}});
    return c;
  };
  SECTION("its ID, highest severity, how many alerts and their types, in both languages")
  {
    const auto c = incident_case({{"KV_TORAccess", "Medium"},
                                  {"KV_ListGetAnomaly", "Medium"},
                                  {"KV_UnusualAccessSuspiciousIP", "High"},
                                  {"KV_TORAccess", "Low"}});
    CHECK(c->report()["incident"]["severity"] == "High");
    CHECK(lines_of(c->markdown())[0] ==
          "# Incident record: `INC-67824da8e1eb` (High, 4 alerts: `KV_TORAccess`, "
          "`KV_ListGetAnomaly`, `KV_UnusualAccessSuspiciousIP`)");
    CHECK(lines_of(c->markdown(playbook::Lang::zh_cn))[0] ==
          "# 事件记录：`INC-67824da8e1eb`（High，4 条告警：`KV_TORAccess`，`KV_ListGetAnomaly`，"
          "`KV_UnusualAccessSuspiciousIP`）");
  }
  SECTION("one alert is counted as one; past three types the rest are left out")
  {
    CHECK(lines_of(incident_case({{"KV_TORAccess", "Low"}})->markdown())[0] ==
          "# Incident record: `INC-67824da8e1eb` (Low, 1 alert: `KV_TORAccess`)");
    CHECK(lines_of(incident_case({{"AzureDNS_A", "Low"},
                                  {"AzureDNS_B", "Low"},
                                  {"AzureDNS_C", "Medium"},
                                  {"AzureDNS_D", "Low"},
                                  {"AzureDNS_E", "Low"}})
                       ->markdown())[0] ==
          "# Incident record: `INC-67824da8e1eb` (Medium, 5 alerts: `AzureDNS_A`, `AzureDNS_B`, "
          "`AzureDNS_C`, …)");
  }
}

TEST_CASE("the operators' credential reads in Chinese in a zh-CN record", "[report]")
{
  ReportCase c;
  c.journal = std::make_unique<journal::Journal>(
      c.folder->journal_path(),
      journal::Operator{"alice@ws", "client c1 in tenant t1 (client secret (lab))"},
      [&c] { return c.now; });
  c.opened();
  CHECK(has_line(c.markdown(playbook::Lang::zh_cn),
                 "- **操作人员**：`alice@ws`（租户 t1 中的客户端 c1（实验环境的客户端密码））"));
  CHECK(has_line(c.markdown(),
                 "- **Operators**: `alice@ws` (client c1 in tenant t1 (client secret (lab)))"));
}
