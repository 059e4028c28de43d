#pragma once

// Internal to the Key Vault action files: keyvault.cpp (the vault, management plane)
// defines these; keyvault_objects.cpp (secrets, keys and certificates, data plane) uses
// them, so every data-plane request is addressed and checked the same way.

#include "families.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace dftriage::azure::actions::keyvault {

// One kind of data-plane object and the RBAC data actions that read and update it.
struct ObjectKind
{
  const char* collection; // URL segment: "secrets"
  const char* singular;   // "secret"
  const char* read;       // metadata read (versions, current version)
  const char* update;     // attributes (enable, disable)
  const char* renew;      // the action that makes a new current version
};

inline constexpr ObjectKind k_secrets{
    "secrets", "secret", "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    "Microsoft.KeyVault/vaults/secrets/update/action", "keyvault.secret.rotate"};
inline constexpr ObjectKind k_keys{"keys", "key", "Microsoft.KeyVault/vaults/keys/read",
                                   "Microsoft.KeyVault/vaults/keys/update/action",
                                   "keyvault.key.rotate"};
inline constexpr ObjectKind k_certificates{
    "certificates", "certificate", "Microsoft.KeyVault/vaults/certificates/read",
    "Microsoft.KeyVault/vaults/certificates/update/action", "keyvault.certificate.create"};

// Returns the `vault` parameter every Key Vault action takes (the vault's resource ID).
ParamSpec vault_param();

// Returns the `name` parameter of an action on one object of `kind`.
ParamSpec object_param(const ObjectKind& kind);

// Returns a data-plane request to the vault's `segments` (each encoded) with the data
// plane's api-version and the keyvault audience. Throws ActionError when the vault's
// name cannot be a host name.
Request data_plane(std::string method, const ActionArgs& args,
                   std::initializer_list<std::string_view> segments, const Cloud& cloud);

// Returns the checked object name (letters, digits, '-') or version (letters, digits) of
// `param`; throws ActionError naming the parameter and quoting the value.
const std::string& object_arg(const ActionArgs& args, const char* param, bool version);

// Returns the item of a versions list whose id ends in "/<version>" (case-insensitive),
// or nullptr.
const nlohmann::ordered_json* version_in(const nlohmann::ordered_json& list,
                                         const std::string& version);

// Returns the last path segment of an object's id URL, without any query ("" if none):
// the version of "https://kv.vault.azure.net/keys/cmk/78de…".
std::string last_segment(std::string_view id);

} // namespace dftriage::azure::actions::keyvault
