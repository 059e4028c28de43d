#include "dftriage/util/ip.hpp"
#include "dftriage/util/json_field.hpp"
#include "dftriage/util/text.hpp"
#include "report_detail.hpp"

#include <algorithm>
#include <functional>

namespace dftriage::exec::detail {

namespace {

using json = nlohmann::ordered_json;

constexpr int k_max_depth = 12;
constexpr const char* k_tags_path = "/providers/Microsoft.Resources/tags/default";

using json_field::str;

// Returns the member of `j` named `key` ignoring case (a null json when absent).
const json& member_ci(const json& j, std::string_view key)
{
  static const json k_null;
  if (j.is_object()) {
    for (const auto& [name, value] : j.items()) {
      if (text::iequals(name, key)) {
        return value;
      }
    }
  }
  return k_null;
}

// Calls `visit` on every object in `j`, also inside strings that hold JSON (Sentinel
// keeps Entities and ExtendedProperties as JSON text).
void each_object(const json& j, const std::function<void(const json&)>& visit, int depth = 0)
{
  if (depth > k_max_depth) {
    return;
  }
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    const auto start = text::trim(s);
    if (!start.empty() && (start.front() == '[' || start.front() == '{')) {
      const auto parsed = json::parse(start, nullptr, false);
      if (!parsed.is_discarded()) {
        each_object(parsed, visit, depth + 1);
      }
    }
    return;
  }
  if (j.is_object()) {
    visit(j);
  }
  if (j.is_object() || j.is_array()) {
    for (const auto& item : j) {
      each_object(item, visit, depth + 1);
    }
  }
}

void add_from(json& item, const std::string& from)
{
  auto& list = item["from"];
  if (!list.is_array()) {
    list = json::array();
  }
  if (std::find(list.begin(), list.end(), json(from)) == list.end()) {
    list.push_back(from);
  }
}

// The reputation a Defender IP entity carries: where it is, who runs it, and what
// threat intelligence says of it.
json reputation_of(const json& entity)
{
  json out = json::object();
  const json& location = member_ci(entity, "location");
  json where = json::object();
  for (const char* key : {"countryName", "countryCode", "state", "city", "asn", "carrier",
                          "organization", "organizationType"}) {
    const json& v = member_ci(location, key);
    if (v.is_string() || v.is_number()) {
      where[key] = v;
    }
  }
  if (!where.empty()) {
    out["location"] = std::move(where);
  }
  json threats = json::array();
  const json& ti = member_ci(entity, "threatIntelligence");
  for (const auto& t : ti.is_array() ? ti : json::array()) {
    json threat = json::object();
    for (const char* key :
         {"providerName", "threatType", "threatName", "confidence", "threatDescription"}) {
      const json& v = member_ci(t, key);
      if (v.is_string() || v.is_number()) {
        threat[key] = v;
      }
    }
    if (!threat.empty()) {
      threats.push_back(std::move(threat));
    }
  }
  if (!threats.empty()) {
    out["threatIntelligence"] = std::move(threats);
  }
  return out;
}

json& find_or_add(json& list, const char* key, const std::string& value)
{
  for (auto& item : list) {
    if (text::iequals(str(item, key), value)) {
      return item;
    }
  }
  list.push_back({{key, value}});
  return list.back();
}

json principal_json(const alert::AccountEntity& a)
{
  json p = json::object();
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"upn", &a.upn},
                                   {"objectId", &a.object_id},
                                   {"appId", &a.app_id},
                                   {"name", &a.name}}) {
    if (!value->empty()) {
      p[key] = *value;
    }
  }
  return p;
}

// Adds `p` to `principals`, merged into one that shares its object ID or UPN (its app
// ID only when it has neither: many people sign in through one public client).
void merge_principal(json& principals, const json& p, const std::string& from)
{
  const bool anonymous = str(p, "objectId").empty() && str(p, "upn").empty();
  for (auto& known : principals) {
    for (const char* key : {"objectId", "upn", "appId"}) {
      if (std::string_view(key) == "appId" && !anonymous) {
        continue;
      }
      if (!str(p, key).empty() && text::iequals(str(known, key), str(p, key))) {
        // What it adds goes before "from", which stays last.
        json sources = known["from"];
        known.erase("from");
        for (const auto& [k, v] : p.items()) {
          if (!known.contains(k)) {
            known[k] = v;
          }
        }
        known["from"] = std::move(sources);
        add_from(known, from);
        return;
      }
    }
  }
  json added = p;
  add_from(added, from);
  principals.push_back(std::move(added));
}

// The path of an ARM URL ("https://host/subscriptions/...?api-version=..." → "/subscriptions/...").
std::string url_path(const std::string& url)
{
  std::string_view rest = url;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
    const auto slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return std::string(rest.substr(0, rest.find('?')));
}

// The tags of `resource_id` in one evidence file, or null.
json tags_in(const std::string& resource_id, const EvidenceFile& file)
{
  const auto tags_of = [&](const json& body) -> json {
    if (text::iequals(str(body, "id"), resource_id) && member_ci(body, "tags").is_object()) {
      return member_ci(body, "tags");
    }
    return nullptr;
  };
  if (file.content.is_object()) {
    const json& body = member_ci(file.content, "body");
    if (text::iequals(url_path(str(file.content, "url")), resource_id + k_tags_path)) {
      const json& tags = member_ci(member_ci(body, "properties"), "tags");
      return tags.is_object() ? tags : json(json::object());
    }
    return tags_of(body);
  }
  if (file.content.is_array()) {
    for (const auto& item : file.content) {
      if (auto tags = tags_of(member_ci(item, "body")); !tags.is_null()) {
        return tags;
      }
    }
  }
  return nullptr;
}

// Adds the addresses and principals in the rows of a Log Analytics answer ({tables:
// [{columns, rows}]}), as the audit-log reads return them (CallerIPAddress,
// identity_claim_oid_g, identity_claim_upn_s, identity_claim_appid_g).
void from_log_tables(const json& body, const std::string& from, json& ips, json& principals)
{
  const json& tables = member_ci(body, "tables");
  for (const auto& table : tables.is_array() ? tables : json::array()) {
    const json& columns = member_ci(table, "columns");
    const json& rows = member_ci(table, "rows");
    if (!columns.is_array() || !rows.is_array()) {
      continue;
    }
    std::vector<std::string> names;
    for (const auto& c : columns) {
      names.push_back(text::to_lower(str(c, "name")));
    }
    for (const auto& row : rows) {
      json p = json::object();
      for (std::size_t i = 0; row.is_array() && i < std::min(names.size(), row.size()); ++i) {
        const std::string v = row[i].is_string() ? row[i].get<std::string>() : std::string();
        const std::string& n = names[i];
        if (v.empty()) {
          continue;
        }
        if ((n.find("ipaddress") != std::string::npos || n == "callerip" || n == "clientip") &&
            ip::is_valid(v)) {
          auto& item = find_or_add(ips, "address", v);
          if (!item.contains("valid")) {
            item["valid"] = true;
          }
          add_from(item, from);
        } else if (n.find("claim_oid") != std::string::npos) {
          p["objectId"] = v;
        } else if (n.find("claim_upn") != std::string::npos) {
          p["upn"] = v;
        } else if (n.find("claim_appid") != std::string::npos) {
          p["appId"] = v;
        }
      }
      if (!p.empty()) {
        merge_principal(principals, p, from);
      }
    }
  }
}

} // namespace

json find_indicators(const alert::Alert* alert, const json& raw_alert,
                     const std::vector<EvidenceFile>& evidence)
{
  json ips = json::array();
  json principals = json::array();
  json domains = json::array();
  json resources = json::array();
  if (alert != nullptr) {
    for (const auto& ip : alert->entities.ips) {
      auto& item = find_or_add(ips, "address", ip.address);
      item["valid"] = ip.valid;
      add_from(item, "alert");
    }
    each_object(raw_alert, [&](const json& obj) {
      const json& type = member_ci(obj, "type");
      const json& address = member_ci(obj, "address");
      if (!type.is_string() || !text::iequals(type.get<std::string>(), "ip") ||
          !address.is_string()) {
        return;
      }
      auto reputation = reputation_of(obj);
      for (auto& item : ips) {
        if (!reputation.empty() &&
            text::iequals(str(item, "address"), address.get<std::string>())) {
          item["reputation"] = reputation;
        }
      }
    });
    // What the alert's own properties say of an address's reputation (one property
    // for the alert: it applies to the addresses it names).
    json notes = json::array();
    for (const auto& [key, value] : alert->extended_properties.items()) {
      const std::string folded = text::fold_key(key);
      if (value.is_string() && (folded.find("reputation") != std::string::npos ||
                                folded.find("threat") != std::string::npos)) {
        notes.push_back(key + ": " + value.get<std::string>());
      }
    }
    for (auto& item : ips) {
      if (!notes.empty()) {
        item["reputation"]["notes"] = notes;
      }
    }
    for (const auto& account : alert->entities.accounts) {
      merge_principal(principals, principal_json(account), "alert");
    }
    for (const auto& domain : alert->entities.domains) {
      add_from(find_or_add(domains, "name", domain), "alert");
    }
    if (!alert->resource_id.empty()) {
      auto& item = find_or_add(resources, "id", alert->resource_id);
      item["role"] = "attacked";
      add_from(item, "alert");
    }
    for (const auto& host : alert->entities.hosts) {
      if (!host.resource_id.empty()) {
        auto& item = find_or_add(resources, "id", host.resource_id);
        if (!item.contains("role")) {
          item["role"] = "host";
        }
        if (!host.name.empty()) {
          item["name"] = host.name;
        }
        add_from(item, "alert");
      }
    }
    for (const auto& id : alert->entities.resources) {
      auto& item = find_or_add(resources, "id", id);
      if (!item.contains("role")) {
        item["role"] = "entity";
      }
      add_from(item, "alert");
    }
  }
  // Directory reads (Microsoft Graph users and service principals) name the principal
  // the walk looked up: its UPN, display name, application; audit-log reads, the
  // addresses and principals seen with the caller.
  for (const auto& file : evidence) {
    from_log_tables(member_ci(file.content, "body"), file.path, ips, principals);
    each_object(member_ci(file.content, "body"), [&](const json& obj) {
      json p = json::object();
      if (!str(obj, "userPrincipalName").empty()) {
        p["upn"] = str(obj, "userPrincipalName");
      } else if (str(obj, "servicePrincipalType").empty() || str(obj, "appId").empty()) {
        return;
      } else {
        p["appId"] = str(obj, "appId");
      }
      if (!str(obj, "id").empty()) {
        p["objectId"] = str(obj, "id");
      }
      if (!str(obj, "displayName").empty()) {
        p["displayName"] = str(obj, "displayName");
      }
      merge_principal(principals, p, file.path);
    });
  }
  return {{"ips", std::move(ips)},
          {"principals", std::move(principals)},
          {"domains", std::move(domains)},
          {"resources", std::move(resources)}};
}

json find_owner(const std::string& resource_id, const std::vector<EvidenceFile>& evidence)
{
  json tags_read = json::array();
  if (resource_id.empty()) {
    return {{"found", false}, {"tagsRead", std::move(tags_read)}};
  }
  // Owner first; then any tag naming an owner, a contact or a team, as the playbooks'
  // owner steps tell the responder to look for.
  const std::vector<std::function<bool(const std::string&)>> wanted = {
      [](const std::string& k) { return k == "owner"; },
      [](const std::string& k) { return k.find("owner") != std::string::npos; },
      [](const std::string& k) { return k.find("contact") != std::string::npos; },
      [](const std::string& k) { return k == "team" || k.find("team") == 0; },
  };
  // The Tags API's answer (the step that reads tags) before a resource's own body.
  std::vector<std::pair<const EvidenceFile*, json>> found;
  for (const bool tags_api : {true, false}) {
    for (const auto& file : evidence) {
      const bool from_api =
          text::iequals(url_path(str(file.content, "url")), resource_id + k_tags_path);
      auto tags = from_api == tags_api ? tags_in(resource_id, file) : json();
      if (!tags.is_null()) {
        tags_read.push_back(file.path);
        found.emplace_back(&file, std::move(tags));
      }
    }
  }
  for (const auto& match : wanted) {
    for (const auto& [file, tags] : found) {
      for (const auto& [key, value] : tags.items()) {
        if (value.is_string() && !text::trim(value.get<std::string>()).empty() &&
            match(text::fold_key(key))) {
          return {{"found", true},
                  {"value", value},
                  {"tag", key},
                  {"step", file->step},
                  {"evidence", file->path}};
        }
      }
    }
  }
  return {{"found", false}, {"tagsRead", std::move(tags_read)}};
}

} // namespace dftriage::exec::detail
