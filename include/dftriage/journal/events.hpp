#pragma once

// The names of a case journal's events, one place for the executor that writes them and
// the case state, report, verification and undo that read them. A name, once written to
// a journal, is a file format: never rename one (add a new event instead).

namespace dftriage::journal::event {

// The names read as the events they are (event::case_opened), like enumerators, not as
// the k_ constants of .clang-tidy's naming rule.
// NOLINTBEGIN(readability-identifier-naming)

// The case: opened for an alert, resumed, closed when its walk completed, or cut short.
inline constexpr const char* case_opened = "case.opened";
inline constexpr const char* case_resumed = "case.resumed";
inline constexpr const char* case_closed = "case.closed";
inline constexpr const char* case_interrupted = "case.interrupted";
// An answer to a playbook question, typed or from a file ("source").
inline constexpr const char* question_answered = "question.answered";

// A step's life: entered, then one conclusion (done, no-op, declined, refused, failed,
// open), or left at a prompt (b or q).
inline constexpr const char* step_entered = "step.entered";
inline constexpr const char* step_done = "step.done";
inline constexpr const char* step_no_op = "step.no-op";
inline constexpr const char* step_declined = "step.declined";
inline constexpr const char* step_refused = "step.refused";
// The preflight found a permission the step needs missing, and the run went on without it
// (--allow-missing-permissions): never attempted.
inline constexpr const char* step_not_permitted = "step.not-permitted";
inline constexpr const char* step_failed = "step.failed";
inline constexpr const char* step_open = "step.open";
inline constexpr const char* step_left = "step.left";
// The responder's reason to go ahead with a change.
inline constexpr const char* confirmation = "confirmation";
// The responder closed the alert although reads that assess the incident failed.
inline constexpr const char* assessment_waived = "assessment.waived";

// Every request: sent, then answered or failed ("kind": read, pre-image, action, undo).
inline constexpr const char* request_sent = "request.sent";
inline constexpr const char* response_received = "response.received";
inline constexpr const char* request_failed = "request.failed";
// Reads sent ahead of their step (run concurrently) that the walk never reached.
inline constexpr const char* reads_unused = "reads.unused";
// Files kept in the case folder, with their SHA-256.
inline constexpr const char* evidence_saved = "evidence.saved";
inline constexpr const char* pre_image_captured = "pre-image.captured";

// Undo of one change.
inline constexpr const char* undo_requested = "undo.requested";
inline constexpr const char* undo_started = "undo.started";
inline constexpr const char* undo_done = "undo.done";
inline constexpr const char* undo_no_op = "undo.no-op";
inline constexpr const char* undo_failed = "undo.failed";
inline constexpr const char* undo_irreversible = "undo.irreversible";
// collect: the read-only steps of the case's plan were run ({reads, failed}); the case
// stays open for a person to carry on with run --case.
inline constexpr const char* collect_finished = "collect.finished";

// NOLINTEND(readability-identifier-naming)

} // namespace dftriage::journal::event
