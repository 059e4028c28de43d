// Draws the facts of synthetic alerts: type, times, IDs, addresses, principals and the
// plan-specific extendedProperties.

#include "gen_model.hpp"

#include "gen_random.hpp"

#include <cstdio>
#include <ctime>

namespace dftriage::bench {

namespace {

constexpr std::int64_t k_epoch_2024 = 1704067200; // 2024-01-01T00:00:00Z
constexpr std::uint64_t k_subscription_pool = 97;
constexpr std::uint64_t k_pool_stream = 0x5ec0de5ULL; // Rng stream index for the pools

struct Place
{
  std::string code;
  std::string country;
  std::string state;
  std::string city;
};

const std::vector<Place> k_places = {
    {"US", "United States", "Virginia", "Ashburn"},
    {"US", "United States", "California", "San Jose"},
    {"DE", "Germany", "Hesse", "Frankfurt am Main"},
    {"NL", "Netherlands", "North Holland", "Amsterdam"},
    {"RO", "Romania", "Bucuresti", "Bucharest"},
    {"SG", "Singapore", "Central Singapore", "Singapore"},
    {"BR", "Brazil", "Sao Paulo", "Sao Paulo"},
    {"FR", "France", "Ile-de-France", "Paris"},
};
const std::vector<std::string> k_locations = {"centralus",   "eastus",        "westeurope",
                                              "northeurope", "southeastasia", "uksouth"};
const std::vector<std::string> k_words = {"payments", "crm",      "billing", "hr",  "analytics",
                                          "web",      "identity", "backup",  "etl", "shared"};
const std::vector<std::string> k_statuses = {"Active",     "Active",   "Active",   "Active",
                                             "InProgress", "Resolved", "Dismissed"};
const std::vector<std::string> k_clients = {
    "FxVersion/4.8.4515.0 OSName/Windows OSVersion/Microsoft.Windows.10.0.20348 "
    "Microsoft.Azure.KeyVault.KeyVaultClient/3.0.5.1",
    "azsdk-python-keyvault-secrets/4.7.0 Python/3.11.4 "
    "(Linux-5.15.0-1041-azure-x86_64-with-glibc2.35)",
    "azsdk-net-Security.KeyVault.Secrets/4.5.0 (.NET 6.0.21; Microsoft Windows 10.0.17763)",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
};
const std::vector<std::string> k_reasons = {
    "The user(objid) does not usually access this vault",
    "The user(objid) does not usually come from this IP",
    "The application(appid) does not usually access this vault",
    "The application(appid) does not usually perform a credential list operation followed by a "
    "get operation",
    "This vault does not usually have this operation",
    "This vault had more operations than usual",
    "This vault is not usually accessed from this IP",
    "The number of users(objid) who accessed this vault is more than usual",
};
const std::vector<std::string> k_signatures = {"OK", "Unauthorized", "Forbidden",
                                               "Not Found, Unauthorized"};
const std::vector<std::string> k_tlds = {"xyz", "top", "info", "ru", "onion.ws", "biz"};
const std::vector<std::string> k_arm_operations = {
    "Microsoft.Storage/storageAccounts/listKeys/action",
    "Microsoft.KeyVault/vaults/read",
    "Microsoft.Compute/virtualMachines/runCommand/action",
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
    "Microsoft.Automation/automationAccounts/runbooks/read",
};

// Formats `seconds` since the epoch as ISO 8601 UTC with a 7-digit fraction.
std::string iso_time(std::int64_t seconds, std::uint64_t fraction)
{
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%07uZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(fraction % 10000000));
  return buffer;
}

// Formats `seconds` since the epoch the way Key Vault alerts do: MM/dd/yyyy HH:mm:ss.
std::string us_time(std::int64_t seconds)
{
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%02d/%02d/%04d %02d:%02d:%02d", tm.tm_mon + 1, tm.tm_mday,
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

// Returns "[Op:n, Op:n, ...]", the bracketed counter text Key Vault alerts carry.
std::string operation_counts(Rng& rng, const std::vector<std::string>& operations,
                             std::uint64_t scale)
{
  std::string out = "[";
  for (const auto& operation : operations) {
    out += (out.size() > 1 ? ", " : "") + operation + ":" + std::to_string(rng.between(1, scale));
  }
  return out + "]";
}

// Fills the Key Vault extendedProperties.
void add_key_vault(Rng& rng, std::int64_t start, std::int64_t end, SyntheticAlert& alert)
{
  std::string reasons = "[";
  const std::uint64_t count = rng.between(2, 6);
  for (std::uint64_t i = 0; i < count; ++i) {
    reasons += (i > 0 ? ", " : "") + rng.pick(k_reasons);
  }
  reasons += "]";
  std::string secret = rng.pick(k_words);
  secret += "-" + rng.hex(6);
  alert.extended = {
      {"resourceType", "Key Vault"},
      {"end Time UTC", us_time(end)},
      {"all vault operations in last 24 hours",
       operation_counts(rng, {"Authentication", "SecretGet", "SecretList", "VaultGet"}, 90000)},
      {"suspicious Operations", operation_counts(rng, {"SecretGet", "SecretList"}, 40)},
      {"attacker IP Address", alert.attacker_ip},
      {"attacker Object ID", alert.object_id},
      {"result Signature", rng.pick(k_signatures)},
      {"start Time UTC", us_time(start)},
      {"application ID", rng.guid()},
      {"client Information", rng.pick(k_clients)},
      {"alert Reasons", reasons},
      {"target", "https://" + alert.resource_name + ".vault.azure.net/secrets/" + secret},
  };
}

// Fills the DNS extendedProperties.
void add_dns(Rng& rng, SyntheticAlert& alert)
{
  alert.extended = {
      {"domainName", alert.domain_name},
      {"answers", rng.public_ipv4()},
      {"resourceType", "AzureDNS"},
      {"killChainIntent", alert.intent},
  };
}

// Fills the Resource Manager extendedProperties.
void add_resource_manager(Rng& rng, SyntheticAlert& alert)
{
  const auto dot = alert.kind->type.find('.');
  const std::string toolkit_key = dot == std::string::npos ? "operations" : "toolkit modules";
  std::string modules;
  if (dot != std::string::npos) {
    modules = "Get-" + alert.kind->type.substr(dot + 1);
  } else {
    for (std::uint64_t i = 0, n = rng.between(2, 4); i < n; ++i) {
      modules += (i > 0 ? ", " : "") + rng.pick(k_arm_operations);
    }
  }
  alert.extended = {
      {toolkit_key, modules},
      {"principalOid", alert.object_id},
      {"ip address", alert.attacker_ip},
      {"username", alert.user_principal},
      {"resourceType", "ARM"},
      {"killChainIntent", alert.intent},
  };
}

// Returns `pinned` when it is set, else `drawn`.
std::string either(const std::string& pinned, std::string drawn)
{
  if (!pinned.empty()) {
    return pinned;
  }
  return drawn;
}

// Sets the attacked resource, its group and the compromised entity.
void place_resource(Rng& rng, const AlertPins& pins, SyntheticAlert& alert)
{
  const std::string& word = rng.pick(k_words);
  const std::string prefix = "/SUBSCRIPTIONS/" + alert.subscription;
  switch (alert.kind->family) {
  case Family::key_vault:
    alert.resource_group = either(pins.resource_group, "rg-" + word + "-" + rng.pick(k_locations));
    alert.resource_name = either(pins.resource_name, "kv-" + word + "-" + rng.hex(4));
    alert.resource_id = prefix + "/RESOURCEGROUPS/" + alert.resource_group +
                        "/providers/microsoft.keyvault/vaults/" + alert.resource_name;
    alert.compromised_entity = alert.resource_name;
    break;
  case Family::dns: {
    alert.resource_group = either(pins.resource_group, "rg-" + word + "-" + rng.pick(k_locations));
    alert.resource_name = either(pins.resource_name, "vm-" + word + "-" + rng.decimal(2));
    alert.resource_id = prefix + "/RESOURCEGROUPS/" + alert.resource_group +
                        "/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/" + alert.resource_name;
    alert.compromised_entity = alert.resource_name;
    alert.host_name = alert.resource_name;
    std::string domain = rng.hex(rng.between(6, 14));
    domain += "." + rng.pick(k_tlds);
    alert.domain_name = either(pins.domain_name, std::move(domain));
    break;
  }
  case Family::resource_manager:
    alert.resource_id = prefix; // subscription-level alert: no resource group
    alert.resource_name = alert.subscription;
    alert.compromised_entity = alert.subscription;
    break;
  }
}

} // namespace

SyntheticAlert make_alert(std::uint64_t seed, std::uint64_t index, const AlertPins& pins)
{
  Rng rng(seed, index);
  SyntheticAlert alert;
  alert.kind = &rng.pick(alert_kinds());
  alert.kind = pins.kind != nullptr ? pins.kind : alert.kind;
  alert.simulated = rng.chance(15);
  alert.simulated = pins.simulated.value_or(alert.simulated);
  const AlertKind& kind = *alert.kind;

  alert.alert_type = (alert.simulated ? "SIMULATED_" : "") + kind.type;
  alert.display_name = (alert.simulated ? "[SAMPLE ALERT] " : "") + kind.display_name;
  alert.description = (alert.simulated ? "THIS IS A SAMPLE ALERT: " : "") +
                      rng.pick(family_descriptions(kind.family));
  alert.severity = kind.severity;
  alert.status = either(pins.status, rng.pick(k_statuses));
  alert.intent = kind.intent;
  alert.component = family_component(kind.family);
  alert.remediation = family_remediation(kind.family);

  const std::int64_t drawn_start =
      k_epoch_2024 + static_cast<std::int64_t>(index * 17 + rng.below(3600));
  const std::int64_t start = pins.start.value_or(drawn_start);
  const std::int64_t drawn_duration = static_cast<std::int64_t>(rng.below(7200));
  const std::int64_t end = start + pins.duration.value_or(drawn_duration);
  alert.start_time = iso_time(start, rng.next());
  alert.end_time = iso_time(end, rng.next());
  const std::int64_t processed = end + static_cast<std::int64_t>(rng.between(5, 90));
  alert.processing_time = iso_time(processed, rng.next());
  const std::int64_t generated = processed + static_cast<std::int64_t>(rng.between(1, 30));
  alert.generated_time = iso_time(generated, rng.next());

  // Subscriptions and the tenant come from small per-seed pools, as in a real estate.
  Rng pool(seed, k_pool_stream + rng.below(k_subscription_pool));
  alert.subscription = either(pins.subscription, pool.guid());
  alert.tenant = Rng(seed, k_pool_stream - 1).guid();
  alert.location = rng.pick(k_locations);
  alert.system_alert_id = "25" + rng.decimal(17);
  alert.system_alert_id += "_" + rng.guid();
  place_resource(rng, pins, alert);

  const Place& place = rng.pick(k_places);
  alert.attacker_ip = either(pins.attacker_ip, rng.public_ipv4());
  alert.country_code = place.code;
  alert.country_name = place.country;
  alert.state = place.state;
  alert.city = place.city;
  alert.object_id = either(pins.object_id, rng.guid());
  if (rng.chance(70)) {
    // One draw per statement: the operands of `+` are evaluated in no fixed order.
    alert.user_principal = rng.pick(k_words);
    alert.user_principal += "." + rng.hex(5);
    alert.user_principal += "@contoso" + rng.decimal(2) + ".com";
  }
  alert.user_principal = pins.user_principal.value_or(alert.user_principal);
  alert.entity_base = rng.between(10, 900);

  const std::string group_path = "/resourceGroups/" + alert.resource_group;
  const bool grouped = !alert.resource_group.empty();
  alert.arm_id = "/subscriptions/" + alert.subscription + (grouped ? group_path : "") +
                 "/providers/Microsoft.Security/locations/" + alert.location + "/alerts/" +
                 alert.system_alert_id;
  alert.alert_uri = "https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/"
                    "AlertBlade/alertId/" +
                    alert.system_alert_id + "/subscriptionId/" + alert.subscription +
                    (grouped ? "/resourceGroup/" + alert.resource_group : "") +
                    "/referencedFrom/alertDeepLink/location/" + alert.location;

  switch (kind.family) {
  case Family::key_vault:
    add_key_vault(rng, start, end, alert);
    break;
  case Family::dns:
    add_dns(rng, alert);
    break;
  case Family::resource_manager:
    add_resource_manager(rng, alert);
    break;
  }
  return alert;
}

} // namespace dftriage::bench
