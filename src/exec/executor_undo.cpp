// Undoing what a case changed (Executor::undo, executor.hpp): newest first, from the
// hashed pre-images the journal recorded, each through the action's revert hook.

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::exec {

bool Executor::rollback()
{
  return undo("");
}

bool Executor::undo(const std::string& step_id, bool remove_evidence)
{
  bool ok = true;
  const auto changes = m_state.changes();
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    const auto* record = m_state.step(*it);
    if (record == nullptr || (!step_id.empty() && record->id != step_id) ||
        record->undo_status == "done" || record->undo_status == "irreversible") {
      continue;
    }
    const std::string id = record->id;
    const auto* spec = azure::find_action(record->action);
    if (spec != nullptr && spec->reversibility == azure::Reversibility::inspection) {
      // It only read the VM: there is nothing to put back.
      append({{"event", journal::event::undo_no_op},
              {"step", id},
              {"why", "an inspection changes nothing"}});
      continue;
    }
    if (spec != nullptr && spec->evidence && !remove_evidence) {
      // Evidence outlives the containment it was taken for: kept unless asked.
      m_responder.show("  " + id + ": kept, it is evidence (undo --remove-evidence deletes it)");
      continue;
    }
    if (spec == nullptr || !spec->revert) {
      append({{"event", journal::event::undo_irreversible},
              {"step", id},
              {"why", spec == nullptr ? "unknown action " + record->action
                                      : record->action + " cannot be undone"}});
      m_responder.show("  " + id + ": cannot be undone (" + record->action + ")");
      continue;
    }
    append({{"event", journal::event::undo_started}, {"step", id}});
    try {
      // The pre-image as captured before this case changed anything, checked against
      // the hash the journal recorded.
      if (record->pre_image.empty()) {
        throw Error("no pre-image was captured for " + id, ExitStatus::case_problem);
      }
      const std::string saved = m_folder.read_file(record->pre_image);
      if (journal::sha256_hex(saved) != record->pre_image_sha256) {
        throw Error("the pre-image " + record->pre_image + " was altered after it was captured",
                    ExitStatus::case_problem);
      }
      azure::PreImage pre;
      for (const auto& item : nlohmann::ordered_json::parse(saved)) {
        pre.push_back({item.value("status", 0), item.value("body", nlohmann::ordered_json())});
      }
      const auto args = azure::check_args(*spec, record->params);
      const auto requests = spec->revert(args, pre, m_cloud);
      for (const auto& request : requests) {
        try {
          send_journaled(request, id, "undo");
        } catch (const azure::AzureError& e) {
          // Already put back: the thing to delete is gone, the thing to re-create exists.
          const bool gone = request.method == "DELETE" && e.http_status() == 404;
          const bool exists = request.method == "PUT" && e.http_status() == 409 &&
                              text::to_lower(e.code()).find("exist") != std::string::npos;
          if (!gone && !exists) {
            throw;
          }
        }
      }
      append({{"event", requests.empty() ? journal::event::undo_no_op : journal::event::undo_done},
              {"step", id}});
      m_responder.show("  " + id + ": " + (requests.empty() ? "nothing to put back" : "undone"));
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& e) {
      ok = false;
      const std::string why = describe_failure(e);
      append({{"event", journal::event::undo_failed}, {"step", id}, {"why", why}});
      m_responder.show("  " + id + ": undo failed: " + why);
    }
  }
  return ok;
}

} // namespace dftriage::exec
