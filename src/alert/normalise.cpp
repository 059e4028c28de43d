#include "normalise.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::alert::detail {

namespace {

using json = nlohmann::ordered_json;

// Returns the first non-empty text among the members `keys` of `obj`.
std::string first_text(object obj, std::initializer_list<std::string_view> keys)
{
  for (const auto key : keys) {
    std::string value = text_ci(obj, key);
    if (!value.empty()) {
      return value;
    }
  }
  return {};
}

// Returns `e`, or the JSON inside it when `e` is a string holding JSON.
std::optional<element> decoded(element e, NestedParsers& nested)
{
  if (!e.is_string()) {
    return e;
  }
  const std::string_view s = text::trim(as_string(e));
  if (s.empty() || (s.front() != '{' && s.front() != '[')) {
    return std::nullopt;
  }
  return nested.parse(s);
}

void add_remediation_text(std::string_view s, std::vector<std::string>& out)
{
  for (auto& line : text::split_lines(s)) {
    out.emplace_back(text::trim(line));
  }
}

void read_remediation(element e, NestedParsers& nested, std::vector<std::string>& out)
{
  if (e.is_string()) {
    const std::string_view s = as_string(e);
    if (const auto inner = decoded(e, nested); inner && inner->is_array()) {
      read_remediation(*inner, nested, out);
      return;
    }
    add_remediation_text(s, out);
    return;
  }
  if (e.is_array()) {
    for (const auto item : as_array(e)) {
      if (item.is_string()) {
        // One element may hold several numbered lines; keep it as one step.
        const std::string_view s = text::trim(as_string(item));
        if (!s.empty()) {
          out.emplace_back(s);
        }
      }
    }
  }
}

void read_extended_properties(std::optional<element> e, NestedParsers& nested, RawAlert& out)
{
  if (!e) {
    return;
  }
  if (const auto inner = decoded(*e, nested); inner && inner->is_object()) {
    out.extended_properties = to_nlohmann(*inner);
  } else if (!e->is_null()) {
    out.warnings.emplace_back("extendedProperties is not a JSON object; ignored");
  }
}

// resourceIdentifiers[]{type=AzureResource}.azureResourceId (any key casing).
void read_resource_identifiers(object fields, RawAlert& out)
{
  const auto identifiers = get_ci(fields, "resourceIdentifiers");
  if (!identifiers || !identifiers->is_array()) {
    return;
  }
  for (const auto item : as_array(*identifiers)) {
    if (!item.is_object()) {
      continue;
    }
    const auto obj = as_object(item);
    if (text::iequals(text_ci(obj, "type"), "AzureResource")) {
      std::string id = text_ci(obj, "azureResourceId");
      if (!id.empty()) {
        out.resource_ids.push_back(std::move(id));
      }
    }
  }
}

// An ARM-style alert (arm, azcli, arg, export, sentinel): the same facts under keys
// that differ in case and, for a few, in name.
bool read_asc(Shape shape, object envelope, object fields, NestedParsers& nested, RawAlert& out)
{
  out.alert_type = text_ci(fields, "alertType");
  if (out.alert_type.empty() && shape == Shape::arm) {
    out.alert_type = text_ci(fields, "alertName"); // 2015-06-01-preview
  }
  if (out.alert_type.empty()) {
    return false;
  }
  if (shape == Shape::sentinel) {
    out.display_name = first_text(fields, {"DisplayName", "AlertName"});
    out.severity = text_ci(fields, "AlertSeverity");
    out.start_time = first_text(fields, {"StartTime", "StartTimeUtc"});
    out.end_time = first_text(fields, {"EndTime", "EndTimeUtc"});
    out.alert_uri = text_ci(fields, "AlertLink");
    out.intent = text_ci(fields, "Tactics");
  } else {
    out.display_name = text_ci(fields, "alertDisplayName");
    out.severity = first_text(fields, {"severity", "reportedSeverity"});
    out.start_time = first_text(fields, {"startTimeUtc", "detectedTimeUtc", "startTime"});
    out.end_time = first_text(fields, {"endTimeUtc", "endTime"});
    out.alert_uri = text_ci(fields, "alertUri");
    out.intent = text_ci(fields, "intent");
  }
  out.description = text_ci(fields, "description");
  out.status = first_text(fields, {"status", "state"});
  out.compromised_entity = text_ci(fields, "compromisedEntity");
  out.product_component = text_ci(fields, "productComponentName");

  out.id = text_ci(fields, "systemAlertId");
  if (shape != Shape::export_ && shape != Shape::sentinel) {
    if (out.id.empty()) {
      out.id = text_ci(envelope, "name");
    }
    out.alert_resource_id = text_ci(envelope, "id");
  }

  // The attacked resource, most direct statement first.
  for (const auto key : {"AzureResourceId", "ResourceId", "associatedResource"}) {
    std::string id = text_ci(fields, key);
    if (!id.empty()) {
      out.resource_ids.push_back(std::move(id));
    }
  }
  read_resource_identifiers(fields, out);

  read_extended_properties(get_ci(fields, "extendedProperties"), nested, out);
  if (const auto it = out.extended_properties.find("EffectiveAzureResourceId");
      it != out.extended_properties.end() && it->is_string()) {
    out.resource_ids.push_back(it->get<std::string>());
  }
  out.subscription_hint = first_text(fields, {"subscriptionId", "AzureResourceSubscriptionId"});
  if (out.subscription_hint.empty()) {
    out.subscription_hint = text_ci(envelope, "subscriptionId");
  }
  if (out.subscription_hint.empty()) {
    if (const auto it = out.extended_properties.find("EffectiveSubscriptionId");
        it != out.extended_properties.end() && it->is_string()) {
      out.subscription_hint = it->get<std::string>();
    }
  }

  if (const auto steps = get_ci(fields, "remediationSteps")) {
    read_remediation(*steps, nested, out.remediation_steps);
  }
  if (const auto entities = get_ci(fields, "entities")) {
    if (const auto list = decoded(*entities, nested)) {
      collect_entities(*list, out.entities);
    } else if (entities->is_string()) {
      out.warnings.emplace_back("entities is a string that is not JSON; ignored");
    }
  }
  return true;
}

} // namespace

bool read_graph(object obj, NestedParsers& nested, RawAlert& out);

bool read_raw(Shape shape, object obj, NestedParsers& nested, RawAlert& out)
{
  switch (shape) {
  case Shape::arm:
  case Shape::arg: {
    const auto properties = get_ci(obj, "properties");
    if (!properties || !properties->is_object()) {
      return false;
    }
    return read_asc(shape, obj, as_object(*properties), nested, out);
  }
  case Shape::azcli:
  case Shape::export_:
  case Shape::sentinel:
    return read_asc(shape, obj, obj, nested, out);
  case Shape::graph:
    return read_graph(obj, nested, out);
  }
  return false;
}

} // namespace dftriage::alert::detail
