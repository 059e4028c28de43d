// Microsoft Graph security alerts: the legacy `alert` resource (vendorInformation
// provider "ASC") and `alerts_v2` (serviceSource microsoftDefenderForCloud).

#include "dftriage/util/text.hpp"
#include "normalise.hpp"

namespace dftriage::alert::detail {

namespace {

std::optional<object> object_in(std::optional<element> e)
{
  if (!e || !e->is_object()) {
    return std::nullopt;
  }
  return as_object(*e);
}

template <typename F>
void for_each_object(std::optional<element> e, F&& f)
{
  if (!e || !e->is_array()) {
    return;
  }
  for (const auto item : as_array(*e)) {
    if (item.is_object()) {
      f(as_object(item));
    }
  }
}

void add_ip(std::string address, Entities& out)
{
  if (!address.empty()) {
    out.ips.push_back(IpEntity{std::move(address), false});
  }
}

// detectionSource values of alerts_v2 that name a Defender plan we have playbooks for.
std::string component_of_detection_source(std::string_view source)
{
  if (text::iequals(source, "microsoftDefenderForKeyVault")) {
    return "KeyVault";
  }
  if (text::iequals(source, "microsoftDefenderForDNS")) {
    return "DNS";
  }
  if (text::iequals(source, "microsoftDefenderForResourceManager")) {
    return "ARM";
  }
  return {};
}

// CustomProperties of the legacy alert: a string holding a JSON array whose first
// element is a string holding the extended properties object.
void read_custom_properties(const Members& obj, NestedParsers& nested, RawAlert& out)
{
  const auto custom = obj.get("CustomProperties");
  if (!custom || !custom->is_string()) {
    return;
  }
  const auto outer = nested.parse(as_string(*custom));
  if (!outer || !outer->is_array()) {
    out.warnings.emplace_back("CustomProperties is not valid JSON; extended properties lost");
    return;
  }
  for (const auto item : as_array(*outer)) {
    if (!item.is_string()) {
      continue;
    }
    const auto inner = nested.parse(as_string(item));
    if (inner && inner->is_object()) {
      out.extended_properties = to_nlohmann(*inner);
      return;
    }
  }
}

void read_legacy_evidence(const Members& obj, RawAlert& out)
{
  for_each_object(obj.get("securityResources"), [&](object resource) {
    std::string id = text_ci(resource, "resource");
    if (!id.empty() && id.front() == '/') {
      out.resource_ids.push_back(std::move(id));
    }
  });
  for_each_object(obj.get("networkConnections"), [&](object connection) {
    add_ip(text_ci(connection, "sourceAddress"), out.entities);
    std::string domain = text_ci(connection, "destinationDomain");
    if (!domain.empty()) {
      out.entities.domains.push_back(std::move(domain));
    }
  });
  for_each_object(obj.get("userStates"), [&](object user) {
    AccountEntity account;
    account.upn = text_ci(user, "userPrincipalName");
    account.object_id = text_ci(user, "aadUserId");
    account.name = text_ci(user, "accountName");
    if (!account.upn.empty() || !account.object_id.empty() || !account.name.empty()) {
      out.entities.accounts.push_back(std::move(account));
    }
    add_ip(text_ci(user, "logonIp"), out.entities);
  });
  for_each_object(obj.get("hostStates"), [&](object host) {
    std::string name = text_ci(host, "fqdn");
    if (name.empty()) {
      name = text_ci(host, "netBiosName");
    }
    if (!name.empty()) {
      out.entities.hosts.push_back(HostEntity{std::move(name), {}});
    }
    add_ip(text_ci(host, "publicIpAddress"), out.entities);
  });
}

void read_v2_evidence(const Members& obj, RawAlert& out)
{
  for_each_object(obj.get("evidence"), [&](object evidence) {
    const std::string type = text_ci(evidence, "@odata.type");
    if (text::iequals(type, "#microsoft.graph.security.ipEvidence")) {
      add_ip(text_ci(evidence, "ipAddress"), out.entities);
    } else if (text::iequals(type, "#microsoft.graph.security.userEvidence")) {
      if (const auto user = object_in(get_ci(evidence, "userAccount"))) {
        AccountEntity account;
        account.upn = text_ci(*user, "userPrincipalName");
        account.object_id = text_ci(*user, "azureAdUserId");
        account.name = text_ci(*user, "accountName");
        out.entities.accounts.push_back(std::move(account));
      }
    } else if (text::iequals(type, "#microsoft.graph.security.azureResourceEvidence")) {
      std::string id = text_ci(evidence, "resourceId");
      if (!id.empty()) {
        out.resource_ids.push_back(std::move(id));
      }
      if (out.compromised_entity.empty()) {
        out.compromised_entity = text_ci(evidence, "resourceName");
      }
    } else if (text::iequals(type, "#microsoft.graph.security.deviceEvidence")) {
      std::string name = text_ci(evidence, "deviceDnsName");
      if (!name.empty()) {
        out.entities.hosts.push_back(HostEntity{std::move(name), {}});
      }
    } else if (text::iequals(type, "#microsoft.graph.security.urlEvidence")) {
      // A URL's host is the domain the alert is about.
      const std::string url = text_ci(evidence, "url");
      const std::size_t scheme = url.find("://");
      if (scheme != std::string::npos) {
        const std::size_t start = scheme + 3;
        const std::size_t end = url.find_first_of("/:?#", start);
        out.entities.domains.push_back(url.substr(start, end - start));
      }
    }
  });
}

} // namespace

bool read_graph(object source, NestedParsers& nested, RawAlert& out)
{
  const Members obj(source);
  const bool legacy = obj.has("vendorInformation");
  // The legacy resource carries the Defender alert type as `category`; alerts_v2
  // carries it as `detectorId` (its `category` is the MITRE tactic).
  out.alert_type = obj.text(legacy ? "category" : "detectorId");
  if (out.alert_type.empty()) {
    return false;
  }
  out.id = legacy ? std::string() : obj.text("providerAlertId");
  if (out.id.empty()) {
    out.id = obj.text("id");
  }
  out.display_name = obj.text("title");
  out.description = obj.text("description");
  out.severity = obj.text("severity");
  out.status = obj.text("status");
  out.start_time = obj.text(legacy ? "eventDateTime" : "firstActivityDateTime");
  out.end_time = obj.text(legacy ? "lastEventDateTime" : "lastActivityDateTime");
  out.subscription_hint = obj.text("azureSubscriptionId");
  if (legacy) {
    if (const auto vendor = object_in(obj.get("vendorInformation"))) {
      out.product_component = text_ci(*vendor, "subProvider");
    }
    read_custom_properties(obj, nested, out);
    read_legacy_evidence(obj, out);
    for_each_object(obj.get("securityResources"), [&](object resource) {
      if (text::iequals(text_ci(resource, "resourceType"), "attacked") &&
          out.compromised_entity.empty()) {
        out.compromised_entity = text_ci(resource, "resource");
      }
    });
    if (const auto links = obj.get("sourceMaterials"); links && links->is_array()) {
      for (const auto link : as_array(*links)) {
        out.alert_uri = to_text(link);
        break;
      }
    }
  } else {
    out.product_component = component_of_detection_source(obj.text("detectionSource"));
    out.intent = obj.text("category");
    out.alert_uri = obj.text("alertWebUrl");
    read_v2_evidence(obj, out);
  }
  if (const auto actions = obj.get("recommendedActions")) {
    if (actions->is_array()) {
      for (const auto action : as_array(*actions)) {
        if (action.is_string()) {
          const std::string_view s = text::trim(as_string(action));
          if (!s.empty()) {
            out.remediation_steps.emplace_back(s);
          }
        }
      }
    } else if (actions->is_string()) {
      for (auto& line : text::split_lines(as_string(*actions))) {
        out.remediation_steps.emplace_back(text::trim(line));
      }
    }
  }
  return true;
}

} // namespace dftriage::alert::detail
