// `dftriage case list` and `dftriage case show DIR|last`: the cases under the case
// root, newest first, and one case in a screen: what case_summary.hpp and the report
// model (exec::case_report) say of it.

#include "case_views.hpp"

#include "case_dir.hpp"
#include "case_summary.hpp"
#include "dftriage/exec/report.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/json_field.hpp"
#include "dftriage/util/terminal.hpp"
#include "output_option.hpp"

#include <map>
#include <memory>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;
using terminal::sanitize;

struct CaseListOptions
{
  OutputChoice output;
  std::string root = journal::k_case_root;
};

struct CaseShowOptions
{
  OutputChoice output;
  std::string dir;
  std::string root = journal::k_case_root;
};

using json_field::str;

ExitStatus run_case_list(const CaseListOptions& options, bool quiet)
{
  const auto format = options.output.resolve();
  const auto cases = list_cases(options.root);
  Writer writer(stdout);
  if (format == OutputFormat::json) {
    auto all = Json::array();
    for (const auto& c : cases) {
      all.push_back(summary_json(c));
    }
    writer.write(all.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  } else if (cases.empty()) {
    if (!quiet && format != OutputFormat::tsv) {
      std::fprintf(stderr, "dftriage: no case under %s/\n", sanitize(options.root).c_str());
    }
  } else {
    const bool table = format != OutputFormat::tsv;
    const auto cell = [table](const std::string& v) { return v.empty() && table ? "-" : v; };
    std::vector<std::vector<std::string>> rows;
    rows.reserve(cases.size());
    for (const auto& c : cases) {
      // For people, the folder (what undo, report and resume take) and the alert's type
      // fit a terminal; the 56-character alert ID stays in tsv and json, for programs.
      rows.push_back(table ? std::vector<std::string>{c.dir, cell(c.alert_type), cell(c.playbook),
                                                      c.status, cell(c.last_entry)}
                           : std::vector<std::string>{c.alert_id, c.playbook, c.status,
                                                      c.last_entry, c.dir, c.alert_type});
    }
    writer.write(table ? render_rows({"FOLDER", "ALERT TYPE", "PLAYBOOK", "STATUS", "WHEN"}, rows,
                                     OutputFormat::table)
                       : render_rows({}, rows, OutputFormat::tsv));
  }
  writer.flush();
  return ExitStatus::success;
}

// The journal against its head (journal.head): the cheap part of `case verify`.
std::string head_state(const journal::CaseFolder& folder, const Json& journal_report)
{
  const auto head = journal::read_head(journal::head_path(folder.journal_path()));
  if (!head) {
    return "missing";
  }
  return head->entries == journal_report.value("entries", std::uint64_t{0}) &&
                 head->last_hash == str(journal_report, "lastHash")
             ? "matches"
             : "differs";
}

Json show_json(const CaseSummary& summary, const Json& report, const std::string& head)
{
  Json steps = Json::array();
  Json changes = Json::array();
  for (const auto& a : report["actions"]) {
    steps.push_back({{"step", a["step"]},
                     {"action", a["action"]},
                     {"status", a["status"]},
                     {"undo", a.value("undo", Json())}});
    if (a.value("mutating", false) && (a["status"] == "done" || a.contains("undo"))) {
      changes.push_back({{"step", a["step"]},
                         {"action", a["action"]},
                         {"reversibility", a["reversibility"]},
                         {"undo", a.value("undo", Json())}});
    }
  }
  for (const auto& c : report["checklist"]) {
    steps.push_back({{"step", c["step"]}, {"action", nullptr}, {"status", c["status"]}});
  }
  Json journal = report["journal"];
  journal["head"] = head;
  journal["filesChecked"] = false; // case verify hashes every file
  Json out{{"case", summary.dir}, {"status", summary.status}};
  if (!summary.problem.empty()) {
    out["problem"] = summary.problem;
  }
  for (const char* key : {"alert", "playbook", "playbookVersion", "lang", "mode", "cloud", "opened",
                          "lastEntry", "closed", "operators"}) {
    // The case's language, not the record's (which report --lang chooses).
    out[key] = report[std::string_view(key) == "lang" ? "caseLang" : key];
  }
  out["steps"] = std::move(steps);
  out["changes"] = std::move(changes);
  out["undone"] = report["undone"];
  out["evidence"] = report["evidence"];
  out["followUps"] = report["followUps"];
  out["journal"] = std::move(journal);
  out["commands"] = {{"report", "dftriage report " + summary.dir},
                     {"resume", report["resumeCommand"]},
                     {"undo", report["undoCommand"]},
                     {"verify", "dftriage case verify " + summary.dir}};
  return out;
}

std::string line(const std::string& label, const std::string& value)
{
  return label + std::string(label.size() < 12 ? 12 - label.size() : 1, ' ') + value + "\n";
}

std::string show_text(const Json& v)
{
  const auto s = [&v](const char* key) { return sanitize(str(v, key)); };
  const Json& alert = v["alert"];
  std::string out = line("Case", s("case"));
  out += line("Alert", sanitize(str(alert, "id")) + "  " + sanitize(str(alert, "type")));
  if (!str(alert, "displayName").empty()) {
    out += line("", sanitize(str(alert, "displayName")) +
                        (str(alert, "severity").empty()
                             ? ""
                             : " (severity " + sanitize(str(alert, "severity")) + ")"));
  }
  if (!str(alert, "resource").empty()) {
    out += line("Resource", sanitize(str(alert, "resource")));
  }
  out +=
      line("Playbook", v["playbook"].is_null() ? "-" : s("playbook") + " " + s("playbookVersion"));
  out += line("Status", s("status") + (v.contains("problem") ? ": " + s("problem") : ""));
  std::string who;
  for (const auto& o : v["operators"]) {
    const std::string principal = str(o, "principal");
    who += (who.empty() ? "" : "; ") + sanitize(str(o, "user")) +
           (principal.empty() ? "" : " (" + sanitize(principal) + ")");
  }
  out += line("Opened",
              (v["opened"].is_null() ? "-" : s("opened")) + (who.empty() ? "" : " by " + who));
  out += line("Last entry", v["lastEntry"].is_null() ? "-" : s("lastEntry"));
  out += line("Language", v["lang"].is_null() ? "-" : s("lang"));
  out += line("Cloud", (v["mode"].is_null() ? "-" : s("mode")) +
                           (v["cloud"].is_null() ? "" : " (" + s("cloud") + ")"));
  std::map<std::string, int> counts;
  for (const auto& step : v["steps"]) {
    ++counts[str(step, "status")];
  }
  std::string tally;
  for (const auto& [status, n] : counts) {
    tally += (tally.empty() ? "" : ", ") + std::to_string(n) + " " + sanitize(status);
  }
  out += line("Steps", tally.empty() ? "none entered" : tally);
  out += line("Changes", std::to_string(v["changes"].size()) + " made, " +
                             std::to_string(v["undone"].size()) + " undone");
  for (const auto& c : v["changes"]) {
    const std::string undo = str(c, "undo");
    out += line("", sanitize(str(c, "step")) + "  " + sanitize(str(c, "action")) +
                        (undo.empty() ? "" : "  (undo " + sanitize(undo) + ")") +
                        (str(c, "reversibility") == "irreversible" ? "  cannot be undone" : ""));
  }
  out += line("Evidence", std::to_string(v["evidence"].size()) + " file(s)");
  for (const auto& e : v["evidence"]) {
    out += line("", sanitize(str(e, "file")) + "  (" + sanitize(str(e, "step")) + ", " +
                        sanitize(str(e, "kind")) + ")");
  }
  const Json& j = v["journal"];
  const std::string head = str(j, "head");
  out +=
      line("Journal", std::to_string(j.value("entries", 0)) + " entries, " +
                          (j.value("chainIntact", false)
                               ? std::string("chain intact")
                               : "chain breaks at line " + std::to_string(j.value("breaksAt", 0))) +
                          (head == "matches"   ? ", head matches"
                           : head == "missing" ? ", no head"
                                               : ", head differs") +
                          "; files not checked (" + sanitize(str(v["commands"], "verify")) + ")");
  if (!v["followUps"].empty()) {
    out += line("Follow-ups", std::to_string(v["followUps"].size()));
    for (const auto& f : v["followUps"]) {
      const std::string step = str(f, "step");
      const std::string detail = str(f, "detail");
      out += line("", sanitize(str(f, "kind")) + (step.empty() ? "" : "  " + sanitize(step)) +
                          (detail.empty() ? "" : ": " + sanitize(detail)));
    }
  }
  out += line("Next", sanitize(str(v["commands"], "report")));
  out += line("", sanitize(str(v["commands"], "resume")));
  out += line("", sanitize(str(v["commands"], "undo")));
  return out;
}

ExitStatus run_case_show(const CaseShowOptions& options, bool quiet)
{
  const auto format = options.output.resolve();
  const std::string dir = resolve_case_dir(options.dir, quiet, options.root);
  const auto summary = summarize_case(dir);
  const auto folder = journal::CaseFolder::open_existing(dir);
  const auto report = exec::case_report(folder);
  const auto view = show_json(summary, report, head_state(folder, report["journal"]));
  Writer writer(stdout);
  writer.write(format == OutputFormat::json
                   ? view.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"
                   : show_text(view));
  writer.flush();
  return ExitStatus::success;
}

} // namespace

void add_case_list(CLI::App& case_command, Invocation& invocation)
{
  auto options = std::make_shared<CaseListOptions>();
  auto* list = case_command.add_subcommand(
      "list", "List the case folders under cases/ (or --root), newest first: alert, playbook, "
              "status, last entry, folder");
  add_output_option(
      *list, options->output,
      {OutputFormat::text, OutputFormat::json, OutputFormat::table, OutputFormat::tsv});
  list->add_option("--root", options->root, "Where the case folders are (default cases)")
      ->type_name("DIR");
  list->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      return run_case_list(*options, invocation.global.quiet);
    };
  });
}

void add_case_show(CLI::App& case_command, Invocation& invocation)
{
  auto options = std::make_shared<CaseShowOptions>();
  auto* show = case_command.add_subcommand(
      "show", "One case at a glance: alert, playbook, status, who and when, cloud, steps, "
              "changes and undos, evidence, the journal's chain");
  show->add_option("DIR", options->dir, "The case folder, or last for the newest case")->required();
  add_output_option(*show, options->output, {OutputFormat::text, OutputFormat::json});
  show->add_option("--root", options->root, "Where last looks (default cases)")->type_name("DIR");
  show->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      return run_case_show(*options, invocation.global.quiet);
    };
  });
}

} // namespace dftriage::cli
