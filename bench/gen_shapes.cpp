// The five shapes: REST resource (arm), az CLI output (azcli), continuous export
// (export), SecurityAlert row (sentinel) and legacy Microsoft Graph alert (graph).

#include "gen_shapes.hpp"

#include "gen_random.hpp"

namespace dftriage::bench {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::uint64_t k_shape_stream = 0x5a4e0000ULL; // Rng seed offset for shape draws

// Returns `key` with its first letter upper-cased when `pascal` is set.
std::string cased(std::string key, bool pascal)
{
  if (pascal && !key.empty() && key[0] >= 'a' && key[0] <= 'z') {
    key[0] = static_cast<char>(key[0] - 'a' + 'A');
  }
  return key;
}

// Returns the entities array, camelCase for REST shapes or PascalCase for exports.
Json make_entities(const SyntheticAlert& alert, bool pascal)
{
  const auto key = [pascal](const char* name) { return cased(name, pascal); };
  Json location = Json::object();
  location[key("countryCode")] = alert.country_code;
  location[key("countryName")] = alert.country_name;
  location[key("state")] = alert.state;
  location[key("city")] = alert.city;
  Json ip = Json::object();
  ip["$id"] = entity_id(alert, 2);
  ip[key("address")] = alert.attacker_ip;
  ip[key("location")] = location;
  ip[key("type")] = "ip";

  Json entities = Json::array();
  if (alert.kind->family == Family::dns) {
    entities.push_back(Json{{"$id", entity_id(alert, 1)},
                            {key("hostName"), alert.host_name},
                            {key("azureID"), alert.resource_id},
                            {key("type"), "host"},
                            {key("containerId"), nullptr}});
    entities.push_back(ip);
    entities.push_back(Json{{"$id", entity_id(alert, 3)},
                            {key("domainName"), alert.domain_name},
                            {key("ipAdresses"), Json::array({Json{{"$ref", entity_id(alert, 2)}}})},
                            {key("hostIpAddress"), Json{{"$ref", entity_id(alert, 2)}}},
                            {key("type"), "dns"}});
    return entities;
  }
  entities.push_back(Json{{"$id", entity_id(alert, 0)},
                          {key("resourceId"), alert.resource_id},
                          {key("type"), "azure-resource"}});
  Json account = Json{{"$id", entity_id(alert, 1)}, {key("aadUserId"), alert.object_id}};
  if (const auto at = alert.user_principal.find('@'); at != std::string::npos) {
    account[key("name")] = alert.user_principal.substr(0, at);
    account[key("upnSuffix")] = alert.user_principal.substr(at + 1);
  }
  account[key("isValid")] = !alert.user_principal.empty();
  account[key("type")] = "account";
  entities.push_back(account);
  entities.push_back(ip);
  return entities;
}

// Returns extendedProperties; exports capitalise the keys and add the Effective* ones.
Json make_extended(const SyntheticAlert& alert, bool pascal)
{
  Json extended = Json::object();
  for (const auto& [name, value] : alert.extended) {
    extended[cased(name, pascal)] = value;
  }
  if (pascal) {
    extended["EffectiveAzureResourceId"] = alert.resource_id;
    extended["CompromisedEntity"] = alert.compromised_entity;
    extended["ProductComponentName"] = alert.component;
    extended["EffectiveSubscriptionId"] = alert.subscription;
  }
  return extended;
}

// Returns the REST `properties` bag (also the flattened body of the azcli shape).
Json make_properties(const SyntheticAlert& alert)
{
  Json properties = Json::object();
  properties["status"] = alert.status;
  properties["timeGeneratedUtc"] = alert.generated_time;
  properties["processingEndTimeUtc"] = alert.processing_time;
  properties["version"] = "2022-01-01.0";
  properties["vendorName"] = "Microsoft";
  properties["productName"] = "Microsoft Defender for Cloud";
  properties["productComponentName"] = alert.component;
  properties["alertType"] = alert.alert_type;
  properties["startTimeUtc"] = alert.start_time;
  properties["endTimeUtc"] = alert.end_time;
  properties["severity"] = alert.severity;
  properties["isIncident"] = false;
  properties["systemAlertId"] = alert.system_alert_id;
  properties["intent"] = alert.intent;
  properties["resourceIdentifiers"] = Json::array({Json{{"$id", entity_id(alert, 90)},
                                                        {"azureResourceId", alert.resource_id},
                                                        {"type", "AzureResource"},
                                                        {"azureResourceTenantId", alert.tenant}}});
  properties["compromisedEntity"] = alert.compromised_entity;
  properties["alertDisplayName"] = alert.display_name;
  properties["description"] = alert.description;
  properties["remediationSteps"] = alert.remediation;
  properties["extendedProperties"] = make_extended(alert, false);
  properties["entities"] = make_entities(alert, false);
  properties["alertUri"] = alert.alert_uri;
  return properties;
}

// Returns the REST resource: {id, name, type, properties}.
Json render_arm(const SyntheticAlert& alert)
{
  return Json{{"id", alert.arm_id},
              {"name", alert.system_alert_id},
              {"type", "Microsoft.Security/Locations/alerts"},
              {"properties", make_properties(alert)}};
}

// Returns the az CLI form: the same resource with its properties flattened.
Json render_azcli(const SyntheticAlert& alert)
{
  Json out = Json{{"id", alert.arm_id},
                  {"name", alert.system_alert_id},
                  {"type", "Microsoft.Security/Locations/alerts"}};
  Json properties = make_properties(alert);
  for (auto it = properties.begin(); it != properties.end(); ++it) {
    out[it.key()] = std::move(it.value());
  }
  return out;
}

// Returns the status as continuous export and SecurityAlert spell it.
std::string pipeline_status(const std::string& status)
{
  return status == "Active" || status == "InProgress" ? "New" : status;
}

// Returns the continuous-export / workflow-automation event (PascalCase).
Json render_export(const SyntheticAlert& alert)
{
  Json out = Json::object();
  out["VendorName"] = "Microsoft";
  out["AlertType"] = alert.alert_type;
  out["ProductName"] = "Microsoft Defender for Cloud";
  out["StartTimeUtc"] = alert.start_time;
  out["EndTimeUtc"] = alert.end_time;
  out["TimeGenerated"] = alert.generated_time;
  out["ProcessingEndTime"] = alert.processing_time;
  out["Severity"] = alert.severity;
  out["Status"] = pipeline_status(alert.status);
  out["ProviderAlertStatus"] = nullptr;
  out["IsIncident"] = false;
  out["SystemAlertId"] = alert.system_alert_id;
  out["Intent"] = alert.intent;
  out["AzureResourceId"] = alert.resource_id;
  out["CompromisedEntity"] = alert.compromised_entity;
  out["AlertDisplayName"] = alert.display_name;
  out["Description"] = alert.description;
  out["Entities"] = make_entities(alert, true);
  out["ExtendedLinks"] = nullptr;
  out["RemediationSteps"] = alert.remediation;
  out["ExtendedProperties"] = make_extended(alert, true);
  out["ResourceIdentifiers"] = Json::array({Json{{"$id", "2"},
                                                 {"AzureResourceId", alert.resource_id},
                                                 {"Type", "AzureResource"},
                                                 {"AzureResourceTenantId", alert.tenant}}});
  out["AlertUri"] = alert.alert_uri;
  return out;
}

// Returns a Log Analytics SecurityAlert row as an object; nested values are strings.
Json render_sentinel(const SyntheticAlert& alert)
{
  Json out = Json::object();
  out["TenantId"] = alert.tenant;
  out["TimeGenerated"] = alert.generated_time;
  out["DisplayName"] = alert.display_name;
  out["AlertName"] = alert.display_name;
  out["AlertSeverity"] = alert.severity;
  out["Description"] = alert.description;
  out["ProviderName"] = "Azure Security Center";
  out["VendorName"] = "Microsoft";
  out["VendorOriginalId"] = alert.system_alert_id;
  out["SystemAlertId"] = alert.system_alert_id.substr(alert.system_alert_id.find('_') + 1);
  out["ResourceId"] = alert.resource_id;
  out["AlertType"] = alert.alert_type;
  out["IsIncident"] = false;
  out["StartTime"] = alert.start_time;
  out["EndTime"] = alert.end_time;
  out["ProcessingEndTime"] = alert.processing_time;
  out["RemediationSteps"] = Json(alert.remediation).dump();
  out["ExtendedProperties"] = make_extended(alert, true).dump();
  out["Entities"] = make_entities(alert, true).dump();
  out["SourceSystem"] = "Detection";
  out["WorkspaceSubscriptionId"] = alert.subscription;
  out["WorkspaceResourceGroup"] = "rg-sentinel-workspace";
  out["ExtendedLinks"] = "";
  out["ProductName"] = "Azure Security Center";
  out["ProductComponentName"] = alert.component;
  out["AlertLink"] = alert.alert_uri;
  out["Status"] = pipeline_status(alert.status);
  out["CompromisedEntity"] = alert.compromised_entity;
  out["Tactics"] = alert.intent;
  out["Type"] = "SecurityAlert";
  return out;
}

// Returns the status as the legacy Graph alert spells it.
std::string graph_status(const std::string& status)
{
  if (status == "Active") {
    return "newAlert";
  }
  return status == "InProgress" ? "inProgress" : "resolved";
}

// Returns the legacy Microsoft Graph security alert (vendorInformation.provider ASC).
Json render_graph(const SyntheticAlert& alert)
{
  std::string severity = alert.severity;
  severity[0] = static_cast<char>(severity[0] - 'A' + 'a');
  const Json custom = Json::array({make_extended(alert, false).dump(), Json(alert.intent).dump()});
  Json users = Json::array();
  if (!alert.user_principal.empty()) {
    users.push_back(
        Json{{"aadUserId", alert.object_id},
             {"accountName", alert.user_principal.substr(0, alert.user_principal.find('@'))},
             {"userPrincipalName", alert.user_principal},
             {"logonIp", alert.attacker_ip}});
  }
  Json out = Json::object();
  out["CustomProperties"] = custom.dump();
  out["azureSubscriptionId"] = alert.subscription;
  out["azureTenantId"] = alert.tenant;
  out["category"] = alert.alert_type;
  out["createdDateTime"] = alert.generated_time;
  out["description"] = alert.description;
  out["eventDateTime"] = alert.start_time;
  out["id"] = alert.system_alert_id;
  out["lastEventDateTime"] = alert.end_time;
  out["lastModifiedDateTime"] = alert.processing_time;
  out["networkConnections"] = Json::array({Json{
      {"destinationDomain", alert.domain_name.empty() ? Json(nullptr) : Json(alert.domain_name)},
      {"sourceAddress", alert.attacker_ip},
      {"sourceLocation", alert.city + ", " + alert.state + ", " + alert.country_code}}});
  out["recommendedActions"] = alert.remediation;
  out["securityResources"] =
      Json::array({Json{{"resource", alert.resource_id}, {"resourceType", "attacked"}}});
  out["severity"] = severity;
  out["sourceMaterials"] = Json::array({alert.alert_uri});
  out["status"] = graph_status(alert.status);
  out["title"] = alert.display_name;
  out["userStates"] = users;
  out["vendorInformation"] = Json{{"provider", "ASC"},
                                  {"providerVersion", nullptr},
                                  {"subProvider", alert.component},
                                  {"vendor", "Microsoft"}};
  return out;
}

} // namespace

OutputShape choose_shape(std::uint64_t seed, std::uint64_t index)
{
  const std::uint64_t draw = Rng(seed + k_shape_stream, index).below(100);
  if (draw < 40) {
    return OutputShape::arm;
  }
  if (draw < 55) {
    return OutputShape::azcli;
  }
  if (draw < 75) {
    return OutputShape::export_;
  }
  return draw < 88 ? OutputShape::sentinel : OutputShape::graph;
}

std::string_view shape_name(OutputShape shape)
{
  switch (shape) {
  case OutputShape::arm:
    return "arm";
  case OutputShape::azcli:
    return "azcli";
  case OutputShape::export_:
    return "export";
  case OutputShape::sentinel:
    return "sentinel";
  case OutputShape::graph:
    break;
  }
  return "graph";
}

nlohmann::ordered_json render_alert(const SyntheticAlert& alert, OutputShape shape)
{
  switch (shape) {
  case OutputShape::arm:
    return render_arm(alert);
  case OutputShape::azcli:
    return render_azcli(alert);
  case OutputShape::export_:
    return render_export(alert);
  case OutputShape::sentinel:
    return render_sentinel(alert);
  case OutputShape::graph:
    break;
  }
  return render_graph(alert);
}

} // namespace dftriage::bench
