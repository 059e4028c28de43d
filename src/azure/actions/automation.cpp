// Azure Automation (Microsoft.Automation) actions: runbooks, a common persistence spot.

#include "dftriage/util/text.hpp"
#include "families.hpp"

namespace dftriage::azure::actions {

namespace {

const char* k_read = "Microsoft.Automation/automationAccounts/runbooks/read";

ParamSpec account_param()
{
  return ParamSpec{"account", ParamType::resource_id, true, "microsoft.automation/automationaccounts", {},
                   "The Automation account"};
}

// True for a runbook name the service accepts: ^[a-zA-Z][a-zA-Z-_0-9]*$ (CONTRACTS §5.3).
bool is_runbook_name(std::string_view s)
{
  if (s.empty() || s.size() > 63 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
    return false;
  }
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

ActionSpec list_runbooks()
{
  ActionSpec spec{"automation.runbooks.list",
                  "List an Automation account's runbooks: type, state, creation and last-modified time and author",
                  {account_param()}, false, Reversibility::read_only, "", k_read, {}, {}, {}, {}, {}};
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
  ActionSpec spec{"automation.runbook.delete",
                  "Delete a runbook; the pre-image keeps its metadata and published content as evidence, "
                  "but re-creating it (and its schedules and webhooks) is manual",
                  {account_param(), {"name", ParamType::name, true, {}, {}, "The runbook's name"}},
                  true, Reversibility::irreversible, "",
                  "Microsoft.Automation/automationAccounts/runbooks/delete", {}, {}, {}, {}, {}};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& name = args.text("name");
    if (!is_runbook_name(name)) {
      throw ActionError("parameter name: expected a runbook name (a letter, then letters, digits, '-' or '_'), got "
                        + text::quote(name));
    }
    const auto& account = args.resource("account");
    ActionRequests out;
    auto meta = arm("GET", account, {"runbooks", name}, api_version::k_automation, cloud);
    out.pre_image.push_back(as_pre_image(meta, k_read));
    // The content is a script (text/powershell), not JSON [unverified permission string].
    auto content = arm("GET", account, {"runbooks", name, "content"}, api_version::k_automation, cloud);
    out.pre_image.push_back(as_pre_image(content, k_read));
    auto r = arm("DELETE", account, {"runbooks", name}, api_version::k_automation, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  return spec;
}

} // namespace

void add_automation(std::vector<ActionSpec>& out)
{
  out.push_back(list_runbooks());
  out.push_back(delete_runbook());
}

} // namespace dftriage::azure::actions
