#include "collect_case.hpp"

#include "case_connection.hpp"
#include "case_dir.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"
#include "incident_input.hpp"
#include "responders.hpp"
#include "run_outcome.hpp"
#include "walk_text.hpp"

#include <optional>
#include <spdlog/spdlog.h>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;

// Whether collect carries `step` out: a read that was built (not an inspection, which runs
// a script on a VM, and nothing that changes Azure).
bool collected_read(const engine::PlannedStep& step)
{
  return step.status == "planned" && step.action != nullptr && !step.action->mutating &&
         step.action->reversibility == azure::Reversibility::read_only &&
         !step.requests.requests.empty();
}

// The subscriptions of `alerts`, lower case, each once: the case's scope, as run's.
std::vector<std::string> subscriptions_of(const std::vector<alert::Alert>& alerts)
{
  std::vector<std::string> out;
  for (const auto& a : alerts) {
    const std::string& sub = a.subscription_id;
    const std::string id =
        text::to_lower(sub.rfind("/subscriptions/", 0) == 0 ? sub.substr(15) : sub);
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) {
      out.push_back(id);
    }
  }
  return out;
}

// Why a case that exists is left as it is, in `lang`, or "" to go on collecting into it.
std::string left_alone(const exec::CaseState& state, const std::vector<Json>& entries,
                       playbook::Lang lang)
{
  if (!state.opened().value("collect", false)) {
    return tr(lang, "a case opened by run: collect leaves it to it",
              "这是 run 打开的案例：collect 不会动它");
  }
  if (state.closed()) {
    return tr(lang, "the case is closed", "案例已关闭");
  }
  const Json* finished = nullptr;
  for (const auto& e : entries) {
    const std::string event = e.value("event", "");
    if (event == journal::event::case_resumed && !e.value("collect", false)) {
      return tr(lang, "a person has taken the case up (run --case)",
                "已有分析员接手此案例（run --case）");
    }
    if (event == k_collect_finished) {
      finished = &e;
    }
  }
  if (finished != nullptr && finished->value("failed", 0) == 0) {
    return tr(lang, "collected before", "此前已收集完毕");
  }
  return {};
}

// The read steps a case holds the answer of, and those that failed.
void count_reads(const exec::CaseState& state, CaseCollected& out)
{
  for (const auto& id : state.order()) {
    const auto* r = state.step(id);
    if (r != nullptr && r->reversibility == "read-only" && !r->mutating) {
      out.reads += r->status == "done" ? 1 : 0;
      out.failed += r->status == "failed" ? 1 : 0;
    }
  }
}

Json opened_entry(const RunAlerts& run_alerts, const engine::MatchResult& match,
                  const playbook::Playbook& playbook, const std::vector<std::string>& subscriptions,
                  const CollectContext& context)
{
  const alert::Alert& first = run_alerts.alerts.front();
  Json opened{{"event", journal::event::case_opened},
              {"alertId", first.id},
              {"alertType", first.alert_type},
              {"resource", first.resource_id},
              {"alertSha256", journal::sha256_hex(run_alerts.text)},
              {"playbook", match.playbook_id()},
              {"playbookVersion", playbook.version},
              {"lang", context.lang == playbook::Lang::zh_cn ? "zh-CN" : "en"},
              {"subscriptions", subscriptions},
              {"dftriage", k_version}};
  if (!run_alerts.incident_id.empty()) {
    opened["incident"] = incident_record(run_alerts.incident_id, run_alerts.incident());
  }
  opened.update(context.connection);
  opened["collect"] = true;
  return opened;
}

// Walks the plan's visited steps in order and carries out the reads, planning again after
// each answer so that later steps can use it ({{results...}}), as run does; logs (-v) in
// `lang` a read that did not end done.
void walk_reads(engine::Plan& plan, exec::Executor& executor, Json& results,
                const std::function<engine::Plan(const Json&)>& make_plan, CaseCollected& out,
                playbook::Lang lang)
{
  std::size_t next = 0;
  for (;;) {
    if (signals::interrupted()) {
      throw Interrupted();
    }
    const auto visited = engine::visited_steps(plan);
    const auto it =
        std::find_if(visited.begin(), visited.end(), [&](std::size_t i) { return i >= next; });
    if (it == visited.end()) {
      return;
    }
    const std::size_t index = *it;
    next = index + 1;
    if (!collected_read(plan.steps[index])) {
      continue; // a change, an inspection, a question without a default, a person's task
    }
    const std::string id = plan.steps[index].step->id;
    const auto result = executor.run_step(plan, index);
    using exec::Outcome;
    if (result.outcome == Outcome::done || result.outcome == Outcome::done_earlier) {
      ++out.reads;
    } else if (result.outcome == Outcome::failed) {
      ++out.failed;
      spdlog::info("{}{}{}{}{}", out.incident, tr(lang, ": ", "：步骤 "), id,
                   tr(lang, " failed: ", " 失败："),
                   terminal::sanitize(message_word(result.message, lang)));
    } else {
      spdlog::info("{}{}{} {}{}{}", out.incident, tr(lang, ": ", "：步骤 "), id,
                   outcome_word(std::string(exec::to_string(result.outcome)), lang),
                   tr(lang, ": ", "："), terminal::sanitize(message_word(result.message, lang)));
    }
    if (!result.result.is_null()) {
      results[id] = result.result;
      plan = make_plan(results);
    }
  }
}

} // namespace

std::string case_dir_for(const std::string& cases_root, const std::string& incident_id)
{
  const std::string root = cases_root.empty() ? "." : cases_root;
  return root + (root.back() == '/' ? "" : "/") + journal::safe_name(incident_id);
}

CaseCollected collect_case(const CollectIncident& incident, const CollectContext& context,
                           azure::Client& client)
{
  CaseCollected out;
  out.incident = incident.id;
  out.rank = incident.rank;
  out.alerts = incident.alerts.size();
  const std::string dir = case_dir_for(context.cases_root, incident.id);
  const auto fail = [&](std::string status, std::string message, ExitStatus exit) {
    out.status = std::move(status);
    out.message = std::move(message);
    out.exit = exit;
    return out;
  };
  std::optional<journal::CaseFolder> folder;
  std::optional<journal::Journal> journal;
  try {
    const bool resume = journal::CaseFolder::is_case(dir);
    RunAlerts run_alerts;
    if (resume) {
      folder = journal::CaseFolder::open_existing(dir, journal::Access::write);
      say_set_aside(*folder, context.lang == playbook::Lang::zh_cn);
      out.dir = folder->dir();
      journal.emplace(folder->journal_path());
    }
    if (resume && !journal->entries().empty()) {
      // A case keeps the alerts it was opened for, as run --case does.
      run_alerts = case_alerts(folder->read_file("alert.json"), folder->read_file("journal.jsonl"));
    } else {
      run_alerts.alerts = incident.alerts;
      run_alerts.text = incident.text;
      run_alerts.incident_id = incident.alerts.size() > 1 ? incident.id : "";
      if (resume) {
        folder->write_file("alert.json", run_alerts.text); // a run cut short before its first entry
      }
    }
    auto state = exec::CaseState::replay(resume ? journal->entries() : std::vector<Json>());
    if (resume && !state.opened().is_null()) {
      if (const auto why = left_alone(state, journal->entries(), context.lang); !why.empty()) {
        count_reads(state, out);
        return fail("skipped", why, ExitStatus::success);
      }
    }
    const alert::Alert& first = run_alerts.alerts.front();
    const auto match = engine::match_alert(first, *context.library);
    const playbook::Playbook playbook =
        match.playbook ? *match.playbook : engine::generic_playbook(first);
    if (!state.opened().is_null() && state.opened().value("playbook", "") != match.playbook_id()) {
      const std::string opened_with = state.opened().value("playbook", "");
      return fail("error",
                  tr(context.lang,
                     "the case was opened with playbook " + opened_with +
                         ", which no longer matches; collect with the same --playbooks",
                     "案例打开时用的剧本是 " + opened_with +
                         "，现在已不匹配；请用相同的 --playbooks 运行 collect"),
                  ExitStatus::usage);
    }
    const std::vector<std::string> subscriptions =
        state.opened().is_null()
            ? subscriptions_of(run_alerts.alerts)
            : state.opened().value("subscriptions", std::vector<std::string>());
    if (subscriptions.empty()) {
      return fail("refused",
                  tr(context.lang, "its alerts name no subscription", "其告警未指明订阅"),
                  ExitStatus::input_rejected);
    }
    const auto walked = run_alerts.incident_id.empty() ? std::vector<const alert::Alert*>{&first}
                                                       : run_alerts.incident();
    const auto make_plan = [&](const Json& results) {
      return engine::build_incident_plan(walked, run_alerts.incident_id, match, playbook, {},
                                         *context.cloud, results);
    };
    Json results = resume ? results_from_case(*folder, state) : Json::object();
    auto plan = make_plan(results);
    if (plan.refused()) {
      return fail("refused",
                  tr(context.lang,
                     "the alerts lack what the playbook needs: ", "告警缺少剧本所需的信息：") +
                      text::join(plan.missing),
                  ExitStatus::input_rejected);
    }
    if (!folder) {
      // The case is made only now that it has something to hold.
      folder = journal::CaseFolder::create(dir);
      out.dir = folder->dir();
      folder->write_file("alert.json", run_alerts.text);
      journal.emplace(folder->journal_path());
    }
    journal->set_principal(context.principal);
    journal->set_after_entry(journal_test_hook());
    if (state.opened().is_null()) {
      state.apply(
          journal->append(opened_entry(run_alerts, match, playbook, subscriptions, context)));
    } else {
      journal->append(
          {{"event", journal::event::case_resumed}, {"mode", context.mode}, {"collect", true}});
    }
    folder->write_file("plan.json", plan.to_json(context.lang).dump(2) + "\n");
    UnattendedResponder never_confirms(false, false, {}, nullptr);
    exec::ExecSettings settings;
    settings.subscriptions = subscriptions;
    exec::Executor executor(*folder, *journal, client, *context.cloud, never_confirms, settings);
    try {
      walk_reads(plan, executor, results, make_plan, out, context.lang);
    } catch (const Interrupted&) {
      journal->append({{"event", journal::event::case_interrupted}});
      return fail("interrupted",
                  tr(context.lang, "stopped by Ctrl-C; collect again to go on",
                     "已按 Ctrl-C 停止；再次运行 collect 即可继续"),
                  ExitStatus::interrupted);
    }
    journal->append({{"event", k_collect_finished}, {"reads", out.reads}, {"failed", out.failed}});
    out.status = out.failed > 0 ? "failed" : "collected";
    if (out.failed > 0) {
      out.message = tr(context.lang,
                       std::to_string(out.failed) + " of its reads failed (the case says why); " +
                           "collect again to try them again",
                       "有 " + std::to_string(out.failed) +
                           " 项读取失败（原因见案例）；再次运行 collect 即可重试");
    }
    out.exit = out.failed > 0 ? ExitStatus::azure_failure : ExitStatus::success;
    return out;
  } catch (const Interrupted&) {
    return fail("interrupted",
                tr(context.lang, "stopped by Ctrl-C before the case was opened",
                   "打开案例之前已按 Ctrl-C 停止"),
                ExitStatus::interrupted);
  } catch (const Error& e) {
    return fail(e.status() == ExitStatus::case_busy ? "busy" : "error", e.what(), e.status());
  }
}

} // namespace dftriage::cli
