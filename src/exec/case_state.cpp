#include "dftriage/exec/case_state.hpp"

#include "dftriage/journal/events.hpp"

#include <algorithm>

namespace dftriage::exec {

namespace {

std::string text_of(const nlohmann::ordered_json& entry, const char* key)
{
  const auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Returns the boolean `key` of `entry`, or `otherwise` when it is absent or not a boolean
// (a damaged journal must not end a resume or an undo with an internal error).
bool flag_of(const nlohmann::ordered_json& entry, const char* key, bool otherwise)
{
  const auto it = entry.find(key);
  return it != entry.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

} // namespace

CaseState CaseState::replay(const std::vector<nlohmann::ordered_json>& entries)
{
  CaseState state;
  for (const auto& entry : entries) {
    state.apply(entry);
  }
  return state;
}

StepRecord& CaseState::record(const std::string& step_id)
{
  auto [it, inserted] = m_steps.try_emplace(step_id);
  if (inserted) {
    it->second.id = step_id;
    m_order.push_back(step_id);
  }
  return it->second;
}

const StepRecord* CaseState::step(const std::string& step_id) const
{
  const auto it = m_steps.find(step_id);
  return it == m_steps.end() ? nullptr : &it->second;
}

void CaseState::apply(const nlohmann::ordered_json& entry)
{
  const std::string event = text_of(entry, "event");
  if (event == journal::event::case_opened) {
    m_opened = entry;
    m_closed = false;
    return;
  }
  if (event == journal::event::case_closed) {
    m_closed = true;
    return;
  }
  if (event == journal::event::question_answered) {
    m_answers[text_of(entry, "question")] = entry.value("value", nlohmann::ordered_json());
    return;
  }
  const std::string id = text_of(entry, "step");
  if (id.empty()) {
    return;
  }
  auto& r = record(id);
  const std::string kind = text_of(entry, "kind");
  if (event == journal::event::step_entered) {
    if (r.undo_status == "done" && r.status == "done") {
      // An undone change entered again is a new change: its own pre-image, undoable again.
      r.status = "entered";
      r.undo_status.clear();
      r.pre_image.clear();
      r.pre_image_sha256.clear();
      r.changed = false;
      m_changes.erase(std::remove(m_changes.begin(), m_changes.end(), id), m_changes.end());
    }
    if (r.status != "done" && r.status != "no-op") {
      r.evidence_from = r.evidence.size();
    }
    r.action = text_of(entry, "action");
    r.params = entry.value("params", nlohmann::ordered_json());
    r.mutating = flag_of(entry, "mutating", false);
    r.reversibility = text_of(entry, "reversibility");
    if (r.status != "done" && r.status != "no-op") {
      r.status = "entered";
    }
  } else if (event == journal::event::request_sent && kind == "action" &&
             flag_of(entry, "mutating", false)) {
    r.request_pending = true;
    r.change_unfinished = true;
  } else if (event == journal::event::request_sent && kind == "pre-image") {
    r.pre_image_urls.insert(text_of(entry, "url"));
  } else if (event == journal::event::response_received ||
             event == journal::event::request_failed) {
    if (kind == "action" && event == journal::event::response_received) {
      r.request_pending = false;
    }
    if (event == journal::event::request_failed && kind == "action" &&
        !flag_of(entry, "mayHaveReachedServer", true)) {
      r.request_pending = false;
    }
    const std::string request_id = text_of(entry, "requestId");
    if (!request_id.empty()) {
      r.request_ids.push_back(request_id);
    }
  } else if (event == journal::event::pre_image_captured) {
    r.pre_images.emplace_back(text_of(entry, "evidence"), text_of(entry, "sha256"));
    if (r.pre_image.empty()) {
      r.pre_image = text_of(entry, "evidence");
      r.pre_image_sha256 = text_of(entry, "sha256");
    }
  } else if (event == journal::event::evidence_saved) {
    r.evidence.push_back(text_of(entry, "evidence"));
    r.evidence_sha256.push_back(text_of(entry, "sha256"));
  } else if (event == journal::event::confirmation) {
    r.reason = text_of(entry, "reason");
  } else if (event == journal::event::step_done) {
    r.change_unfinished = false;
    r.status = "done";
    r.message.clear();
    r.checked = text_of(entry, "checked");
    r.note = text_of(entry, "note");
    if (r.mutating && !r.changed) {
      r.changed = true;
      m_changes.push_back(id);
    }
  } else if (event == journal::event::step_no_op || event == journal::event::step_declined ||
             event == journal::event::step_refused || event == journal::event::step_failed ||
             event == journal::event::step_open || event == journal::event::step_not_permitted) {
    r.change_unfinished = false;
    if (flag_of(entry, "unverifiable", false)) {
      r.request_pending = false; // the responder checks by hand; a later run sends afresh
    }
    r.status = event.substr(5);
    r.message = text_of(entry, "why");
  } else if (event == journal::event::undo_started) {
    r.undo_status = "started";
  } else if (event == journal::event::undo_done || event == journal::event::undo_no_op) {
    r.undo_status = "done";
  } else if (event == journal::event::undo_failed) {
    r.undo_status = "failed";
    r.message = text_of(entry, "why");
  } else if (event == journal::event::undo_irreversible) {
    r.undo_status = "irreversible";
  }
}

} // namespace dftriage::exec
