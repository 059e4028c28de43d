#pragma once

// The lab tenant's state: configuration, ARM resources, tokens, logs and the data
// planes. Plain data guarded by Tenant's mutex; handlers get it by reference.

#include "dftriage/lab/lab.hpp"
#include "router.hpp"
#include "util.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dftriage::lab {

// What `lab serve --deny` took away from the lab's principal, by kind (rbac.cpp).
struct Denials
{
  std::vector<std::string>
      rbac; // action or data action patterns ("Microsoft.KeyVault/vaults/write")
  std::vector<std::pair<std::string, std::string>> access_policy; // {"secrets", "list"}
  std::vector<std::string> graph;                                 // "User.ReadWrite.All"

  bool empty() const { return rbac.empty() && access_policy.empty() && graph.empty(); }
};

struct LabConfig
{
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;
  // The object ID of the lab's own application's service principal: the `oid` of the
  // tokens it gets; "" until the Tenant derives one from client_id.
  std::string object_id;
  // Restricted mode (--role, --deny): the lab's principal may do only what its role
  // assignments, access policies and Graph roles allow (rbac.hpp). With `base_rights`
  // (--deny without --role) it starts from every right rather than from none.
  bool restricted = false;
  bool base_rights = false;
  Denials denied;
  std::string subscription_id;
  std::string scheme = "http"; // "https" with --https
  int port = 0;                // the served port, for absolute URLs
  std::size_t page_size = 2;   // ARM and Key Vault lists that grow
  int token_lifetime_s = 3600; // expires_in of issued tokens
  int retry_after_s = 1;       // Retry-After of 202s and LRO polls
  int lro_polls = 1;           // polls that see InProgress before Succeeded
  std::function<Clock::time_point()> clock = [] { return Clock::now(); };
  // ARM's throttling (throttle.hpp): each subscription's read budget (none: ARM's hourly
  // defaults, counted down, never enforced) and the clock its buckets refill by.
  ReadBudget read_budget;
  SteadyClock throttle_clock; // empty: std::chrono::steady_clock::now

  // Returns scheme://127.0.0.1:port (no trailing '/').
  std::string base_url() const;
  // Returns scheme://host:port: the origin `request` was sent to.
  std::string origin(const LabRequest& request) const;
};

struct TokenInfo
{
  std::string client_id;
  std::string object_id;              // the token's oid claim
  std::vector<std::string> roles;     // its roles claim (Graph application permissions)
  std::vector<std::string> audiences; // "arm", "graph", "keyvault", "loganalytics"
  Clock::time_point expires;
};

// One long-running operation, polled through Azure-AsyncOperation and Location.
struct Operation
{
  int polls_left = 0;
  Json result; // the Location's final body; null: 200 without body
  std::string started;
  Json error; // {code, message} when the operation ends Failed; null: it succeeds
  // Whether a poll has answered the end (Succeeded, Failed or the result): until then a
  // client that saw InProgress still sees it running, whatever polls_left says.
  bool ended = false;
};

struct SecretVersion
{
  std::string version;
  std::string value;
  std::string content_type;
  Json attributes; // enabled, created, updated, recoveryLevel, recoverableDays
  Json tags = Json::object();
};

struct DeletedSecret
{
  std::vector<SecretVersion> versions;
  std::string deleted_date;
};

// One vault's data plane.
struct VaultData
{
  std::map<std::string, std::vector<SecretVersion>>
      secrets; // key: lower-case name; versions oldest first
  std::map<std::string, DeletedSecret> deleted_secrets;
  // Keys and certificates, key: lower-case name; versions oldest first, the last the
  // current one: {name, version, attributes, tags, managed (keys), x5t and keyId (certificates)}.
  std::map<std::string, std::vector<Json>> keys;
  std::map<std::string, std::vector<Json>> certificates;
  std::map<std::string, Json> certificate_policies; // key: lower-case name; CertificatePolicy
  std::map<std::string, Json>
      certificate_operations; // key: lower-case name; the last CertificateOperation
};

// --- Compute and automation (arm_compute.cpp, arm_network.cpp, arm_automation.cpp) ---

// What the lab knows of a VM beyond its ARM resource: what ran on it. Never holds a
// password: VMAccess resets keep the user name and time only.
struct VmRuntime
{
  std::string os = "Windows";          // "Windows" or "Linux"
  std::string power_state = "running"; // PowerState/<this> in the instance view
  std::string run_command_operation;   // the operation of the run command in flight, "" none
  std::vector<Json> run_commands;      // {commandId, script, time, reported}, oldest first
  std::vector<Json> password_resets;   // {username, extension, time}, oldest first
  int reimages = 0;
  std::string last_reimage; // ISO 8601, "" never
  int restarts = 0;
  std::string last_restart; // ISO 8601, "" never
  // What a scenario says this VM prints, by kind of script ("processes", "connections",
  // "logons", "persistence", "software", "scan"), instead of the lab's intrusion story.
  Json outputs = Json::object();
};
// --- end compute and automation ---

struct State
{
  LabConfig config;
  std::map<std::string, Json>
      resources; // key: lower-case ARM ID (subscriptions and groups included)
  // When put_resource first stored each resource and last changed it (ISO 8601): what
  // a resources list with $expand=createdTime,changedTime shows. Key as `resources`.
  std::map<std::string, std::pair<std::string, std::string>> resource_times;
  std::map<std::string, TokenInfo> tokens;
  std::vector<Json> activity_log; // EventData, in the order seeded (listed newest first)
  // False when a scenario said "alertSeeding": "alert-only": an alert seeded after it
  // adds itself and its caller, not the incident around it (the attacker's access,
  // foothold and persistence), for scenarios that state the whole story themselves.
  bool seed_incident = true;
  std::map<std::string, Operation> operations;
  std::map<std::string, VaultData> vaults;   // key: lower-case vault name
  std::map<std::string, Json> users;         // key: lower-case object ID; Graph user
  std::map<std::string, Json> deleted_users; // Graph's deleted items (restorable)
  std::map<std::string, Json> service_principals;
  std::vector<Json> directory_role_assignments; // Graph unifiedRoleAssignment
  std::vector<Json>
      diagnostics; // audit rows, oldest first: AzureDiagnostics, or AZKVAuditLogs when Type says so
  std::map<std::string, std::string>
      workspaces; // workspace customer ID -> vault names it logs ("" any)
  // --- compute and automation ---
  std::map<std::string, VmRuntime> vms; // key: lower-case VM ID
  std::map<std::string, std::string>
      runbook_contents; // key: lower-case runbook ID; published script
  // --- end compute and automation ---
  // --- identity and persistence (graph_credentials.cpp, arm_authorization.cpp, arm_automation.cpp)
  // ---
  std::map<std::string, Json> groups;       // key: lower-case object ID; Graph group
  std::map<std::string, Json> applications; // key: lower-case object ID; Graph application
  std::map<std::string, std::vector<Json>>
      auth_methods;                          // key: lower-case user ID; absent: the default set
  std::vector<Json> role_eligibilities;      // ARM roleEligibilityScheduleInstance, any scope
  std::map<std::string, Json> webhooks;      // key: lower-case webhook ID (not ARM-listed)
  std::map<std::string, Json> job_schedules; // key: lower-case job schedule ID
  // --- end identity and persistence ---
  std::uint64_t sequence = 0; // makes lab-made names unique and deterministic

  // Returns the current time as ISO 8601.
  std::string now_iso() const;
  // Returns a deterministic GUID for the next lab-made object.
  std::string next_guid(std::string_view kind);
  // Returns the principalType ARM gives the object `id`: "ServicePrincipal" (the lab's own
  // principal too) or "Group" when the directory holds it as one, else "User".
  std::string principal_type(const std::string& id) const;
  // Returns the object ID of the application `app_id` signs in as: config.object_id for
  // the lab's own, a seeded service principal's `id`, or "" when the lab knows none.
  std::string object_id_of(const std::string& app_id) const;
};

} // namespace dftriage::lab
