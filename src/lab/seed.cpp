#include "seed.hpp"

#include "arm.hpp"
#include "dftriage/alert/reader.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "modules.hpp"
#include "resources.hpp"
#include "run_command.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

bool is_scenario(const Json& doc)
{
  return doc.is_object() && doc.contains("scenario");
}

// Returns `start` moved by `seconds`, as ISO 8601 ("" stays "").
void seed_secret(State& state, const std::string& vault, const std::string& name,
                 const std::string& when)
{
  auto& versions = state.vaults[lower(vault)].secrets[lower(name)];
  Clock::time_point t;
  const long long unix_time = parse_iso_time(when, t) ? Clock::to_time_t(t) : 1767225600;
  // A 32-hex-digit version, like Key Vault's, distinct per version.
  std::string version = stable_guid(lower(vault) + "/" + lower(name) + "/" + when);
  version.erase(std::remove(version.begin(), version.end(), '-'), version.end());
  versions.push_back(SecretVersion{version, "lab-value-of-" + name, "text/plain",
                                   Json{{"enabled", true},
                                        {"created", unix_time},
                                        {"updated", unix_time},
                                        {"recoveryLevel", "Recoverable+Purgeable"},
                                        {"recoverableDays", 90}},
                                   Json::object()});
}

void seed_keyvault_incident(State& state, const alert::Alert& a, const alert::ResourceId& vault,
                            const std::string& attacker, const std::string& ip,
                            const std::string& location)
{
  Json resource =
      make_vault(state, vault.subscription_id, vault.resource_group, vault.name(), location);
  if (const Json* existing = find_resource(state, resource["id"])) {
    resource = *existing; // a scenario's vault: Azure always states its tenant, so fill it in
    auto& properties = resource["properties"];
    if (!properties.contains("tenantId")) {
      properties["tenantId"] = state.config.tenant_id;
    }
    for (auto& policy : properties["accessPolicies"]) {
      if (policy.is_object() && !policy.contains("tenantId")) {
        policy["tenantId"] = state.config.tenant_id;
      }
    }
  }
  // Each alert of one attack seeds the same attacker: one policy, as in the tenant.
  auto& policies = resource["properties"]["accessPolicies"];
  const bool listed = std::any_of(policies.begin(), policies.end(), [&](const Json& policy) {
    return policy.is_object() && policy.value("objectId", "") == attacker;
  });
  if (!listed) {
    policies.push_back(
        {{"tenantId", state.config.tenant_id},
         {"objectId", attacker},
         {"permissions",
          {{"keys", {"get", "list"}},
           {"secrets", {"get", "list", "set", "delete", "backup", "restore", "recover", "purge"}},
           {"certificates", {"get", "list"}}}}});
  }
  // Someone to contact: the owner tag the contact phase looks up.
  if (!resource["tags"].contains("owner")) {
    resource["tags"]["owner"] = "payments-platform@lab.localhost";
  }
  put_resource(state, resource);
  put_resource(state,
               make_role_assignment(
                   state, resource["id"], stable_guid(resource["id"].get<std::string>() + attacker),
                   "Key Vault Secrets Officer", attacker, state.principal_type(attacker)));
  std::string target = a.extended_properties.value("target", "");
  const auto slash = target.rfind("/secrets/");
  const std::string stolen = slash == std::string::npos ? "db-password" : target.substr(slash + 9);
  std::vector<std::string> names = {stolen, "storage-connection-string", "api-signing-key"};
  for (const auto& name : names) {
    seed_secret(state, vault.name(), name, shifted(a.start_time, -30 * 86400));
  }
  seed_secret(state, vault.name(), stolen, shifted(a.start_time, -7 * 86400)); // a second version
  // Keys, a certificate, a retired secret, and a directory role for the caller.
  {
    Clock::time_point t;
    seed_vault_objects(state, vault.name(),
                       parse_iso_time(shifted(a.start_time, -30 * 86400), t) ? Clock::to_time_t(t)
                                                                             : 1767225600);
    seed_directory_role(state, attacker, "Application Developer");
  }
  const std::string workspace = stable_guid("workspace/" + lower(vault.name()));
  state.workspaces[workspace] = lower(vault.name());
  int offset = 0;
  const auto log = [&](const std::string& operation, const std::string& uri) {
    state.diagnostics.push_back(Json{
        {"TimeGenerated", shifted(a.start_time, offset += 20)},
        {"Resource", vault.name()},
        {"ResourceProvider", "MICROSOFT.KEYVAULT"},
        {"OperationName", operation},
        {"CallerIPAddress", ip},
        {"identity_claim_oid_g", attacker},
        {"identity_claim_upn_s", a.entities.accounts.empty() ? "" : a.entities.accounts[0].upn},
        {"identity_claim_appid_g", a.extended_properties.value("application ID", "")},
        {"requestUri_s", uri},
        {"ResultSignature", "OK"},
        {"httpStatusCode_d", 200},
        {"clientInfo_s", a.extended_properties.value("client Information", "")}});
  };
  const std::string base = "https://" + lower(vault.name()) + ".vault.azure.net/secrets";
  log("SecretList", base + "?api-version=7.4");
  for (const auto& name : names) {
    std::string uri = base;
    uri.append("/").append(name).append("?api-version=7.4");
    log("SecretGet", uri);
  }
}

// Returns `id` (any case) in the case Azure stores it: "subscriptions", "resourceGroups"
// and "providers" spelled so, the subscription GUID in lower case. Defender's exports
// often shout (/SUBSCRIPTIONS/4C1A.../RESOURCEGROUPS/...); groups and names keep their
// case. `id` itself when it is no resource ID.
std::string stored_case(const std::string& id)
{
  const auto parsed = alert::parse_resource_id(id);
  if (!parsed) {
    return id;
  }
  std::string out = parsed->canonical;
  const std::size_t at = std::string("/subscriptions/").size();
  out.replace(at, parsed->subscription_id.size(), lower(parsed->subscription_id));
  return out;
}

// The entities of the lab's copy of the alert: every one the export named (hosts and DNS
// domains too, as Defender lists them), with the caller and its address first.
Json alert_entities(const alert::Alert& a, const std::string& ip, const std::string& caller)
{
  Json out = Json::array(
      {{{"type", "ip"}, {"address", ip}}, {{"type", "account"}, {"aadUserId", caller}}});
  for (std::size_t i = 1; i < a.entities.ips.size(); ++i) {
    out.push_back({{"type", "ip"}, {"address", a.entities.ips[i].address}});
  }
  for (std::size_t i = 1; i < a.entities.accounts.size(); ++i) {
    const auto& account = a.entities.accounts[i];
    Json entity{{"type", "account"}};
    if (!account.object_id.empty()) {
      entity["aadUserId"] = account.object_id;
    }
    const std::string name = account.upn.empty() ? account.name : account.upn;
    if (!name.empty()) {
      entity["name"] = name.substr(0, name.find('@'));
      if (name.find('@') != std::string::npos) {
        entity["upnSuffix"] = name.substr(name.find('@') + 1);
      }
    }
    out.push_back(std::move(entity));
  }
  for (const auto& host : a.entities.hosts) {
    Json entity{{"type", "host"}, {"hostName", host.name}};
    if (!host.resource_id.empty()) {
      entity["azureID"] = host.resource_id;
    }
    out.push_back(std::move(entity));
  }
  for (const auto& domain : a.entities.domains) {
    out.push_back({{"type", "dns"}, {"domainName", domain}});
  }
  for (const auto& resource : a.entities.resources) {
    out.push_back({{"type", "azure-resource"}, {"resourceId", resource}});
  }
  return out;
}

void seed_alert(State& state, const alert::Alert& exported)
{
  alert::Alert a = exported;
  a.subscription_id = lower(a.subscription_id);
  a.resource_id = stored_case(a.resource_id);
  a.alert_resource_id = stored_case(a.alert_resource_id);
  const std::string subscription =
      a.subscription_id.empty() ? state.config.subscription_id : a.subscription_id;
  const std::string group = a.resource_group.empty() ? "rg-lab" : a.resource_group;
  const std::string location = a.alert_location.empty() ? "westeurope" : a.alert_location;
  ensure_group(state, subscription, group, location);
  const std::string attacker =
      !a.entities.accounts.empty() && !a.entities.accounts[0].object_id.empty()
          ? a.entities.accounts[0].object_id
          : stable_guid("attacker/" + a.id);
  const std::string ip = a.entities.ips.empty() ? "203.0.113.66" : a.entities.ips[0].address;
  // A caller a scenario already holds as a service principal stays one (an application's
  // identity, named in the activity log by its app ID as Azure does); any other is a user.
  const auto app = state.service_principals.find(lower(attacker));
  std::string upn = !a.entities.accounts.empty() && !a.entities.accounts[0].upn.empty()
                        ? a.entities.accounts[0].upn
                        : "svc-" + attacker.substr(0, 8) + "@lab.localhost";
  if (app != state.service_principals.end()) {
    upn = app->second.value("appId", attacker);
  } else {
    state.users[lower(attacker)] =
        Json{{"id", attacker},
             {"displayName", upn.substr(0, upn.find('@'))},
             {"userPrincipalName", upn},
             {"mail", nullptr},
             {"accountEnabled", true},
             {"userType", "Member"},
             {"createdDateTime", shifted(a.start_time, -90 * 86400)},
             {"lastPasswordChangeDateTime", shifted(a.start_time, -3 * 86400)},
             {"onPremisesSyncEnabled", nullptr}};
  }
  std::string alert_id = a.alert_resource_id;
  if (alert_id.empty()) {
    alert_id = group_id(subscription, group) + "/providers/Microsoft.Security/locations/" +
               location + "/alerts/" + a.id;
  }
  Json properties{{"status", a.status.empty() ? "Active" : a.status},
                  {"alertType", a.alert_type},
                  {"systemAlertId", a.id},
                  {"alertDisplayName", a.display_name},
                  {"description", a.description},
                  {"severity", std::string(alert::to_string(a.severity))},
                  {"intent", a.intent},
                  {"startTimeUtc", a.start_time},
                  {"endTimeUtc", a.end_time},
                  {"timeGeneratedUtc", a.end_time},
                  {"compromisedEntity", a.compromised_entity},
                  {"productComponentName", a.product_component},
                  {"remediationSteps", a.remediation_steps},
                  {"extendedProperties", a.extended_properties},
                  {"alertUri", a.alert_uri},
                  {"resourceIdentifiers",
                   Json::array({{{"type", "AzureResource"}, {"azureResourceId", a.resource_id}}})},
                  {"entities", alert_entities(a, ip, attacker)}};
  if (!properties["severity"].get<std::string>().empty()) {
    auto& s = properties["severity"];
    std::string v = s.get<std::string>();
    v[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
    s = v;
  }
  const auto vault = alert::parse_resource_id(a.resource_id);
  if (!state.seed_incident) {
    const auto parsed = alert::parse_resource_id(alert_id);
    put_resource(state, Json{{"id", alert_id},
                             {"name", parsed ? parsed->name() : a.id},
                             {"type", "Microsoft.Security/Locations/alerts"},
                             {"properties", properties}});
    return;
  }
  if (vault && vault->type() == "microsoft.keyvault/vaults") {
    ensure_group(state, vault->subscription_id, vault->resource_group, location);
    seed_keyvault_incident(state, a, *vault, attacker, ip, location);
    properties["resourceIdentifiers"].push_back(
        {{"type", "LogAnalytics"},
         {"workspaceId", stable_guid("workspace/" + lower(vault->name()))}});
  }
  seed_compute_incident(state, a, attacker, upn,
                        ip); // VM, NIC, NSG; RM foothold (seed_compute.cpp)
  seed_identity_incident(state, a, attacker, upn,
                         ip); // RM persistence beyond it (seed_identity.cpp)
  const auto alert_parsed = alert::parse_resource_id(alert_id);
  put_resource(state, Json{{"id", alert_id},
                           {"name", alert_parsed ? alert_parsed->name() : a.id},
                           {"type", "Microsoft.Security/Locations/alerts"},
                           {"properties", properties}});
  if (!vault || vault->type() != "microsoft.keyvault/vaults") {
    return;
  }
  state.activity_log.push_back(
      Json{{"caller", upn},
           {"eventTimestamp", shifted(a.start_time, -3600)},
           {"submissionTimestamp", shifted(a.start_time, -3590)},
           {"subscriptionId", subscription},
           {"resourceGroupName", vault ? vault->resource_group : group},
           {"resourceId", a.resource_id},
           {"correlationId", stable_guid("event/" + a.id)},
           {"eventDataId", stable_guid("event-data/" + a.id)},
           {"level", "Informational"},
           {"operationName",
            {{"value", "Microsoft.KeyVault/vaults/accessPolicies/write"},
             {"localizedValue", "Update Access Policy"}}},
           {"status", {{"value", "Succeeded"}, {"localizedValue", "Succeeded"}}},
           {"httpRequest", {{"clientIpAddress", ip}, {"method", "PUT"}}},
           {"claims",
            {{"http://schemas.microsoft.com/identity/claims/objectidentifier", attacker},
             {"ipaddr", ip}}}});
}

// Returns doc[key] when it is an array (or object), else an empty one.
Json collection_at(const Json& doc, const char* key, bool object = false)
{
  const Json empty = object ? Json::object() : Json::array();
  return doc.contains(key) && doc[key].type() == empty.type() ? doc[key] : empty;
}

void apply_scenario(State& state, const Json& doc)
{
  const Json seeding = doc.contains("alertSeeding") ? doc["alertSeeding"] : Json("full");
  if (seeding == "alert-only") {
    state.seed_incident = false;
  } else if (seeding != "full") {
    throw InputError("a lab scenario's alertSeeding is \"full\" or \"alert-only\"");
  }
  const Json resources = collection_at(doc, "resources");
  const Json events = collection_at(doc, "activityLog");
  const Json users = collection_at(doc, "users");
  const Json principals = collection_at(doc, "servicePrincipals");
  const Json rows = collection_at(doc, "diagnostics");
  const Json secrets = collection_at(doc, "secrets");
  const Json workspaces = collection_at(doc, "workspaces", true);
  for (Json resource : resources) {
    // Lab-only: what a VM prints for each kind of run-command script. Kept beside the
    // resource, never served as part of it.
    Json outputs = Json::object();
    if (resource.is_object() && resource.contains("labRunCommand")) {
      outputs = resource["labRunCommand"];
      resource.erase("labRunCommand");
      const auto& kinds = run_command_kinds();
      const bool valid =
          outputs.is_object() &&
          std::all_of(outputs.items().begin(), outputs.items().end(), [&](const auto& item) {
            return item.value().is_string() &&
                   std::find(kinds.begin(), kinds.end(), item.key()) != kinds.end();
          });
      if (!valid) {
        throw InputError("a lab scenario's labRunCommand is an object of " + text::join(kinds) +
                         " to the text each prints");
      }
    }
    const auto id = alert::parse_resource_id(resource.value("id", ""));
    if (id && !id->resource_group.empty()) {
      ensure_group(state, id->subscription_id, id->resource_group,
                   resource.value("location", "westeurope"));
    } else if (id) {
      ensure_subscription(state, id->subscription_id);
    }
    put_resource(state, resource);
    adopt_compute_resource(state, resource);
    if (!outputs.empty()) {
      state.vms[lower(resource.value("id", ""))].outputs = outputs;
    }
  }
  for (const auto& event : events) {
    state.activity_log.push_back(event);
  }
  for (const auto& user : users) {
    state.users[lower(user.value("id", ""))] = user;
  }
  for (const auto& sp : principals) {
    state.service_principals[lower(sp.value("id", ""))] = sp;
  }
  for (const auto& row : rows) {
    state.diagnostics.push_back(row);
  }
  for (const auto& secret : secrets) {
    seed_secret(state, secret.value("vault", ""), secret.value("name", ""), state.now_iso());
    if (secret.contains("value")) {
      state.vaults[lower(secret.value("vault", ""))]
          .secrets[lower(secret.value("name", ""))]
          .back()
          .value = secret["value"].get<std::string>();
    }
  }
  for (const auto& [workspace, vault] : workspaces.items()) {
    state.workspaces[lower(workspace)] = lower(vault.get<std::string>());
  }
  apply_identity_scenario(state, doc);
}

} // namespace

std::string seed_subscription(std::string_view text, const std::string& source)
{
  const Json doc = Json::parse(text, nullptr, false);
  if (is_scenario(doc)) {
    return doc.value("subscriptionId", "");
  }
  for (const auto& a : alert::parse_alerts(text, source).alerts) {
    if (!a.subscription_id.empty()) {
      return lower(a.subscription_id); // as Azure stores it, whatever case the export uses
    }
  }
  return {};
}

void apply_seed(State& state, std::string_view text, const std::string& source)
{
  const Json doc = Json::parse(text, nullptr, false);
  if (is_scenario(doc)) {
    apply_scenario(state, doc);
    return;
  }
  const auto parsed = alert::parse_alerts(text, source);
  if (parsed.alerts.empty()) {
    throw InputError(
        source + ": neither a lab scenario nor an alert export" +
        (parsed.diagnostics.empty() ? std::string() : " (" + parsed.diagnostics[0].message + ")"));
  }
  for (const auto& a : parsed.alerts) {
    seed_alert(state, a);
  }
}

void seed_defaults(State& state)
{
  ensure_group(state, state.config.subscription_id, "rg-lab", "westeurope");
}

} // namespace dftriage::lab
