// `dftriage undo DIR [--step ID] [--yes] [--reason TEXT]`: reverts a case's changes,
// newest first, from the pre-images its journal recorded. Journaled (with who asked and
// why, as `undo.requested`) and idempotent.

#include "case_connection.hpp"
#include "case_dir.hpp"
#include "command.hpp"
#include "connection.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/exec/messages.hpp"
#include "dftriage/exec/preflight.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "output_option.hpp"
#include "preflight_text.hpp"
#include "prompt.hpp"
#include "run_preflight.hpp"
#include "walk_text.hpp"

#include <memory>
#include <unistd.h>

namespace dftriage::cli {

namespace {

struct UndoOptions
{
  std::string dir;
  std::string step;
  std::string reason;
  bool yes = false;
  bool lab = false;             // --lab: the case ran on an in-process lab (it is rebuilt)
  bool switch_cloud = false;    // --switch-cloud: act on the cloud chosen now, not the case's
  bool remove_evidence = false; // --remove-evidence: also delete what evidence steps made
  bool preflight = true;        // --preflight (the default), --no-preflight
  LabAccess lab_access;         // --lab-role, --lab-deny: the rebuilt lab's principal
  std::string cloud;            // the global --cloud
  OutputChoice output;
};

// The undo record (-o json, docs/OUTPUT.md): the case, the status, and per change what
// became of it: "undone", "failed", "cannot-undo", "kept" (evidence), or
// "awaiting-confirmation" when nothing was done.
nlohmann::ordered_json undo_record(const journal::CaseFolder& folder, const exec::CaseState& state,
                                   const std::vector<std::string>& pending,
                                   const std::vector<std::string>& kept, const std::string& status)
{
  nlohmann::ordered_json out;
  out["case"] = folder.dir();
  out["alertId"] = state.opened().value("alertId", "");
  out["playbook"] = state.opened().value("playbook", "");
  out["status"] = status;
  auto steps = nlohmann::ordered_json::array();
  const auto add = [&](const std::string& id, const std::string& outcome) {
    const auto* r = state.step(id);
    nlohmann::ordered_json step{{"id", id},
                                {"action", r != nullptr ? r->action : ""},
                                {"outcome", outcome},
                                {"message", nullptr}};
    if (r != nullptr && outcome == "failed" && !r->message.empty()) {
      step["message"] = r->message;
    }
    steps.push_back(std::move(step));
  };
  for (const auto& id : pending) {
    const auto* r = state.step(id);
    const std::string undo = r != nullptr ? r->undo_status : "";
    add(id, status == "needs-human" || status == "declined" ? "awaiting-confirmation"
            : undo == "done"                                ? "undone"
            : undo == "irreversible"                        ? "cannot-undo"
                                                            : "failed");
  }
  for (const auto& id : kept) {
    add(id, "kept");
  }
  out["steps"] = std::move(steps);
  return out;
}

// Undo asks its one question up front; the executor only reports progress.
class UndoResponder : public exec::Responder
{
public:
  UndoResponder(playbook::Lang lang, FILE* out)
      : m_lang(lang)
      , m_out(out)
  {
  }
  std::optional<std::string> confirm(const engine::PlannedStep&, const std::string&) override
  {
    return std::nullopt;
  }
  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string&) override
  {
    return exec::FailureChoice::stop;
  }
  void show(const std::string& text) override
  {
    std::fprintf(m_out, "%s\n", terminal::sanitize(exec::message_in(text, m_lang)).c_str());
  }
  void show_secret_once(const std::string&, const std::string&) override {}

private:
  playbook::Lang m_lang;
  FILE* m_out; // stdout, or stderr when stdout carries JSON
};

ExitStatus run_undo(const UndoOptions& options)
{
  const bool json = options.output.resolve() == OutputFormat::json;
  FILE* human = json ? stderr : stdout; // what is said to a person
  auto folder = journal::CaseFolder::open_existing(options.dir, journal::Access::write);
  say_set_aside(folder, false);
  // A damaged journal is still undone from what it records: the changes it made must
  // not stay in place because the record of them was harmed.
  journal::Journal journal(folder.journal_path(), journal::current_operator(), {},
                           journal::Damaged::use_it);
  journal.set_after_entry(journal_test_hook());
  if (!journal.damage().ok) {
    std::fprintf(stderr,
                 "dftriage: warning: %s:%zu: the journal's chain breaks (%s); undoing from what it "
                 "still records. "
                 "Check the result by hand; dftriage case verify says more.\n",
                 terminal::sanitize(journal.path()).c_str(), journal.damage().line,
                 terminal::sanitize(journal.damage().problem).c_str());
  }
  const auto state = exec::CaseState::replay(journal.entries());
  // Undo speaks the language the case was walked in.
  const auto lang =
      playbook::lang_from_string(state.opened().value("lang", "en")).value_or(playbook::Lang::en);
  const auto tr = [lang](const std::string& en, const std::string& zh) {
    return cli::tr(lang, en, zh);
  };
  std::vector<std::string> pending;
  std::vector<std::string> pending_ids;
  std::vector<std::string> kept; // evidence left in place
  for (auto it = state.changes().rbegin(); it != state.changes().rend(); ++it) {
    const auto* r = state.step(*it);
    if ((options.step.empty() || r->id == options.step) && r->undo_status != "done" &&
        r->undo_status != "irreversible" && r->reversibility != "inspection") {
      const auto* spec = azure::find_action(r->action);
      if (spec != nullptr && spec->evidence && !options.remove_evidence) {
        kept.push_back(r->id);
        continue;
      }
      pending_ids.push_back(r->id);
      pending.push_back(
          r->id + tr(" (", "（") + r->action +
          (r->reversibility == "irreversible" ? tr(", cannot be undone", "，无法撤销") : "") +
          tr(")", "）"));
    }
  }
  if (!options.step.empty() && state.step(options.step) == nullptr) {
    throw UsageError("the case has no step " + options.step);
  }
  if (!kept.empty()) {
    std::fprintf(
        human, "%s\n",
        tr("Kept as evidence (--remove-evidence deletes them too): " + text::join(kept, ", "),
           "作为证据保留（加 --remove-evidence 才会一并删除）：" + text::join(kept, "，"))
            .c_str());
  }
  if (pending.empty()) {
    std::fprintf(human, "%s\n",
                 tr("Nothing to undo in " + terminal::sanitize(folder.dir()) + ".",
                    terminal::sanitize(folder.dir()) + " 中没有需要撤销的更改。")
                     .c_str());
    if (json) {
      write_json_document(stdout, undo_record(folder, state, {}, kept, "completed"));
    }
    return ExitStatus::success;
  }
  std::fprintf(human, "%s\n",
               tr("To undo in " + terminal::sanitize(folder.dir()) + ", newest first:",
                  "将在 " + terminal::sanitize(folder.dir()) + " 中撤销（从最新的开始）：")
                   .c_str());
  for (const auto& p : pending) {
    std::fprintf(human, "  %s\n", terminal::sanitize(p).c_str());
  }
  std::string reason(text::trim(options.reason));
  if (!options.yes) {
    if (::isatty(STDIN_FILENO) == 0 || ::isatty(::fileno(human)) == 0) {
      std::fprintf(stderr, "%s\n",
                   tr("dftriage: nothing was undone: confirm with --yes (no terminal to ask at)",
                      "dftriage: 没有撤销任何更改：请用 --yes 确认（没有可以提问的终端）")
                       .c_str());
      if (json) {
        write_json_document(stdout, undo_record(folder, state, pending_ids, kept, "needs-human"));
      }
      return ExitStatus::needs_human;
    }
    // The person said no: nothing is done, and -o json says so. The changes stay in
    // place awaiting a decision, so the exit status is needs-human, as for apply.
    const auto declined = [&] {
      std::fprintf(human, "%s\n", tr("Nothing was undone.", "没有撤销任何更改。").c_str());
      if (json) {
        write_json_document(stdout, undo_record(folder, state, pending_ids, kept, "declined"));
      }
      return ExitStatus::needs_human;
    };
    Prompter prompter(STDIN_FILENO, human);
    const auto line =
        prompter.ask(tr("Undo these changes? [y/N] > ", "撤销这些更改吗？ [y]是 / [N]否 > "));
    if (!line || (*line != "y" && *line != "yes" && *line != "是")) {
      return declined();
    }
    // The case record says why its changes were taken back, as it says why they were made.
    while (reason.empty()) {
      const auto typed = prompter.ask(tr("Reason, for the case record > ", "理由（记入案例） > "));
      if (!typed) {
        return declined();
      }
      reason = *typed;
    }
  } else if (reason.empty()) {
    reason = "undo confirmed with --yes by " + journal::current_operator().user;
  }
  // The case's own cloud: a lab case on a lab rebuilt from its journal, never elsewhere
  // unless --switch-cloud says so.
  const auto connection =
      connect_for_case(folder.dir(), journal.entries(),
                       {options.lab, options.switch_cloud, options.cloud, options.lab_access});
  journal.set_principal(connection->principal());
  if (options.preflight) {
    // Whether the principal may put everything back, before anything is put back: an undo
    // stopped half-way by a 403 leaves the case half restored.
    const auto undo = exec::undo_plan(state, folder, connection->cloud, options.step);
    exec::Preflight preflight(*connection->client, *connection->credential, connection->cloud);
    auto result = preflight.check(undo.plan);
    result.alert_id = state.opened().value("alertId", "");
    result.playbook = state.opened().value("playbook", "");
    journal.append(preflight_entry(result, false));
    if (result.any_missing() || result.count(exec::Grant::unknown) > 0) {
      std::fprintf(human, "%s", preflight_text(result, lang, false, false).c_str());
    }
    if (result.any_missing()) {
      std::fprintf(stderr, "%s\n",
                   tr("dftriage: not permitted: putting these changes back needs permissions you "
                      "do not hold (above); nothing was undone. Ask for the role named, or run "
                      "again with --no-preflight to try anyway",
                      "dftriage: 无权执行：撤销这些更改需要您尚未拥有的权限（见上）；没有撤销任何"
                      "更改。请申请所列角色，或加上 --no-preflight 仍然尝试")
                       .c_str());
      if (json) {
        write_json_document(stdout, undo_record(folder, state, pending_ids, kept, "not-permitted"));
      }
      return ExitStatus::not_permitted;
    }
  }
  journal.append(
      {{"event", journal::event::undo_requested}, {"steps", pending_ids}, {"reason", reason}});
  UndoResponder responder(lang, human);
  exec::Executor executor(folder, journal, *connection->client, connection->cloud, responder,
                          connection->exec_settings({}));
  const bool ok = executor.undo(options.step, options.remove_evidence);
  if (json) {
    write_json_document(stdout, undo_record(folder, exec::CaseState::replay(journal.entries()),
                                            pending_ids, kept, ok ? "completed" : "failed"));
  }
  return ok ? ExitStatus::success : ExitStatus::azure_failure;
}

} // namespace

void add_undo(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<UndoOptions>();
  auto* sub = &command;
  sub->add_option("DIR", options->dir, "The case folder, or last for the newest case")->required();
  sub->add_option("--step", options->step, "Only this step's change");
  add_output_option(*sub, options->output, {OutputFormat::text, OutputFormat::json});
  sub->add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
  sub->add_flag("--lab", options->lab,
                "The case ran on an in-process lab (run --lab): undo on a lab rebuilt from the "
                "case (the default "
                "for such a case)");
  sub->add_flag("--switch-cloud", options->switch_cloud,
                "Undo on the cloud chosen now (--cloud, DFTRIAGE_CLOUD) although the case was "
                "opened on another");
  add_lab_access_options(*sub, options->lab_access);
  sub->add_flag("--preflight,!--no-preflight", options->preflight,
                "Check first that you may make every request the undo sends (the default; "
                "--no-preflight skips it)");
  sub->add_flag("--remove-evidence", options->remove_evidence,
                "Also delete what evidence steps made (disk snapshots); without it they are kept");
  sub->add_option(
      "--reason", options->reason,
      "Why the changes are taken back, for the case record (asked at a terminal when not given)");
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->dir = resolve_case_dir(options->dir, invocation.global.quiet);
      options->cloud = invocation.global.cloud;
      return run_undo(*options);
    };
  });
}

} // namespace dftriage::cli
