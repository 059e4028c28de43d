// Defender for Cloud (Microsoft.Security) actions: alerts and assessments.

#include "dftriage/util/text.hpp"
#include "families.hpp"

#include <algorithm>

namespace dftriage::azure::actions {

namespace {

const char* k_alert_type = "microsoft.security/locations/alerts";
const char* k_alerts_read = "Microsoft.Security/locations/alerts/read";

// One target status: the POST that sets it and the RBAC action that allows it.
struct StatusChange
{
  const char* status;
  const char* verb;
  const char* permission;
};

// inProgress has no RBAC action of its own in what we read (CONTRACTS §6): activate is
// the closest [unverified].
const StatusChange k_status_changes[] = {
    {"Active", "activate", "Microsoft.Security/locations/alerts/activate/action"},
    {"Dismissed", "dismiss", "Microsoft.Security/locations/alerts/dismiss/action"},
    {"Resolved", "resolve", "Microsoft.Security/locations/alerts/resolve/action"},
    {"InProgress", "inProgress", "Microsoft.Security/locations/alerts/activate/action"},
};

ParamSpec optional(ParamSpec p)
{
  p.required = false;
  return p;
}

std::vector<ParamSpec> alert_params()
{
  return {{"alert",
           ParamType::resource_id,
           false,
           k_alert_type,
           {},
           "The alert's ID (or give subscription, location and name)"},
          optional(subscription_param()),
          {"resourceGroup",
           ParamType::name,
           false,
           {},
           {},
           "The alert's resource group, for resource-group-level alerts"},
          {"location",
           ParamType::name,
           false,
           {},
           {},
           "The Defender for Cloud data location (ascLocation), e.g. westeurope"},
          {"name", ParamType::name, false, {}, {}, "The alert's name: the last segment of its ID"}};
}

// Returns the resource ID of `/subscriptions/{sub}[/resourceGroups/{rg}]` + `rest`, or throws.
alert::ResourceId compose_id(const alert::ResourceId& subscription, const std::string& group,
                             const std::string& rest)
{
  std::string id = subscription.canonical;
  if (!group.empty()) {
    id += "/resourceGroups/" + group;
  }
  // Every part is a checked name without '/', so each lands in its own segment.
  auto parsed = alert::parse_resource_id(id + rest);
  if (!parsed) {
    throw ActionError("cannot form a resource ID from " + text::quote(id + rest));
  }
  return *parsed;
}

// Returns the alert's ID from `alert` or from subscription, location, name (+ resourceGroup).
alert::ResourceId alert_id(const ActionArgs& args)
{
  const bool parts = args.has("subscription") || args.has("location") || args.has("name") ||
                     args.has("resourceGroup");
  if (args.has("alert") == parts) {
    throw ActionError("give either alert (the alert's ID) or subscription, location and name");
  }
  if (args.has("alert")) {
    return args.resource("alert");
  }
  if (!args.has("subscription") || !args.has("location") || !args.has("name")) {
    throw ActionError(
        "parameters subscription, location and name are all required when alert is not given");
  }
  return compose_id(subscription_arg(args, "subscription"), args.text("resourceGroup"),
                    "/providers/Microsoft.Security/locations/" + args.text("location") +
                        "/alerts/" + args.text("name"));
}

ActionSpec list_alerts()
{
  ActionSpec spec{
      "security.alerts.list",
      "List the Defender for Cloud alerts of a subscription or one of its resource groups",
      {subscription_param(),
       {"resourceGroup", ParamType::name, false, {}, {}, "Only this resource group's alerts"}},
      false,
      Reversibility::read_only,
      "",
      k_alerts_read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto scope =
        compose_id(subscription_arg(args, "subscription"), args.text("resourceGroup"), "");
    ActionRequests out;
    auto r = arm("GET", scope, {"providers", "Microsoft.Security", "alerts"},
                 api_version::k_security_alerts, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec get_alert()
{
  ActionSpec spec{"security.alert.get",
                  "Read one Defender for Cloud alert: status, entities, extended properties",
                  alert_params(),
                  false,
                  Reversibility::read_only,
                  "",
                  k_alerts_read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm("GET", alert_id(args), {}, api_version::k_security_alerts, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec set_alert_status()
{
  std::vector<std::string> statuses;
  for (const auto& change : k_status_changes) {
    statuses.emplace_back(change.status);
  }
  auto params = alert_params();
  params.push_back({"status", ParamType::choice, true, {}, statuses, "The new status"});
  ActionSpec spec{
      "security.alert.set_status",
      "Set a Defender for Cloud alert's status: Active, InProgress, Resolved or Dismissed",
      params,
      true,
      Reversibility::reversible,
      "POST the verb of the status in the pre-image (properties.status): activate, inProgress, "
      "resolve or dismiss",
      "Microsoft.Security/locations/alerts/dismiss/action",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "按更改前记录的状态（properties."
                 "status）调用对应的操作：activate、inProgress、resolve 或 dismiss";
  // Each status has its own verb, and so its own permission, whichever way it goes.
  spec.needs = {pre_image_need(k_alerts_read)};
  for (const auto& change : k_status_changes) {
    const bool seen = std::any_of(spec.needs.begin(), spec.needs.end(), [&](const auto& n) {
      return n.use == NeededPermission::Use::action && n.permission == change.permission;
    });
    if (!seen) {
      spec.needs.push_back(own_need(change.permission));
      spec.needs.push_back(undo_need(change.permission));
    }
  }
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto id = alert_id(args);
    const auto& change =
        *std::find_if(std::begin(k_status_changes), std::end(k_status_changes),
                      [&](const StatusChange& c) { return args.text("status") == c.status; });
    ActionRequests out;
    auto before = arm("GET", id, {}, api_version::k_security_alerts, cloud);
    out.pre_image.push_back(as_pre_image(before, k_alerts_read));
    auto r = arm("POST", id, {change.verb}, api_version::k_security_alerts, cloud);
    as_action(r, spec).permission = change.permission;
    out.requests.push_back(r);
    return out;
  };
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    return text::iequals(text_at(pre_body(pre), "/properties/status"), args.text("status"));
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const std::string before = text_at(pre_body(pre), "/properties/status");
    const auto* change =
        std::find_if(std::begin(k_status_changes), std::end(k_status_changes),
                     [&](const StatusChange& c) { return text::iequals(before, c.status); });
    if (change != std::end(k_status_changes) && !text::iequals(before, args.text("status"))) {
      auto r = arm("POST", alert_id(args), {change->verb}, api_version::k_security_alerts, cloud);
      as_undo(r, spec).permission = change->permission;
      out.push_back(r);
    }
    return out;
  };
  return spec;
}

ActionSpec list_assessments()
{
  ActionSpec spec{
      "security.assessments.list",
      "List Defender for Cloud assessments (recommendations) of a resource; open ones have "
      "status.code Unhealthy",
      {{"resource", ParamType::resource_id, true, {}, {}, "The assessed resource"}},
      false,
      Reversibility::read_only,
      "",
      "Microsoft.Security/assessments/read",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r =
        arm("GET", args.resource("resource"), {"providers", "Microsoft.Security", "assessments"},
            api_version::k_security_assessments, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

void add_security(std::vector<ActionSpec>& out)
{
  out.push_back(list_alerts());
  out.push_back(get_alert());
  out.push_back(set_alert_status());
  out.push_back(list_assessments());
}

} // namespace dftriage::azure::actions
