#pragma once

// The subset of KQL the lab's Log Analytics answers (the queries dftriage sends): a table
// or `union [isfuzzy=true] (leg), (leg)`, then `where C == "v" [and C =~ "v"]`,
// `project Name [= expr], ...` (expr: a column or dynamic path such as Identity.claim.oid
// or Identity.claim["..."], a string literal, toint(), tostring(), coalesce()),
// `order by TimeGenerated desc`, `take N`. Anything else is a Log Analytics 400.

#include "router.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dftriage::lab::kql {

// Throws Log Analytics' error shape: {error: {code, message[, innererror: {code, message}]}}.
[[noreturn]] void la_fault(int status, const std::string& code, const std::string& message,
                           const std::string& inner_code = {},
                           const std::string& inner_message = {});

struct Expr
{
  std::string function; // "toint", "tostring", "coalesce"; "" for a path or literal
  std::vector<Expr> args;
  std::vector<std::string> path;      // a column, then members of a dynamic value
  std::optional<std::string> literal; // a string literal
};

struct Column
{
  std::string name;
  std::string type; // Log Analytics' column type: string, datetime, int, real, guid, dynamic
};

struct Condition
{
  std::string column;
  bool case_insensitive = false; // =~ rather than ==
  std::string value;
};

struct Stage
{
  enum class Kind { where, project, order, take };
  Kind kind = Kind::where;
  std::vector<Condition> conditions;               // where: all must hold
  std::vector<std::pair<Column, Expr>> projection; // project
  std::size_t take = 0;                            // take
};

struct Query
{
  std::string table;       // "" for a union
  std::vector<Query> legs; // a union's legs, each a table with its stages
  bool fuzzy = false;      // isfuzzy=true: legs whose table does not exist are left out
  std::vector<Stage> stages;
};

struct Result
{
  std::vector<Json> rows;      // objects, column name -> value
  std::vector<Column> columns; // from the last project; empty: the rows' own members
};

// Parses `text`; throws la_fault 400 (SyntaxError or SemanticError) for what the lab does
// not answer, naming it.
Query parse(const std::string& text);

// Applies `stages` to `result` in order.
void apply(const std::vector<Stage>& stages, Result& result);

// Returns the type of a table's column by its name (TimeGenerated datetime, *_d real, ...).
std::string column_type(const std::string& name);

} // namespace dftriage::lab::kql
