#pragma once

// What a case has done so far, replayed from its journal: the answers given, each
// step's last state, the pre-images captured, the changes made and undone. Resume,
// undo and report all read a case through this.

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace dftriage::exec {

struct StepRecord
{
  std::string id;
  std::string action;            // "" for a manual step
  nlohmann::ordered_json params; // the checked parameters
  bool mutating = false;
  std::string reversibility; // "read-only", "reversible", "irreversible"
  // The last thing that happened: "entered", "done", "no-op", "declined", "refused",
  // "failed", "open" (a manual step a person has not checked off).
  std::string status;
  std::string checked;   // a manual step's check: "done", "not-applicable" ("" otherwise)
  std::string note;      // the person's note on a manual step
  std::string message;   // why it failed, was refused, or was a no-op
  std::string pre_image; // evidence path of the first pre-image captured
  std::string pre_image_sha256;
  std::set<std::string> pre_image_urls; // what its pre-image read (its targets)
  bool changed = false;                 // a mutating request of it completed
  bool request_pending = false;   // a mutating request was sent and no answer recorded (a step
                                  // failed "unverifiable" clears it: the responder checks)
  bool change_unfinished = false; // a mutating request was sent and the step never concluded
                                  // (done, failed, ...) after it: a run cut short there
  std::string undo_status;        // "", "started", "done", "failed", "irreversible"
  std::vector<std::string> request_ids; // x-ms-request-id of its requests
  std::vector<std::string> evidence;
  std::vector<std::string> evidence_sha256; // beside evidence ("" for an older case)
  std::size_t evidence_from =
      0; // evidence[evidence_from...] was saved since the step was last entered
  // Every pre-image captured (a step re-entered after b or a retry reads it again), with
  // its SHA-256; pre_image above is the first, the one undo restores.
  std::vector<std::pair<std::string, std::string>> pre_images;
  std::string reason; // the responder's reason for the change
};

class CaseState
{
public:
  // Replays `entries` (a journal, oldest first).
  static CaseState replay(const std::vector<nlohmann::ordered_json>& entries);

  // Takes one more entry into account.
  void apply(const nlohmann::ordered_json& entry);

  // Returns the record of `step_id`, or nullptr when the case never entered it.
  const StepRecord* step(const std::string& step_id) const;

  // Answers given in this case (question id → value), the latest of each.
  const std::map<std::string, nlohmann::ordered_json>& answers() const { return m_answers; }
  // Steps in the order they were first entered.
  const std::vector<std::string>& order() const { return m_order; }
  // Steps whose change completed, in the order they completed.
  const std::vector<std::string>& changes() const { return m_changes; }
  // The case.opened entry (null before one).
  const nlohmann::ordered_json& opened() const { return m_opened; }
  bool closed() const { return m_closed; }

private:
  StepRecord& record(const std::string& step_id);

  std::map<std::string, StepRecord> m_steps;
  std::vector<std::string> m_order;
  std::vector<std::string> m_changes;
  std::map<std::string, nlohmann::ordered_json> m_answers;
  nlohmann::ordered_json m_opened;
  bool m_closed = false;
};

} // namespace dftriage::exec
