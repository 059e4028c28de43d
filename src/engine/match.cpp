#include "dftriage/engine/match.hpp"

#include "dftriage/alert/resource_id.hpp"

namespace dftriage::engine {

MatchResult match_alert(const alert::Alert& a, const Library& library)
{
  const std::string type_label =
      a.simulated ? "baseAlertType " + a.base_alert_type : "alertType " + a.alert_type;
  for (const auto& p : library.playbooks) {
    for (const auto& pattern : p.match.alert_types) {
      if (playbook::glob_match(pattern, a.base_alert_type)) {
        return {&p, type_label + " matches " + pattern, type_label + " 与 " + pattern + " 匹配"};
      }
    }
  }
  const std::string family(alert::to_string(a.family));
  for (const auto& p : library.playbooks) {
    for (const auto& f : p.match.families) {
      if (f == family && a.family != alert::Family::other) {
        return {&p, "family " + family + " (from the alert's product or resource)",
                "family " + family + "（依据告警的产品或资源）"};
      }
    }
  }
  const auto resource = alert::parse_resource_id(a.resource_id);
  const std::string resource_type = resource ? resource->type() : "";
  for (const auto& p : library.playbooks) {
    for (const auto& t : p.match.resource_types) {
      if (!resource_type.empty() && playbook::glob_match(t, resource_type)) {
        return {&p, "resource type " + resource_type + " matches " + t,
                "资源类型 " + resource_type + " 与 " + t + " 匹配"};
      }
    }
  }
  return {nullptr,
          "no playbook matches " + type_label + " (family " + family +
              "); the alert's own remediation steps are used",
          "没有与 " + type_label + " 匹配的剧本（family " + family + "）；改用告警自带的修复步骤"};
}

nlohmann::ordered_json to_json(const alert::Alert& a, const MatchResult& match)
{
  nlohmann::ordered_json out;
  out["alertId"] = a.id;
  out["alertType"] = a.alert_type;
  out["family"] = alert::to_string(a.family);
  out["playbook"] = match.playbook_id();
  out["reason"] = match.reason;
  out["source"] = {{"file", a.source.file}, {"index", a.source.index}};
  return out;
}

playbook::Playbook generic_playbook(const alert::Alert& a)
{
  playbook::Playbook p;
  p.id = "generic";
  p.title.en = "Generic response from the alert's own remediation steps";
  p.title.zh_cn = "按告警自带的修复步骤进行通用响应";
  p.version = "1.0.0";
  using playbook::Phase;
  playbook::Step review;
  review.id = "review-alert";
  review.title = {"Review the alert", "查看告警"};
  review.guidance = {
      "No dftriage playbook covers this alert type. Read the alert in the portal, confirm with "
      "the resource owner whether the activity was expected, and follow the steps Defender "
      "for Cloud recommends below.",
      "dftriage "
      "没有针对此告警类型的剧本。请在门户中查看告警，与资源所有者确认该活动是否在预期之内，"
      "然后按照下面 Defender for Cloud 建议的步骤处理。"};
  p.phases[static_cast<int>(Phase::contact)].push_back(review);
  std::size_t n = 0;
  for (const auto& step_text : a.remediation_steps) {
    playbook::Step s;
    s.id = "remediation-" + std::to_string(++n);
    s.title = {"Remediation step " + std::to_string(n), "修复步骤 " + std::to_string(n)};
    s.guidance.en = step_text; // the alert's own text; rendered escaped like all alert text
    p.phases[static_cast<int>(Phase::mitigate)].push_back(s);
  }
  playbook::Step resolve;
  resolve.id = "resolve-alert";
  resolve.title = {"Resolve the alert", "将告警标记为已解决"};
  resolve.guidance = {
      "Once the steps above are done and recorded, mark the alert Resolved in Defender for "
      "Cloud so the queue reflects the work.",
      "完成并记录上述步骤后，在 Defender for Cloud "
      "中将该告警标记为“已解决”，以便告警队列反映处理进度。"};
  resolve.action =
      playbook::ActionCall{"security.alert.set_status",
                           {{"alert", playbook::Value{nullptr, "alert.alertResourceId", {}}},
                            {"status", playbook::Value{"Resolved", "", {}}}}};
  p.phases[static_cast<int>(Phase::act)].push_back(resolve);
  return p;
}

} // namespace dftriage::engine
