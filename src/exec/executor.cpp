#include "dftriage/exec/executor.hpp"

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/plan_file.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <openssl/rand.h>
#include <unistd.h>

namespace dftriage::exec {

namespace {

constexpr std::string_view k_generated = "$(generated secret)";
constexpr const char* k_not_recorded = "(generated at run time; not recorded)";

const char* next_link_of(const nlohmann::ordered_json& body)
{
  if (!body.is_object()) {
    return nullptr;
  }
  for (const char* key : {"nextLink", "@odata.nextLink"}) {
    const auto it = body.find(key);
    if (it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return key;
    }
  }
  return nullptr;
}

// Replaces every "$(generated secret)" in `node` with `secret` (made on first need).
bool fill_generated(nlohmann::ordered_json& node, std::string& secret)
{
  bool used = false;
  if (node.is_string() && node.get_ref<const std::string&>() == k_generated) {
    if (secret.empty()) {
      secret = generate_password();
    }
    node = secret;
    return true;
  }
  if (node.is_structured()) {
    for (auto& child : node) {
      used = fill_generated(child, secret) || used;
    }
  }
  return used;
}

// Returns `node` with every occurrence of `secret` replaced by a marker.
nlohmann::ordered_json scrub(const nlohmann::ordered_json& node, const std::string& secret)
{
  if (secret.empty()) {
    return node;
  }
  if (node.is_string()) {
    return node.get_ref<const std::string&>() == secret ? nlohmann::ordered_json(k_not_recorded)
                                                        : node;
  }
  auto out = node;
  if (out.is_structured()) {
    for (auto& child : out) {
      child = scrub(child, secret);
    }
  }
  return out;
}

// Test hook for the crash-safety tests: DFTRIAGE_TEST_KILL_AFTER_CHANGE=N ends the process
// abruptly (like kill -9) once the N-th change of this process was answered by Azure and
// before the answer is journaled: the worst moment for a resume.
void maybe_die_after_change()
{
  static int count = 0;
  static const char* limit = std::getenv("DFTRIAGE_TEST_KILL_AFTER_CHANGE");
  if (limit != nullptr && ++count == std::atoi(limit)) {
    ::_exit(137);
  }
}

std::string subscription_in(std::string_view text)
{
  const auto pos = text::to_lower(text).find("/subscriptions/");
  if (pos == std::string::npos) {
    return {};
  }
  const auto start = pos + std::string_view("/subscriptions/").size();
  const auto end = text.find_first_of("/?#", start);
  return text::to_lower(
      text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

// Returns a read's answer as evidence: where it went and what came back.
nlohmann::ordered_json evidence_of(const azure::Request& request, const azure::Response& response)
{
  return {{"method", request.method},
          {"url", request.url},
          {"status", response.status},
          {"requestId", response.request_id},
          {"body", response.body.is_null() && !response.raw_body.empty()
                       ? nlohmann::ordered_json(response.raw_body)
                       : response.body}};
}

} // namespace

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
  }
  return "failed";
}

bool is_irreversible(const engine::PlannedStep& step)
{
  return step.action != nullptr && step.action->mutating &&
         step.action->reversibility == azure::Reversibility::irreversible;
}

std::string generate_password(std::size_t length)
{
  static constexpr std::string_view k_upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view k_lower = "abcdefghijkmnopqrstuvwxyz";
  static constexpr std::string_view k_digit = "23456789";
  static constexpr std::string_view k_symbol = "!#%+-.:=?@_~";
  const std::string_view sets[] = {k_upper, k_lower, k_digit, k_symbol};
  std::string all;
  for (const auto set : sets) {
    all += set;
  }
  std::vector<unsigned char> random(length * 2);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw Error("cannot generate a password: no randomness from OpenSSL", ExitStatus::failure);
  }
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    // The first four characters take one of each class; the rest any.
    const auto set = i < 4 ? sets[i] : std::string_view(all);
    out += set[random[i] % set.size()];
  }
  // Shuffle so the classes are not in fixed places.
  for (std::size_t i = out.size() - 1; i > 0; --i) {
    std::swap(out[i], out[random[length + i] % (i + 1)]);
  }
  return out;
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

azure::Response Executor::send_journaled(const azure::Request& request, const std::string& step_id,
                                         const char* kind)
{
  nlohmann::ordered_json sent{{"event", journal::event::request_sent},
                              {"step", step_id},
                              {"kind", kind},
                              {"method", request.method},
                              {"url", request.url},
                              {"audience", request.audience},
                              {"body", request.body ? *request.body : nlohmann::ordered_json()},
                              {"mutating", request.mutating}};
  m_state.apply(m_journal.append(std::move(sent)));
  try {
    azure::Response response;
    const bool mutating = request.mutating;
    response = m_client.send(request);
    if (const char* key = next_link_of(response.body); key != nullptr && request.method == "GET") {
      auto items = m_client.list(request);
      response.body["value"] = std::move(items);
      response.body.erase(key);
    }
    if (mutating) {
      maybe_die_after_change();
    }
    m_state.apply(m_journal.append({{"event", journal::event::response_received},
                                    {"step", step_id},
                                    {"kind", kind},
                                    {"method", request.method},
                                    {"url", request.url},
                                    {"status", response.status},
                                    {"requestId", response.request_id},
                                    {"correlationId", response.correlation_id},
                                    {"clientRequestId", response.client_request_id}}));
    return response;
  } catch (const azure::AzureError& e) {
    m_state.apply(m_journal.append({{"event", journal::event::request_failed},
                                    {"step", step_id},
                                    {"kind", kind},
                                    {"method", request.method},
                                    {"url", request.url},
                                    {"status", e.http_status()},
                                    {"code", e.code()},
                                    {"message", terminal::sanitize(e.info().message)},
                                    {"requestId", e.request_id()},
                                    {"mayHaveReachedServer", true}}));
    throw;
  } catch (const azure::TransportError& e) {
    m_state.apply(m_journal.append({{"event", journal::event::request_failed},
                                    {"step", step_id},
                                    {"kind", kind},
                                    {"method", request.method},
                                    {"url", request.url},
                                    {"status", 0},
                                    {"message", terminal::sanitize(e.what())},
                                    {"mayHaveReachedServer", e.may_have_reached_server()}}));
    throw;
  }
}

std::string Executor::scope_problem(const engine::PlannedStep& step) const
{
  return exec::scope_problem(step, m_settings.subscriptions);
}

std::string scope_problem(const engine::PlannedStep& step,
                          const std::vector<std::string>& subscriptions)
{
  if (subscriptions.empty()) {
    return {};
  }
  auto outside = [&](const std::string& sub) {
    return !sub.empty() &&
           std::find(subscriptions.begin(), subscriptions.end(), sub) == subscriptions.end();
  };
  std::vector<const azure::Request*> all;
  for (const auto& r : step.requests.pre_image) {
    all.push_back(&r);
  }
  for (const auto& r : step.requests.requests) {
    all.push_back(&r);
  }
  for (const auto* r : all) {
    const auto sub = subscription_in(r->url);
    if (outside(sub)) {
      return "it would touch subscription " + sub + ", outside this case's scope (" +
             text::join(subscriptions) + "); widen it with --subscription if that is intended";
    }
  }
  for (const auto& [name, value] : step.params.items()) {
    if (value.is_string()) {
      const auto sub = subscription_in(value.get<std::string>());
      if (outside(sub)) {
        return "parameter " + name + " names subscription " + sub +
               ", outside this case's scope (" + text::join(subscriptions) +
               "); widen it with --subscription if that is intended";
      }
    }
  }
  return {};
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
  nlohmann::ordered_json entered{{"event", journal::event::step_entered},
                                 {"step", id},
                                 {"phase", std::string(playbook::to_string(step.phase))}};
  if (step.action != nullptr) {
    entered["action"] = step.action->name;
    entered["params"] = step.params;
    entered["mutating"] = step.action->mutating;
    entered["reversibility"] = std::string(azure::to_string(step.action->reversibility));
  }
  m_state.apply(m_journal.append(std::move(entered)));

  if (step.status == "refused" || step.status == "needs-answer") {
    const std::string why =
        step.status == "refused" ? step.note : "a question it needs has no answer";
    m_state.apply(
        m_journal.append({{"event", journal::event::step_refused}, {"step", id}, {"why", why}}));
    return {Outcome::refused, why, {}};
  }
  if (step.action == nullptr && !engine::is_checklist(*step.step)) {
    // A decision (settled by its answers) or a notice that routes the walk.
    m_state.apply(m_journal.append({{"event", journal::event::step_done},
                                    {"step", id},
                                    {"manual", true},
                                    {"checked", step.step->ask.empty() ? "notice" : "answered"}}));
    return {Outcome::done, {}, {}};
  }
  if (step.action == nullptr) {
    // Only a person can check a task off (check_manual); it stays open.
    const std::string why =
        "a manual step: a person checks it off at a terminal (dftriage run --case DIR)";
    m_state.apply(m_journal.append(
        {{"event", journal::event::step_open}, {"step", id}, {"manual", true}, {"why", why}}));
    return {Outcome::open, why, {}};
  }
  if (const auto problem = scope_problem(step); !problem.empty()) {
    m_state.apply(m_journal.append(
        {{"event", journal::event::step_refused}, {"step", id}, {"why", problem}}));
    return {Outcome::refused, problem, {}};
  }
  if (auto held = check_assessed(plan, index)) {
    return *held;
  }
  return step.action->mutating ? run_mutating(step) : run_read_only(step);
}

StepResult Executor::check_manual(const engine::Plan& plan, std::size_t index,
                                  const std::string& checked, const std::string& note)
{
  const auto& step = plan.steps.at(index);
  const std::string& id = step.step->id;
  m_state.apply(m_journal.append({{"event", journal::event::step_entered},
                                  {"step", id},
                                  {"phase", std::string(playbook::to_string(step.phase))}}));
  if (checked == "done" || checked == "not-applicable") {
    m_state.apply(m_journal.append({{"event", journal::event::step_done},
                                    {"step", id},
                                    {"manual", true},
                                    {"checked", checked},
                                    {"note", note}}));
    return {Outcome::done, checked == "done" ? "" : "not applicable", {}};
  }
  m_state.apply(m_journal.append({{"event", journal::event::step_open},
                                  {"step", id},
                                  {"manual", true},
                                  {"why", "not done yet"},
                                  {"note", note}}));
  return {Outcome::open, "not done yet" + (note.empty() ? std::string() : ": " + note), {}};
}

StepResult Executor::run_read_only(const engine::PlannedStep& step)
{
  const std::string& id = step.step->id;
  StepResult result{Outcome::done, {}, {}};
  try {
    std::size_t n = 0;
    for (const auto& request : step.requests.requests) {
      const auto response = send_journaled(request, id, "read");
      const auto path = m_folder.write_evidence(id + (n > 0 ? "-" + std::to_string(n) : ""),
                                                evidence_of(request, response));
      m_state.apply(m_journal.append({{"event", journal::event::evidence_saved},
                                      {"step", id},
                                      {"evidence", path},
                                      {"sha256", journal::sha256_hex(m_folder.read_file(path))}}));
      if (n == 0) {
        result.result = response.body;
      }
      ++n;
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    const std::string why = describe_failure(e);
    m_state.apply(
        m_journal.append({{"event", journal::event::step_failed}, {"step", id}, {"why", why}}));
    return {Outcome::failed, why, {}};
  }
  m_state.apply(m_journal.append({{"event", journal::event::step_done}, {"step", id}}));
  return result;
}

std::string Executor::drifted(const std::string& id, const engine::PlannedStep& step,
                              const azure::PreImage& pre) const
{
  const auto it = m_settings.captured.find(id);
  if (it == m_settings.captured.end()) {
    return {};
  }
  const auto& captured = it->second;
  for (std::size_t i = 0; i < pre.size() && i < step.requests.pre_image.size(); ++i) {
    // A target this case already changed cannot match the plan's capture; that change
    // was itself checked against it.
    bool changed_here = false;
    for (const auto& done : m_state.changes()) {
      const auto* r = m_state.step(done);
      changed_here = changed_here ||
                     (r != nullptr && r->pre_image_urls.count(step.requests.pre_image[i].url) > 0);
    }
    if (changed_here) {
      continue;
    }
    const auto now = fingerprint(step.requests.pre_image[i].url, pre[i].status, pre[i].body);
    const auto then = i < captured.size() ? captured[i] : nlohmann::ordered_json();
    if (then.is_null() || then.value("sha256", "") != now["sha256"] ||
        then.value("status", 0) != now["status"]) {
      std::string what = "its target changed since the plan was made: " +
                         terminal::sanitize(step.requests.pre_image[i].url);
      if (!then.is_null() && then.value("status", 0) != now["status"].get<int>()) {
        what += " (HTTP " + std::to_string(then.value("status", 0)) + " then, " +
                now["status"].dump() + " now)";
      } else if (!then.is_null() && !then.value("etag", "").empty() &&
                 then.value("etag", "") != now["etag"]) {
        what += " (ETag " + then.value("etag", "") + " then, " + now["etag"].get<std::string>() +
                " now)";
      } else {
        what += " (its content differs)";
      }
      return what + "; plan again and review the new plan";
    }
  }
  return {};
}

azure::PreImage Executor::read_pre_image(const engine::PlannedStep& step,
                                         std::vector<std::string>& evidence)
{
  const std::string& id = step.step->id;
  azure::PreImage pre;
  auto saved = nlohmann::ordered_json::array();
  for (const auto& request : step.requests.pre_image) {
    azure::Observed seen;
    try {
      const auto response = send_journaled(request, id, "pre-image");
      seen.status = response.status;
      seen.body = response.body.is_null() && !response.raw_body.empty()
                      ? nlohmann::ordered_json(response.raw_body)
                      : response.body;
    } catch (const azure::AzureError& e) {
      if (e.http_status() != 404) {
        throw;
      }
      seen.status = 404;
    }
    saved.push_back({{"method", request.method},
                     {"url", request.url},
                     {"status", seen.status},
                     {"body", seen.body}});
    pre.push_back(std::move(seen));
  }
  if (!saved.empty()) {
    const auto path = m_folder.write_evidence(id + "-pre-image", saved);
    evidence.push_back(path);
    m_state.apply(m_journal.append({{"event", journal::event::pre_image_captured},
                                    {"step", id},
                                    {"evidence", path},
                                    {"sha256", journal::sha256_hex(m_folder.read_file(path))}}));
  }
  return pre;
}

StepResult Executor::run_mutating(const engine::PlannedStep& step)
{
  const std::string& id = step.step->id;
  const auto& spec = *step.action;
  // A change this case sent whose step never concluded: the run died after sending it,
  // with or without its answer journaled.
  const bool was_pending = m_state.step(id) != nullptr && m_state.step(id)->change_unfinished;
  for (;;) {
    std::string failure;
    try {
      std::vector<std::string> evidence;
      const auto pre = read_pre_image(step, evidence);
      const auto args = azure::check_args(spec, step.params);
      if (was_pending && spec.satisfied && spec.satisfied(args, pre)) {
        // This case sent the change and died before its answer was journaled; the target
        // now shows it: the change is ours, done, and undone from the pre-image captured
        // before it was sent (the state machine keeps the first one).
        const std::string why =
            "sent before the run was interrupted and found in place on resume: this case's change";
        m_state.apply(m_journal.append({{"event", journal::event::step_done},
                                        {"step", id},
                                        {"recovered", true},
                                        {"why", why}}));
        return {Outcome::done, why, {}};
      }
      if (const auto drift = drifted(id, step, pre); !drift.empty()) {
        m_state.apply(m_journal.append(
            {{"event", journal::event::step_refused}, {"step", id}, {"why", drift}}));
        return {Outcome::refused, drift, {}};
      }
      if (spec.refuse) {
        if (const auto why = spec.refuse(args, pre); !why.empty()) {
          m_state.apply(m_journal.append(
              {{"event", journal::event::step_refused}, {"step", id}, {"why", why}}));
          return {Outcome::refused, why, {}};
        }
      }
      if (spec.satisfied && spec.satisfied(args, pre)) {
        const std::string why = "already in place: nothing to change";
        m_state.apply(
            m_journal.append({{"event", journal::event::step_no_op}, {"step", id}, {"why", why}}));
        return {Outcome::no_op, why, {}};
      }
      if (was_pending && !spec.satisfied) {
        const std::string why =
            "sent before the run was interrupted and its outcome cannot be read back; "
            "check by hand, then run the step again (interactive retry)";
        m_state.apply(
            m_journal.append({{"event", journal::event::step_failed}, {"step", id}, {"why", why}}));
        failure = why;
        throw Error(why, ExitStatus::azure_failure);
      }
      // The requests with their run-time values.
      std::string secret;
      std::vector<azure::Request> requests;
      std::string change;
      for (auto request : step.requests.requests) {
        if (request.body) {
          auto body = azure::resolve_pre_image(*request.body, pre);
          fill_generated(body, secret);
          request.body = std::move(body);
        }
        change += request.method + " " + terminal::sanitize(request.url) + "\n";
        if (request.body) {
          change += "  " +
                    scrub(*request.body, secret)
                        .dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace) +
                    "\n";
        }
        requests.push_back(std::move(request));
      }
      const auto reason = m_responder.confirm(step, change);
      if (!reason) {
        nlohmann::ordered_json declined{{"event", journal::event::step_declined}, {"step", id}};
        if (const auto why = m_responder.declined_reason(); !why.empty()) {
          declined["reason"] = why;
        }
        m_state.apply(m_journal.append(std::move(declined)));
        return {Outcome::declined, {}, {}};
      }
      m_state.apply(m_journal.append(
          {{"event", journal::event::confirmation}, {"step", id}, {"reason", *reason}}));
      azure::Response last;
      const azure::Request* last_request = nullptr;
      for (const auto& request : requests) {
        auto journaled = request;
        if (journaled.body) {
          journaled.body = scrub(*journaled.body, secret);
        }
        // Journal the scrubbed body, send the real one.
        nlohmann::ordered_json sent{
            {"event", journal::event::request_sent},
            {"step", id},
            {"kind", "action"},
            {"method", request.method},
            {"url", request.url},
            {"audience", request.audience},
            {"body", journaled.body ? *journaled.body : nlohmann::ordered_json()},
            {"mutating", true}};
        m_state.apply(m_journal.append(std::move(sent)));
        try {
          const auto response = m_client.send(request);
          maybe_die_after_change();
          last = response;
          last_request = &request;
          m_state.apply(m_journal.append({{"event", journal::event::response_received},
                                          {"step", id},
                                          {"kind", "action"},
                                          {"method", request.method},
                                          {"url", request.url},
                                          {"status", response.status},
                                          {"requestId", response.request_id},
                                          {"correlationId", response.correlation_id},
                                          {"clientRequestId", response.client_request_id}}));
        } catch (const azure::AzureError& e) {
          m_state.apply(m_journal.append({{"event", journal::event::request_failed},
                                          {"step", id},
                                          {"kind", "action"},
                                          {"method", request.method},
                                          {"url", request.url},
                                          {"status", e.http_status()},
                                          {"code", e.code()},
                                          {"message", terminal::sanitize(e.info().message)},
                                          {"requestId", e.request_id()},
                                          {"mayHaveReachedServer", true}}));
          throw;
        } catch (const azure::TransportError& e) {
          m_state.apply(m_journal.append({{"event", journal::event::request_failed},
                                          {"step", id},
                                          {"kind", "action"},
                                          {"method", request.method},
                                          {"url", request.url},
                                          {"status", 0},
                                          {"message", terminal::sanitize(e.what())},
                                          {"mayHaveReachedServer", e.may_have_reached_server()}}));
          throw;
        }
      }
      // What the change answered is evidence too: a run command's output, the resource as
      // it now is. Never a secret value: the generated one is scrubbed, and a top-level
      // string "value" (a Key Vault secret bundle's) is not kept.
      nlohmann::ordered_json answer = scrub(last.body, secret);
      if (answer.is_object() && answer.contains("value") && answer["value"].is_string()) {
        answer["value"] = "(secret value; not recorded)";
      }
      if (last_request != nullptr && (answer.is_object() || answer.is_array()) && !answer.empty()) {
        auto saved = evidence_of(*last_request, last);
        saved["body"] = answer;
        const auto path = m_folder.write_evidence(id + "-result", saved);
        m_state.apply(
            m_journal.append({{"event", journal::event::evidence_saved},
                              {"step", id},
                              {"evidence", path},
                              {"sha256", journal::sha256_hex(m_folder.read_file(path))}}));
      } else {
        answer = nullptr;
      }
      m_state.apply(m_journal.append({{"event", journal::event::step_done}, {"step", id}}));
      if (!secret.empty()) {
        m_responder.show_secret_once(spec.name, secret);
      }
      return {Outcome::done, {}, answer};
    } catch (const Interrupted&) {
      throw;
    } catch (const StepLeft& left) {
      m_state.apply(m_journal.append({{"event", journal::event::step_left},
                                      {"step", id},
                                      {"to", left.back() ? "back" : "stop"}}));
      throw;
    } catch (const Error& e) {
      if (failure.empty()) {
        failure = describe_failure(e);
        m_state.apply(m_journal.append(
            {{"event", journal::event::step_failed}, {"step", id}, {"why", failure}}));
      }
    } catch (const azure::ActionError& e) {
      failure = describe_failure(e);
      m_state.apply(m_journal.append(
          {{"event", journal::event::step_failed}, {"step", id}, {"why", failure}}));
    }
    switch (m_responder.on_failure(step, failure)) {
    case FailureChoice::retry:
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

} // namespace dftriage::exec
