// The Log Analytics query API (/v1/workspaces/{id}/query): answers the Key Vault audit
// queries dftriage sends from the lab's own audit log: one table (AzureDiagnostics or
// AZKVAuditLogs) or a union of both legs, each filtered and projected, then filtered,
// ordered newest first and limited, over the request's timespan (an ISO 8601 duration or
// a start/end interval). Anything else is refused with a Log Analytics error rather than
// answered with made-up rows.

#include "kql.hpp"
#include "modules.hpp"

#include <algorithm>
#include <regex>

namespace dftriage::lab {

namespace {

using kql::la_fault;

// Returns the table an audit row belongs to (its Type; AzureDiagnostics by default).
std::string table_of(const Json& row)
{
  return row.value("Type", "AzureDiagnostics");
}

// Returns the lower-case name of the vault an audit row is about.
std::string vault_of_row(const Json& row)
{
  if (table_of(row) == "AZKVAuditLogs") {
    const std::string id = row.value("_ResourceId", "");
    return lower(id.substr(id.rfind('/') + 1));
  }
  return lower(row.value("Resource", ""));
}

// Returns the ISO 8601 duration "P7D" / "PT12H" in seconds, or 0.
long long duration_seconds(const std::string& iso)
{
  static const std::regex pattern(R"(P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)");
  std::smatch m;
  if (!std::regex_match(iso, m, pattern)) {
    return 0;
  }
  auto n = [&](int i) { return m[i].matched ? std::stoll(m[i]) : 0LL; };
  return n(1) * 86400 + n(2) * 3600 + n(3) * 60 + n(4);
}

// The window a timespan covers: a duration up to now, or "start/end".
struct Window
{
  bool bounded = false;
  Clock::time_point from;
  Clock::time_point to;
};

Window window_of(const std::string& timespan, Clock::time_point now)
{
  Window w;
  if (timespan.empty()) {
    return w;
  }
  w.bounded = true;
  const auto slash = timespan.find('/');
  if (slash != std::string::npos) {
    if (!parse_iso_time(timespan.substr(0, slash), w.from) ||
        !parse_iso_time(timespan.substr(slash + 1), w.to) || w.to < w.from) {
      la_fault(400, "BadArgumentError",
               "The timespan " + timespan + " is not a valid ISO 8601 interval.");
    }
    return w;
  }
  const long long span = duration_seconds(timespan);
  if (span == 0) {
    la_fault(400, "BadArgumentError", "The timespan " + timespan + " is not an ISO 8601 duration.");
  }
  w.from = now - std::chrono::seconds(span);
  w.to = now;
  return w;
}

// Returns the rows of `table` in the workspace and window; throws when a workspace never
// had that table (AzureDiagnostics, which the lab's own data plane writes, it always has).
std::vector<Json> table_rows(const State& state, const std::string& vault, const std::string& table,
                             const Window& w, bool fuzzy, bool& missing)
{
  std::vector<Json> rows;
  bool exists = table == "AzureDiagnostics";
  for (const auto& row : state.diagnostics) {
    if (table_of(row) != table || (!vault.empty() && vault_of_row(row) != vault)) {
      continue;
    }
    exists = true;
    Clock::time_point t;
    if (w.bounded &&
        (!parse_iso_time(row.value("TimeGenerated", ""), t) || t < w.from || t > w.to)) {
      continue;
    }
    rows.push_back(row);
  }
  missing = !exists;
  if (missing && !fuzzy) {
    la_fault(400, "BadArgumentError", "The request had some invalid properties", "SemanticError",
             "Failed to resolve table expression named '" + table + "'");
  }
  return rows;
}

// Runs `q` (a table with its stages, or a union of legs) over the workspace's rows.
kql::Result run(const State& state, const std::string& vault, const kql::Query& q, const Window& w)
{
  kql::Result result;
  if (q.legs.empty()) {
    bool missing = false;
    result.rows = table_rows(state, vault, q.table, w, false, missing);
  } else {
    std::size_t found = 0;
    for (const auto& leg : q.legs) {
      bool missing = false;
      kql::Result part;
      part.rows = table_rows(state, vault, leg.table, w, q.fuzzy, missing);
      if (missing) {
        continue;
      }
      ++found;
      kql::apply(leg.stages, part);
      result.rows.insert(result.rows.end(), part.rows.begin(), part.rows.end());
      for (const auto& column : part.columns) {
        if (std::none_of(result.columns.begin(), result.columns.end(),
                         [&](const kql::Column& c) { return c.name == column.name; })) {
          result.columns.push_back(column);
        }
      }
    }
    if (found == 0) {
      la_fault(400, "BadArgumentError", "The request had some invalid properties", "SemanticError",
               "None of the union's tables exist in this workspace");
    }
  }
  kql::apply(q.stages, result);
  return result;
}

LabResponse answer(State& state, const std::string& workspace, const std::string& text,
                   const std::string& timespan)
{
  const auto ws = state.workspaces.find(lower(workspace));
  if (ws == state.workspaces.end()) {
    la_fault(404, "WorkspaceNotFoundError", "Workspace " + workspace + " was not found.");
  }
  const kql::Query q = kql::parse(text);
  const kql::Result result = run(state, ws->second, q, window_of(timespan, state.config.clock()));
  std::vector<kql::Column> columns = result.columns;
  if (columns.empty() && !result.rows.empty()) {
    for (const auto& [key, value] : result.rows.front().items()) {
      columns.push_back({key, kql::column_type(key)});
    }
  }
  Json cols = Json::array();
  for (const auto& c : columns) {
    cols.push_back({{"name", c.name}, {"type", c.type}});
  }
  Json out_rows = Json::array();
  for (const auto& row : result.rows) {
    Json r = Json::array();
    for (const auto& c : columns) {
      r.push_back(row.contains(c.name) ? row[c.name] : Json(nullptr));
    }
    out_rows.push_back(std::move(r));
  }
  return LabResponse::json(
      200,
      Json{{"tables",
            Json::array({{{"name", "PrimaryResult"}, {"columns", cols}, {"rows", out_rows}}})}});
}

} // namespace

void add_log_analytics_routes(Router& router, State& state)
{
  const RouteOptions options{{}, "loganalytics", ""};
  router.add("POST", "/v1/workspaces/([^/]+)/query", options,
             [&state](const LabRequest& r, const Captures& c) {
               const Json body = r.json_body();
               if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
                 la_fault(400, "BadArgumentError", "The request had some invalid properties",
                          "QueryMissing", "The body must carry a query string");
               }
               return answer(state, c[1], body["query"], body.value("timespan", ""));
             });
  router.add("GET", "/v1/workspaces/([^/]+)/query", options,
             [&state](const LabRequest& r, const Captures& c) {
               const auto query = r.query_value("query");
               if (!query) {
                 la_fault(400, "BadArgumentError", "The request had some invalid properties",
                          "QueryMissing", "The query parameter is required");
               }
               return answer(state, c[1], *query, r.query_value("timespan").value_or(""));
             });
}

} // namespace dftriage::lab
