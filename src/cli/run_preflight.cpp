#include "run_preflight.hpp"

#include "dftriage/util/terminal.hpp"
#include "preflight_text.hpp"
#include "walk_text.hpp"

#include <algorithm>
#include <cstdio>

namespace dftriage::cli {

void add_preflight_options(CLI::App& command, PreflightChoice& choice)
{
  command.add_flag("--preflight,!--no-preflight", choice.check,
                   "Check the permissions each step needs before the first request (the "
                   "default; --no-preflight skips it)");
  command.add_flag("--allow-missing-permissions", choice.allow_missing,
                   "Go on when the preflight finds a change not permitted: such steps are "
                   "recorded as not-permitted and never attempted");
}

PreflightGate preflight_gate(const engine::Plan& plan, Connection& connection,
                             const PreflightChoice& choice, bool interactive, OutputFormat format,
                             playbook::Lang lang, const std::string& alert_id,
                             const std::string& playbook_id)
{
  PreflightGate gate;
  if (!choice.check || !connection.client || !connection.credential) {
    return gate;
  }
  exec::Preflight preflight(*connection.client, *connection.credential, connection.cloud);
  gate.result = preflight.check(plan);
  if (!alert_id.empty()) {
    gate.result->alert_id = alert_id;
  }
  if (!playbook_id.empty()) {
    gate.result->playbook = playbook_id;
  }
  const auto& result = *gate.result;
  bool change_blocked = false;
  for (const auto& step : result.not_permitted_steps()) {
    const auto planned = std::find_if(plan.steps.begin(), plan.steps.end(), [&](const auto& s) {
      return s.step != nullptr && s.step->id == step;
    });
    const bool change =
        planned != plan.steps.end() && planned->action != nullptr && planned->action->mutating;
    change_blocked = change_blocked || change;
    std::string why;
    for (const auto& c : result.checks) {
      if (c.step == step && c.grant == exec::Grant::missing) {
        why += (why.empty() ? "" : "; ") + c.permission + " on " + scope_label(c.scope) +
               (c.remedies.empty() ? "" : " (granted by " + c.remedies.front() + ")");
      }
    }
    // A read that would be refused is not sent; a change only with the responder's leave.
    if (!change || choice.allow_missing) {
      gate.not_permitted[step] = "the principal lacks " + why;
    }
  }
  const bool quiet_ok =
      result.count(exec::Grant::missing) == 0 && result.count(exec::Grant::unknown) == 0;
  const std::string summary =
      quiet_ok ? tr(lang, "Permission preflight: all ", "权限预检：全部 ") +
                     std::to_string(result.checks.size()) +
                     tr(lang, " permissions the walk needs are granted\n", " 项所需权限均已授予\n")
               : preflight_text(result, lang, interactive && terminal::use_colour(stdout), false);
  gate.stop = change_blocked && !choice.allow_missing;
  if (gate.stop && !interactive) {
    if (format == OutputFormat::json || format == OutputFormat::ndjson) {
      auto list = nlohmann::ordered_json::array();
      list.push_back(result.to_json());
      std::printf("%s\n", (format == OutputFormat::json ? list : list[0]).dump(2).c_str());
    } else {
      std::printf("%s", summary.c_str());
    }
    std::fflush(stdout);
    std::fprintf(stderr, "%s",
                 tr(lang,
                    "dftriage: not permitted: a change this walk would make needs a permission "
                    "you do not hold (above); nothing was sent. Ask for the role named, or run "
                    "again with --allow-missing-permissions to go on without those steps\n",
                    "dftriage: 无权执行：本次流程中的更改需要您尚未拥有的权限（见上）；未发送任何"
                    "请求。请申请所列角色，或加上 --allow-missing-permissions 跳过这些步骤继续\n")
                     .c_str());
    return gate;
  }
  if (interactive) {
    // At a terminal the walk goes on: the responder reads this now and again at the step.
    gate.stop = false;
    std::printf("%s", summary.c_str());
    std::fflush(stdout);
  } else if (!quiet_ok) {
    std::fprintf(stderr, "%s", terminal::sanitize(summary).c_str());
  }
  return gate;
}

exec::ExecSettings run_settings(Connection& connection, std::vector<std::string> subscriptions,
                                const PreflightGate& gate,
                                std::map<std::string, nlohmann::ordered_json> captured)
{
  auto settings = connection.exec_settings(std::move(subscriptions), std::move(captured));
  settings.not_permitted = gate.not_permitted;
  return settings;
}

nlohmann::ordered_json preflight_entry(const exec::PreflightResult& result, bool allow_missing)
{
  auto json = result.to_json();
  nlohmann::ordered_json entry{{"event", "preflight"},
                               {"principal", json["principal"]},
                               {"summary", json["summary"]},
                               {"allowMissing", allow_missing},
                               {"checks", json["checks"]}};
  return entry;
}

} // namespace dftriage::cli
