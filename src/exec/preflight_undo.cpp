// The preflight of an undo: the requests `undo` would send, as a plan (preflight.hpp).

#include "dftriage/exec/case_state.hpp"
#include "dftriage/exec/preflight.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"

namespace dftriage::exec {

UndoPlan undo_plan(const CaseState& state, const journal::CaseFolder& folder,
                   const azure::Cloud& cloud, const std::string& step_id)
{
  UndoPlan out;
  const auto& changes = state.changes();
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    const auto* record = state.step(*it);
    if (record == nullptr || (!step_id.empty() && record->id != step_id) ||
        record->undo_status == "done" || record->undo_status == "irreversible" ||
        record->pre_image.empty()) {
      continue;
    }
    const auto* spec = azure::find_action(record->action);
    if (spec == nullptr || !spec->revert ||
        spec->reversibility == azure::Reversibility::inspection) {
      continue;
    }
    try {
      const std::string saved = folder.read_file(record->pre_image);
      if (journal::sha256_hex(saved) != record->pre_image_sha256) {
        continue;
      }
      azure::PreImage pre;
      for (const auto& item : nlohmann::ordered_json::parse(saved)) {
        pre.push_back({item.value("status", 0), item.value("body", nlohmann::ordered_json())});
      }
      auto step = std::make_unique<playbook::Step>();
      step->id = record->id;
      engine::PlannedStep planned;
      planned.step = step.get();
      planned.status = "planned";
      planned.action = spec;
      planned.params = record->params;
      planned.requests.requests =
          spec->revert(azure::check_args(*spec, record->params), pre, cloud);
      if (planned.requests.requests.empty()) {
        continue; // nothing to put back
      }
      out.steps.push_back(std::move(step));
      out.plan.steps.push_back(std::move(planned));
    } catch (const std::exception&) {
      continue; // undo says what is wrong with it
    }
  }
  return out;
}

} // namespace dftriage::exec
