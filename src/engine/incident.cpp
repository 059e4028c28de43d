// An incident's playbook: the steps that read an alert's own values repeated for each
// alert of the incident whose values differ (plan.hpp, build_incident_plan).

#include "dftriage/engine/plan.hpp"
#include "dftriage/util/json_path.hpp"

#include <algorithm>

namespace dftriage::engine {

namespace {

using Form = nlohmann::ordered_json;
using playbook::Condition;

void add_condition_paths(const Condition& c, std::vector<std::string>& out)
{
  switch (c.kind) {
  case Condition::Kind::alert_exists:
  case Condition::Kind::alert_equals:
  case Condition::Kind::alert_matches:
    out.push_back(c.subject);
    break;
  default:
    break;
  }
  for (const auto& child : c.children) {
    add_condition_paths(child, out);
  }
}

// The alert paths a step with an action reads, in its parameters and its condition, that
// tell one alert's request from another's. Not "id": it only labels what a step makes
// (a snapshot's tag), and an incident's things are labelled by its first alert.
std::vector<std::string> alert_paths(const playbook::Step& step)
{
  std::vector<std::string> out;
  if (step.action) {
    for (const auto& [name, value] : step.action->params) {
      for (const auto& reference : value.references()) {
        if (reference.rfind("alert.", 0) == 0 && reference != "alert.id") {
          out.push_back(reference.substr(6));
        }
      }
    }
  }
  if (step.when) {
    add_condition_paths(*step.when, out);
  }
  return out;
}

// What `paths` hold in one alert's form: the values that tell its copy of a step apart.
Form values_at(const std::vector<std::string>& paths, const Form& form)
{
  Form out = Form::array();
  for (const auto& p : paths) {
    const auto path = json_path::parse(p);
    out.push_back(path ? json_path::evaluate(form, *path) : Form(nullptr));
  }
  return out;
}

// True when a copy with `values` would send nothing a copy with `earlier` does not: each
// value is the same, or a list within the earlier list (the first alert's lists hold
// every alert's entities, so its firewall already blocks each caller's address).
bool covered(const Form& values, const Form& earlier)
{
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Form& v = values[i];
    const Form& e = earlier[i];
    if (v == e) {
      continue;
    }
    if (!v.is_array() || !e.is_array()) {
      return false;
    }
    for (const auto& item : v) {
      if (std::find(e.begin(), e.end(), item) == e.end()) {
        return false;
      }
    }
  }
  return true;
}

// Ends a copied step's title with the alert it acts for: its position and type.
void name_alert(playbook::Text& title, std::size_t k, const nlohmann::ordered_json& form)
{
  const auto type = form.is_object() ? form.value("alertType", std::string()) : std::string();
  const std::string n = std::to_string(k + 1);
  title.en += " (alert " + n + (type.empty() ? "" : ": " + type) + ")";
  if (!title.zh_cn.empty()) {
    title.zh_cn += "（第 " + n + " 条告警" + (type.empty() ? "" : "：" + type) + "）";
  }
}

} // namespace

playbook::Playbook incident_playbook(const playbook::Playbook& playbook,
                                     const std::vector<nlohmann::ordered_json>& alert_forms)
{
  playbook::Playbook out = playbook;
  for (auto& steps : out.phases) {
    std::vector<playbook::Step> with_copies;
    with_copies.reserve(steps.size());
    for (auto& step : steps) {
      const auto paths = alert_paths(step);
      const bool repeats = step.action && !paths.empty();
      std::vector<Form> seen;
      if (repeats && !alert_forms.empty()) {
        seen.push_back(values_at(paths, alert_forms.front()));
      }
      playbook::Step lead = step;
      lead.alert = 0;
      const std::size_t lead_at = with_copies.size();
      with_copies.push_back(std::move(lead));
      for (std::size_t k = 1; repeats && k < alert_forms.size(); ++k) {
        Form values = values_at(paths, alert_forms[k]);
        if (std::any_of(seen.begin(), seen.end(),
                        [&](const Form& earlier) { return covered(values, earlier); })) {
          continue; // nothing a copy before does not send: made once
        }
        seen.push_back(std::move(values));
        playbook::Step copy = step;
        copy.id += "@" + std::to_string(k + 1);
        copy.alert = k;
        copy.ask.clear(); // asked once, at the first alert's copy
        name_alert(copy.title, k, alert_forms[k]);
        with_copies.push_back(std::move(copy));
      }
      if (with_copies.size() > lead_at + 1) { // copies tell their alerts apart
        name_alert(with_copies[lead_at].title, 0, alert_forms.front());
      }
    }
    steps = std::move(with_copies);
  }
  return out;
}

} // namespace dftriage::engine
