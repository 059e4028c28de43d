// A read's result as the walk checks and shows it whole: path lookups, the declared
// values a result lacks, the full view (read_summary.hpp, read_result.hpp).

#include "read_result.hpp"

#include "dftriage/util/json_path.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "read_summary.hpp"

#include <algorithm>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;
using playbook::Show;

const Json* member(const Json& object, const std::string& key)
{
  const auto it = object.find(key);
  if (it != object.end()) {
    return &*it;
  }
  // Else ignoring case: Azure treats tag names so ("Owner", "owner").
  for (auto m = object.begin(); m != object.end(); ++m) {
    if (text::iequals(m.key(), key)) {
      return &*m;
    }
  }
  return nullptr;
}

std::optional<Json> find_from(const Json& node, const std::vector<json_path::Token>& path,
                              std::size_t at)
{
  if (at == path.size()) {
    return node;
  }
  const auto& t = path[at];
  switch (t.kind) {
  case json_path::Token::Kind::key: {
    const Json* next = node.is_object() ? member(node, t.key) : nullptr;
    return next != nullptr ? find_from(*next, path, at + 1) : std::nullopt;
  }
  case json_path::Token::Kind::index:
    return node.is_array() && t.index < node.size() ? find_from(node[t.index], path, at + 1)
                                                    : std::nullopt;
  case json_path::Token::Kind::each:
    break;
  }
  if (!node.is_array()) {
    return std::nullopt;
  }
  Json out = Json::array();
  for (const auto& item : node) {
    if (auto v = find_from(item, path, at + 1)) {
      out.push_back(std::move(*v));
    }
  }
  return out;
}

} // namespace

std::optional<nlohmann::ordered_json> find_in_result(const nlohmann::ordered_json& root,
                                                     const std::string& path)
{
  const auto tokens = json_path::parse(path);
  return tokens ? find_from(root, *tokens, 0) : std::nullopt;
}

std::vector<std::string> unresolved_shows(const playbook::Step& step,
                                          const nlohmann::ordered_json& result)
{
  std::vector<std::string> out;
  for (const auto& show : step.shows) {
    const auto v = find_in_result(result, show.path);
    if (!v) {
      out.push_back(show.path + ": not in the result");
      continue;
    }
    switch (show.kind) {
    case Show::Kind::value:
      break;
    case Show::Kind::list:
      if (!v->is_structured()) {
        out.push_back(show.path + ": not a list");
        break;
      }
      for (const auto& field : show.fields) {
        if (!v->empty() && std::none_of(v->begin(), v->end(), [&](const Json& item) {
              return find_in_result(item, field).has_value();
            })) {
          out.push_back(show.path + ": no item has " + field);
        }
      }
      break;
    case Show::Kind::table: {
      if (!v->is_object() || !v->contains("columns") || !(*v)["columns"].is_array() ||
          !v->contains("rows")) {
        out.push_back(show.path + ": not a Log Analytics table");
        break;
      }
      const auto& columns = (*v)["columns"];
      for (const auto& name : show.fields) {
        if (std::none_of(columns.begin(), columns.end(), [&](const Json& c) {
              return c.is_object() && c.contains("name") && c["name"] == name;
            })) {
          out.push_back(show.path + ": no column " + name);
        }
      }
      break;
    }
    case Show::Kind::lines:
      if (!v->is_string() &&
          !(v->is_array() &&
            std::all_of(v->begin(), v->end(), [](const Json& t) { return t.is_string(); }))) {
        out.push_back(show.path + ": not text");
      }
      break;
    }
  }
  return out;
}

std::string full_result(const nlohmann::ordered_json& result)
{
  // Line by line: sanitize escapes line feeds, and the dump's own are wanted.
  const std::string dump = result.dump(2, ' ', false, Json::error_handler_t::replace);
  std::string out;
  std::size_t start = 0;
  while (start <= dump.size()) {
    const std::size_t end = std::min(dump.find('\n', start), dump.size());
    out += terminal::sanitize(std::string_view(dump).substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return out;
}

} // namespace dftriage::cli
