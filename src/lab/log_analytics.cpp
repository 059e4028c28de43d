// The Log Analytics query API (/v1/workspaces/{id}/query): answers the Key Vault audit
// queries dftriage sends (AzureDiagnostics filtered by vault, caller IP and object ID,
// projected, newest first, limited) from the lab's own diagnostic log. Anything else is
// refused with a Log Analytics error rather than answered with made-up rows.

#include "modules.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace dftriage::lab {

namespace {

// Returns `s` without surrounding whitespace (KQL spreads over lines).
std::string_view trimmed(std::string_view s)
{
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

[[noreturn]] void la_fault(int status, const std::string& code, const std::string& message,
                           const std::string& inner_code = {}, const std::string& inner_message = {})
{
  Json error{{"code", code}, {"message", inner_message.empty() ? message : message + ": " + inner_message}};
  if (!inner_code.empty()) {
    error["innererror"] = {{"code", inner_code}, {"message", inner_message}};
  }
  throw ArmFault{status, code, message, Json{{"error", error}}, {}};
}

// A KQL string literal's value ("..." with \" and \\ escapes), from `s` at `pos`.
bool read_literal(const std::string& s, std::size_t& pos, std::string& out)
{
  if (pos >= s.size() || (s[pos] != '"' && s[pos] != '\'')) {
    return false;
  }
  const char quote = s[pos++];
  out.clear();
  while (pos < s.size() && s[pos] != quote) {
    if (s[pos] == '\\' && pos + 1 < s.size()) {
      ++pos;
    }
    out += s[pos++];
  }
  if (pos >= s.size()) {
    return false;
  }
  ++pos;
  return true;
}

struct Condition
{
  std::string column;
  bool case_insensitive = false;
  std::string value;
};

struct Query
{
  std::vector<Condition> where;
  std::vector<std::string> project;
  bool newest_first = false;
  std::size_t take = 0;
};

// Parses the subset of KQL the Key Vault playbook sends; throws a SyntaxError otherwise.
Query parse_query(const std::string& kql)
{
  std::vector<std::string> stages;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= kql.size(); ++i) {
    if (i == kql.size() || kql[i] == '|') {
      stages.emplace_back(trimmed(std::string_view(kql).substr(start, i - start)));
      start = i + 1;
    } else if (kql[i] == '"' || kql[i] == '\'') {
      std::string ignored;
      std::size_t pos = i;
      if (!read_literal(kql, pos, ignored)) {
        la_fault(400, "BadArgumentError", "The request had some invalid properties", "SyntaxError",
                 "A string literal is not closed");
      }
      i = pos - 1;
    }
  }
  if (stages.empty() || stages[0] != "AzureDiagnostics") {
    la_fault(400, "BadArgumentError", "The request had some invalid properties", "SemanticError",
             "The lab answers queries of the AzureDiagnostics table only");
  }
  Query q;
  static const std::regex condition(R"(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|=~)\s*)");
  for (std::size_t n = 1; n < stages.size(); ++n) {
    const std::string& stage = stages[n];
    if (stage.rfind("where ", 0) == 0) {
      std::string rest = stage.substr(6);
      while (true) {
        std::smatch m;
        if (!std::regex_search(rest, m, condition, std::regex_constants::match_continuous)) {
          la_fault(400, "BadArgumentError", "The request had some invalid properties", "SyntaxError",
                   "Unsupported where clause: " + stage);
        }
        std::size_t pos = static_cast<std::size_t>(m.length(0));
        Condition c{m[1], m[2] == "=~", {}};
        if (!read_literal(rest, pos, c.value)) {
          la_fault(400, "BadArgumentError", "The request had some invalid properties", "SyntaxError",
                   "Expected a string literal in: " + stage);
        }
        q.where.push_back(c);
        rest = std::string(trimmed(std::string_view(rest).substr(pos)));
        if (rest.empty()) {
          break;
        }
        if (rest.rfind("and ", 0) != 0) {
          la_fault(400, "BadArgumentError", "The request had some invalid properties", "SyntaxError",
                   "Unsupported where clause: " + stage);
        }
        rest = rest.substr(4);
      }
    } else if (stage.rfind("project ", 0) == 0) {
      std::string list = stage.substr(8) + ",";
      for (std::size_t s = 0, comma; (comma = list.find(',', s)) != std::string::npos; s = comma + 1) {
        q.project.emplace_back(trimmed(std::string_view(list).substr(s, comma - s)));
      }
    } else if (stage == "order by TimeGenerated desc" || stage == "sort by TimeGenerated desc") {
      q.newest_first = true;
    } else if (stage.rfind("take ", 0) == 0 || stage.rfind("limit ", 0) == 0) {
      q.take = static_cast<std::size_t>(std::strtoull(stage.substr(stage.find(' ') + 1).c_str(), nullptr, 10));
    } else {
      la_fault(400, "BadArgumentError", "The request had some invalid properties", "SyntaxError",
               "The lab does not support this operator: " + stage);
    }
  }
  return q;
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

std::string column_type(const std::string& name)
{
  if (name == "TimeGenerated") {
    return "datetime";
  }
  if (name.size() > 2 && name.substr(name.size() - 2) == "_d") {
    return "real";
  }
  if (name.size() > 2 && name.substr(name.size() - 2) == "_g") {
    return "guid";
  }
  return "string";
}

LabResponse answer(State& state, const std::string& workspace, const std::string& kql, const std::string& timespan)
{
  const auto ws = state.workspaces.find(lower(workspace));
  if (ws == state.workspaces.end()) {
    la_fault(404, "WorkspaceNotFoundError", "Workspace " + workspace + " was not found.");
  }
  const Query q = parse_query(kql);
  const long long span = timespan.empty() ? 0 : duration_seconds(timespan);
  if (!timespan.empty() && span == 0) {
    la_fault(400, "BadArgumentError", "The timespan " + timespan + " is not an ISO 8601 duration.");
  }
  const auto now = state.config.clock();
  std::vector<Json> rows;
  for (const auto& row : state.diagnostics) {
    if (!ws->second.empty() && lower(row.value("Resource", "")) != ws->second) {
      continue;
    }
    if (span > 0) {
      Clock::time_point t;
      if (!parse_iso_time(row.value("TimeGenerated", ""), t) || t < now - std::chrono::seconds(span) || t > now) {
        continue;
      }
    }
    const bool keep = std::all_of(q.where.begin(), q.where.end(), [&](const Condition& c) {
      const auto it = row.find(c.column);
      const std::string have = it == row.end() ? "" : it->is_string() ? it->get<std::string>() : it->dump();
      return c.case_insensitive ? lower(have) == lower(c.value) : have == c.value;
    });
    if (keep) {
      rows.push_back(row);
    }
  }
  if (q.newest_first) {
    std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
      return a.value("TimeGenerated", "") > b.value("TimeGenerated", "");
    });
  }
  if (q.take > 0 && rows.size() > q.take) {
    rows.resize(q.take);
  }
  std::vector<std::string> columns = q.project;
  if (columns.empty() && !rows.empty()) {
    for (const auto& [key, value] : rows.front().items()) {
      columns.push_back(key);
    }
  }
  Json cols = Json::array();
  for (const auto& c : columns) {
    cols.push_back({{"name", c}, {"type", column_type(c)}});
  }
  Json out_rows = Json::array();
  for (const auto& row : rows) {
    Json r = Json::array();
    for (const auto& c : columns) {
      r.push_back(row.contains(c) ? row[c] : Json(nullptr));
    }
    out_rows.push_back(std::move(r));
  }
  return LabResponse::json(200, Json{{"tables", Json::array({{{"name", "PrimaryResult"}, {"columns", cols},
                                                                {"rows", out_rows}}})}});
}

} // namespace

void add_log_analytics_routes(Router& router, State& state)
{
  const RouteOptions options{{}, "loganalytics", ""};
  router.add("POST", "/v1/workspaces/([^/]+)/query", options, [&state](const LabRequest& r, const Captures& c) {
    const Json body = r.json_body();
    if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
      la_fault(400, "BadArgumentError", "The request had some invalid properties", "QueryMissing",
               "The body must carry a query string");
    }
    return answer(state, c[1], body["query"], body.value("timespan", ""));
  });
  router.add("GET", "/v1/workspaces/([^/]+)/query", options, [&state](const LabRequest& r, const Captures& c) {
    const auto query = r.query_value("query");
    if (!query) {
      la_fault(400, "BadArgumentError", "The request had some invalid properties", "QueryMissing",
               "The query parameter is required");
    }
    return answer(state, c[1], *query, r.query_value("timespan").value_or(""));
  });
}

} // namespace dftriage::lab
