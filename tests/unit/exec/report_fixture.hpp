#pragma once

// Test support for the incident record: a case folder written by hand (an alert, a
// journal with fixed times) and helpers to read the Markdown it renders.

#include "dftriage/exec/report.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace dftriage::test {

using Json = nlohmann::ordered_json;

extern const std::string k_report_vault;

// Returns an alert in the ARM shape, with `properties` merged over a plain Key Vault alert.
std::string arm_alert(const Json& properties = Json::object());

// A case folder in a temporary directory with a journal written by hand, each entry at
// the time set in `now`.
struct ReportCase
{
  explicit ReportCase(const std::string& alert_text = arm_alert(), const std::string& suffix = "")
      : dir((std::filesystem::temp_directory_path() /
             ("dftriage-report-" + std::to_string(::getpid()) + "-" + std::to_string(++s_count) +
              suffix))
                .string())
  {
    std::filesystem::remove_all(dir);
    folder = std::make_unique<journal::CaseFolder>(journal::CaseFolder::create(dir));
    if (!alert_text.empty()) {
      folder->write_file("alert.json", alert_text);
    }
    journal = std::make_unique<journal::Journal>(
        folder->journal_path(), journal::Operator{"alice@ws", "client c1"}, [this] { return now; });
  }
  ~ReportCase() { std::filesystem::remove_all(dir); }

  void at(const std::string& time) { now = "2026-11-28T" + time + "Z"; }
  void add(Json entry) { journal->append(std::move(entry)); }
  void opened(const std::string& playbook = "keyvault", const std::string& version = "1.2")
  {
    Json e{{"event", "case.opened"},
           {"alertId", "a-1"},
           {"alertType", "KV_TORAccess"},
           {"resource", k_report_vault}};
    if (!playbook.empty()) {
      e["playbook"] = playbook;
      e["playbookVersion"] = version;
      e["mode"] = "lab";
    }
    add(e);
  }
  // A read step that saved `body` (read from `url`) as its evidence.
  std::string read_step(const std::string& step, const std::string& action, const std::string& url,
                        const Json& body)
  {
    add({{"event", "step.entered"},
         {"step", step},
         {"phase", "contact"},
         {"action", action},
         {"mutating", false},
         {"reversibility", "read-only"}});
    const auto path = folder->write_evidence(step, {{"method", "GET"},
                                                    {"url", url},
                                                    {"status", 200},
                                                    {"requestId", "r-" + step},
                                                    {"body", body}});
    add({{"event", "evidence.saved"}, {"step", step}, {"evidence", path}});
    add({{"event", "step.done"}, {"step", step}});
    return path;
  }
  // A change in `phase` carried out with `reason`.
  void change(const std::string& step, const std::string& phase, const std::string& reason)
  {
    add({{"event", "step.entered"},
         {"step", step},
         {"phase", phase},
         {"action", "keyvault.firewall.enable"},
         {"mutating", true},
         {"reversibility", "reversible"}});
    add({{"event", "confirmation"}, {"step", step}, {"reason", reason}});
    add({{"event", "step.done"}, {"step", step}});
  }

  Json report() const { return exec::case_report(*folder); }
  std::string markdown(playbook::Lang lang = playbook::Lang::en) const
  {
    return exec::report_markdown(report(), lang);
  }

  std::string dir;
  std::string now = "2026-11-28T12:00:00.000Z";
  std::unique_ptr<journal::CaseFolder> folder;
  std::unique_ptr<journal::Journal> journal;
  static inline int s_count = 0;
};

// Returns whether `text` has a line equal to `line` (lines_of is in support/files.hpp).
bool has_line(const std::string& text, const std::string& line);
// Returns the lines of `text` from the heading `heading` up to the next heading.
std::string section(const std::string& text, const std::string& heading);

} // namespace dftriage::test
