// The lab's KQL subset: parsing the audit queries dftriage sends and running their stages
// over rows (see kql.hpp).

#include "kql.hpp"

#include "util.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

namespace dftriage::lab::kql {

namespace {

const char* k_invalid = "The request had some invalid properties";

[[noreturn]] void syntax(const std::string& message)
{
  la_fault(400, "BadArgumentError", k_invalid, "SyntaxError", message);
}

std::string trimmed(std::string_view s)
{
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// Reads a string literal ("..." or '...', backslash escapes) at `pos` into `out`.
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

// Splits `s` at each `separator` outside literals, parentheses and brackets.
std::vector<std::string> split_top(const std::string& s, char separator)
{
  std::vector<std::string> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == separator && depth == 0)) {
      parts.push_back(trimmed(std::string_view(s).substr(start, i - start)));
      start = i + 1;
    } else if (s[i] == '"' || s[i] == '\'') {
      std::string ignored;
      std::size_t pos = i;
      if (!read_literal(s, pos, ignored)) {
        syntax("A string literal is not closed");
      }
      i = pos - 1;
    } else if (s[i] == '(' || s[i] == '[') {
      ++depth;
    } else if (s[i] == ')' || s[i] == ']') {
      --depth;
    }
  }
  if (depth != 0) {
    syntax("Unbalanced parentheses or brackets");
  }
  return parts;
}

bool is_name_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

std::string read_name(const std::string& s, std::size_t& pos)
{
  const std::size_t start = pos;
  while (pos < s.size() && is_name_char(s[pos])) {
    ++pos;
  }
  return s.substr(start, pos - start);
}

void skip_spaces(const std::string& s, std::size_t& pos)
{
  while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos])) != 0) {
    ++pos;
  }
}

Expr parse_expr(const std::string& s, std::size_t& pos)
{
  skip_spaces(s, pos);
  Expr e;
  std::string text;
  if (read_literal(s, pos, text)) {
    e.literal = text;
    return e;
  }
  const std::string name = read_name(s, pos);
  if (name.empty()) {
    syntax("Expected a column, a literal or a function in: " + s);
  }
  skip_spaces(s, pos);
  if (pos < s.size() && s[pos] == '(') {
    if (name != "toint" && name != "tostring" && name != "coalesce") {
      syntax("The lab does not support the function " + name);
    }
    e.function = name;
    ++pos;
    for (;;) {
      e.args.push_back(parse_expr(s, pos));
      skip_spaces(s, pos);
      if (pos >= s.size() || s[pos] != ',') {
        break;
      }
      ++pos;
    }
    if (pos >= s.size() || s[pos] != ')') {
      syntax("Expected ')' in: " + s);
    }
    ++pos;
    return e;
  }
  e.path.push_back(name);
  while (pos < s.size() && (s[pos] == '.' || s[pos] == '[')) {
    std::string member;
    if (s[pos++] == '.') {
      member = read_name(s, pos);
    } else if (!read_literal(s, pos, member) || pos >= s.size() || s[pos++] != ']') {
      syntax("Expected [\"member\"] in: " + s);
    }
    e.path.push_back(member);
  }
  return e;
}

std::string expr_type(const Expr& e)
{
  if (e.function == "toint") {
    return "int";
  }
  if (e.function == "tostring" || e.literal) {
    return "string";
  }
  if (e.function == "coalesce") {
    return expr_type(e.args.front());
  }
  return e.path.size() == 1 ? column_type(e.path.front()) : "dynamic";
}

Json eval(const Expr& e, const Json& row)
{
  if (e.literal) {
    return *e.literal;
  }
  if (e.function.empty()) {
    const Json* node = &row;
    for (const auto& member : e.path) {
      if (!node->is_object() || !node->contains(member)) {
        return nullptr;
      }
      node = &(*node)[member];
    }
    return *node;
  }
  if (e.function == "coalesce") {
    for (const auto& arg : e.args) {
      Json v = eval(arg, row);
      if (!v.is_null() && !(v.is_string() && v.get<std::string>().empty())) {
        return v;
      }
    }
    return nullptr;
  }
  const Json v = eval(e.args.front(), row);
  if (e.function == "toint") {
    if (v.is_number()) {
      return static_cast<long long>(v.get<double>());
    }
    const std::string text = v.is_string() ? v.get<std::string>() : "";
    if (!text.empty() && text.size() < 19 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::stoll(text);
    }
    return nullptr;
  }
  if (v.is_null()) {
    return "";
  }
  if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) {
    return std::to_string(static_cast<long long>(v.get<double>()));
  }
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::vector<Condition> parse_where(const std::string& stage)
{
  static const std::regex condition(R"(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|=~)\s*)");
  std::vector<Condition> out;
  std::string rest = stage.substr(6);
  while (true) {
    std::smatch m;
    if (!std::regex_search(rest, m, condition, std::regex_constants::match_continuous)) {
      syntax("Unsupported where clause: " + stage);
    }
    std::size_t pos = static_cast<std::size_t>(m.length(0));
    Condition c{m[1], m[2] == "=~", {}};
    if (!read_literal(rest, pos, c.value)) {
      syntax("Expected a string literal in: " + stage);
    }
    out.push_back(c);
    rest = trimmed(std::string_view(rest).substr(pos));
    if (rest.empty()) {
      return out;
    }
    if (rest.rfind("and ", 0) != 0) {
      syntax("Unsupported where clause: " + stage);
    }
    rest = rest.substr(4);
  }
}

std::vector<std::pair<Column, Expr>> parse_project(const std::string& stage)
{
  static const std::regex named(R"(([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*([\s\S]*))");
  std::vector<std::pair<Column, Expr>> out;
  for (const auto& item : split_top(stage.substr(8), ',')) {
    std::smatch m;
    const bool renamed = std::regex_match(item, m, named);
    const std::string text = renamed ? m[2].str() : item;
    std::size_t pos = 0;
    Expr e = parse_expr(text, pos);
    skip_spaces(text, pos);
    if (pos != text.size()) {
      syntax("Unsupported project column: " + item);
    }
    if (!renamed && (e.path.size() != 1 || !e.function.empty())) {
      syntax("A computed column needs a name: " + item);
    }
    const std::string name = renamed ? m[1].str() : e.path.front();
    out.emplace_back(Column{name, expr_type(e)}, std::move(e));
  }
  return out;
}

std::vector<Stage> parse_stages(const std::vector<std::string>& parts)
{
  std::vector<Stage> stages;
  for (std::size_t n = 1; n < parts.size(); ++n) {
    const std::string& stage = parts[n];
    Stage s;
    if (stage.rfind("where ", 0) == 0) {
      s.conditions = parse_where(stage);
    } else if (stage.rfind("project ", 0) == 0) {
      s.kind = Stage::Kind::project;
      s.projection = parse_project(stage);
    } else if (stage == "order by TimeGenerated desc" || stage == "sort by TimeGenerated desc") {
      s.kind = Stage::Kind::order;
    } else if (stage.rfind("take ", 0) == 0 || stage.rfind("limit ", 0) == 0) {
      s.kind = Stage::Kind::take;
      s.take = static_cast<std::size_t>(
          std::strtoull(stage.substr(stage.find(' ') + 1).c_str(), nullptr, 10));
    } else {
      syntax("The lab does not support this operator: " + stage);
    }
    stages.push_back(std::move(s));
  }
  return stages;
}

void check_table(const std::string& table)
{
  if (table != "AzureDiagnostics" && table != "AZKVAuditLogs") {
    la_fault(400, "BadArgumentError", k_invalid, "SemanticError",
             "The lab answers queries of the AzureDiagnostics and AZKVAuditLogs tables only");
  }
}

// Parses "union [isfuzzy=true] (leg), (leg)".
Query parse_union(const std::string& first, std::vector<Stage> stages)
{
  Query q;
  q.stages = std::move(stages);
  std::size_t pos = 5;
  while (true) {
    skip_spaces(first, pos);
    if (pos >= first.size() || first[pos] == '(') {
      break;
    }
    const std::size_t end = first.find_first_of(" \t\r\n(", pos);
    const std::string option =
        first.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (option != "isfuzzy=true" && option != "isfuzzy=false") {
      syntax("The lab does not support this union option: " + option);
    }
    q.fuzzy = option == "isfuzzy=true";
    pos += option.size();
  }
  for (const auto& leg : split_top(first.substr(pos), ',')) {
    if (leg.size() < 2 || leg.front() != '(' || leg.back() != ')') {
      syntax("Expected a parenthesised query in the union: " + leg);
    }
    Query sub = parse(leg.substr(1, leg.size() - 2));
    if (!sub.legs.empty()) {
      syntax("The lab does not answer a union inside a union");
    }
    q.legs.push_back(std::move(sub));
  }
  if (q.legs.empty()) {
    syntax("A union needs at least one query");
  }
  return q;
}

} // namespace

void la_fault(int status, const std::string& code, const std::string& message,
              const std::string& inner_code, const std::string& inner_message)
{
  Json error{{"code", code},
             {"message", inner_message.empty() ? message : message + ": " + inner_message}};
  if (!inner_code.empty()) {
    error["innererror"] = {{"code", inner_code}, {"message", inner_message}};
  }
  throw ArmFault{status, code, message, Json{{"error", error}}, {}};
}

Query parse(const std::string& text)
{
  const auto parts = split_top(text, '|');
  const std::string& first = parts.front();
  auto stages = parse_stages(parts);
  if (first.rfind("union", 0) == 0 && (first.size() == 5 || !is_name_char(first[5]))) {
    return parse_union(first, std::move(stages));
  }
  check_table(first);
  Query q;
  q.table = first;
  q.stages = std::move(stages);
  return q;
}

void apply(const std::vector<Stage>& stages, Result& result)
{
  for (const auto& stage : stages) {
    auto& rows = result.rows;
    if (stage.kind == Stage::Kind::where) {
      rows.erase(std::remove_if(rows.begin(), rows.end(),
                                [&](const Json& row) {
                                  return !std::all_of(
                                      stage.conditions.begin(), stage.conditions.end(),
                                      [&](const Condition& c) {
                                        const auto it = row.find(c.column);
                                        const std::string have = it == row.end() ? ""
                                                                 : it->is_string()
                                                                     ? it->get<std::string>()
                                                                     : it->dump();
                                        return c.case_insensitive ? lower(have) == lower(c.value)
                                                                  : have == c.value;
                                      });
                                }),
                 rows.end());
    } else if (stage.kind == Stage::Kind::project) {
      result.columns.clear();
      for (const auto& [column, expr] : stage.projection) {
        result.columns.push_back(column);
      }
      for (auto& row : rows) {
        Json projected = Json::object();
        for (const auto& [column, expr] : stage.projection) {
          projected[column.name] = eval(expr, row);
        }
        row = std::move(projected);
      }
    } else if (stage.kind == Stage::Kind::order) {
      std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
        return a.value("TimeGenerated", "") > b.value("TimeGenerated", "");
      });
    } else if (rows.size() > stage.take && stage.take > 0) {
      rows.resize(stage.take);
    }
  }
}

std::string column_type(const std::string& name)
{
  if (name == "TimeGenerated") {
    return "datetime";
  }
  if (name == "HttpStatusCode" || name == "DurationMs") {
    return "int";
  }
  if (name == "Identity" || name == "Properties") {
    return "dynamic";
  }
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "_d") == 0) {
    return "real";
  }
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "_g") == 0) {
    return "guid";
  }
  return "string";
}

} // namespace dftriage::lab::kql
