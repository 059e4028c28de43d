// The incident record built from a hand-written case folder: who answered what and how,
// declined changes and undos, open follow-ups, closed and empty cases.

#include "report_fixture.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace dftriage;
using namespace dftriage::test;

TEST_CASE("the report says who gave each answer and how", "[report]")
{
  ReportCase c;
  c.opened();
  c.add({{"event", "question.answered"},
         {"question", "origin_verified"},
         {"value", false},
         {"source", "typed"}});
  c.add({{"event", "question.answered"},
         {"question", "allowed_ranges"},
         {"value", {"203.0.113.0/24"}},
         {"source", "file"}});
  c.add({{"event", "question.answered"},
         {"question", "response"},
         {"value", "remove"},
         {"source", "set"}});
  c.add({{"event", "question.answered"},
         {"question", "principal_type"},
         {"value", "User"},
         {"source", "default"}});
  c.add({{"event", "question.answered"},
         {"question", "role_assignment_id"},
         {"value", "/x/ra_1"},
         {"source", "read"}});
  c.add({{"event", "question.answered"}, {"question", "note"}, {"value", ""}, {"source", "given"}});
  const auto report = c.report();
  REQUIRE(report["answers"].size() == 6);
  CHECK(report["answers"][0] == Json{{"time", "2026-11-28T12:00:00.000Z"},
                                     {"question", "origin_verified"},
                                     {"value", false},
                                     {"source", "typed"},
                                     {"by", {{"user", "alice@ws"}, {"principal", "client c1"}}}});
  const auto md = section(c.markdown(), "## Answers");
  CHECK(md ==
        "\n| Question | Answer | Source | By | Time |\n|---|---|---|---|---|\n"
        "| `origin_verified` | `false` | typed at the prompt | `alice@ws` | "
        "2026-11-28T12:00:00.000Z |\n"
        "| `allowed_ranges` | `[\"203.0.113.0/24\"]` | answers file (--answers) | `alice@ws` | "
        "2026-11-28T12:00:00.000Z |\n"
        "| `response` | `remove` | --set | `alice@ws` | 2026-11-28T12:00:00.000Z |\n"
        "| `principal_type` | `User` | playbook default | `alice@ws` | 2026-11-28T12:00:00.000Z |\n"
        "| `role_assignment_id` | `/x/ra_1` | default from a read | `alice@ws` | "
        "2026-11-28T12:00:00.000Z |\n"
        "| `note` | `\"\"` | given (older case) | `alice@ws` | 2026-11-28T12:00:00.000Z |\n");
}

TEST_CASE("the report lists declined changes and undos with who and why", "[report]")
{
  ReportCase c;
  c.opened();
  c.at("12:01:00.000");
  c.change("enable-firewall", "mitigate", "contain");
  c.add({{"event", "step.entered"},
         {"step", "remove-access-policy"},
         {"phase", "mitigate"},
         {"action", "keyvault.access_policy.remove"},
         {"mutating", true},
         {"reversibility", "reversible"}});
  c.at("12:02:00.000");
  c.add({{"event", "step.declined"},
         {"step", "remove-access-policy"},
         {"reason", "owner vouches for the app"}});
  c.journal->set_principal("client c2");
  c.at("12:30:00.000");
  c.add({{"event", "undo.requested"},
         {"steps", {"enable-firewall"}},
         {"reason", "false positive: our scanner"}});
  c.add({{"event", "undo.started"}, {"step", "enable-firewall"}});
  c.at("12:30:01.000");
  c.add({{"event", "undo.done"}, {"step", "enable-firewall"}});
  const auto report = c.report();
  CHECK(report["declined"] ==
        Json::array({{{"time", "2026-11-28T12:02:00.000Z"},
                      {"step", "remove-access-policy"},
                      {"action", "keyvault.access_policy.remove"},
                      {"reason", "owner vouches for the app"},
                      {"by", {{"user", "alice@ws"}, {"principal", "client c1"}}}}}));
  CHECK(report["undone"] ==
        Json::array({{{"step", "enable-firewall"},
                      {"action", "keyvault.firewall.enable"},
                      {"status", "done"},
                      {"time", "2026-11-28T12:30:01.000Z"},
                      {"why", nullptr},
                      {"reason", "false positive: our scanner"},
                      {"by", {{"user", "alice@ws"}, {"principal", "client c2"}}}}}));
  const auto md = c.markdown();
  CHECK(section(md, "## Declined changes") ==
        "\n| Step | Action | Reason | By | Time |\n|---|---|---|---|---|\n"
        "| `remove-access-policy` | `keyvault.access_policy.remove` | owner vouches for the app | "
        "`alice@ws` | "
        "2026-11-28T12:02:00.000Z |\n");
  CHECK(section(md, "## Undone") ==
        "\n| Step | Action | Result | Reason | By | Time |\n|---|---|---|---|---|---|\n"
        "| `enable-firewall` | `keyvault.firewall.enable` | done | false positive: our scanner | "
        "`alice@ws` | "
        "2026-11-28T12:30:01.000Z |\n");
  CHECK(has_line(md, "- 2026-11-28T12:30:00.000Z — Undo requested for `enable-firewall`: false "
                     "positive: our scanner "
                     "— `alice@ws`"));
  CHECK(has_line(md, "- **Operators**: `alice@ws` (client c1), `alice@ws` (client c2)"));
  CHECK(has_line(md, "- [ ] `remove-access-policy` (`keyvault.access_policy.remove`) was declined "
                     "(owner vouches for "
                     "the app): decide on it, then resume with `dftriage run --case " +
                         c.dir + "`."));
}

TEST_CASE("open follow-ups list every step left open, and manual steps never reached", "[report]")
{
  ReportCase c;
  c.folder->write_file("plan.json", Json{{"playbook", "custom"},
                                         {"playbookVersion", "1"},
                                         {"steps",
                                          {{{"id", "trusted-networks"},
                                            {"title", "Allow the trusted networks"},
                                            {"status", "planned"},
                                            {"asks", Json::array()},
                                            {"action", nullptr}},
                                           {{"id", "skipped-task"},
                                            {"title", "Skipped"},
                                            {"status", "skipped"},
                                            {"asks", Json::array()},
                                            {"action", nullptr}},
                                           {{"id", "choose"},
                                            {"title", "Choose"},
                                            {"status", "planned"},
                                            {"asks", {"response"}},
                                            {"action", nullptr}},
                                           {{"id", "app-owner-audit"},
                                            {"title", "Have application owners audit"},
                                            {"status", "planned"},
                                            {"asks", Json::array()},
                                            {"action", nullptr}}}}}
                                        .dump());
  c.opened("custom", "1");
  c.add({{"event", "step.entered"}, {"step", "trusted-networks"}, {"phase", "mitigate"}});
  c.add({{"event", "step.open"},
         {"step", "trusted-networks"},
         {"manual", true},
         {"why", "not done yet"},
         {"note", "waiting for the network team"}});
  c.add({{"event", "step.entered"}, {"step", "inform-dpo"}, {"phase", "act"}});
  c.add({{"event", "step.done"},
         {"step", "inform-dpo"},
         {"manual", true},
         {"checked", "not-applicable"},
         {"note", "no personal data"}});
  c.add({{"event", "step.entered"},
         {"step", "read-vault"},
         {"phase", "contact"},
         {"action", "keyvault.get"},
         {"mutating", false},
         {"reversibility", "read-only"}});
  c.add({{"event", "step.failed"}, {"step", "read-vault"}, {"why", "HTTP 403 Forbidden"}});
  c.add({{"event", "step.entered"},
         {"step", "block"},
         {"phase", "mitigate"},
         {"action", "keyvault.firewall.enable"},
         {"mutating", true},
         {"reversibility", "reversible"}});
  c.add({{"event", "step.refused"}, {"step", "block"}, {"why", "outside the case's scope"}});
  const auto report = c.report();
  CHECK(report["followUps"] ==
        Json::array({
            {{"kind", "open"},
             {"step", "trusted-networks"},
             {"action", nullptr},
             {"detail", "waiting for the network team"}},
            {{"kind", "failed"},
             {"step", "read-vault"},
             {"action", "keyvault.get"},
             {"detail", "HTTP 403 Forbidden"}},
            {{"kind", "refused"},
             {"step", "block"},
             {"action", "keyvault.firewall.enable"},
             {"detail", "outside the case's scope"}},
            {{"kind", "not-reached"},
             {"step", "app-owner-audit"},
             {"action", nullptr},
             {"detail", "Have application owners audit"}},
            {{"kind", "unfinished"}, {"step", nullptr}, {"action", nullptr}, {"detail", nullptr}},
        }));
  CHECK(report["checklist"][1]["status"] == "not-applicable");
  const std::string resume = "`dftriage run --case " + c.dir + "`";
  CHECK(
      section(c.markdown(), "## Open follow-ups") ==
      "\n- [ ] `trusted-networks`: manual step still open (waiting for the network team): check it "
      "off with " +
          resume +
          ".\n"
          "- [ ] `read-vault` (`keyvault.get`) failed (HTTP 403 Forbidden). Retry with " +
          resume + ", or undo the case with `dftriage undo " + c.dir +
          "`.\n"
          "- [ ] `block` (`keyvault.firewall.enable`) was refused (outside the case's scope).\n"
          "- [ ] `app-owner-audit`: manual step not reached yet (Have application owners audit).\n"
          "- [ ] The case is not completed yet: resume with " +
          resume + ".\n");
  CHECK(has_line(c.markdown(), "| `inform-dpo` | not applicable | no personal data | `alice@ws` | "
                               "2026-11-28T12:00:00.000Z |"));
}

TEST_CASE("a closed case with nothing left says so", "[report]")
{
  ReportCase c;
  c.opened();
  c.change("enable-firewall", "mitigate", "contain");
  c.add({{"event", "case.closed"}, {"outcome", "completed"}});
  CHECK(c.report()["followUps"] == Json::array());
  CHECK(section(c.markdown(), "## Open follow-ups") == "\nNone.\n");
}

TEST_CASE("an empty case reports sanely", "[report]")
{
  SECTION("opened with no playbook")
  {
    ReportCase c;
    c.opened("");
    const auto report = c.report();
    CHECK(report["playbook"].is_null());
    const auto md = c.markdown();
    CHECK(has_line(md, "- **Playbook**: not chosen"));
    CHECK(has_line(md, "- **Time to first containment**: no containing change yet"));
    CHECK(has_line(md, "- **Total time**: 0s"));
    CHECK(md.find("()") == std::string::npos);
    CHECK(section(md, "## Open follow-ups") ==
          "\n- [ ] The case is not completed yet: resume with `dftriage run "
          "--case " +
              c.dir + "`.\n");
    CHECK(has_line(c.markdown(playbook::Lang::zh_cn), "- **剧本**：未选择"));
  }
  SECTION("only the case.opened of a playbook")
  {
    ReportCase c;
    c.opened();
    CHECK(has_line(c.markdown(), "- **Playbook**: `keyvault` 1.2 (lab)"));
  }
  SECTION("no alert kept (a case applied from a plan)")
  {
    ReportCase c("");
    c.opened();
    const auto md = c.markdown();
    CHECK(lines_of(md)[0] == "# Incident record: `KV_TORAccess`");
    CHECK(has_line(md, "- **Resource**: `" + k_report_vault + "`"));
  }
  SECTION("a case folder whose path needs quoting gets a command that copies whole")
  {
    ReportCase c(arm_alert(), " it's");
    c.opened();
    const auto report = c.report();
    const std::string quoted = "'" + c.dir.substr(0, c.dir.size() - 4) + "it'\\''s'";
    CHECK(report["resumeCommand"] == "dftriage run --case " + quoted);
    CHECK(report["undoCommand"] == "dftriage undo " + quoted);
  }
}

TEST_CASE("the record's lang is the language it is written in and caseLang the walk's", "[report]")
{
  ReportCase c;
  c.add({{"event", "case.opened"},
         {"alertId", "a-1"},
         {"alertType", "KV_TORAccess"},
         {"lang", "en"}});
  CHECK(c.report()["lang"] == "en");
  CHECK(c.report()["caseLang"] == "en");
  const auto asked = exec::case_report(*c.folder, playbook::Lang::zh_cn);
  CHECK(asked["lang"] == "zh-CN");
  CHECK(asked["caseLang"] == "en");
  CHECK(exec::case_report(*c.folder, playbook::Lang::en)["lang"] == "en");

  SECTION("an older case, walked before cases kept their language, is written in English")
  {
    ReportCase older;
    older.opened();
    CHECK(older.report()["lang"] == "en");
    CHECK(older.report()["caseLang"].is_null());
  }
}

TEST_CASE("an incident's alert is reported with the status triage gave it, not its copy's")
{
  // The copy kept in alert.json says Active; another copy triage saw was InProgress, and
  // the case recorded that when it was opened.
  ReportCase c(arm_alert({{"status", "Active"}}));
  c.add(
      {{"event", "case.opened"},
       {"alertId", "a-1"},
       {"alertType", "KV_TORAccess"},
       {"resource", k_report_vault},
       {"incident",
        {{"id", "INC-0123456789ab"},
         {"alerts", {{{"id", "a-1"}, {"alertType", "KV_TORAccess"}, {"status", "InProgress"}}}}}}});
  const auto report = c.report();
  CHECK(report["alert"]["status"] == "InProgress");
  CHECK(report["incident"]["alerts"][0]["status"] == "InProgress");

  SECTION("a case opened before statuses were recorded keeps its copy's")
  {
    ReportCase older(arm_alert({{"status", "Active"}}), "-older");
    older.add({{"event", "case.opened"},
               {"alertId", "a-1"},
               {"incident",
                {{"id", "INC-0123456789ab"},
                 {"alerts", {{{"id", "a-1"}, {"alertType", "KV_TORAccess"}}}}}}});
    CHECK(older.report()["incident"]["alerts"][0]["status"] == "Active");
  }
}
