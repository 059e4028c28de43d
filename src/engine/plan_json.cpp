// A plan as JSON (docs/OUTPUT.md "Plan" and "Step"), and which alert a step acts for.

#include "dftriage/engine/plan.hpp"
#include "dftriage/engine/walk.hpp"

namespace dftriage::engine {

namespace {

using json = nlohmann::ordered_json;

json text_json(const playbook::Text& t, playbook::Lang lang)
{
  return t.in(lang);
}

} // namespace

const alert::Alert& Plan::alert_of(const PlannedStep& step) const
{
  const std::size_t index = step.step != nullptr ? step.step->alert : 0;
  return index > 0 && index < incident.size() ? *incident[index] : *alert;
}

nlohmann::ordered_json Plan::to_json(playbook::Lang lang) const
{
  json out;
  out["alertId"] = alert->id;
  out["alertType"] = alert->alert_type;
  out["family"] = alert::to_string(alert->family);
  out["subscription"] = alert->subscription_id;
  out["resource"] = alert->resource_id;
  out["resourceId"] = alert->resource_id;
  out["playbook"] = match.playbook_id();
  out["playbookVersion"] = playbook.version;
  out["reason"] = match.reason;
  out["status"] = refused() ? "refused" : "planned";
  out["missing"] = missing;
  if (!incident.empty()) {
    json alerts = json::array();
    for (const auto* a : incident) {
      alerts.push_back({{"id", a->id},
                        {"alertType", a->alert_type},
                        {"status", a->status},
                        {"startTime", a->start_time},
                        {"resourceId", a->resource_id}});
    }
    out["incident"] = {{"id", incident_id}, {"alerts", std::move(alerts)}};
  }
  json answers_json = json::array();
  for (const auto& a : answers) {
    const auto* input = playbook.find_input(a.id);
    answers_json.push_back({{"id", a.id},
                            {"question", input ? input->prompt.in(lang) : ""},
                            {"value", a.value},
                            {"source", a.source}});
  }
  out["answers"] = std::move(answers_json);
  json steps_json = json::array();
  for (std::size_t i = 0; i < this->steps.size(); ++i) {
    steps_json.push_back(step_json(i, lang));
  }
  out["steps"] = std::move(steps_json);
  return out;
}

nlohmann::ordered_json Plan::step_json(std::size_t index, playbook::Lang lang) const
{
  const auto& s = this->steps.at(index);
  const auto position = position_of(*this, index);
  json step;
  step["phase"] = playbook::to_string(s.phase);
  step["id"] = s.step->id;
  if (!incident.empty()) {
    step["alertId"] = alert_of(s).id; // which alert of the incident it acts for
  }
  step["position"] = std::to_string(position.index) + "/" + std::to_string(position.total);
  step["title"] = text_json(s.step->title, lang);
  step["guidance"] = text_json(s.step->guidance, lang);
  step["status"] = s.status;
  step["note"] = s.note.empty() ? json(nullptr) : json(s.note);
  step["asks"] = s.step->ask;
  if (!s.step->action) {
    step["action"] = nullptr;
    return step;
  }
  json action;
  action["name"] = s.step->action->name;
  action["params"] = s.params;
  // A step that was skipped or refused has no resolved action; its description still
  // comes from the catalogue, so every step's action has the same fields.
  const auto* spec = s.action != nullptr ? s.action : azure::find_action(s.step->action->name);
  if (spec != nullptr) {
    action["summary"] = spec->summary;
    action["mutating"] = spec->mutating;
    action["reversibility"] = azure::to_string(spec->reversibility);
    action["undo"] = spec->undo.empty() ? json(nullptr) : json(spec->undo);
    action["permission"] = spec->permission;
    if (!s.caution.empty()) {
      action["caution"] = lang == playbook::Lang::zh_cn ? s.caution_zh : s.caution;
    }
  }
  json pre = json::array();
  for (const auto& r : s.requests.pre_image) {
    pre.push_back(r.to_json());
  }
  json requests = json::array();
  for (const auto& r : s.requests.requests) {
    requests.push_back(r.to_json());
  }
  action["preImage"] = std::move(pre);
  action["requests"] = std::move(requests);
  step["action"] = std::move(action);
  return step;
}

} // namespace dftriage::engine
