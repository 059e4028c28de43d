#include "dftriage/azure/permissions.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace dftriage::azure {

const std::vector<std::pair<std::string, std::string>>& builtin_permission_tables();

using text::iequals;
using text::to_lower;

namespace {

using Json = nlohmann::json;

char ascii_fold(char c)
{
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Glob matching with '*' only, iterative with one backtrack point (linear in practice).
bool wildcard_match(std::string_view pattern, std::string_view text)
{
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && ascii_fold(pattern[p]) == ascii_fold(text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view operation)
{
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return wildcard_match(p, operation); });
}

std::vector<std::string> string_list_member(const Json& value, const char* member,
                                            std::string_view where)
{
  std::vector<std::string> out;
  const auto it = value.find(member);
  if (it == value.end() || it->is_null()) {
    return out;
  }
  const auto bad = [&] {
    return Error(std::string(where) + "/" + member + ": expected an array of strings",
                 ExitStatus::input_rejected);
  };
  if (!it->is_array()) {
    throw bad();
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      throw bad();
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string string_member(const Json& value, const char* member, std::string_view where)
{
  const auto it = value.find(member);
  if (it == value.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw Error(std::string(where) + "/" + member + ": expected a non-empty string",
                ExitStatus::input_rejected);
  }
  return it->get<std::string>();
}

const std::string& embedded(std::string_view name)
{
  for (const auto& [file, text] : builtin_permission_tables()) {
    if (file == name) {
      return text;
    }
  }
  throw Error("internal error: the embedded table " + std::string(name) + " is missing",
              ExitStatus::failure);
}

// Every operation the roles table names without a wildcard: the yardstick that says how
// broad a role is.
std::vector<std::pair<std::string, OperationKind>> explicit_operations()
{
  std::set<std::pair<std::string, OperationKind>> seen;
  for (const auto& role : builtin_roles()) {
    for (const auto& p : role.permissions) {
      for (const auto& a : p.actions) {
        if (a.find('*') == std::string::npos) {
          seen.emplace(to_lower(a), OperationKind::control);
        }
      }
      for (const auto& a : p.data_actions) {
        if (a.find('*') == std::string::npos) {
          seen.emplace(to_lower(a), OperationKind::data);
        }
      }
    }
  }
  return {seen.begin(), seen.end()};
}

const Json& graph_table()
{
  static const Json table = [] {
    const std::string& text = embedded("graph-permissions.json");
    Json parsed = Json::parse(text, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("permissions") ||
        !parsed["permissions"].is_object()) {
      throw Error("internal error: graph-permissions.json has no permissions object",
                  ExitStatus::failure);
    }
    return parsed["permissions"];
  }();
  return table;
}

} // namespace

bool operation_matches(std::string_view pattern, std::string_view operation)
{
  return wildcard_match(pattern, operation);
}

Permission Permission::from_json(const nlohmann::json& value, std::string_view where)
{
  if (!value.is_object()) {
    throw Error(std::string(where) + ": expected an object", ExitStatus::input_rejected);
  }
  Permission out;
  out.actions = string_list_member(value, "actions", where);
  out.not_actions = string_list_member(value, "notActions", where);
  out.data_actions = string_list_member(value, "dataActions", where);
  out.not_data_actions = string_list_member(value, "notDataActions", where);
  return out;
}

nlohmann::ordered_json Permission::to_json() const
{
  return nlohmann::ordered_json{{"actions", actions},
                                {"notActions", not_actions},
                                {"dataActions", data_actions},
                                {"notDataActions", not_data_actions}};
}

bool Permission::grants(std::string_view operation, OperationKind kind) const
{
  if (kind == OperationKind::data) {
    return any_matches(data_actions, operation) && !any_matches(not_data_actions, operation);
  }
  return any_matches(actions, operation) && !any_matches(not_actions, operation);
}

bool grants(const std::vector<Permission>& held, std::string_view operation, OperationKind kind)
{
  return std::any_of(held.begin(), held.end(),
                     [&](const Permission& p) { return p.grants(operation, kind); });
}

std::vector<BuiltInRole> parse_roles_table(std::string_view text, std::string_view source)
{
  const Json doc = Json::parse(text, nullptr, false);
  const std::string where(source);
  if (doc.is_discarded()) {
    throw Error(where + ": not valid JSON", ExitStatus::input_rejected);
  }
  if (!doc.is_object() || !doc.contains("roles") || !doc["roles"].is_array()) {
    throw Error(where + ": /roles: expected an array of roles", ExitStatus::input_rejected);
  }
  std::vector<BuiltInRole> out;
  for (std::size_t i = 0; i < doc["roles"].size(); ++i) {
    const Json& item = doc["roles"][i];
    const std::string at = where + ": /roles/" + std::to_string(i);
    if (!item.is_object()) {
      throw Error(at + ": expected an object", ExitStatus::input_rejected);
    }
    BuiltInRole role;
    role.name = string_member(item, "roleName", at);
    role.id = string_member(item, "name", at);
    if (!text::is_guid(role.id)) {
      throw Error(at + "/name: expected the role definition's GUID, got " + text::quote(role.id),
                  ExitStatus::input_rejected);
    }
    role.description = string_member(item, "description", at);
    role.source = string_member(item, "source", at);
    const auto permissions = item.find("permissions");
    if (permissions == item.end() || !permissions->is_array() || permissions->empty()) {
      throw Error(at + "/permissions: expected a non-empty array", ExitStatus::input_rejected);
    }
    for (std::size_t k = 0; k < permissions->size(); ++k) {
      role.permissions.push_back(
          Permission::from_json((*permissions)[k], at + "/permissions/" + std::to_string(k)));
    }
    out.push_back(std::move(role));
  }
  return out;
}

const std::vector<BuiltInRole>& builtin_roles()
{
  static const std::vector<BuiltInRole> roles = [] {
    try {
      return parse_roles_table(embedded("builtin-roles.json"), "builtin-roles.json");
    } catch (const Error& e) {
      throw Error(std::string("internal error: ") + e.what(), ExitStatus::failure);
    }
  }();
  return roles;
}

const BuiltInRole* find_builtin_role(std::string_view name_or_id)
{
  for (const auto& role : builtin_roles()) {
    if (iequals(role.name, name_or_id) || iequals(role.id, name_or_id)) {
      return &role;
    }
  }
  return nullptr;
}

std::vector<const BuiltInRole*> roles_granting(std::string_view operation, OperationKind kind)
{
  static const auto yardstick = explicit_operations();
  std::vector<std::pair<std::size_t, const BuiltInRole*>> ranked;
  for (const auto& role : builtin_roles()) {
    if (!grants(role.permissions, operation, kind)) {
      continue;
    }
    const auto breadth = static_cast<std::size_t>(
        std::count_if(yardstick.begin(), yardstick.end(), [&](const auto& op) {
          return grants(role.permissions, op.first, op.second);
        }));
    ranked.emplace_back(breadth, &role);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->name < b.second->name;
  });
  std::vector<const BuiltInRole*> out;
  out.reserve(ranked.size());
  for (const auto& entry : ranked) {
    out.push_back(entry.second);
  }
  return out;
}

std::vector<std::string> graph_permissions_granting(std::string_view needed, GraphTokenKind kind)
{
  std::vector<std::string> out{std::string(needed)};
  for (const auto& [name, entry] : graph_table().items()) {
    if (!iequals(name, needed)) {
      continue;
    }
    std::vector<const char*> lists{"grantedBy"};
    if (kind != GraphTokenKind::application) {
      lists.push_back("grantedByDelegated");
    }
    if (kind != GraphTokenKind::delegated) {
      lists.push_back("grantedByApplication");
    }
    for (const char* list : lists) {
      for (const auto& broader : entry.value(list, Json::array())) {
        if (broader.is_string()) {
          out.push_back(broader.get<std::string>());
        }
      }
    }
  }
  return out;
}

std::vector<std::string> known_graph_permissions()
{
  std::vector<std::string> out;
  for (const auto& [name, entry] : graph_table().items()) {
    out.push_back(name);
  }
  return out;
}

bool graph_permission_held(std::string_view needed, const std::vector<std::string>& held,
                           GraphTokenKind kind)
{
  const auto granting = graph_permissions_granting(needed, kind);
  return std::any_of(held.begin(), held.end(), [&](const std::string& h) {
    return std::any_of(granting.begin(), granting.end(),
                       [&](const std::string& g) { return iequals(g, h); });
  });
}

std::optional<AccessPolicyNeed> access_policy_need(std::string_view method, std::string_view path)
{
  // A URL's query (api-version) names no operation.
  path = path.substr(0, path.find('?'));
  auto parts = text::split_path(path);
  for (auto& part : parts) {
    part = to_lower(part);
  }
  if (parts.empty()) {
    return std::nullopt;
  }
  const std::string m = to_lower(method);
  const std::string& root = parts[0];
  const std::size_t n = parts.size();
  const bool deleted =
      root == "deletedsecrets" || root == "deletedkeys" || root == "deletedcertificates";
  std::string category = deleted ? root.substr(7) : root;
  if (category != "secrets" && category != "keys" && category != "certificates") {
    return std::nullopt;
  }
  const auto need = [&](std::string permission) {
    return AccessPolicyNeed{category, std::move(permission)};
  };
  if (deleted) {
    if (n == 3 && parts[2] == "recover" && m == "post") {
      return need("recover");
    }
    if (m == "get" || m == "delete") {
      return need(m == "delete" ? "purge" : "list");
    }
    return std::nullopt;
  }
  // Collections and version lists are only read.
  if (n == 1 || (n == 3 && parts[2] == "versions")) {
    return m == "get" ? std::optional<AccessPolicyNeed>(need("list")) : std::nullopt;
  }
  const std::string last = parts[n - 1];
  if (n == 2 && last == "restore" && m == "post") {
    return need("restore");
  }
  if (category == "certificates" && n >= 2 && (parts[1] == "issuers" || parts[1] == "contacts")) {
    if (parts[1] == "contacts") {
      return need("managecontacts");
    }
    if (m == "get") {
      return need(n == 2 ? "listissuers" : "getissuers");
    }
    return need(m == "delete" ? "deleteissuers" : "setissuers");
  }
  if (n >= 3) {
    static const std::map<std::string, std::string> k_verbs = {
        {"create", "create"},   {"import", "import"},       {"rotate", "rotate"},
        {"backup", "backup"},   {"encrypt", "encrypt"},     {"decrypt", "decrypt"},
        {"wrapkey", "wrapKey"}, {"unwrapkey", "unwrapKey"}, {"sign", "sign"},
        {"verify", "verify"},   {"release", "release"},     {"merge", "create"}};
    if (const auto verb = k_verbs.find(last); verb != k_verbs.end() && m == "post") {
      return need(verb->second);
    }
    if (last == "rotationpolicy") {
      return need(m == "get" ? "getrotationpolicy" : "setrotationpolicy");
    }
    if (last == "policy" || last == "pending") {
      // Cancelling or deleting a pending operation is an update or a delete of the object.
      if (m == "delete") {
        return need("delete");
      }
      return need(m == "get" ? "get" : "update");
    }
  }
  if (m == "get") {
    return need("get");
  }
  if (m == "delete") {
    return need("delete");
  }
  if (m == "put" && category != "certificates") {
    return need(category == "secrets" ? "set" : "import");
  }
  if (m == "patch") {
    return need(category == "secrets" ? "set" : "update");
  }
  return std::nullopt;
}

bool access_policy_grants(const nlohmann::json& permissions, const AccessPolicyNeed& need)
{
  if (!permissions.is_object()) {
    return false;
  }
  for (const auto& [category, list] : permissions.items()) {
    if (!iequals(category, need.category) || !list.is_array()) {
      continue;
    }
    for (const auto& item : list) {
      if (item.is_string() && (iequals(item.get<std::string>(), need.permission) ||
                               iequals(item.get<std::string>(), "all"))) {
        return true;
      }
    }
  }
  return false;
}

} // namespace dftriage::azure
