// Azure Monitor actions: the subscription's activity log, and Log Analytics queries
// (keyvault.diagnostics.query: a vault's audit log).

#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "families.hpp"

namespace dftriage::azure::actions {

// Returns `value` as a KQL string literal: in double quotes, '\' and '"' escaped. Throws
// ActionError for control characters, invalid UTF-8 or more than 1024 bytes, which no
// alert value we query by has. Also declared by the unit tests.
std::string kql_string(std::string_view value)
{
  if (value.size() > 1024) {
    throw ActionError("too long for a KQL string (" + std::to_string(value.size()) +
                      " bytes, at most 1024): " + text::quote(value));
  }
  std::string out = "\"";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      throw ActionError("control character in a KQL string: " + text::quote(value));
    }
    if (c == '\\' || c == '"') {
      out += '\\';
    }
    out += c;
  }
  try {
    (void)nlohmann::json(std::string(value)).dump();
  } catch (const nlohmann::json::exception&) {
    throw ActionError("invalid UTF-8 in a KQL string: " + text::quote(value));
  }
  return out + '"';
}

namespace {

// Returns the ISO 8601 time argument `name` normalised to UTC, or throws.
std::string iso_time_arg(const ActionArgs& args, std::string_view name)
{
  const std::string& value = args.text(name);
  // normalise_utc also takes Defender's US form; a filter wants ISO 8601 only.
  const bool iso_shape = value.size() >= 10 && value[4] == '-' && value[7] == '-';
  const auto utc = iso_shape ? time::normalise_utc(value) : std::nullopt;
  if (!utc) {
    throw ActionError("parameter " + std::string(name) +
                      ": expected an ISO 8601 time like 2026-01-31T08:00:00Z, got " +
                      text::quote(value));
  }
  return *utc;
}

// Returns `value` of parameter `name` as an OData literal, naming the parameter when it
// cannot be one.
std::string odata_arg(std::string_view name, std::string_view value)
{
  try {
    return odata_string(value);
  } catch (const ActionError& e) {
    throw ActionError("parameter " + std::string(name) + ": " + e.what());
  }
}

ActionSpec list_activity_log()
{
  ActionSpec spec{
      "monitor.activity_log.list",
      "List the subscription's activity log events between two times, optionally of one caller "
      "and/or one resource",
      {subscription_param(),
       {"start", ParamType::string, true, {}, {}, "ISO 8601 start time (at most 90 days back)"},
       {"end", ParamType::string, true, {}, {}, "ISO 8601 end time"},
       {"caller", ParamType::string, false, {}, {}, "UPN or object ID of the caller"},
       {"resourceId", ParamType::resource_id, false, {}, {}, "Only events of this resource"}},
      false,
      Reversibility::read_only,
      "",
      "Microsoft.Insights/eventtypes/values/read",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string start = iso_time_arg(args, "start");
    const std::string end = iso_time_arg(args, "end");
    // Both are "YYYY-MM-DDThh:mm:ss…Z" now; the first 19 characters order them.
    if (start.compare(0, 19, end, 0, 19) > 0) {
      throw ActionError("parameter start: " + text::quote(start) + " is after end " +
                        text::quote(end));
    }
    std::string filter = "eventTimestamp ge " + odata_arg("start", start) +
                         " and eventTimestamp le " + odata_arg("end", end);
    if (args.has("caller")) {
      filter += " and caller eq " + odata_arg("caller", args.text("caller"));
    }
    if (args.has("resourceId")) {
      filter +=
          " and resourceUri eq " + odata_arg("resourceId", args.resource("resourceId").canonical);
    }
    ActionRequests out;
    auto r = arm_query("GET", subscription_arg(args, "subscription"),
                       {"providers", "Microsoft.Insights", "eventtypes", "management", "values"},
                       api_version::k_monitor_activity_log, {{"$filter", filter}}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

// Returns `value` of parameter `param` as a KQL string literal, naming the parameter when
// it cannot be one.
std::string kql_arg(const char* param, std::string_view value)
{
  try {
    return kql_string(value);
  } catch (const ActionError& e) {
    throw ActionError(std::string("parameter ") + param + ": " + e.what());
  }
}

// Returns the KQL of the vault's audit events from both tables its diagnostic setting may
// write: the legacy AzureDiagnostics and the resource-specific AZKVAuditLogs (isfuzzy: a
// workspace with only one of them answers from that one). Each leg projects the same
// columns with the same types, so the union has one column of each; the filters come
// after it, every argument an escaped string literal.
std::string audit_query(const ActionArgs& args)
{
  const auto& vault = args.resource("vault");
  std::string kql =
      "union isfuzzy=true\n"
      "(AzureDiagnostics\n"
      "| where ResourceProvider == \"MICROSOFT.KEYVAULT\" and Resource =~ " +
      kql_arg("vault", vault.name()) +
      "\n"
      "| project TimeGenerated, OperationName, CallerIpAddress = CallerIPAddress, "
      "CallerObjectId = tostring(identity_claim_oid_g), CallerUpn = identity_claim_upn_s, "
      "CallerAppId = tostring(identity_claim_appid_g), RequestUri = requestUri_s, ResultSignature, "
      "HttpStatusCode = toint(httpStatusCode_d), ClientInfo = clientInfo_s),\n"
      "(AZKVAuditLogs\n"
      "| where _ResourceId =~ " +
      kql_arg("vault", vault.canonical) +
      "\n"
      "| project TimeGenerated, OperationName, CallerIpAddress, "
      "CallerObjectId = tostring(coalesce(Identity.claim.oid, "
      "Identity.claim[\"http://schemas.microsoft.com/identity/claims/objectidentifier\"])), "
      "CallerUpn = tostring(coalesce(Identity.claim.upn, "
      "Identity.claim[\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn\"])), "
      "CallerAppId = tostring(Identity.claim.appid), RequestUri, ResultSignature, "
      "HttpStatusCode = toint(HttpStatusCode), ClientInfo)";
  if (args.has("callerIp")) {
    kql += "\n| where CallerIpAddress == " + kql_arg("callerIp", args.text("callerIp"));
  }
  if (args.has("objectId")) {
    kql += "\n| where CallerObjectId =~ " + kql_arg("objectId", args.text("objectId"));
  }
  return kql + "\n| order by TimeGenerated desc\n| take 1000";
}

// Returns the query's timespan: "start/end" (ISO 8601 interval) from the start and end
// parameters, the 7 days before end when only end is given, else the last 7 days.
std::string audit_timespan(const ActionArgs& args)
{
  if (!args.has("start") && !args.has("end")) {
    return "P7D";
  }
  if (!args.has("end")) {
    throw ActionError("parameter end is required with start (the query covers start to end); "
                      "give neither for the last 7 days");
  }
  const std::string end = iso_time_arg(args, "end");
  std::string start;
  if (args.has("start")) {
    start = iso_time_arg(args, "start");
    if (start.compare(0, 19, end, 0, 19) > 0) {
      throw ActionError("parameter start: " + text::quote(start) + " is after end " +
                        text::quote(end));
    }
  } else {
    start = time::from_unix_seconds(*time::to_unix_seconds(end) - std::int64_t{7} * 86400);
  }
  return start + "/" + end;
}

ActionSpec query_diagnostics()
{
  ActionSpec spec{
      "keyvault.diagnostics.query",
      "Query the vault's audit log in Log Analytics (AzureDiagnostics and AZKVAuditLogs) between "
      "two "
      "times or for the last 7 days, optionally of one caller IP and/or object ID (newest 1000 "
      "events)",
      {{"workspaceId",
        ParamType::guid,
        true,
        {},
        {},
        "The workspace's customer ID (not its ARM ID)"},
       {"vault", ParamType::resource_id, true, "microsoft.keyvault/vaults", {}, "The key vault"},
       {"callerIp", ParamType::string, false, {}, {}, "Only events from this IP address"},
       {"objectId", ParamType::guid, false, {}, {}, "Only events of this principal"},
       {"start", ParamType::string, false, {}, {}, "ISO 8601 start time (needs end)"},
       {"end",
        ParamType::string,
        false,
        {},
        {},
        "ISO 8601 end time (alone: the 7 days before it)"}},
      false,
      Reversibility::read_only,
      "",
      "Microsoft.OperationalInsights/workspaces/query/read",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    UrlBuilder url(cloud.log_analytics);
    url.segment(api_version::k_log_analytics)
        .segment("workspaces")
        .segment(args.text("workspaceId"))
        .segment("query");
    Request r;
    r.method = "POST";
    r.url = url.str();
    r.audience = "loganalytics";
    r.body =
        nlohmann::ordered_json{{"query", audit_query(args)}, {"timespan", audit_timespan(args)}};
    ActionRequests out;
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

void add_monitor(std::vector<ActionSpec>& out)
{
  out.push_back(list_activity_log());
  out.push_back(query_diagnostics());
}

} // namespace dftriage::azure::actions
