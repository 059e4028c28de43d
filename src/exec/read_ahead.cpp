// Reads sent ahead: when the walk reaches a read, the reads that follow it and cannot
// depend on what it finds are sent at the same time (ParallelReader), and each is
// journaled when the walk reaches its step, in the walk's order, with the time it was
// really sent. A read sent ahead whose step the walk then builds differently is sent
// again; one the walk never reaches is journaled as unused when the executor ends.

#include "dftriage/azure/parallel_reads.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>

namespace dftriage::exec {

namespace {

// At most this many steps are read ahead at once: a walk left at a prompt should not
// have read far beyond it.
constexpr std::size_t k_max_steps_ahead = 8;

bool same_request(const azure::Request& a, const azure::Request& b)
{
  return a.method == b.method && a.url == b.url && a.audience == b.audience && a.body == b.body &&
         a.mutating == b.mutating;
}

// Whether `step` is a plain read: built, read-only (not an inspection, which runs a
// script), with no pre-image.
bool plain_read(const engine::PlannedStep& step)
{
  return step.status == "planned" && step.action != nullptr && !step.action->mutating &&
         step.action->reversibility == azure::Reversibility::read_only &&
         !step.requests.requests.empty() && step.requests.pre_image.empty() && step.step->action;
}

// Whether a plain read may be sent before the walk reaches it: it does not read what an
// earlier read found ({{results...}}), which the walk may not have yet.
bool independent(const engine::PlannedStep& step)
{
  for (const auto& [name, value] : step.step->action->params) {
    for (const auto& reference : value.references()) {
      if (reference.rfind("results.", 0) == 0) {
        return false;
      }
    }
  }
  return true;
}

// Whether every question `step` asks was answered before the walk began (--answers,
// --set, or typed at an earlier step).
bool answered(const engine::Plan& plan, const engine::PlannedStep& step)
{
  for (const auto& id : step.step->ask) {
    const auto it = std::find_if(plan.answers.begin(), plan.answers.end(),
                                 [&](const engine::PlannedAnswer& a) { return a.id == id; });
    if (it == plan.answers.end() || it->source != "given") {
      return false;
    }
  }
  return true;
}

} // namespace

void Executor::read_ahead(const engine::Plan& plan, std::size_t index)
{
  if (m_settings.reader == nullptr || m_ahead.count(plan.steps.at(index).step->id) > 0) {
    return;
  }
  const auto visited = engine::visited_steps(plan);
  auto it = std::find(visited.begin(), visited.end(), index);
  if (it == visited.end()) {
    return;
  }
  // The reads from this one on, passing over decisions and notices already settled,
  // up to the first step that changes something, needs a person or an answer not given
  // yet, or reads what an earlier read found.
  std::vector<std::size_t> batch;
  std::size_t count = 0;
  for (; it != visited.end() && batch.size() < k_max_steps_ahead; ++it) {
    const auto& step = plan.steps[*it];
    const bool first = *it == index;
    if (!first && !answered(plan, step)) {
      break;
    }
    if (step.action == nullptr && !engine::is_checklist(*step.step)) {
      continue; // a decision or notice settled by given answers
    }
    if (!plain_read(step) || (!first && !independent(step)) || !scope_problem(step).empty()) {
      break;
    }
    const auto* earlier = m_state.step(step.step->id);
    const bool done =
        earlier != nullptr && (earlier->status == "done" || earlier->status == "no-op");
    if (!done && m_ahead.count(step.step->id) == 0) {
      batch.push_back(*it);
      count += step.requests.requests.size();
    }
  }
  if (count < 2) {
    return; // nothing to overlap: the step sends its read itself
  }
  std::vector<azure::Request> requests;
  for (const auto i : batch) {
    for (const auto& r : plan.steps[i].requests.requests) {
      requests.push_back(r);
    }
  }
  auto fetched = m_settings.reader->fetch(requests);
  std::size_t k = 0;
  for (const auto i : batch) {
    auto& ahead = m_ahead[plan.steps[i].step->id];
    for (const auto& r : plan.steps[i].requests.requests) {
      ahead.requests.push_back(r);
      ahead.fetched.push_back(std::move(fetched[k++]));
    }
  }
}

std::optional<Executor::Ahead> Executor::take_ahead(const engine::PlannedStep& step)
{
  const auto it = m_ahead.find(step.step->id);
  if (it == m_ahead.end()) {
    return std::nullopt;
  }
  Ahead ahead = std::move(it->second);
  m_ahead.erase(it);
  const auto& now = step.requests.requests;
  const bool same = ahead.requests.size() == now.size() &&
                    std::equal(now.begin(), now.end(), ahead.requests.begin(), same_request);
  if (!same) {
    // Built differently since (an answer or a read changed it): sent again by the step.
    journal_unused(step.step->id, ahead);
    return std::nullopt;
  }
  return ahead;
}

void Executor::journal_unused(const std::string& step_id, const Ahead& ahead)
{
  auto reads = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < ahead.requests.size(); ++i) {
    const auto& f = ahead.fetched[i];
    reads.push_back({{"step", step_id},
                     {"method", ahead.requests[i].method},
                     {"url", ahead.requests[i].url},
                     {"sentAhead", time::from_time_point(f.sent_at)},
                     {"status", f.error ? 0 : f.response.status},
                     {"requestId", f.error ? "" : f.response.request_id}});
  }
  m_state.apply(m_journal.append({{"event", journal::event::reads_unused}, {"reads", reads}}));
}

Executor::~Executor()
{
  // Reads sent ahead of steps the walk never reached (q, Ctrl-C, a route elsewhere) are
  // still reads this case made: journaled, never silently dropped.
  for (const auto& [id, ahead] : m_ahead) {
    try {
      journal_unused(id, ahead);
    } catch (...) {
      // The journal cannot be written any more (its disk failed): nothing more to do.
    }
  }
}

} // namespace dftriage::exec
