// Microsoft.KeyVault vaults: GET, PUT (az's read-modify-write), PATCH (JSON merge, as
// ARM does), accessPolicies/{add|replace|remove}, lists by subscription and group, and a
// secret's ARM view (metadata and current version, never the value).

#include "arm.hpp"
#include "modules.hpp"
#include "resources.hpp"

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_keyvault_versions = {
    "2026-02-01", "2025-05-01", "2024-11-01", "2024-04-01-preview", "2023-07-01",
    "2023-02-01", "2022-11-01", "2022-07-01", "2021-10-01",         "2019-09-01"};
const std::string k_vault =
    std::string(k_sub) + k_rg + "/providers/Microsoft\\.KeyVault/vaults/([^/]+)";

std::string vault_id(const Captures& c)
{
  return group_id(c[1], c[2]) + "/providers/Microsoft.KeyVault/vaults/" + c[3];
}

bool same_entry(const Json& a, const Json& b)
{
  return lower(a.value("objectId", "")) == lower(b.value("objectId", "")) &&
         lower(a.value("tenantId", "")) == lower(b.value("tenantId", "")) &&
         lower(a.value("applicationId", "")) == lower(b.value("applicationId", ""));
}

// Returns `have` with `change` added (add), removed (remove) or as is (replace).
Json merge_permissions(const Json& have, const Json& change, const std::string& kind)
{
  if (kind == "replace") {
    return change;
  }
  Json out = have.is_object() ? have : Json::object();
  for (const auto& [category, list] : change.items()) {
    Json merged = Json::array();
    const Json current = out.contains(category) ? out[category] : Json::array();
    for (const auto& p : current) {
      const bool drop =
          kind == "remove" && std::any_of(list.begin(), list.end(), [&](const Json& q) {
            return lower(q.get<std::string>()) == lower(p.get<std::string>());
          });
      if (!drop) {
        merged.push_back(p);
      }
    }
    if (kind == "add") {
      for (const auto& q : list) {
        if (std::none_of(merged.begin(), merged.end(), [&](const Json& p) {
              return lower(p.get<std::string>()) == lower(q.get<std::string>());
            })) {
          merged.push_back(q);
        }
      }
    }
    out[category] = merged;
  }
  return out;
}

bool no_permissions(const Json& permissions)
{
  for (const auto& [category, list] : permissions.items()) {
    if (!list.empty()) {
      return false;
    }
  }
  return true;
}

LabResponse update_access_policies(State& state, const LabRequest& request, const Captures& c)
{
  Json& vault = require_resource(state, vault_id(c));
  const std::string kind = lower(c[4]);
  if (kind != "add" && kind != "replace" && kind != "remove") {
    throw ArmFault{400,
                   "BadRequest",
                   "The operation kind '" + c[4] + "' is invalid; use add, replace or remove.",
                   std::nullopt,
                   {}};
  }
  const Json body = request.json_body();
  const Json changes =
      body.contains("properties") ? body["properties"].value("accessPolicies", Json()) : Json();
  if (!changes.is_array()) {
    throw ArmFault{400, "BadRequest", "properties.accessPolicies is required.", std::nullopt, {}};
  }
  Json& policies = vault["properties"]["accessPolicies"];
  for (const auto& change : changes) {
    auto it = std::find_if(policies.begin(), policies.end(),
                           [&](const Json& e) { return same_entry(e, change); });
    if (it == policies.end()) {
      if (kind != "remove") {
        policies.push_back(change);
      }
      continue;
    }
    (*it)["permissions"] = merge_permissions(it->value("permissions", Json::object()),
                                             change.value("permissions", Json::object()), kind);
    if (kind == "remove" && no_permissions((*it)["permissions"])) {
      policies.erase(it);
    }
  }
  return LabResponse::json(200, Json{{"id", vault_id(c) + "/accessPolicies/" + kind},
                                     {"type", "Microsoft.KeyVault/vaults/accessPolicies"},
                                     {"properties", {{"accessPolicies", changes}}}});
}

// GET {vault}/secrets/{name}: the Secret resource ARM gives: attributes, contentType and
// the URIs of the secret and of its current version; the value never.
LabResponse secret_resource(State& state, const Captures& c)
{
  const Json& vault = require_resource(state, vault_id(c));
  const std::string name = lower(c[4]);
  const std::vector<SecretVersion>* versions = nullptr;
  if (const auto data = state.vaults.find(lower(c[3])); data != state.vaults.end()) {
    const auto it = data->second.secrets.find(name);
    versions = it == data->second.secrets.end() || it->second.empty() ? nullptr : &it->second;
  }
  if (versions == nullptr) {
    throw ArmFault{404,
                   "SecretNotFound",
                   "Secret " + c[4] + " not found in vault " + c[3] + ".",
                   std::nullopt,
                   {}};
  }
  const SecretVersion& current = versions->back();
  std::string uri = vault["properties"].value("vaultUri", "");
  if (uri.empty() || uri.back() != '/') {
    uri += '/';
  }
  uri += "secrets/" + name;
  Json attributes = Json::object();
  for (const char* key : {"enabled", "nbf", "exp", "created", "updated"}) {
    if (current.attributes.contains(key)) {
      attributes[key] = current.attributes[key];
    }
  }
  Json properties{{"attributes", attributes},
                  {"secretUri", uri},
                  {"secretUriWithVersion", uri + "/" + current.version}};
  if (!current.content_type.empty()) {
    properties["contentType"] = current.content_type;
  }
  return LabResponse::json(200, Json{{"id", vault_id(c) + "/secrets/" + name},
                                     {"name", name},
                                     {"type", "Microsoft.KeyVault/vaults/secrets"},
                                     {"location", vault.value("location", "")},
                                     {"tags", current.tags},
                                     {"properties", properties}});
}

} // namespace

void add_keyvault_routes(Router& router, State& state)
{
  const RouteOptions options{k_keyvault_versions, "arm", ""};
  router.add("GET", k_vault, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_resource(state, vault_id(c)));
  });
  router.add("PUT", k_vault, options, [&state](const LabRequest& request, const Captures& c) {
    require_scope(state, c[1], c[2]);
    const Json body = request.json_body();
    const Json* existing = find_resource(state, vault_id(c));
    Json vault = existing
                     ? *existing
                     : make_vault(state, c[1], c[2], c[3], body.value("location", "westeurope"));
    vault["location"] = body.value("location", vault.value("location", ""));
    vault["tags"] = body.value("tags", Json::object());
    const Json properties = body.contains("properties") ? body["properties"] : Json::object();
    for (const auto& [key, value] : properties.items()) {
      vault["properties"][key] = value;
    }
    const int status = existing ? 200 : 201;
    return LabResponse::json(status, put_resource(state, std::move(vault)));
  });
  router.add("PATCH", k_vault, options, [&state](const LabRequest& request, const Captures& c) {
    Json& vault = require_resource(state, vault_id(c));
    Json patch = request.json_body();
    Json allowed = Json::object();
    for (const char* key : {"tags", "properties"}) {
      if (patch.contains(key)) {
        allowed[key] = patch[key];
      }
    }
    // ARM PATCH is a JSON merge: objects merge key by key, arrays are replaced whole.
    vault.merge_patch(allowed);
    return LabResponse::json(200, vault);
  });
  router.add("GET", k_vault + "/secrets/([^/]+)", options,
             [&state](const LabRequest&, const Captures& c) { return secret_resource(state, c); });
  router.add("PUT", k_vault + "/accessPolicies/([^/]+)", options,
             [&state](const LabRequest& request, const Captures& c) {
               return update_access_policies(state, request, c);
             });
  router.add("GET", std::string(k_sub) + "/providers/Microsoft\\.KeyVault/vaults", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return page(state, request,
                           resources_under(state, "/subscriptions/" + c[1] + "/",
                                           "Microsoft.KeyVault/vaults"));
             });
  router.add("GET", std::string(k_sub) + k_rg + "/providers/Microsoft\\.KeyVault/vaults", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return page(
                   state, request,
                   resources_under(state, group_id(c[1], c[2]) + "/", "Microsoft.KeyVault/vaults"));
             });
}

} // namespace dftriage::lab
