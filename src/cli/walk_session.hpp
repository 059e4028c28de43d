#pragma once

// Internal to src/cli: the interactive walk of `run` on a terminal.

#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/plan.hpp"
#include "prompt.hpp"
#include "walk_text.hpp"

#include <functional>
#include <string>
#include <vector>

namespace dftriage::cli {

struct WalkSettings
{
  playbook::Lang lang = playbook::Lang::en;
  bool dry_run = true;
  bool colour = false;
  bool yes = false;  // confirm mutating steps without asking
  // When set (run --lab / live), each step is carried out through this once the
  // responder has read it; mutating steps are confirmed by the executor's responder.
  std::function<StepOutcome(const engine::Plan&, std::size_t)> execute;
  // What carried-out read-only steps answered, by step ID, for {{results...}} defaults.
  const nlohmann::ordered_json* results = nullptr;
  // When set, told each answer typed at the prompts.
  std::function<void(const std::string& id, const nlohmann::ordered_json& value)> answered;
};

// Walks one alert through its playbook with a responder at a terminal: each step's
// heading, guidance and questions (asked where the playbook asks them, defaults
// shown, re-planned after every answer), the requests as curl commands, and a
// confirmation before anything that changes Azure. `b` goes back a step, `q` stops.
class WalkSession
{
public:
  WalkSession(const alert::Alert& alert, const engine::MatchResult& match, const playbook::Playbook& playbook,
              engine::Answers given, const azure::Cloud& cloud, Prompter& prompter, WalkSettings settings);

  // Runs the walk; returns "completed", "stopped" (q or end of input) or "refused"
  // (the alert does not meet the playbook's requirements).
  std::string run();

  // The outcome of each step walked, in order (valid after run()).
  const std::vector<StepOutcome>& outcomes() const { return m_outcomes; }
  // The plan with the final answers (valid after run()).
  const engine::Plan& plan() const { return m_plan; }

private:
  enum class Command { next, back, quit };

  engine::Plan replan();
  // Asks the step's questions that its action uses (`before`) or the others.
  Command ask_questions(std::size_t step_index, bool before);
  Command ask_one(const playbook::Input& input);
  Command finish_step(std::size_t step_index);
  void go_back();

  const alert::Alert& m_alert;
  engine::MatchResult m_match;
  const playbook::Playbook& m_playbook;
  engine::Answers m_given;  // from --answers / --set: never asked
  engine::Answers m_asked;  // typed at the prompts
  const azure::Cloud& m_cloud;
  Prompter& m_prompter;
  WalkSettings m_settings;
  engine::Plan m_plan;
  std::vector<StepOutcome> m_outcomes;
};

} // namespace dftriage::cli
