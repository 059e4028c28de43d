#pragma once

// Carrying out a plan's steps against Azure (or the lab): reads first, then each change
// with its pre-image, a no-op check, the responder's confirmation and reason, and a
// journal entry for everything, so a case can be resumed, reported and undone.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/parallel_reads.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"

#include <exception>
#include <functional>
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

// A change about to be sent, as data for a responder that shows it: each request as it
// will go (bodies resolved against the pre-image, a generated secret still
// "$(generated secret)"), the step's pre-image reads and what they found, the cloud.
struct PendingChange
{
  std::string text; // what confirm() is given: each request's method, URL and body
  std::vector<azure::Request> requests;
  const std::vector<azure::Request>* pre_requests = nullptr;
  const azure::PreImage* pre_image = nullptr;
  const azure::Cloud* cloud = nullptr;
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
  // The same, given the change as data (a responder may show what it changes against
  // the pre-image); by default confirm(step, change.text).
  virtual std::optional<std::string> confirm_change(const engine::PlannedStep& step,
                                                    const PendingChange& change)
  {
    return confirm(step, change.text);
  }
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
  // Sends the reads that follow a read and do not depend on it at the same time (each
  // journaled when the walk reaches its step); null: one request at a time. Must outlive
  // the executor.
  azure::ParallelReader* reader = nullptr;
  // Called when Azure has answered a change and before the answer is journaled (the
  // crash-safety tests end the process there); empty: nothing.
  std::function<void()> after_change;
  // Steps not to attempt, with why: the preflight found a permission each needs missing
  // and the run was told to go on without them (--allow-missing-permissions).
  std::map<std::string, std::string> not_permitted;
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
  not_permitted,         // the preflight found a permission it needs missing: never attempted
};

// Returns the outcome's name in output and the journal: "done", "no-op", "done-earlier",
// "declined", "refused", "failed", "rolled-back", "skipped-after-failure", "open",
// "not-permitted".
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
  // Journals the reads sent ahead of steps the walk never reached (reads.unused).
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

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
  // Reads sent ahead of their step (read_ahead.cpp), by step ID.
  struct Ahead
  {
    std::vector<azure::Request> requests;
    std::vector<azure::Fetched> fetched;
  };

  // The reads (and inspections) walked before step `index` whose outcome is a failure.
  std::vector<std::string> failed_reads(const engine::Plan& plan, std::size_t index) const;
  // A step that closes the alert while reads that assess the incident failed: asks the
  // responder; returns the step's outcome when it must not run (nullopt: go on).
  std::optional<StepResult> check_assessed(const engine::Plan& plan, std::size_t index);
  StepResult run_read_only(const engine::PlannedStep& step);
  StepResult run_mutating(const engine::PlannedStep& step);
  // Carries out a change's requests once confirmed; returns the outcome or throws.
  StepResult send_change(const engine::PlannedStep& step, std::vector<azure::Request> requests,
                         const std::string& secret);

  // journaled_send.cpp: sends one request with journal entries around it (the body
  // journaled is `journaled_body` when given: a scrubbed copy); returns the response or
  // throws what the client threw.
  azure::Response send_journaled(const azure::Request& request, const std::string& step_id,
                                 const char* kind,
                                 const nlohmann::ordered_json* journaled_body = nullptr);
  // Journals a read sent ahead as if sent now, with the time it really left; returns its
  // response or throws what the client threw for it.
  azure::Response replay_fetched(const azure::Request& request, const std::string& step_id,
                                 const char* kind, const azure::Fetched& fetched);
  void journal_sent(const azure::Request& request, const std::string& step_id, const char* kind,
                    const nlohmann::ordered_json* journaled_body, const std::string& sent_ahead);
  void journal_answer(const azure::Request& request, const std::string& step_id, const char* kind,
                      const azure::Response& response);
  void journal_failure(const azure::Request& request, const std::string& step_id, const char* kind,
                       const std::exception_ptr& error);
  // Appends `entry` to the journal and takes it into the case state.
  // (Sync::later for a read's entries: a crash of the machine may lose them unharmed.)
  void append(nlohmann::ordered_json entry, journal::Sync sync = journal::Sync::now);
  // Records the step's conclusion `event` with `why` and returns `outcome` with it.
  StepResult conclude(const std::string& step_id, const char* event, Outcome outcome,
                      std::string why);

  // read_ahead.cpp
  void read_ahead(const engine::Plan& plan, std::size_t index);
  std::optional<Ahead> take_ahead(const engine::PlannedStep& step);
  void journal_unused(const std::string& step_id, const Ahead& ahead);

  // pre_image.cpp: reads the pre-image requests of `step`; 404s are answers, not failures.
  azure::PreImage read_pre_image(const engine::PlannedStep& step);
  // Returns why the target no longer matches the plan's capture, or "".
  std::string drifted(const std::string& id, const engine::PlannedStep& step,
                      const azure::PreImage& pre) const;
  // Writes evidence `name` and journals it as `event` with its SHA-256.
  void save_evidence(const std::string& step_id, const std::string& name,
                     const nlohmann::ordered_json& content, const char* event,
                     journal::Sync sync = journal::Sync::now);

  std::string scope_problem(const engine::PlannedStep& step) const;
  bool rollback();

  journal::CaseFolder& m_folder;
  journal::Journal& m_journal;
  azure::Client& m_client;
  const azure::Cloud& m_cloud;
  Responder& m_responder;
  ExecSettings m_settings;
  CaseState m_state;
  std::map<std::string, Ahead> m_ahead;
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
