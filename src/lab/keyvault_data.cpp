// The Key Vault data plane on <vault>.vault.localhost: secrets (list, versions, get,
// set, update attributes, soft delete, recover, purge), keys and certificates (list,
// versions, update attributes). Every operation is written to the vault's diagnostic
// log, which the Log Analytics imitation answers queries from.

#include "modules.hpp"
#include "resources.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_versions = {"2025-07-01", "7.6", "7.5", "7.4", "7.3", "7.2"};
const char* k_name = "([0-9A-Za-z-]{1,127})";
const char* k_version = "([0-9A-Za-z]{1,64})";

// The vault a data-plane request is for: the host's first label.
std::string vault_of(const LabRequest& request)
{
  return lower(request.host.substr(0, request.host.find('.')));
}

VaultData& require_vault(State& state, const LabRequest& request)
{
  const auto it = state.vaults.find(vault_of(request));
  if (it == state.vaults.end()) {
    throw ArmFault{404, "VaultNotFound", "The vault " + vault_of(request) + " does not exist in the lab.",
                   Json{{"error", {{"code", "VaultNotFound"}, {"message", "Vault not found"}}}}, {}};
  }
  return it->second;
}

[[noreturn]] void not_found(const std::string& kind, const std::string& name)
{
  const std::string code = kind + "NotFound";
  const std::string message = "A " + lower(kind) + " with (name/id) " + name + " was not found in this key vault. "
                              "If you recently deleted this " + lower(kind)
                              + " you may be able to recover it using the correct recovery command.";
  throw ArmFault{404, code, message, Json{{"error", {{"code", code}, {"message", message}}}}, {}};
}

// Appends one AzureDiagnostics row for this request.
void audit(State& state, const LabRequest& request, const std::string& operation, int status)
{
  std::string oid;
  for (const auto& [id, sp] : state.service_principals) {
    if (lower(sp.value("appId", "")) == lower(request.caller)) {
      oid = sp.value("id", "");
    }
  }
  std::string uri = "https://" + request.host + request.path;
  state.diagnostics.push_back(Json{{"TimeGenerated", state.now_iso()},
                                   {"Resource", vault_of(request)},
                                   {"ResourceProvider", "MICROSOFT.KEYVAULT"},
                                   {"OperationName", operation},
                                   {"CallerIPAddress", request.remote_addr},
                                   {"identity_claim_oid_g", oid},
                                   {"identity_claim_upn_s", ""},
                                   {"identity_claim_appid_g", request.caller},
                                   {"requestUri_s", uri},
                                   {"ResultSignature", status < 300 ? "OK" : "Not Found"},
                                   {"httpStatusCode_d", status},
                                   {"clientInfo_s", request.header("user-agent").value_or("")}});
}

std::string base_of(const State& state, const LabRequest& request)
{
  return state.config.origin(request);
}

// Returns the newest version of `name`, or throws SecretNotFound.
std::vector<SecretVersion>& require_secret(VaultData& vault, const std::string& name)
{
  const auto it = vault.secrets.find(lower(name));
  if (it == vault.secrets.end() || it->second.empty()) {
    not_found("Secret", name);
  }
  return it->second;
}

SecretVersion& require_version(std::vector<SecretVersion>& versions, const std::string& name, const std::string& version)
{
  for (auto& v : versions) {
    if (lower(v.version) == lower(version)) {
      return v;
    }
  }
  not_found("Secret", name + "/" + version);
}

// A SecretItem (list entries: never a value).
Json secret_item(const std::string& base, const std::string& name, const SecretVersion& v, bool with_version)
{
  Json item{{"id", base + "/secrets/" + name + (with_version ? "/" + v.version : "")}, {"attributes", v.attributes},
            {"tags", v.tags}};
  if (!v.content_type.empty()) {
    item["contentType"] = v.content_type;
  }
  return item;
}

// A SecretBundle; the value only when `with_value` (a get of the secret itself).
Json secret_bundle(const std::string& base, const std::string& name, const SecretVersion& v, bool with_value)
{
  Json bundle{{"id", base + "/secrets/" + name + "/" + v.version}, {"attributes", v.attributes}, {"tags", v.tags}};
  if (with_value) {
    bundle["value"] = v.value;
  }
  if (!v.content_type.empty()) {
    bundle["contentType"] = v.content_type;
  }
  return bundle;
}

Json deleted_bundle(const State& state, const std::string& base, const std::string& name, const DeletedSecret& d)
{
  Json out = secret_bundle(base, name, d.versions.back(), false);
  out["recoveryId"] = base + "/deletedsecrets/" + name;
  Clock::time_point t;
  long long deleted = parse_iso_time(d.deleted_date, t) ? Clock::to_time_t(t) : Clock::to_time_t(state.config.clock());
  out["deletedDate"] = deleted;
  out["scheduledPurgeDate"] = deleted + 90LL * 86400;
  return out;
}

// Returns the page of `items` the request's $skiptoken asks for, with nextLink.
LabResponse data_page(const State& state, const LabRequest& request, const std::vector<Json>& items)
{
  std::size_t start = 0;
  if (const auto token = request.query_value("$skiptoken")) {
    start = static_cast<std::size_t>(std::strtoull(token->c_str(), nullptr, 10));
  }
  std::size_t size = state.config.page_size == 0 ? 1 : state.config.page_size;
  if (const auto top = request.query_value("maxresults")) {
    const auto n = static_cast<std::size_t>(std::strtoull(top->c_str(), nullptr, 10));
    size = n > 0 && n < size ? n : size;
  }
  Json value = Json::array();
  for (std::size_t i = start; i < items.size() && i < start + size; ++i) {
    value.push_back(items[i]);
  }
  Json body{{"value", std::move(value)}, {"nextLink", nullptr}};
  if (start + size < items.size()) {
    body["nextLink"] = base_of(state, request) + request.path + "?api-version="
                       + request.query_value("api-version").value_or(k_versions.front())
                       + "&$skiptoken=" + std::to_string(start + size);
  }
  return LabResponse::json(200, body);
}

std::string now_unix(const State& state)
{
  return std::to_string(Clock::to_time_t(state.config.clock()));
}

// Applies {attributes: {enabled, exp, nbf}, tags, contentType} to an object's attributes.
void update_attributes(const State& state, Json& attributes, Json& tags, const Json& body)
{
  if (body.contains("attributes") && body["attributes"].is_object()) {
    for (const char* key : {"enabled", "exp", "nbf"}) {
      if (body["attributes"].contains(key)) {
        attributes[key] = body["attributes"][key];
      }
    }
  }
  if (body.contains("tags") && body["tags"].is_object()) {
    tags = body["tags"];
  }
  attributes["updated"] = std::stoll(now_unix(state));
}

// Keys and certificates: list, versions, get, update attributes, on `collection`.
void add_object_routes(Router& router, State& state, const RouteOptions& options, const std::string& collection,
                       const std::string& kind, const std::string& id_key)
{
  auto map_of = [collection](VaultData& vault) -> std::map<std::string, Json>& {
    return collection == "keys" ? vault.keys : vault.certificates;
  };
  router.add("GET", "/" + collection, options, [&state, map_of, kind, id_key](const LabRequest& r, const Captures&) {
    auto& vault = require_vault(state, r);
    std::vector<Json> items;
    for (const auto& [name, object] : map_of(vault)) {
      Json item = object;
      item[id_key] = base_of(state, r) + "/" + item.value("collection", "") + "/" + item.value("name", name);
      item.erase("collection");
      item.erase("name");
      item.erase("version");
      items.push_back(std::move(item));
    }
    audit(state, r, kind + "List", 200);
    return data_page(state, r, items);
  });
  router.add("GET", "/" + collection + "/" + k_name + "/versions", options,
             [&state, map_of, kind, id_key, collection](const LabRequest& r, const Captures& c) {
               auto& vault = require_vault(state, r);
               const auto it = map_of(vault).find(lower(c[1]));
               if (it == map_of(vault).end()) {
                 not_found(kind, c[1]);
               }
               Json item = it->second;
               item[id_key] = base_of(state, r) + "/" + collection + "/" + c[1] + "/" + item.value("version", "");
               item.erase("collection");
               item.erase("name");
               item.erase("version");
               audit(state, r, kind + "ListVersions", 200);
               return data_page(state, r, {item});
             });
  router.add("PATCH", "/" + collection + "/" + k_name + "/" + k_version, options,
             [&state, map_of, kind, id_key, collection](const LabRequest& r, const Captures& c) {
               auto& vault = require_vault(state, r);
               const auto it = map_of(vault).find(lower(c[1]));
               if (it == map_of(vault).end() || lower(it->second.value("version", "")) != lower(c[2])) {
                 not_found(kind, c[1] + "/" + c[2]);
               }
               Json tags = it->second.value("tags", Json::object());
               update_attributes(state, it->second["attributes"], tags, r.json_body());
               it->second["tags"] = tags;
               audit(state, r, kind + "Update", 200);
               Json out = it->second;
               out[id_key] = base_of(state, r) + "/" + collection + "/" + c[1] + "/" + c[2];
               out.erase("collection");
               out.erase("name");
               out.erase("version");
               return LabResponse::json(200, out);
             });
}

} // namespace

void seed_vault_objects(State& state, const std::string& vault_name, long long created)
{
  auto& vault = state.vaults[lower(vault_name)];
  auto version_of = [](std::string guid) {
    guid.erase(std::remove(guid.begin(), guid.end(), '-'), guid.end());
    return guid;
  };
  const std::string key_version = version_of(stable_guid(vault_name + "/key"));
  vault.keys["signing-key"] = Json{{"collection", "keys"},
                                   {"name", "signing-key"},
                                   {"version", key_version},
                                   {"attributes",
                                    {{"enabled", true}, {"created", created}, {"updated", created},
                                     {"recoveryLevel", "Recoverable+Purgeable"}, {"recoverableDays", 90}}},
                                   {"tags", Json::object()},
                                   {"managed", false}};
  const std::string cert_version = version_of(stable_guid(vault_name + "/certificate"));
  vault.certificates["payments-tls"] = Json{{"collection", "certificates"},
                                            {"name", "payments-tls"},
                                            {"version", cert_version},
                                            {"x5t", "fLi3U52HunIVNXubkEnf8tP6Wbo"},
                                            {"attributes",
                                             {{"enabled", true}, {"created", created}, {"updated", created},
                                              {"nbf", created}, {"exp", created + 365LL * 86400},
                                              {"recoveryLevel", "Recoverable+Purgeable"}, {"recoverableDays", 90}}},
                                            {"tags", Json::object()}};
  // One secret already disabled: an old credential someone retired.
  if (!vault.secrets.empty()) {
    auto& retired = vault.secrets["legacy-ftp-password"];
    if (retired.empty()) {
      retired.push_back(SecretVersion{version_of(stable_guid(vault_name + "/legacy")), "lab-value-of-legacy-ftp",
                                      "text/plain",
                                      Json{{"enabled", false}, {"created", created}, {"updated", created},
                                           {"recoveryLevel", "Recoverable+Purgeable"}, {"recoverableDays", 90}},
                                      Json::object()});
    }
  }
}

void add_keyvault_data_routes(Router& router, State& state)
{
  const RouteOptions options{k_versions, "keyvault", ".vault.localhost"};
  const std::string secret = std::string("/secrets/") + k_name;

  router.add("GET", "/secrets", options, [&state](const LabRequest& r, const Captures&) {
    auto& vault = require_vault(state, r);
    std::vector<Json> items;
    for (const auto& [name, versions] : vault.secrets) {
      if (!versions.empty()) {
        items.push_back(secret_item(base_of(state, r), name, versions.back(), false));
      }
    }
    audit(state, r, "SecretList", 200);
    return data_page(state, r, items);
  });
  router.add("GET", secret + "/versions", options, [&state](const LabRequest& r, const Captures& c) {
    auto& versions = require_secret(require_vault(state, r), c[1]);
    std::vector<Json> items;
    for (const auto& v : versions) {
      items.push_back(secret_item(base_of(state, r), lower(c[1]), v, true));
    }
    audit(state, r, "SecretListVersions", 200);
    return data_page(state, r, items);
  });
  router.add("GET", secret + "(?:/" + k_version + ")?/?", options, [&state](const LabRequest& r, const Captures& c) {
    auto& versions = require_secret(require_vault(state, r), c[1]);
    const SecretVersion& v = c.size() > 2 && !c[2].empty() ? require_version(versions, c[1], c[2]) : versions.back();
    if (v.attributes.value("enabled", true) == false) {
      throw ArmFault{403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                     Json{{"error", {{"code", "Forbidden"}, {"message", "Operation get is not allowed on a disabled secret."},
                                     {"innererror", {{"code", "SecretDisabled"}}}}}},
                     {}};
    }
    audit(state, r, "SecretGet", 200);
    return LabResponse::json(200, secret_bundle(base_of(state, r), lower(c[1]), v, true));
  });
  router.add("PUT", secret, options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = require_vault(state, r);
    if (vault.deleted_secrets.count(lower(c[1])) > 0) {
      throw ArmFault{409, "Conflict", "Secret " + c[1] + " is currently in a deleted but recoverable state.",
                     Json{{"error", {{"code", "Conflict"},
                                     {"message", "Secret " + c[1] + " is currently in a deleted but recoverable state, "
                                                 "and its name cannot be reused; in this state, the secret can only be "
                                                 "recovered or purged."}}}},
                     {}};
    }
    const Json body = r.json_body();
    if (!body.contains("value") || !body["value"].is_string()) {
      throw ArmFault{400, "BadParameter", "The secret value is required.",
                     Json{{"error", {{"code", "BadParameter"}, {"message", "The secret value is required."}}}}, {}};
    }
    const long long now = std::stoll(now_unix(state));
    SecretVersion v{state.next_guid("secret-version"), body["value"].get<std::string>(),
                    body.value("contentType", ""),
                    Json{{"enabled", true}, {"created", now}, {"updated", now},
                         {"recoveryLevel", "Recoverable+Purgeable"}, {"recoverableDays", 90}},
                    body.value("tags", Json::object())};
    v.version.erase(std::remove(v.version.begin(), v.version.end(), '-'), v.version.end());
    if (body.contains("attributes") && body["attributes"].contains("enabled")) {
      v.attributes["enabled"] = body["attributes"]["enabled"];
    }
    vault.secrets[lower(c[1])].push_back(v);
    audit(state, r, "SecretSet", 200);
    return LabResponse::json(200, secret_bundle(base_of(state, r), lower(c[1]), v, true));
  });
  // Without a version (".../secrets/NAME/", as the SDKs send it) the latest is updated.
  router.add("PATCH", secret + "(?:/" + k_version + ")?/?", options, [&state](const LabRequest& r, const Captures& c) {
    auto& versions = require_secret(require_vault(state, r), c[1]);
    auto& v = c.size() > 2 && !c[2].empty() ? require_version(versions, c[1], c[2]) : versions.back();
    update_attributes(state, v.attributes, v.tags, r.json_body());
    const Json body = r.json_body();
    if (body.contains("contentType") && body["contentType"].is_string()) {
      v.content_type = body["contentType"];
    }
    audit(state, r, "SecretUpdate", 200);
    return LabResponse::json(200, secret_bundle(base_of(state, r), lower(c[1]), v, false));
  });
  router.add("DELETE", secret, options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = require_vault(state, r);
    auto versions = require_secret(vault, c[1]);
    vault.secrets.erase(lower(c[1]));
    DeletedSecret deleted{std::move(versions), state.now_iso()};
    const Json out = deleted_bundle(state, base_of(state, r), lower(c[1]), deleted);
    vault.deleted_secrets[lower(c[1])] = std::move(deleted);
    audit(state, r, "SecretDelete", 200);
    return LabResponse::json(200, out);
  });
  router.add("GET", "/deletedsecrets", options, [&state](const LabRequest& r, const Captures&) {
    auto& vault = require_vault(state, r);
    std::vector<Json> items;
    for (const auto& [name, d] : vault.deleted_secrets) {
      Json item = deleted_bundle(state, base_of(state, r), name, d);
      item["id"] = base_of(state, r) + "/secrets/" + name;
      items.push_back(std::move(item));
    }
    audit(state, r, "SecretListDeleted", 200);
    return data_page(state, r, items);
  });
  router.add("GET", std::string("/deletedsecrets/") + k_name, options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = require_vault(state, r);
    const auto it = vault.deleted_secrets.find(lower(c[1]));
    if (it == vault.deleted_secrets.end()) {
      not_found("Secret", c[1]);
    }
    audit(state, r, "SecretGetDeleted", 200);
    return LabResponse::json(200, deleted_bundle(state, base_of(state, r), it->first, it->second));
  });
  router.add("POST", std::string("/deletedsecrets/") + k_name + "/recover", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = require_vault(state, r);
               const auto it = vault.deleted_secrets.find(lower(c[1]));
               if (it == vault.deleted_secrets.end()) {
                 not_found("Secret", c[1]);
               }
               auto versions = std::move(it->second.versions);
               vault.deleted_secrets.erase(it);
               const Json out = secret_bundle(base_of(state, r), lower(c[1]), versions.back(), false);
               vault.secrets[lower(c[1])] = std::move(versions);
               audit(state, r, "SecretRecover", 200);
               return LabResponse::json(200, out);
             });
  router.add("DELETE", std::string("/deletedsecrets/") + k_name, options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = require_vault(state, r);
               if (vault.deleted_secrets.erase(lower(c[1])) == 0) {
                 not_found("Secret", c[1]);
               }
               audit(state, r, "SecretPurge", 204);
               return LabResponse::empty(204);
             });

  add_object_routes(router, state, options, "keys", "Key", "kid");
  add_object_routes(router, state, options, "certificates", "Certificate", "id");
}

} // namespace dftriage::lab
