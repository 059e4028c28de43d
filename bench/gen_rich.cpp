// The rich single-shape input of the ingest benchmark (see gen_rich.hpp).

#include "gen_rich.hpp"

#include "gen_random.hpp"

#include <string>

namespace dftriage::bench {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::uint64_t k_rich_stream = 0x51c40000ULL; // Rng seed offset for the extras
constexpr std::size_t k_max_property = 32;             // longer extended properties are left out

const char* const k_processes[] = {"powershell.exe", "python3", "az", "curl", "pwsh"};
const char* const k_apps[] = {"Azure CLI", "Azure PowerShell", "Microsoft Graph PowerShell",
                              "Azure Portal", "Visual Studio Code"};

// Returns the six entities, linked by `$ref` as Defender links them.
Json make_rich_entities(const SyntheticAlert& alert, Rng& rng)
{
  const std::string host = alert.host_name.empty() ? "vm-" + rng.hex(6) : alert.host_name;
  Json entities = Json::array();
  entities.push_back(Json{
      {"$id", entity_id(alert, 0)}, {"resourceId", alert.resource_id}, {"type", "azure-resource"}});
  Json account = Json{{"$id", entity_id(alert, 1)}, {"aadUserId", alert.object_id}};
  if (const auto at = alert.user_principal.find('@'); at != std::string::npos) {
    account["name"] = alert.user_principal.substr(0, at);
    account["upnSuffix"] = alert.user_principal.substr(at + 1);
  }
  account["type"] = "account";
  entities.push_back(std::move(account));
  entities.push_back(Json{{"$id", entity_id(alert, 2)},
                          {"address", alert.attacker_ip},
                          {"location", Json{{"countryCode", alert.country_code},
                                            {"city", alert.city},
                                            {"asn", rng.between(1000, 65000)}}},
                          {"type", "ip"}});
  entities.push_back(Json{{"$id", entity_id(alert, 3)}, {"hostName", host}, {"type", "host"}});
  entities.push_back(Json{{"$id", entity_id(alert, 4)},
                          {"appId", rng.between(1000, 99999)},
                          {"name", k_apps[rng.below(5)]},
                          {"type", "cloud-application"}});
  entities.push_back(Json{{"$id", entity_id(alert, 5)},
                          {"processId", std::to_string(rng.between(100, 65000))},
                          {"commandLine", k_processes[rng.below(5)]},
                          {"host", Json{{"$ref", entity_id(alert, 3)}}},
                          {"account", Json{{"$ref", entity_id(alert, 1)}}},
                          {"type", "process"}});
  return entities;
}

// Returns the alert's extended properties without the long ones.
Json make_rich_extended(const SyntheticAlert& alert)
{
  Json extended = Json::object();
  for (const auto& [name, value] : alert.extended) {
    if (value.size() <= k_max_property) {
      extended[name] = value;
    }
  }
  return extended;
}

} // namespace

Json render_rich_arm(const SyntheticAlert& alert, std::uint64_t seed, std::uint64_t index)
{
  Rng rng(seed + k_rich_stream, index);
  Json properties = Json::object();
  properties["status"] = alert.status;
  properties["productComponentName"] = alert.component;
  properties["alertType"] = alert.alert_type;
  properties["startTimeUtc"] = alert.start_time;
  properties["endTimeUtc"] = alert.end_time;
  properties["severity"] = alert.severity;
  properties["systemAlertId"] = alert.system_alert_id;
  properties["intent"] = alert.intent;
  properties["resourceIdentifiers"] = Json::array({Json{{"$id", entity_id(alert, 90)},
                                                        {"azureResourceId", alert.resource_id},
                                                        {"type", "AzureResource"}}});
  properties["compromisedEntity"] = alert.compromised_entity;
  properties["alertDisplayName"] = alert.display_name;
  properties["description"] = alert.display_name + ".";
  properties["remediationSteps"] = Json::array();
  properties["extendedProperties"] = make_rich_extended(alert);
  properties["entities"] = make_rich_entities(alert, rng);
  return Json{{"id", alert.arm_id},
              {"name", alert.system_alert_id},
              {"type", "Microsoft.Security/Locations/alerts"},
              {"properties", std::move(properties)}};
}

} // namespace dftriage::bench
