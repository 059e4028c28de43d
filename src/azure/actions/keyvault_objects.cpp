// Key Vault data-plane objects: listing secrets, keys and certificates and their
// versions, disabling a version (never the current one), deleting, recovering and
// rotating secrets, rotating keys and re-issuing certificates with a new key.

#include "dftriage/util/text.hpp"
#include "keyvault_support.hpp"

namespace dftriage::azure::actions {

namespace {

using keyvault::data_plane;
using keyvault::k_certificates;
using keyvault::k_keys;
using keyvault::k_secrets;
using keyvault::object_arg;
using keyvault::object_param;
using keyvault::ObjectKind;
using keyvault::vault_param;

// The vault's ARM view of a secret (a control-plane read: never the value).
const char* k_secret_arm_read = "Microsoft.KeyVault/vaults/secrets/read";
// Recovering a soft-deleted secret (the undo of a delete).
const char* k_secret_recover = "Microsoft.KeyVault/vaults/secrets/recover/action";

constexpr PermissionPlane k_data = PermissionPlane::data;

bool is_secret(const ObjectKind& kind)
{
  return std::string_view(kind.collection) == k_secrets.collection;
}

// Returns the pre-image read of an object's versions: metadata only, never a value.
Request versions_pre_image(const ActionArgs& args, const ObjectKind& kind, const Cloud& cloud)
{
  auto r = data_plane("GET", args, {kind.collection, object_arg(args, "name", false), "versions"},
                      cloud);
  return as_pre_image(r, kind.read);
}

// Returns the pre-image read that names an object's current version. Keys and
// certificates: the data-plane object (public material only). Secrets: the vault's ARM
// view of the secret, which names the current version (secretUriWithVersion) and never
// carries the value, as a data-plane get would.
Request current_pre_image(const ActionArgs& args, const ObjectKind& kind, const Cloud& cloud)
{
  const std::string& name = object_arg(args, "name", false);
  if (is_secret(kind)) {
    auto r = arm("GET", args.resource("vault"), {"secrets", name}, api_version::k_keyvault, cloud);
    return as_pre_image(r, k_secret_arm_read);
  }
  auto r = data_plane("GET", args, {kind.collection, name}, cloud);
  return as_pre_image(r, kind.read);
}

// Returns the current version a current_pre_image() read shows, or "" when it shows none.
std::string current_version(const ObjectKind& kind, const nlohmann::ordered_json& body)
{
  const char* pointer = is_secret(kind) ? "/properties/secretUriWithVersion"
                        : std::string_view(kind.singular) == "key" ? "/key/kid"
                                                                   : "/id";
  return keyvault::last_segment(text_at(body, pointer));
}

ActionSpec list_objects(const ObjectKind& kind)
{
  ActionSpec spec{std::string("keyvault.") + kind.collection + ".list",
                  std::string("List the vault's ") + kind.collection +
                      " (data plane; metadata only: names, enabled, dates)",
                  {vault_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  kind.read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, k_data)};
  spec.build = [spec, &kind](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = data_plane("GET", args, {kind.collection}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec list_versions(const ObjectKind& kind)
{
  ActionSpec spec{
      std::string("keyvault.") + kind.singular + ".versions.list",
      std::string("List a ") + kind.singular +
          "'s versions with their attributes (metadata only, never values or private keys)",
      {vault_param(), object_param(kind)},
      false,
      Reversibility::read_only,
      "",
      kind.read,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission, k_data)};
  spec.build = [spec, &kind](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = data_plane("GET", args, {kind.collection, object_arg(args, "name", false), "versions"},
                        cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

// True when the versions list (pre-image 0) shows `version` disabled already.
bool version_disabled(const ActionArgs& args, const PreImage& pre)
{
  const auto* version = keyvault::version_in(pre_body(pre), args.text("version"));
  const auto* enabled = version != nullptr ? select(*version, "/attributes/enabled") : nullptr;
  return enabled != nullptr && *enabled == false;
}

ActionSpec disable_object(const ObjectKind& kind)
{
  ActionSpec spec{std::string("keyvault.") + kind.singular + ".disable",
                  std::string("Disable one version of a ") + kind.singular +
                      " (data plane); other versions stay usable, so disable each enabled one; "
                      "never the current "
                      "version (make a new one first)",
                  {vault_param(),
                   object_param(kind),
                   {"version", ParamType::name, true, {}, {}, "The version to disable"}},
                  true,
                  Reversibility::reversible,
                  "PATCH attributes.enabled of the version back to its value in the pre-image (the "
                  "versions list)",
                  kind.update,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.undo_zh = "用 PATCH 把该版本的 attributes.enabled 恢复为更改前记录的值（版本列表）";
  spec.needs = {own_need(spec.permission, k_data), pre_image_need(kind.read, k_data),
                undo_need(spec.permission, k_data)};
  if (is_secret(kind)) {
    spec.needs.push_back(pre_image_need(k_secret_arm_read));
  }
  spec.build = [spec, &kind](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    out.pre_image.push_back(versions_pre_image(args, kind, cloud));
    out.pre_image.push_back(current_pre_image(args, kind, cloud));
    const std::string& name = object_arg(args, "name", false);
    auto r = data_plane("PATCH", args, {kind.collection, name, object_arg(args, "version", true)},
                        cloud);
    r.body = nlohmann::ordered_json{{"attributes", {{"enabled", false}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [&kind](const ActionArgs& args, const PreImage& pre) {
    // Already disabled: a no-op, whatever version it is.
    if (pre.size() < 2 || version_disabled(args, pre) ||
        !text::iequals(current_version(kind, pre_body(pre, 1)), args.text("version"))) {
      return std::string();
    }
    const bool certificate = std::string_view(kind.singular) == "certificate";
    return "version " + text::quote(args.text("version")) + " of " + kind.singular + " " +
           text::quote(args.text("name")) +
           " is its current version: " + (certificate ? "re-issue" : "rotate") + " first (" +
           kind.renew + "), or everything using it fails";
  };
  spec.satisfied = version_disabled;
  spec.revert = [spec, &kind](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const auto* version = keyvault::version_in(pre_body(pre), args.text("version"));
    const auto* enabled = version != nullptr ? select(*version, "/attributes/enabled") : nullptr;
    if (enabled != nullptr && *enabled == true) {
      auto r = data_plane(
          "PATCH", args,
          {kind.collection, object_arg(args, "name", false), object_arg(args, "version", true)},
          cloud);
      r.body = nlohmann::ordered_json{{"attributes", {{"enabled", true}}}};
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

ActionSpec delete_secret()
{
  ActionSpec spec{"keyvault.secret.delete",
                  "Delete a secret and all its versions (a soft delete when the vault has it on)",
                  {vault_param(), object_param(k_secrets)},
                  true,
                  Reversibility::reversible,
                  "keyvault.secret.recover, only while soft delete keeps it: "
                  "attributes.recoveryLevel in the pre-image "
                  "starts with Recoverable, and before it is purged or its retention ends",
                  "Microsoft.KeyVault/vaults/secrets/delete",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.undo_zh = "keyvault.secret.recover，前提是软删除仍保留着它：更改前记录的 "
                 "attributes.recoveryLevel 以 Recoverable 开头，且尚未被清除、保留期也未结束";
  spec.needs = {own_need(spec.permission, k_data), pre_image_need(k_secrets.read, k_data),
                undo_need(k_secret_recover, k_data)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    out.pre_image.push_back(versions_pre_image(args, k_secrets, cloud));
    auto r = data_plane("DELETE", args, {"secrets", object_arg(args, "name", false)}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) { return absent(pre); };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    if (!absent(pre)) {
      auto r = data_plane("POST", args,
                          {"deletedsecrets", object_arg(args, "name", false), "recover"}, cloud);
      // The undo recovers: it needs recover/action, not the delete it reverses.
      out.push_back(as_undo(r, spec));
      out.back().permission = k_secret_recover;
    }
    return out;
  };
  return spec;
}

ActionSpec recover_secret()
{
  ActionSpec spec{"keyvault.secret.recover",
                  "Recover a soft-deleted secret with all its versions",
                  {vault_param(), object_param(k_secrets)},
                  true,
                  Reversibility::reversible,
                  "Delete it again (keyvault.secret.delete)",
                  k_secret_recover,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.undo_zh = "再次删除它（keyvault.secret.delete）";
  spec.needs = {own_need(spec.permission, k_data)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = data_plane("POST", args,
                        {"deletedsecrets", object_arg(args, "name", false), "recover"}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec rotate_secret()
{
  ActionSpec spec{"keyvault.secret.rotate",
                  "Set a new secret version whose value is generated at run time and never written "
                  "to the plan or the "
                  "journal; the credential it stands for (database, storage key...) must be "
                  "rotated at its source too",
                  {vault_param(), object_param(k_secrets)},
                  true,
                  Reversibility::irreversible,
                  "",
                  "Microsoft.KeyVault/vaults/secrets/setSecret/action",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, k_data), pre_image_need(k_secrets.read, k_data)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    out.pre_image.push_back(versions_pre_image(args, k_secrets, cloud));
    auto r = data_plane("PUT", args, {"secrets", object_arg(args, "name", false)}, cloud);
    r.body = nlohmann::ordered_json{{"value", k_generated_secret}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec rotate_key()
{
  ActionSpec spec{"keyvault.key.rotate",
                  "Make a new current version of a key (rotate); the old version stays enabled, so "
                  "what it encrypted "
                  "stays readable: disable it once nothing needs it",
                  {vault_param(), object_param(k_keys)},
                  true,
                  Reversibility::irreversible,
                  "",
                  "Microsoft.KeyVault/vaults/keys/rotate/action",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission, k_data), pre_image_need(k_keys.read, k_data)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& name = object_arg(args, "name", false);
    ActionRequests out;
    auto current = data_plane("GET", args, {"keys", name}, cloud);
    out.pre_image.push_back(as_pre_image(current, k_keys.read));
    auto r = data_plane("POST", args, {"keys", name, "rotate"}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    if (absent(pre)) {
      return "the vault has no key " + text::quote(args.text("name")) + ": nothing to rotate";
    }
    const auto* managed = select(pre_body(pre), "/managed");
    if (managed != nullptr && *managed == true) {
      return "key " + text::quote(args.text("name")) +
             " backs a certificate (managed): re-issue the certificate "
             "(keyvault.certificate.create), which makes its new key";
    }
    return std::string();
  };
  return spec;
}

// Returns the body of a re-issue: the certificate's own policy from pre-image 0, its
// writable members only (not id, not the created/updated dates), with a new key.
nlohmann::ordered_json reissue_body()
{
  const auto from_policy = [](const char* pointer) { return from_pre_image(0, pointer); };
  return nlohmann::ordered_json{
      {"policy",
       {{"key_props",
         {{"exportable", from_policy("/key_props/exportable")},
          {"kty", from_policy("/key_props/kty")},
          {"key_size", from_policy("/key_props/key_size")},
          {"crv", from_policy("/key_props/crv")},
          // The stolen key must not live on in the new certificate.
          {"reuse_key", false}}},
        {"secret_props", from_policy("/secret_props")},
        {"x509_props", from_policy("/x509_props")},
        {"lifetime_actions", from_policy("/lifetime_actions")},
        {"issuer", from_policy("/issuer")},
        // nbf and exp are a version's; validity comes from x509_props.validity_months.
        {"attributes", {{"enabled", from_policy("/attributes/enabled")}}}}}};
}

ActionSpec create_certificate()
{
  ActionSpec spec{
      "keyvault.certificate.create",
      "Re-issue a certificate under its own policy with a new key (reuse_key false): a new current "
      "version; one from a CA stays pending (inProgress) until the CA issues it",
      {vault_param(), object_param(k_certificates)},
      true,
      Reversibility::irreversible,
      "",
      "Microsoft.KeyVault/vaults/certificates/create/action",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission, k_data), pre_image_need(k_certificates.read, k_data)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& name = object_arg(args, "name", false);
    ActionRequests out;
    auto policy = data_plane("GET", args, {"certificates", name, "policy"}, cloud);
    out.pre_image.push_back(as_pre_image(policy, k_certificates.read));
    auto pending = data_plane("GET", args, {"certificates", name, "pending"}, cloud);
    out.pre_image.push_back(as_pre_image(pending, k_certificates.read));
    auto r = data_plane("POST", args, {"certificates", name, "create"}, cloud);
    r.body = reissue_body();
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    if (absent(pre, 0)) {
      return "the vault has no certificate " + text::quote(args.text("name")) +
             ": nothing to re-issue";
    }
    if (pre.size() > 1 && text::iequals(text_at(pre_body(pre, 1), "/status"), "inProgress")) {
      return "certificate " + text::quote(args.text("name")) +
             " already has an operation in progress (issuer " +
             text::quote(text_at(pre_body(pre, 1), "/issuer/name")) +
             "): Key Vault takes no new one until it completes, fails or is cancelled";
    }
    return std::string();
  };
  return spec;
}

} // namespace

void add_keyvault_objects(std::vector<ActionSpec>& out)
{
  for (const ObjectKind* kind : {&k_secrets, &k_keys, &k_certificates}) {
    out.push_back(list_objects(*kind));
    out.push_back(list_versions(*kind));
    out.push_back(disable_object(*kind));
  }
  out.push_back(delete_secret());
  out.push_back(recover_secret());
  out.push_back(rotate_secret());
  out.push_back(rotate_key());
  out.push_back(create_certificate());
}

} // namespace dftriage::azure::actions
