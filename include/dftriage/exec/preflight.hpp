#pragma once

// The permission preflight: before step 1, what the signed-in principal may do of what a
// plan asks for. Azure RBAC through ARM's permissions API (one call per scope), a Key
// Vault's data plane through its access policies or, for an RBAC vault, data actions, and
// Microsoft Graph through the application permissions or scopes its token carries.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/credentials.hpp"
#include "dftriage/azure/permissions.hpp"
#include "dftriage/engine/plan.hpp"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::exec {

// granted: the principal holds it; missing: it does not (the request would be refused);
// unknown: it cannot be told (the permissions API refused, a vault unreadable, a token
// without claims), which is said, never guessed.
enum class Grant { granted, missing, unknown };
std::string_view to_string(Grant grant);

// One permission one step needs at one scope, and whether the principal holds it.
struct PermissionCheck
{
  std::string step;    // the step's ID
  std::string action;  // the catalogue action
  bool change = false; // the request changes something (its step asks for confirmation)
  // False when the step's requests are not built yet (its branch depends on answers): its
  // action's own permission is checked at the alert's resource instead.
  bool resolved = true;
  std::string audience;   // "arm", "keyvault", "graph", "loganalytics"
  std::string permission; // an RBAC operation, or a Graph permission
  std::string scope;      // the ARM scope checked; a vault's ID for its access policies; "graph"
  std::string via;        // "rbac", "rbac-data", "access-policy", "graph-token"
  Grant grant = Grant::unknown;
  std::string note; // why unknown, or how it was decided
  // What would grant it, narrowest first: built-in role names, "access policy: secrets
  // list", or Graph permissions.
  std::vector<std::string> remedies;

  nlohmann::ordered_json to_json() const;
};

// Who the preflight was run for, from the ARM token's claims (empty when it is not a JWT).
struct PreflightPrincipal
{
  std::string object_id;
  std::string app_id;
  std::string upn;
  std::string tenant_id;
  std::string description; // the credential that answered ("client secret (environment)")
};

// The preflight of one plan.
struct PreflightResult
{
  std::string alert_id;
  std::string playbook;
  PreflightPrincipal principal;
  std::vector<PermissionCheck> checks; // in step order, then request order

  // The steps whose changes will be asked about (resolved) and need a permission that is
  // missing, in walk order.
  std::vector<std::string> not_permitted_steps() const;
  // True when some resolved step needs a permission that is missing (a change or a read).
  bool any_missing() const;
  std::size_t count(Grant grant) const;
  // {alertId, playbook, principal, summary {granted, missing, unknown, notPermitted}, checks}.
  nlohmann::ordered_json to_json() const;
};

// Checks plans against what Azure says the principal holds. Sends only reads (the
// permissions API, a vault's properties) and asks the credential for tokens; what it
// learns per scope, vault and audience is kept for the next plan.
class Preflight
{
public:
  // `client`, `credential` and `cloud` must outlive the preflight.
  Preflight(azure::Client& client, azure::TokenCredential& credential, const azure::Cloud& cloud);

  // Returns the checks of every step of `plan` that has an action. Throws Interrupted on
  // Ctrl-C; an Azure or network failure of one read makes its checks unknown, with why.
  PreflightResult check(const engine::Plan& plan);

private:
  struct Scope
  {
    std::optional<std::vector<azure::Permission>> held; // nullopt: could not be read
    std::string failure;                                // why not
  };
  struct Vault
  {
    bool readable = false;
    bool rbac = false;
    nlohmann::json policies = nlohmann::json::array(); // the vault's accessPolicies
    std::string failure;
  };

  const Scope& scope(const std::string& origin, const std::string& scope_path);
  const Vault& vault(const std::string& vault_id);
  const azure::TokenClaims& claims(const std::string& audience);
  void decide(PermissionCheck& check, const std::string& origin, const std::string& url,
              const std::string& method, const std::string& vault_id);

  azure::Client& m_client;
  azure::TokenCredential& m_credential;
  const azure::Cloud& m_cloud;
  std::map<std::string, Scope> m_scopes;
  std::map<std::string, Vault> m_vaults;
  std::map<std::string, azure::TokenClaims> m_claims;
  std::map<std::string, std::string> m_claim_failures;
};

// Returns the ARM scope the permissions API is asked at for a request to `path` (an ARM
// path, without origin and query): the top-level resource in a resource group, else the
// resource group, else the subscription; "" when the path is under no subscription.
// Subscription-level provider paths (Microsoft.Security/locations/...) give the group or
// subscription.
std::string permission_scope(std::string_view path);

} // namespace dftriage::exec

namespace dftriage::journal {
class CaseFolder;
}

namespace dftriage::exec {

class CaseState;

// What `undo` would send, as a plan the preflight can check: one planned step per change of
// `state` not yet undone (only `step_id` when given), newest first, its requests the
// action's revert built from the pre-image the case recorded. Changes whose pre-image is
// missing or cannot be read are left out (undo itself reports them).
struct UndoPlan
{
  std::vector<std::unique_ptr<playbook::Step>> steps; // what plan.steps point to
  engine::Plan plan;
};
UndoPlan undo_plan(const CaseState& state, const journal::CaseFolder& folder,
                   const azure::Cloud& cloud, const std::string& step_id);

} // namespace dftriage::exec
