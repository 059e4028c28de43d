#include "dftriage/exec/executor.hpp"

#include "dftriage/engine/walk.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "executor_detail.hpp"

namespace dftriage::exec {

namespace ev = journal::event;

std::string_view to_string(Outcome outcome)
{
  switch (outcome) {
  case Outcome::done:
    return "done";
  case Outcome::no_op:
    return "no-op";
  case Outcome::done_earlier:
    return "done-earlier";
  case Outcome::declined:
    return "declined";
  case Outcome::refused:
    return "refused";
  case Outcome::failed:
    return "failed";
  case Outcome::rolled_back:
    return "rolled-back";
  case Outcome::skipped_after_failure:
    return "skipped-after-failure";
  case Outcome::open:
    return "open";
  case Outcome::not_permitted:
    return "not-permitted";
  }
  return "failed";
}

bool is_irreversible(const engine::PlannedStep& step)
{
  return step.action != nullptr && step.action->mutating &&
         step.action->reversibility == azure::Reversibility::irreversible;
}

std::string describe_failure(const std::exception& e)
{
  return terminal::sanitize(e.what());
}

Executor::Executor(journal::CaseFolder& folder, journal::Journal& journal, azure::Client& client,
                   const azure::Cloud& cloud, Responder& responder, ExecSettings settings)
    : m_folder(folder)
    , m_journal(journal)
    , m_client(client)
    , m_cloud(cloud)
    , m_responder(responder)
    , m_settings(std::move(settings))
    , m_state(CaseState::replay(journal.entries()))
{
}

void Executor::append(nlohmann::ordered_json entry, journal::Sync sync)
{
  m_state.apply(m_journal.append(std::move(entry), sync));
}

StepResult Executor::conclude(const std::string& step_id, const char* event, Outcome outcome,
                              std::string why)
{
  append({{"event", event}, {"step", step_id}, {"why", why}});
  return {outcome, std::move(why), {}};
}

StepResult Executor::run_step(const engine::Plan& plan, std::size_t index)
{
  const auto& step = plan.steps.at(index);
  const std::string& id = step.step->id;
  if (const auto* done = m_state.step(id); done != nullptr &&
                                           (done->status == "done" || done->status == "no-op") &&
                                           done->undo_status != "done") {
    return {Outcome::done_earlier, "already " + done->status + " in this case", {}};
  }
  nlohmann::ordered_json entered{{"event", ev::step_entered},
                                 {"step", id},
                                 {"phase", std::string(playbook::to_string(step.phase))}};
  if (step.action != nullptr) {
    entered["action"] = step.action->name;
    entered["params"] = step.params;
    entered["mutating"] = step.action->mutating;
    entered["reversibility"] = std::string(azure::to_string(step.action->reversibility));
  }
  // What only reads or routes the walk may reach the disk with the next change.
  append(std::move(entered), step.action != nullptr && step.action->mutating
                                 ? journal::Sync::now
                                 : journal::Sync::later);

  if (step.status == "refused" || step.status == "needs-answer") {
    return conclude(id, ev::step_refused, Outcome::refused,
                    step.status == "refused" ? step.note : "a question it needs has no answer");
  }
  if (step.action == nullptr && !engine::is_checklist(*step.step)) {
    // A decision (settled by its answers) or a notice that routes the walk.
    append({{"event", ev::step_done},
            {"step", id},
            {"manual", true},
            {"checked", step.step->ask.empty() ? "notice" : "answered"}},
           journal::Sync::later);
    return {Outcome::done, {}, {}};
  }
  if (step.action == nullptr) {
    // Only a person can check a task off (check_manual); it stays open.
    const std::string why =
        "a manual step: a person checks it off at a terminal (dftriage run --case DIR)";
    append({{"event", ev::step_open}, {"step", id}, {"manual", true}, {"why", why}});
    return {Outcome::open, why, {}};
  }
  if (const auto problem = scope_problem(step); !problem.empty()) {
    return conclude(id, ev::step_refused, Outcome::refused, problem);
  }
  if (const auto missing = m_settings.not_permitted.find(id);
      missing != m_settings.not_permitted.end()) {
    return conclude(id, ev::step_not_permitted, Outcome::not_permitted, missing->second);
  }
  if (auto held = check_assessed(plan, index)) {
    return *held;
  }
  if (step.action->mutating) {
    return run_mutating(step);
  }
  read_ahead(plan, index);
  return run_read_only(step);
}

StepResult Executor::check_manual(const engine::Plan& plan, std::size_t index,
                                  const std::string& checked, const std::string& note)
{
  const auto& step = plan.steps.at(index);
  const std::string& id = step.step->id;
  append({{"event", ev::step_entered},
          {"step", id},
          {"phase", std::string(playbook::to_string(step.phase))}});
  if (checked == "done" || checked == "not-applicable") {
    append({{"event", ev::step_done},
            {"step", id},
            {"manual", true},
            {"checked", checked},
            {"note", note}});
    return {Outcome::done, checked == "done" ? "" : "not applicable", {}};
  }
  append({{"event", ev::step_open},
          {"step", id},
          {"manual", true},
          {"why", "not done yet"},
          {"note", note}});
  return {Outcome::open, "not done yet" + (note.empty() ? std::string() : ": " + note), {}};
}

StepResult Executor::run_read_only(const engine::PlannedStep& step)
{
  const std::string& id = step.step->id;
  StepResult result{Outcome::done, {}, {}};
  auto ahead = take_ahead(step);
  try {
    for (std::size_t n = 0; n < step.requests.requests.size(); ++n) {
      const auto& request = step.requests.requests[n];
      const auto response = ahead ? replay_fetched(request, id, "read", ahead->fetched[n])
                                  : send_journaled(request, id, "read");
      save_evidence(id, id + (n > 0 ? "-" + std::to_string(n) : ""),
                    detail::evidence_of(request, response), ev::evidence_saved,
                    journal::Sync::later);
      if (n == 0) {
        result.result = response.body;
      }
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    return conclude(id, ev::step_failed, Outcome::failed, describe_failure(e));
  }
  append({{"event", ev::step_done}, {"step", id}}, journal::Sync::later);
  return result;
}

StepResult Executor::run_mutating(const engine::PlannedStep& step)
{
  const std::string& id = step.step->id;
  const auto& spec = *step.action;
  // A change this case sent whose step never concluded: the run died after sending it,
  // with or without its answer journaled.
  // A change this case sent that may have reached Azure although its step failed is
  // pending too: found in place now, it is this case's to undo. After the responder chose
  // to retry, the step sends afresh.
  const auto* earlier = m_state.step(id);
  bool was_pending = earlier != nullptr && (earlier->change_unfinished || earlier->request_pending);
  for (;;) {
    std::string failure;
    try {
      const auto pre = read_pre_image(step);
      const auto args = azure::check_args(spec, step.params);
      if (was_pending && spec.satisfied && spec.satisfied(args, pre)) {
        // This case sent the change and died before its answer was journaled; the target
        // now shows it: the change is ours, done, and undone from the pre-image captured
        // before it was sent (the state machine keeps the first one).
        const std::string why =
            "sent before the run was interrupted and found in place on resume: this case's change";
        append({{"event", ev::step_done}, {"step", id}, {"recovered", true}, {"why", why}});
        return {Outcome::done, why, {}};
      }
      if (const auto drift = drifted(id, step, pre); !drift.empty()) {
        return conclude(id, ev::step_refused, Outcome::refused, drift);
      }
      if (spec.refuse) {
        if (auto why = spec.refuse(args, pre); !why.empty()) {
          return conclude(id, ev::step_refused, Outcome::refused, std::move(why));
        }
      }
      if (spec.satisfied && spec.satisfied(args, pre)) {
        return conclude(id, ev::step_no_op, Outcome::no_op, "already in place: nothing to change");
      }
      if (was_pending && !spec.satisfied) {
        failure = "sent before the run was interrupted and its outcome cannot be read back; "
                  "check by hand, then run the step again (interactive retry)";
        // Told to the responder; the next run of this step sends afresh.
        append(
            {{"event", ev::step_failed}, {"step", id}, {"why", failure}, {"unverifiable", true}});
        throw Error(failure, ExitStatus::azure_failure);
      }
      // The requests with their run-time values.
      std::string secret;
      std::vector<azure::Request> requests;
      std::string change;
      PendingChange pending{{}, {}, &step.requests.pre_image, &pre, &m_cloud};
      for (auto request : step.requests.requests) {
        if (request.body) {
          request.body = azure::resolve_pre_image(*request.body, pre);
        }
        pending.requests.push_back(request); // the generated secret still a marker
        if (request.body) {
          detail::fill_generated(*request.body, secret);
        }
        change += request.method + " " + terminal::sanitize(request.url) + "\n";
        if (request.body) {
          change += "  " +
                    detail::scrub(*request.body, secret)
                        .dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace) +
                    "\n";
        }
        requests.push_back(std::move(request));
      }
      pending.text = change;
      const auto reason = m_responder.confirm_change(step, pending);
      if (!reason) {
        nlohmann::ordered_json declined{{"event", ev::step_declined}, {"step", id}};
        if (const auto why = m_responder.declined_reason(); !why.empty()) {
          declined["reason"] = why;
        }
        append(std::move(declined));
        return {Outcome::declined, {}, {}};
      }
      append({{"event", ev::confirmation}, {"step", id}, {"reason", *reason}});
      return send_change(step, std::move(requests), secret);
    } catch (const Interrupted&) {
      throw;
    } catch (const StepLeft& left) {
      append({{"event", ev::step_left}, {"step", id}, {"to", left.back() ? "back" : "stop"}});
      throw;
    } catch (const Error& e) {
      if (failure.empty()) {
        failure = describe_failure(e);
        append({{"event", ev::step_failed}, {"step", id}, {"why", failure}});
      }
    } catch (const azure::ActionError& e) {
      failure = describe_failure(e);
      append({{"event", ev::step_failed}, {"step", id}, {"why", failure}});
    }
    switch (m_responder.on_failure(step, failure)) {
    case FailureChoice::retry:
      was_pending = false;
      continue;
    case FailureChoice::skip:
      return {Outcome::skipped_after_failure, failure, {}};
    case FailureChoice::rollback:
      return {rollback() ? Outcome::rolled_back : Outcome::failed, failure, {}};
    case FailureChoice::stop:
      return {Outcome::failed, failure, {}};
    }
  }
}

StepResult Executor::send_change(const engine::PlannedStep& step,
                                 std::vector<azure::Request> requests, const std::string& secret)
{
  const std::string& id = step.step->id;
  azure::Response last;
  const azure::Request* last_request = nullptr;
  for (const auto& request : requests) {
    // Journal the scrubbed body, send the real one.
    const auto journaled =
        request.body ? detail::scrub(*request.body, secret) : nlohmann::ordered_json();
    last = send_journaled(request, id, "action", &journaled);
    last_request = &request;
  }
  // What the change answered is evidence too: a run command's output, the resource as
  // it now is. Never a secret value: the generated one is scrubbed, and a top-level
  // string "value" (a Key Vault secret bundle's) is not kept.
  nlohmann::ordered_json answer = detail::scrub(last.body, secret);
  if (answer.is_object() && answer.contains("value") && answer["value"].is_string()) {
    answer["value"] = "(secret value; not recorded)";
  }
  if (last_request != nullptr && (answer.is_object() || answer.is_array()) && !answer.empty()) {
    auto saved = detail::evidence_of(*last_request, last);
    saved["body"] = answer;
    save_evidence(id, id + "-result", saved, ev::evidence_saved);
  } else {
    answer = nullptr;
  }
  append({{"event", ev::step_done}, {"step", id}});
  if (!secret.empty()) {
    m_responder.show_secret_once(step.action->name, secret);
  }
  return {Outcome::done, {}, answer};
}

} // namespace dftriage::exec
