// The lab's Key Vault keys: list, versions, get (public material only), update
// attributes, and rotate, which makes a new current version and leaves the old ones as
// they were (enabled ones stay usable: what they encrypted stays readable).

#include "keyvault_plane.hpp"

namespace dftriage::lab::keyvault {

namespace {

// Returns a KeyBundle of one stored version: its public key (RSA n and e) and attributes.
Json key_bundle(const std::string& base, const Json& version)
{
  const std::string kid =
      base + "/keys/" + version.value("name", "") + "/" + version.value("version", "");
  std::string modulus;
  for (int i = 0; i < 8; ++i) {
    modulus +=
        version.value("version", ""); // hex digits are base64url: a stand-in, never a real key
  }
  Json bundle{{"key",
               {{"kid", kid},
                {"kty", version.value("kty", "RSA")},
                {"key_ops", {"encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"}},
                {"n", modulus},
                {"e", "AQAB"}}},
              {"attributes", version.value("attributes", Json::object())},
              {"tags", version.value("tags", Json::object())}};
  if (version.value("managed", false)) {
    bundle["managed"] = true;
  }
  return bundle;
}

} // namespace

void add_key_routes(Router& router, State& state)
{
  const RouteOptions options = route_options();
  const std::string key = std::string("/keys/") + k_name;
  router.add("GET", "/keys", options, [&state](const LabRequest& r, const Captures&) {
    auto& vault = open_vault(state, r, "KeyList");
    std::vector<Json> items;
    for (const auto& [name, versions] : vault.keys) {
      if (!versions.empty()) {
        items.push_back(object_item(versions.back(), base_of(state, r), "keys", "kid", false));
      }
    }
    audit(state, r, "KeyList", 200);
    return data_page(state, r, items);
  });
  router.add("GET", key + "/versions", options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = open_vault(state, r, "KeyListVersions");
    require_object_version(vault.keys, "Key", c[1], "");
    std::vector<Json> items;
    for (const auto& v : vault.keys[lower(c[1])]) {
      items.push_back(object_item(v, base_of(state, r), "keys", "kid", true));
    }
    audit(state, r, "KeyListVersions", 200);
    return data_page(state, r, items);
  });
  // Without a version: the current one.
  router.add("GET", key + "(?:/" + k_version + ")?/?", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "KeyGet");
               const Json& v =
                   require_object_version(vault.keys, "Key", c[1], c.size() > 2 ? c[2] : "");
               audit(state, r, "KeyGet", 200);
               return LabResponse::json(200, key_bundle(base_of(state, r), v));
             });
  router.add("PATCH", key + "(?:/" + k_version + ")?/?", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "KeyUpdate");
               Json& v = require_object_version(vault.keys, "Key", c[1], c.size() > 2 ? c[2] : "");
               Json tags = v.value("tags", Json::object());
               update_attributes(state, v["attributes"], tags, r.json_body());
               v["tags"] = tags;
               audit(state, r, "KeyUpdate", 200);
               return LabResponse::json(200, key_bundle(base_of(state, r), v));
             });
  router.add("POST", key + "/rotate", options, [&state](const LabRequest& r, const Captures& c) {
    auto& vault = open_vault(state, r, "KeyRotate");
    const Json current = require_object_version(vault.keys, "Key", c[1], "");
    if (current.value("managed", false)) {
      const std::string message =
          "Operation rotate is not allowed on a key managed by a certificate.";
      throw ArmFault{403,
                     "Forbidden",
                     message,
                     Json{{"error", {{"code", "Forbidden"}, {"message", message}}}},
                     {}};
    }
    const long long now = now_unix(state);
    Json next = current;
    next["version"] = new_version(state, "key-version");
    next["attributes"]["enabled"] = true;
    next["attributes"]["created"] = now;
    next["attributes"]["updated"] = now;
    next["attributes"].erase("exp");
    next["attributes"].erase("nbf");
    vault.keys[lower(c[1])].push_back(next);
    audit(state, r, "KeyRotate", 200);
    return LabResponse::json(200, key_bundle(base_of(state, r), next));
  });
}

} // namespace dftriage::lab::keyvault
