#pragma once

// Internal to src/cli: the interactive walk of `run` on a terminal.

#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/plan.hpp"
#include "prompt.hpp"
#include "walk_text.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dftriage::cli {

// A person's check of a manual step: "done", "not-done" or "not-applicable", and a note.
struct ManualCheck
{
  std::string checked;
  std::string note;
};

struct WalkSettings
{
  playbook::Lang lang = playbook::Lang::en;
  bool dry_run = true;
  bool colour = false;
  bool yes = false; // dry run: confirm mutating steps without asking
  // When set (run --lab / live), each step with an action is carried out through this
  // once the responder has read it; changes are confirmed by the executor's responder,
  // which may throw exec::StepLeft (b or q at its prompts).
  std::function<StepOutcome(const engine::Plan&, std::size_t)> execute;
  // When set (run --lab / live), a manual step's check is recorded through this.
  std::function<StepOutcome(const engine::Plan&, std::size_t, const ManualCheck&)> check_manual;
  // When set (a resumed case), returns what the case did at a step earlier ("done",
  // "no-op", a manual step's "not-applicable"), or "" when it is still open.
  std::function<std::string(const std::string& step_id)> earlier;
  // What carried-out read-only steps answered, by step ID, for {{results...}} defaults
  // and for showing what a read found.
  const nlohmann::ordered_json* results = nullptr;
  // When set, told each answer typed at the prompts.
  std::function<void(const std::string& id, const nlohmann::ordered_json& value)> answered;
  // Answers typed in an earlier run of this case: shown as the current answer, and
  // asked again when a step now refuses them.
  engine::Answers typed_before;
  // Optional questions an earlier run of this case cleared with -: answered (with
  // nothing), so a resume does not ask them again.
  std::set<std::string> cleared_before;
  // The case folder, for messages that name it ("" in a dry run).
  std::string case_dir;
  // The subscriptions the case may change (lower case; empty: not checked).
  std::vector<std::string> subscriptions;
  // When set, what to say at a step before it is carried out ("" : nothing): the permission
  // the preflight found missing and the role to ask for.
  std::function<std::string(const std::string& step_id)> step_notice;
  // An incident walked as one: its alerts, oldest first (the session's alert is the
  // first), and its ID. Empty: the session's alert alone.
  std::vector<const alert::Alert*> incident;
  std::string incident_id;
};

// Returns why an answer to `input_id` cannot stand: a step that takes it refuses it
// (engine::refusal_for_answer), or it would make a step act outside `subscriptions`
// (the case's scope; empty: any). "" when it can.
std::string answer_problem(const engine::Plan& plan, const std::string& input_id,
                           const std::vector<std::string>& subscriptions);

// Walks one alert through its playbook with a responder at a terminal: each step's
// heading, guidance and questions (asked where the playbook asks them, checked where
// they are typed, defaults shown, re-planned after every answer), the requests as curl
// commands, what each read found, a confirmation before anything that changes Azure,
// and a checklist answer for each manual step.
//
// Every prompt accepts the same keys: Enter goes on (accepting a shown default), b goes
// back one step and never sends or reverts anything, q stops (a case stays resumable),
// ? explains the prompt's keys. A step done in this case stays done when the walk goes
// back past it.
class WalkSession
{
public:
  WalkSession(const alert::Alert& alert, const engine::MatchResult& match,
              const playbook::Playbook& playbook, engine::Answers given, const azure::Cloud& cloud,
              Prompter& prompter, WalkSettings settings);

  // Runs the walk; returns "completed" (the end of the playbook was reached), "stopped"
  // (q, or end of input) or "refused" (the alert does not meet the playbook's
  // requirements).
  std::string run();

  // The outcome of each step walked, in order (valid after run()).
  const std::vector<StepOutcome>& outcomes() const { return m_outcomes; }
  // Outcomes of this run's steps that b went back past: a step done in this run and
  // visited again is still "done" in the summary, not "done-earlier".
  std::map<std::size_t, StepOutcome> m_stepped_back;
  // The plan with the final answers (valid after run()).
  const engine::Plan& plan() const { return m_plan; }

private:
  enum class Command { next, back, quit };

  engine::Plan replan();
  // Asks the step's questions that its action uses (`before`) or the others.
  Command ask_questions(std::size_t step_index, bool before);
  Command ask_one(const playbook::Input& input);
  Command visit(std::size_t step_index);
  Command visit_done(std::size_t step_index, const std::string& earlier);
  Command check_manual(std::size_t step_index);
  Command confirm_dry_run(std::size_t step_index);
  // After a step: Enter goes on, b back, v shows the whole result, q stops.
  Command after_step(std::size_t step_index);
  void show_result(std::size_t step_index);
  // Drops the outcomes of steps the walk no longer visits (and of skipped ones it does).
  void prune_outcomes();
  void go_back();
  void summarise_earlier();
  // On resume: asks again what a kept answer a step now refuses, and the questions of
  // done steps left open when the case stopped; shows the steps done before. quit: stop.
  Command resume_questions();
  // Asks `input` until it is answered or q: on resume b has no step to go back to.
  Command ask_again(const playbook::Input& input);
  std::string tr(std::string_view en, std::string_view zh) const
  {
    return cli::tr(m_settings.lang, en, zh);
  }

  const alert::Alert& m_alert;
  engine::MatchResult m_match;
  const playbook::Playbook& m_playbook;
  engine::Answers m_given; // from --answers / --set / an earlier run of the case: not asked again
  engine::Answers m_asked; // typed at the prompts
  const azure::Cloud& m_cloud;
  Prompter& m_prompter;
  WalkSettings m_settings;
  engine::Plan m_plan;
  std::vector<StepOutcome> m_outcomes;
};

} // namespace dftriage::cli
