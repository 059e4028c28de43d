// Validation and normalisation shared by every shape: from RawAlert to Alert.

#include "dftriage/alert/resource_id.hpp"
#include "dftriage/util/ip.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "normalise.hpp"

#include <algorithm>
#include <deque>

namespace dftriage::alert::detail {

namespace {

constexpr std::string_view k_simulated_prefix = "SIMULATED_";
constexpr std::size_t k_remembered_ids = 32;

// The resource IDs of one alert, each parsed once: exports repeat the attacked
// resource's ID in several places.
class ParsedIds
{
public:
  // Returns `id` parsed, or nullptr when it is not a resource ID. The result lives as
  // long as this object.
  const ResourceId* parse(std::string_view id)
  {
    const std::size_t searched = std::min(m_ids.size(), k_remembered_ids);
    for (std::size_t i = 0; i < searched; ++i) {
      if (m_ids[i].first == id) {
        return m_ids[i].second ? &*m_ids[i].second : nullptr;
      }
    }
    m_ids.emplace_back(std::string(id), parse_resource_id(id));
    return m_ids.back().second ? &*m_ids.back().second : nullptr;
  }

private:
  std::deque<std::pair<std::string, std::optional<ResourceId>>> m_ids; // stable references
};

Severity parse_severity(const std::string& raw, std::vector<std::string>& warnings)
{
  static const std::pair<std::string_view, Severity> names[] = {
      {"High", Severity::high},
      {"Medium", Severity::medium},
      {"Low", Severity::low},
      {"Informational", Severity::informational},
      {"Information", Severity::informational},
  };
  for (const auto& [name, severity] : names) {
    if (same_key(raw, name)) {
      return severity;
    }
  }
  warnings.push_back(raw.empty() ? std::string("no severity given")
                                 : "severity " + text::quote(raw) +
                                       " is not one of High, Medium, Low, Informational");
  return Severity::unknown;
}

// Maps the status spellings of the shapes onto the Microsoft.Security 2022-01-01 enum.
std::string normalise_status(const std::string& raw)
{
  static const std::pair<std::string_view, std::string_view> names[] = {
      {"Active", "Active"},         {"New", "Active"},        {"newAlert", "Active"},
      {"InProgress", "InProgress"}, {"Resolved", "Resolved"}, {"Dismissed", "Dismissed"},
  };
  for (const auto& [name, status] : names) {
    if (same_key(raw, name)) {
      return std::string(status);
    }
  }
  return raw;
}

std::string normalise_time(const std::string& raw, std::string_view field,
                           std::vector<std::string>& warnings)
{
  if (raw.empty()) {
    return {};
  }
  if (auto t = time::normalise_utc(text::trim(raw))) {
    return *t;
  }
  warnings.push_back(std::string(field) + " " + text::quote(raw) +
                     " is not an ISO-8601 time; dropped");
  return {};
}

template <typename T, typename Same>
void dedupe(std::vector<T>& items, Same same)
{
  std::vector<T> kept;
  for (auto& item : items) {
    if (std::none_of(kept.begin(), kept.end(), [&](const T& k) { return same(k, item); })) {
      kept.push_back(std::move(item));
    }
  }
  items = std::move(kept);
}

bool same_nonempty(const std::string& a, const std::string& b)
{
  return !a.empty() && same_key(a, b);
}

void merge_accounts(std::vector<AccountEntity>& accounts)
{
  std::vector<AccountEntity> kept;
  for (auto& account : accounts) {
    auto match = std::find_if(kept.begin(), kept.end(), [&](const AccountEntity& k) {
      return same_nonempty(k.object_id, account.object_id) || same_nonempty(k.upn, account.upn) ||
             (k.object_id.empty() && k.upn.empty() && same_nonempty(k.name, account.name));
    });
    if (match == kept.end()) {
      kept.push_back(std::move(account));
      continue;
    }
    for (auto [field, other] : {std::pair{&match->upn, &account.upn},
                                {&match->object_id, &account.object_id},
                                {&match->app_id, &account.app_id},
                                {&match->name, &account.name}}) {
      if (field->empty()) {
        *field = std::move(*other);
      }
    }
  }
  accounts = std::move(kept);
}

// Canonical form of a resource ID, or "" (with a warning) when it is not one.
std::string canonical_id(ParsedIds& ids, const std::string& raw, std::vector<std::string>& warnings)
{
  if (raw.empty()) {
    return {};
  }
  if (const ResourceId* id = ids.parse(text::trim(raw))) {
    return id->canonical;
  }
  warnings.push_back("resource ID " + text::quote(raw) +
                     " is not a valid Azure resource ID; ignored");
  return {};
}

void finish_entities(ParsedIds& ids, Entities& e, std::vector<std::string>& warnings)
{
  for (auto& ip : e.ips) {
    ip.address = std::string(text::trim(ip.address));
    ip.valid = ip::is_valid(ip.address);
  }
  dedupe(e.ips,
         [](const IpEntity& a, const IpEntity& b) { return same_key(a.address, b.address); });
  for (const auto& ip : e.ips) {
    if (!ip.valid) {
      warnings.push_back("IP address " + text::quote(ip.address) +
                         " is not a valid IPv4 or IPv6 address");
    }
  }
  merge_accounts(e.accounts);
  for (auto& host : e.hosts) {
    host.resource_id = canonical_id(ids, host.resource_id, warnings);
  }
  dedupe(e.hosts, [](const HostEntity& a, const HostEntity& b) {
    return same_key(a.name, b.name) && same_key(a.resource_id, b.resource_id);
  });
  std::vector<std::string> resources;
  for (const auto& id : e.resources) {
    std::string canonical = canonical_id(ids, id, warnings);
    if (!canonical.empty()) {
      resources.push_back(std::move(canonical));
    }
  }
  e.resources = std::move(resources);
  dedupe(e.resources, [](const std::string& a, const std::string& b) { return same_key(a, b); });
  for (auto& domain : e.domains) {
    domain = std::string(text::trim(domain));
  }
  dedupe(e.domains, [](const std::string& a, const std::string& b) { return same_key(a, b); });
}

// The Defender location of the alert: from its ARM ID
// (…/providers/Microsoft.Security/locations/{loc}/alerts/{name}) or its portal link
// (…/location/{loc}).
std::string alert_location(const ResourceId* alert_id, std::string_view uri)
{
  if (alert_id && same_key(alert_id->provider, "Microsoft.Security") &&
      alert_id->types.size() == 2 && same_key(alert_id->types[0], "locations")) {
    return alert_id->names[0];
  }
  const std::string_view marker = "/location/";
  const std::size_t at = uri.rfind(marker);
  if (at == std::string_view::npos) {
    return {};
  }
  std::string_view loc = uri.substr(at + marker.size());
  loc = loc.substr(0, loc.find_first_of("/?#"));
  const bool plain = !loc.empty() && std::all_of(loc.begin(), loc.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
  return plain ? std::string(loc) : std::string();
}

std::size_t lower_case_letters(std::string_view s)
{
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
}

// Exports repeat the attacked resource's ID in several places, some upper-cased
// (/SUBSCRIPTIONS/…/RESOURCEGROUPS/SAMPLE-RG); IDs compare case-insensitively, so
// show the spelling that kept its case.
const ResourceId* best_spelling(ParsedIds& ids, const ResourceId* chosen,
                                const std::vector<std::string>& candidates,
                                const Entities& entities)
{
  const ResourceId* best = chosen;
  std::size_t best_lower = lower_case_letters(best->canonical);
  auto consider = [&](std::string_view spelling) {
    if (same_key(spelling, best->canonical) && lower_case_letters(spelling) > best_lower) {
      if (const ResourceId* parsed = ids.parse(spelling)) {
        best = parsed;
        best_lower = lower_case_letters(best->canonical);
      }
    }
  };
  for (const auto& candidate : candidates) {
    consider(text::trim(candidate));
  }
  for (const auto& resource : entities.resources) {
    consider(resource);
  }
  for (const auto& host : entities.hosts) {
    consider(host.resource_id);
  }
  return best;
}

// Exports without the alert's ARM ID still say where it lives: its subscription, its
// location and resource group in the portal link, and its name. Status changes need it.
std::string derived_alert_id(const Alert& a)
{
  if (a.subscription_id.empty() || a.alert_location.empty() || a.id.empty()) {
    return {};
  }
  std::string group = a.resource_group;
  const std::string_view marker = "/resourceGroup/";
  if (const std::size_t at = a.alert_uri.find(marker); at != std::string::npos) {
    const std::size_t start = at + marker.size();
    group = a.alert_uri.substr(start, a.alert_uri.find('/', start) - start);
  }
  const std::string id =
      "/subscriptions/" + a.subscription_id + (group.empty() ? "" : "/resourceGroups/" + group) +
      "/providers/Microsoft.Security/locations/" + a.alert_location + "/alerts/" + a.id;
  const auto parsed = parse_resource_id(id);
  return parsed ? parsed->canonical : std::string();
}

} // namespace

void finish(RawAlert&& raw, Alert& out)
{
  ParsedIds ids;
  auto& warnings = raw.warnings;
  out.alert_type = std::string(text::trim(raw.alert_type));
  out.simulated = text::istarts_with(out.alert_type, k_simulated_prefix);
  out.base_alert_type =
      out.simulated ? out.alert_type.substr(k_simulated_prefix.size()) : out.alert_type;
  out.id = std::move(raw.id);
  out.original_id = std::move(raw.original_id);
  if (out.id.empty()) {
    warnings.emplace_back("no systemAlertId or name: the alert has no ID");
  }
  out.display_name = std::move(raw.display_name);
  out.description = std::move(raw.description);
  out.severity = parse_severity(raw.severity, warnings);
  out.status = normalise_status(raw.status);
  out.start_time = normalise_time(raw.start_time, "start time", warnings);
  out.end_time = normalise_time(raw.end_time, "end time", warnings);
  out.compromised_entity = std::move(raw.compromised_entity);
  out.intent = std::move(raw.intent);
  out.product_component = std::move(raw.product_component);
  out.alert_uri = std::move(raw.alert_uri);
  out.extended_properties = std::move(raw.extended_properties);
  out.remediation_steps = std::move(raw.remediation_steps);

  entities_from_extended_properties(out.extended_properties, raw.entities);
  finish_entities(ids, raw.entities, warnings);
  out.entities = std::move(raw.entities);

  // The attacked resource: the first candidate that is a valid resource ID, then the
  // resources and hosts among the entities.
  const ResourceId* resource = nullptr;
  for (const auto& candidate : raw.resource_ids) {
    if (candidate.empty()) {
      continue;
    }
    resource = ids.parse(text::trim(candidate));
    if (resource) {
      break;
    }
    warnings.push_back("resource ID " + text::quote(candidate) +
                       " is not a valid Azure resource ID; ignored");
  }
  if (!resource && !out.entities.resources.empty()) {
    resource = ids.parse(out.entities.resources.front());
  }
  if (!resource) {
    for (const auto& host : out.entities.hosts) {
      if (!host.resource_id.empty()) {
        resource = ids.parse(host.resource_id);
        break;
      }
    }
  }

  if (resource) {
    resource = best_spelling(ids, resource, raw.resource_ids, out.entities);
  }

  const ResourceId* alert_id = ids.parse(raw.alert_resource_id);
  if (alert_id) {
    out.alert_resource_id = alert_id->canonical;
  }
  out.alert_location = alert_location(alert_id, out.alert_uri);

  if (resource) {
    out.resource_id = resource->canonical;
    out.subscription_id = resource->subscription_id;
    out.resource_group = resource->resource_group;
  } else if (!raw.subscription_hint.empty()) {
    out.subscription_id = std::string(text::trim(raw.subscription_hint));
  } else if (alert_id) {
    out.subscription_id = alert_id->subscription_id;
  }

  if (out.alert_resource_id.empty()) {
    out.alert_resource_id = derived_alert_id(out);
  }

  std::string component = out.product_component;
  if (component.empty()) {
    for (const auto& [key, value] : out.extended_properties.items()) {
      if (value.is_string() && folded_key_equals(key, "resourcetype")) {
        component = value.get<std::string>();
      }
    }
  }
  out.family = family_of(out.base_alert_type, component, resource ? resource->type() : "");
  out.warnings = std::move(warnings);
}

} // namespace dftriage::alert::detail
