#pragma once

// Internal to the lab's Key Vault data plane (keyvault_data.cpp: secrets;
// keyvault_keys.cpp: keys; keyvault_certificates.cpp: certificates): opening a vault
// through its firewall, the audit log, errors, paging and object versions.

#include "router.hpp"
#include "state.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::lab::keyvault {

// The api-versions the data plane answers, newest first.
const std::vector<std::string>& versions();
// The route options of every data-plane route (<vault>.vault.localhost, keyvault tokens).
RouteOptions route_options();
// Regex groups of an object's name and of a version, as Key Vault accepts them.
inline constexpr const char* k_name = "([0-9A-Za-z-]{1,127})";
inline constexpr const char* k_version = "([0-9A-Za-z]{1,64})";

// Returns the lower-case name of the vault a data-plane request is for (the host's first label).
std::string vault_of(const LabRequest& request);

// Returns the vault's data plane once its firewall lets the request in. Throws 404
// VaultNotFound for an unknown vault, or the 403 Key Vault answers a caller its firewall
// keeps out (innererror ForbiddenByFirewall or ForbiddenByConnection), audited as
// `operation` with 403.
VaultData& open_vault(State& state, const LabRequest& request, const std::string& operation);

// Key Vault's 403: {"error": {code: Forbidden, message, innererror: {code: inner}}}, with
// `inner` ForbiddenByFirewall, ForbiddenByConnection, AccessDenied or ForbiddenByRbac.
ArmFault keyvault_forbidden(const std::string& inner, const std::string& message);

// Returns the 403 ArmFault when the firewall of vault `vault_name` (its networkAcls and
// publicNetworkAccess in ARM) keeps `request` out, or nullopt when it lets it in. The
// caller's address is the TCP peer's; no lab caller is a trusted service or on a VNet.
std::optional<ArmFault> firewall_refusal(const State& state, const LabRequest& request,
                                         const std::string& vault_name);

// Throws Key Vault's 404 "<Kind>NotFound" for `name` (e.g. kind "Key", name "cmk/78de…").
[[noreturn]] void not_found(const std::string& kind, const std::string& name);

// Returns the object ID of the application `app_id` (State::object_id_of), or "".
std::string caller_object_id(const State& state, const std::string& app_id);

// Returns the ARM body of the vault named `name` (lower case), or nullptr.
const Json* vault_resource(const State& state, const std::string& name);

// Appends one AzureDiagnostics row for this request: the caller's app and object IDs,
// its address, the URI, `operation` and `status`.
void audit(State& state, const LabRequest& request, const std::string& operation, int status);

// Returns scheme://host:port the request was sent to: the base of every object ID.
std::string base_of(const State& state, const LabRequest& request);

// Returns the page of `items` the request's $skiptoken and maxresults ask for, with nextLink.
LabResponse data_page(const State& state, const LabRequest& request,
                      const std::vector<Json>& items);

// Returns the lab's clock as Unix seconds (Key Vault's attribute times).
long long now_unix(const State& state);

// Returns a new 32-hex-digit object version, deterministic per lab.
std::string new_version(State& state, std::string_view kind);

// Applies {attributes: {enabled, exp, nbf}, tags} of an update body to an object.
void update_attributes(const State& state, Json& attributes, Json& tags, const Json& body);

// Adds the keys routes: list, versions, get, update attributes, rotate (keyvault_keys.cpp).
void add_key_routes(Router& router, State& state);
// Adds the certificates routes: list, versions, get, policy, update attributes, create
// and its pending operation (keyvault_certificates.cpp).
void add_certificate_routes(Router& router, State& state);

// Returns the version of `name` in `versions` (the current one when `version` is ""), or
// throws <kind>NotFound.
Json& require_object_version(std::map<std::string, std::vector<Json>>& objects,
                             const std::string& kind, const std::string& name,
                             const std::string& version);

// Returns `object` (one stored version) as Key Vault lists it: the lab's own members
// (name, version, keyId) left out, `id_key` ("kid" or "id") set to base/collection/name
// and the version when `with_version`.
Json object_item(const Json& object, const std::string& base, const std::string& collection,
                 const std::string& id_key, bool with_version);

} // namespace dftriage::lab::keyvault
