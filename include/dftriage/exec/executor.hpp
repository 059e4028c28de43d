#pragma once

// Carrying out a plan's steps against Azure (or the lab): reads first, then each change
// with its pre-image, a no-op check, the responder's confirmation and reason, and a
// journal entry for everything, so a case can be resumed, reported and undone.

#include "dftriage/azure/client.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::exec {

// What to do after a mutating step failed.
enum class FailureChoice { retry, skip, rollback, stop };

// What to do when a step would close the alert while reads that assess the incident
// failed: run those reads again, close anyway (the responder's reason is journaled),
// or stop there.
struct UnassessedChoice
{
  enum class Kind { retry, close_anyway, stop } kind = Kind::stop;
  std::string reason; // close_anyway: why
};

// Returns whether `step` makes a change dftriage cannot undo (a delete, a reimage, a
// password reset, a script run on a VM): such changes are confirmed explicitly, never by
// a plain --yes.
bool is_irreversible(const engine::PlannedStep& step);

// Thrown by a Responder when the person leaves a step unfinished at one of its prompts:
// back to the step before (`back()`), or stop the walk. Nothing more of the step is
// sent; the executor journals step.left and lets it through.
class StepLeft : public std::exception
{
public:
  explicit StepLeft(bool back)
      : m_back(back)
  {
  }
  bool back() const { return m_back; }
  const char* what() const noexcept override { return m_back ? "back" : "stopped"; }

private:
  bool m_back;
};

// The person (or the flags standing in for one) who decides.
class Responder
{
public:
  virtual ~Responder() = default;

  // Shows what a mutating step is about to change (`change`: the requests and what the
  // pre-image shows now). Returns the responder's reason to go ahead, or nullopt to
  // decline.
  virtual std::optional<std::string> confirm(const engine::PlannedStep& step,
                                             const std::string& change) = 0;
  // A mutating step failed (`error` says how); what now?
  virtual FailureChoice on_failure(const engine::PlannedStep& step, const std::string& error) = 0;
  // Shows a line of progress or a read-only result (already safe for a terminal).
  virtual void show(const std::string& text) = 0;
  // After confirm() declined: the responder's reason for declining, "" when none was
  // given (journaled with the decline).
  virtual std::string declined_reason() { return {}; }
  // Shows a value generated at run time (a VM's new password) once; never stored.
  virtual void show_secret_once(const std::string& label, const std::string& value) = 0;
  // `step` would close the alert but the reads `failed` (step IDs) did not succeed.
  // Unattended: stop (the default), since closing would hide what they were to find.
  virtual UnassessedChoice on_unassessed(const engine::PlannedStep& step,
                                         const std::vector<std::string>& failed)
  {
    (void)step;
    (void)failed;
    return {};
  }
};

struct ExecSettings
{
  // Subscriptions the case may touch (lower case); empty: any (tests only).
  std::vector<std::string> subscriptions;
  // apply: the targets' state when the plan was made, per step ID (plan_file.hpp); a
  // change whose target differs now is refused.
  std::map<std::string, nlohmann::ordered_json> captured;
};

// How a step ended.
enum class Outcome {
  done,                  // carried out
  no_op,                 // already in place
  done_earlier,          // this case did it before a resume
  declined,              // the responder did not confirm the change
  refused,               // out of scope, or the pre-image (or its drift) forbids it
  failed,                // Azure or the transport failed it
  rolled_back,           // failed, and the case's changes were undone at the responder's word
  skipped_after_failure, // failed, and the responder went on without it
  open,                  // a manual step no person has checked off
};

// Returns the outcome's name in output and the journal: "done", "no-op", "done-earlier",
// "declined", "refused", "failed", "rolled-back", "skipped-after-failure", "open".
std::string_view to_string(Outcome outcome);

// The result of one step.
struct StepResult
{
  Outcome outcome = Outcome::done;
  std::string message;
  nlohmann::ordered_json result; // a read-only step's answer (the first request's body)
};

class Executor
{
public:
  // All references must outlive the executor. The journal must be the case's.
  Executor(journal::CaseFolder& folder, journal::Journal& journal, azure::Client& client,
           const azure::Cloud& cloud, Responder& responder, ExecSettings settings);

  // Carries out step `index` of `plan` (a visited step). Read-only requests are sent and
  // saved as evidence; a mutating action reads its pre-image, is recorded as a no-op
  // when the effect is already in place, else is confirmed and sent. Never throws for an
  // Azure failure (the outcome says "failed" after the responder chose); throws
  // Interrupted on Ctrl-C.
  StepResult run_step(const engine::Plan& plan, std::size_t index);

  // Records a person's check of a manual step (one without an action): `checked` is
  // "done" or "not-applicable" (journaled as step.done) or "not-done" (step.open), with
  // their `note`. run_step never marks a manual step done: off a terminal it stays open.
  StepResult check_manual(const engine::Plan& plan, std::size_t index, const std::string& checked,
                          const std::string& note);

  // The state replayed from the journal (what this case already did).
  const CaseState& state() const { return m_state; }

  // Undoes what this case changed, newest first (only `step_id` when not empty). What an
  // evidence action made (a disk snapshot) stays unless `remove_evidence`.
  // Returns false when something could not be undone.
  bool undo(const std::string& step_id, bool remove_evidence = false);

private:
  // The reads (and inspections) walked before step `index` whose outcome is a failure.
  std::vector<std::string> failed_reads(const engine::Plan& plan, std::size_t index) const;
  // A step that closes the alert while reads that assess the incident failed: asks the
  // responder; returns the step's outcome when it must not run (nullopt: go on).
  std::optional<StepResult> check_assessed(const engine::Plan& plan, std::size_t index);
  StepResult run_read_only(const engine::PlannedStep& step);
  StepResult run_mutating(const engine::PlannedStep& step);
  // Sends one request with journal entries around it; returns the response or throws.
  azure::Response send_journaled(const azure::Request& request, const std::string& step_id,
                                 const char* kind);
  // Reads the pre-image requests of `step`; 404s are answers, not failures.
  azure::PreImage read_pre_image(const engine::PlannedStep& step,
                                 std::vector<std::string>& evidence);
  std::string scope_problem(const engine::PlannedStep& step) const;
  // Returns why the target no longer matches the plan's capture, or "".
  std::string drifted(const std::string& id, const engine::PlannedStep& step,
                      const azure::PreImage& pre) const;
  bool rollback();

  journal::CaseFolder& m_folder;
  journal::Journal& m_journal;
  azure::Client& m_client;
  const azure::Cloud& m_cloud;
  Responder& m_responder;
  ExecSettings m_settings;
  CaseState m_state;
};

// Returns why `step` would act outside `subscriptions` (lower case; empty: any), naming
// the subscription and how to widen the case's scope, or "" when it stays inside.
std::string scope_problem(const engine::PlannedStep& step,
                          const std::vector<std::string>& subscriptions);

// Returns a random password of `length` characters with upper, lower, digit and symbol.
std::string generate_password(std::size_t length = 24);

// Returns a one-line description of an exception thrown by the client (status, ARM code,
// message, request ID), safe for a terminal and the journal.
std::string describe_failure(const std::exception& e);

} // namespace dftriage::exec
