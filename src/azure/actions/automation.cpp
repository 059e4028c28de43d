// Azure Automation (Microsoft.Automation) actions: runbooks, and the webhooks and job
// schedules that start them, a common persistence spot.

#include "dftriage/util/text.hpp"
#include "families.hpp"

namespace dftriage::azure::actions {

namespace {

const char* k_runbooks_read = "Microsoft.Automation/automationAccounts/runbooks/read";
const char* k_webhooks_read = "Microsoft.Automation/automationAccounts/webhooks/read";
const char* k_job_schedules_read = "Microsoft.Automation/automationAccounts/jobSchedules/read";
const char* k_job_schedules_write = "Microsoft.Automation/automationAccounts/jobSchedules/write";
// A runbook's published content (its script) has an operation of its own.
const char* k_runbook_content_read =
    "Microsoft.Automation/automationAccounts/runbooks/content/read";

ParamSpec account_param()
{
  return ParamSpec{"account", ParamType::resource_id,
                   true,      "microsoft.automation/automationaccounts",
                   {},        "The Automation account"};
}

// True for a runbook name the service accepts: ^[a-zA-Z][a-zA-Z-_0-9]*$ (CONTRACTS §5.3).
bool is_runbook_name(std::string_view s)
{
  if (s.empty() || s.size() > 63 ||
      !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
    return false;
  }
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Returns the checked runbook name of parameter `name`; throws ActionError otherwise.
const std::string& runbook_arg(const ActionArgs& args, const char* name)
{
  const std::string& value = args.text(name);
  if (!is_runbook_name(value)) {
    throw ActionError(
        std::string("parameter ") + name +
        ": expected a runbook name (a letter, then letters, digits, '-' or '_'), got " +
        text::quote(value));
  }
  return value;
}

ActionSpec list_runbooks()
{
  ActionSpec spec{"automation.runbooks.list",
                  "List an Automation account's runbooks: type, state, creation and last-modified "
                  "time and author",
                  {account_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  k_runbooks_read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm("GET", args.resource("account"), {"runbooks"}, api_version::k_automation, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_runbook()
{
  ActionSpec spec{
      "automation.runbook.delete",
      "Delete a runbook; the pre-image keeps its metadata and published content as evidence, "
      "but re-creating it (and its schedules and webhooks) is manual",
      {account_param(), {"name", ParamType::name, true, {}, {}, "The runbook's name"}},
      true,
      Reversibility::irreversible,
      "",
      "Microsoft.Automation/automationAccounts/runbooks/delete",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_runbooks_read),
                pre_image_need(k_runbook_content_read)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& name = runbook_arg(args, "name");
    const auto& account = args.resource("account");
    ActionRequests out;
    auto meta = arm("GET", account, {"runbooks", name}, api_version::k_automation, cloud);
    out.pre_image.push_back(as_pre_image(meta, k_runbooks_read));
    // The content is a script (text/powershell), not JSON.
    auto content =
        arm("GET", account, {"runbooks", name, "content"}, api_version::k_automation, cloud);
    out.pre_image.push_back(as_pre_image(content, k_runbook_content_read));
    auto r = arm("DELETE", account, {"runbooks", name}, api_version::k_automation, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  return spec;
}

ActionSpec list_webhooks()
{
  ActionSpec spec{
      "automation.webhooks.list",
      "List an Automation account's webhooks (or one runbook's): the runbook each starts, whether "
      "it is "
      "enabled, its expiry, last invocation and author; anyone holding a webhook's URL can start "
      "its "
      "runbook",
      {account_param(),
       {"runbook", ParamType::name, false, {}, {}, "Only the webhooks of this runbook"}},
      false,
      Reversibility::read_only,
      "",
      k_webhooks_read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& account = args.resource("account");
    auto r = args.has("runbook")
                 ? arm_query("GET", account, {"webhooks"}, api_version::k_automation,
                             {{"$filter", "properties/runbook/name eq " +
                                              odata_string(runbook_arg(args, "runbook"))}},
                             cloud)
                 : arm("GET", account, {"webhooks"}, api_version::k_automation, cloud);
    ActionRequests out;
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_webhook()
{
  ActionSpec spec{"automation.webhook.delete",
                  "Delete a webhook so its URL no longer starts the runbook; cannot be undone: a "
                  "webhook's URL is "
                  "shown only when it is made, so a new one would have a new URL",
                  {account_param(), {"name", ParamType::name, true, {}, {}, "The webhook's name"}},
                  true,
                  Reversibility::irreversible,
                  "",
                  "Microsoft.Automation/automationAccounts/webhooks/delete",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_webhooks_read)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& account = args.resource("account");
    const std::string& name = args.text("name");
    ActionRequests out;
    auto before = arm("GET", account, {"webhooks", name}, api_version::k_automation, cloud);
    out.pre_image.push_back(as_pre_image(before, k_webhooks_read));
    auto r = arm("DELETE", account, {"webhooks", name}, api_version::k_automation, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  return spec;
}

ActionSpec list_job_schedules()
{
  ActionSpec spec{
      "automation.job_schedules.list",
      "List an Automation account's job schedules: which runbook each schedule starts, with which "
      "parameters and on which hybrid worker group",
      {account_param()},
      false,
      Reversibility::read_only,
      "",
      k_job_schedules_read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r =
        arm("GET", args.resource("account"), {"jobSchedules"}, api_version::k_automation, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec delete_job_schedule()
{
  ActionSpec spec{
      "automation.job_schedule.delete",
      "Unlink a runbook from a schedule (delete the job schedule) so the schedule no longer starts "
      "it; "
      "the runbook and the schedule stay",
      {account_param(), {"jobScheduleId", ParamType::guid, true, {}, {}, "The job schedule's ID"}},
      true,
      Reversibility::reversible,
      "PUT the job schedule back with the same ID, runbook, schedule, parameters and runOn from "
      "the "
      "pre-image (the runbook and the schedule must still exist)",
      "Microsoft.Automation/automationAccounts/jobSchedules/delete",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "用更改前记录的 runbook、schedule、parameters 和 runOn，以相同 ID 重新 PUT "
                 "该作业计划（runbook 和计划须仍然存在）";
  spec.needs = {own_need(spec.permission), pre_image_need(k_job_schedules_read),
                undo_need(k_job_schedules_write)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& account = args.resource("account");
    const std::string& id = args.text("jobScheduleId");
    ActionRequests out;
    auto before = arm("GET", account, {"jobSchedules", id}, api_version::k_automation, cloud);
    out.pre_image.push_back(as_pre_image(before, k_job_schedules_read));
    auto r = arm("DELETE", account, {"jobSchedules", id}, api_version::k_automation, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const auto& before = pre_body(pre);
    const auto* runbook = select(before, "/properties/runbook/name");
    const auto* schedule = select(before, "/properties/schedule/name");
    if (absent(pre) || runbook == nullptr || schedule == nullptr) {
      return out;
    }
    nlohmann::ordered_json properties{{"schedule", {{"name", *schedule}}},
                                      {"runbook", {{"name", *runbook}}}};
    for (const char* key : {"parameters", "runOn"}) {
      const auto* value = select(before, std::string("/properties/") + key);
      if (value != nullptr && !value->is_null()) {
        properties[key] = *value;
      }
    }
    auto r = arm("PUT", args.resource("account"), {"jobSchedules", args.text("jobScheduleId")},
                 api_version::k_automation, cloud);
    r.body = nlohmann::ordered_json{{"properties", std::move(properties)}};
    out.push_back(as_undo(r, spec));
    out.back().permission = k_job_schedules_write;
    return out;
  };
  return spec;
}

} // namespace

void add_automation(std::vector<ActionSpec>& out)
{
  out.push_back(list_runbooks());
  out.push_back(delete_runbook());
  out.push_back(list_webhooks());
  out.push_back(delete_webhook());
  out.push_back(list_job_schedules());
  out.push_back(delete_job_schedule());
}

} // namespace dftriage::azure::actions
