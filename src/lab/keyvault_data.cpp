// The lab's Key Vault data plane on <vault>.vault.localhost: secrets (list, versions, get,
// set, update attributes, soft delete, recover, purge); keys and certificates are in
// keyvault_keys.cpp and keyvault_certificates.cpp. Every operation goes through the
// vault's firewall and into its diagnostic log, which the Log Analytics imitation
// answers queries from.

#include "keyvault_plane.hpp"
#include "modules.hpp"

#include <algorithm>

namespace dftriage::lab {

using namespace keyvault;

namespace {

// Returns the newest version of `name`, or throws SecretNotFound.
std::vector<SecretVersion>& require_secret(VaultData& vault, const std::string& name)
{
  const auto it = vault.secrets.find(lower(name));
  if (it == vault.secrets.end() || it->second.empty()) {
    not_found("Secret", name);
  }
  return it->second;
}

SecretVersion& require_version(std::vector<SecretVersion>& versions, const std::string& name,
                               const std::string& version)
{
  for (auto& v : versions) {
    if (lower(v.version) == lower(version)) {
      return v;
    }
  }
  not_found("Secret", name + "/" + version);
}

// A SecretItem (list entries: never a value).
Json secret_item(const std::string& base, const std::string& name, const SecretVersion& v,
                 bool with_version)
{
  Json item{{"id", base + "/secrets/" + name + (with_version ? "/" + v.version : "")},
            {"attributes", v.attributes},
            {"tags", v.tags}};
  if (!v.content_type.empty()) {
    item["contentType"] = v.content_type;
  }
  return item;
}

// A SecretBundle; the value only when `with_value` (a get of the secret itself).
Json secret_bundle(const std::string& base, const std::string& name, const SecretVersion& v,
                   bool with_value)
{
  Json bundle{{"id", base + "/secrets/" + name + "/" + v.version},
              {"attributes", v.attributes},
              {"tags", v.tags}};
  if (with_value) {
    bundle["value"] = v.value;
  }
  if (!v.content_type.empty()) {
    bundle["contentType"] = v.content_type;
  }
  return bundle;
}

Json deleted_bundle(const State& state, const std::string& base, const std::string& name,
                    const DeletedSecret& d)
{
  Json out = secret_bundle(base, name, d.versions.back(), false);
  out["recoveryId"] = base + "/deletedsecrets/" + name;
  Clock::time_point t;
  long long deleted = parse_iso_time(d.deleted_date, t) ? Clock::to_time_t(t)
                                                        : Clock::to_time_t(state.config.clock());
  out["deletedDate"] = deleted;
  out["scheduledPurgeDate"] = deleted + 90LL * 86400;
  return out;
}

} // namespace

void add_keyvault_data_routes(Router& router, State& state)
{
  const RouteOptions options = route_options();
  const std::string secret = std::string("/secrets/") + k_name;

  router.add("GET", "/secrets", options, [&state](const LabRequest& r, const Captures&) {
    auto& vault = open_vault(state, r, "SecretList");
    std::vector<Json> items;
    for (const auto& [name, versions] : vault.secrets) {
      if (!versions.empty()) {
        items.push_back(secret_item(base_of(state, r), name, versions.back(), false));
      }
    }
    audit(state, r, "SecretList", 200);
    return data_page(state, r, items);
  });
  router.add("GET", secret + "/versions", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& versions = require_secret(open_vault(state, r, "SecretListVersions"), c[1]);
               std::vector<Json> items;
               items.reserve(versions.size());
               for (const auto& v : versions) {
                 items.push_back(secret_item(base_of(state, r), lower(c[1]), v, true));
               }
               audit(state, r, "SecretListVersions", 200);
               return data_page(state, r, items);
             });
  router.add(
      "GET", secret + "(?:/" + k_version + ")?/?", options,
      [&state](const LabRequest& r, const Captures& c) {
        auto& versions = require_secret(open_vault(state, r, "SecretGet"), c[1]);
        const SecretVersion& v =
            c.size() > 2 && !c[2].empty() ? require_version(versions, c[1], c[2]) : versions.back();
        if (v.attributes.value("enabled", true) == false) {
          throw ArmFault{403,
                         "Forbidden",
                         "Operation get is not allowed on a disabled secret.",
                         Json{{"error",
                               {{"code", "Forbidden"},
                                {"message", "Operation get is not allowed on a disabled secret."},
                                {"innererror", {{"code", "SecretDisabled"}}}}}},
                         {}};
        }
        audit(state, r, "SecretGet", 200);
        return LabResponse::json(200, secret_bundle(base_of(state, r), lower(c[1]), v, true));
      });
  router.add("PUT", secret, options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = open_vault(state, r, "SecretSet");
    if (vault.deleted_secrets.count(lower(c[1])) > 0) {
      throw ArmFault{
          409,
          "Conflict",
          "Secret " + c[1] + " is currently in a deleted but recoverable state.",
          Json{{"error",
                {{"code", "Conflict"},
                 {"message",
                  "Secret " + c[1] +
                      " is currently in a deleted but recoverable state, "
                      "and its name cannot be reused; in this state, the secret can only be "
                      "recovered or purged."}}}},
          {}};
    }
    const Json body = r.json_body();
    if (!body.contains("value") || !body["value"].is_string()) {
      throw ArmFault{
          400,
          "BadParameter",
          "The secret value is required.",
          Json{{"error", {{"code", "BadParameter"}, {"message", "The secret value is required."}}}},
          {}};
    }
    const long long now = now_unix(state);
    SecretVersion v{new_version(state, "secret-version"), body["value"].get<std::string>(),
                    body.value("contentType", ""),
                    Json{{"enabled", true},
                         {"created", now},
                         {"updated", now},
                         {"recoveryLevel", "Recoverable+Purgeable"},
                         {"recoverableDays", 90}},
                    body.value("tags", Json::object())};
    if (body.contains("attributes") && body["attributes"].contains("enabled")) {
      v.attributes["enabled"] = body["attributes"]["enabled"];
    }
    vault.secrets[lower(c[1])].push_back(v);
    audit(state, r, "SecretSet", 200);
    return LabResponse::json(200, secret_bundle(base_of(state, r), lower(c[1]), v, true));
  });
  // Without a version (".../secrets/NAME/", as the SDKs send it) the latest is updated.
  router.add("PATCH", secret + "(?:/" + k_version + ")?/?", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& versions = require_secret(open_vault(state, r, "SecretUpdate"), c[1]);
               auto& v = c.size() > 2 && !c[2].empty() ? require_version(versions, c[1], c[2])
                                                       : versions.back();
               update_attributes(state, v.attributes, v.tags, r.json_body());
               const Json body = r.json_body();
               if (body.contains("contentType") && body["contentType"].is_string()) {
                 v.content_type = body["contentType"];
               }
               audit(state, r, "SecretUpdate", 200);
               return LabResponse::json(200,
                                        secret_bundle(base_of(state, r), lower(c[1]), v, false));
             });
  router.add("DELETE", secret, options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = open_vault(state, r, "SecretDelete");
    auto versions = require_secret(vault, c[1]);
    vault.secrets.erase(lower(c[1]));
    DeletedSecret deleted{std::move(versions), state.now_iso()};
    const Json out = deleted_bundle(state, base_of(state, r), lower(c[1]), deleted);
    vault.deleted_secrets[lower(c[1])] = std::move(deleted);
    audit(state, r, "SecretDelete", 200);
    return LabResponse::json(200, out);
  });
  router.add("GET", "/deletedsecrets", options, [&state](const LabRequest& r, const Captures&) {
    auto& vault = open_vault(state, r, "SecretListDeleted");
    std::vector<Json> items;
    for (const auto& [name, d] : vault.deleted_secrets) {
      Json item = deleted_bundle(state, base_of(state, r), name, d);
      item["id"] = base_of(state, r) + "/secrets/" + name;
      items.push_back(std::move(item));
    }
    audit(state, r, "SecretListDeleted", 200);
    return data_page(state, r, items);
  });
  router.add("GET", std::string("/deletedsecrets/") + k_name, options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "SecretGetDeleted");
               const auto it = vault.deleted_secrets.find(lower(c[1]));
               if (it == vault.deleted_secrets.end()) {
                 not_found("Secret", c[1]);
               }
               audit(state, r, "SecretGetDeleted", 200);
               return LabResponse::json(
                   200, deleted_bundle(state, base_of(state, r), it->first, it->second));
             });
  router.add("POST", std::string("/deletedsecrets/") + k_name + "/recover", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "SecretRecover");
               const auto it = vault.deleted_secrets.find(lower(c[1]));
               if (it == vault.deleted_secrets.end()) {
                 not_found("Secret", c[1]);
               }
               auto versions = std::move(it->second.versions);
               vault.deleted_secrets.erase(it);
               const Json out =
                   secret_bundle(base_of(state, r), lower(c[1]), versions.back(), false);
               vault.secrets[lower(c[1])] = std::move(versions);
               audit(state, r, "SecretRecover", 200);
               return LabResponse::json(200, out);
             });
  router.add("DELETE", std::string("/deletedsecrets/") + k_name, options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "SecretPurge");
               if (vault.deleted_secrets.erase(lower(c[1])) == 0) {
                 not_found("Secret", c[1]);
               }
               audit(state, r, "SecretPurge", 204);
               return LabResponse::empty(204);
             });

  add_key_routes(router, state);
  add_certificate_routes(router, state);
}

} // namespace dftriage::lab
