#include "dftriage/alert/alert.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::alert {

namespace {

constexpr std::string_view k_shape_names[] = {"arm", "azcli", "export", "sentinel", "graph", "arg"};

nlohmann::ordered_json optional_string(const std::string& s)
{
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

} // namespace

std::string_view to_string(Shape shape)
{
  return k_shape_names[static_cast<int>(shape)];
}

std::optional<Shape> shape_from_string(std::string_view name)
{
  for (std::size_t i = 0; i < std::size(k_shape_names); ++i) {
    if (text::iequals(name, k_shape_names[i])) {
      return static_cast<Shape>(i);
    }
  }
  return std::nullopt;
}

std::vector<std::string> shape_names()
{
  return {std::begin(k_shape_names), std::end(k_shape_names)};
}

std::string_view to_string(Family family)
{
  switch (family) {
  case Family::keyvault:
    return "keyvault";
  case Family::dns:
    return "dns";
  case Family::resourcemanager:
    return "resource-manager";
  case Family::other:
    break;
  }
  return "other";
}

std::string_view to_string(Severity severity)
{
  switch (severity) {
  case Severity::high:
    return "High";
  case Severity::medium:
    return "Medium";
  case Severity::low:
    return "Low";
  case Severity::informational:
    return "Informational";
  case Severity::unknown:
    break;
  }
  return "Unknown";
}

nlohmann::ordered_json to_json(const Alert& alert)
{
  using json = nlohmann::ordered_json;
  json ips = json::array();
  for (const auto& ip : alert.entities.ips) {
    ips.push_back(json{{"address", ip.address}, {"valid", ip.valid}});
  }
  json accounts = json::array();
  for (const auto& account : alert.entities.accounts) {
    accounts.push_back(json{{"upn", optional_string(account.upn)},
                            {"objectId", optional_string(account.object_id)},
                            {"appId", optional_string(account.app_id)},
                            {"name", optional_string(account.name)}});
  }
  json hosts = json::array();
  for (const auto& host : alert.entities.hosts) {
    hosts.push_back(json{{"name", optional_string(host.name)},
                         {"resourceId", optional_string(host.resource_id)}});
  }
  json out;
  out["id"] = alert.id;
  out["alertType"] = alert.alert_type;
  out["baseAlertType"] = alert.base_alert_type;
  out["simulated"] = alert.simulated;
  out["displayName"] = alert.display_name;
  out["description"] = alert.description;
  out["severity"] = to_string(alert.severity);
  out["status"] = optional_string(alert.status);
  out["startTime"] = optional_string(alert.start_time);
  out["endTime"] = optional_string(alert.end_time);
  out["family"] = to_string(alert.family);
  out["resourceId"] = optional_string(alert.resource_id);
  out["subscriptionId"] = optional_string(alert.subscription_id);
  out["resourceGroup"] = optional_string(alert.resource_group);
  out["compromisedEntity"] = optional_string(alert.compromised_entity);
  out["intent"] = optional_string(alert.intent);
  out["productComponent"] = optional_string(alert.product_component);
  out["entities"] = json{{"ips", std::move(ips)},
                         {"accounts", std::move(accounts)},
                         {"hosts", std::move(hosts)},
                         {"resources", alert.entities.resources},
                         {"domains", alert.entities.domains}};
  out["extendedProperties"] = alert.extended_properties;
  out["remediationSteps"] = alert.remediation_steps;
  out["alertUri"] = optional_string(alert.alert_uri);
  out["alertResourceId"] = optional_string(alert.alert_resource_id);
  out["alertLocation"] = optional_string(alert.alert_location);
  out["warnings"] = alert.warnings;
  out["source"] = json{{"file", alert.source.file},
                       {"index", alert.source.index},
                       {"document", alert.source.document},
                       {"line", alert.source.line},
                       {"shape", to_string(alert.source.shape)}};
  return out;
}

} // namespace dftriage::alert
