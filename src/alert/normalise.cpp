#include "normalise.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::alert::detail {

namespace {

using json = nlohmann::ordered_json;

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
void read_resource_identifiers(const Members& fields, RawAlert& out)
{
  const auto identifiers = fields.get("resourceIdentifiers");
  if (!identifiers || !identifiers->is_array()) {
    return;
  }
  for (const auto item : as_array(*identifiers)) {
    if (!item.is_object()) {
      continue;
    }
    const Members identifier(as_object(item));
    if (same_key(identifier.text("type"), "AzureResource")) {
      std::string id = identifier.text("azureResourceId");
      if (!id.empty()) {
        out.resource_ids.push_back(std::move(id));
      }
    }
  }
}

// An ARM-style alert (arm, azcli, arg, export, sentinel): the same facts under keys
// that differ in case and, for a few, in name.
bool read_asc(Shape shape, const Members& envelope, const Members& fields, NestedParsers& nested,
              RawAlert& out)
{
  out.alert_type = fields.text("alertType");
  if (out.alert_type.empty() && shape == Shape::arm) {
    out.alert_type = fields.text("alertName"); // 2015-06-01-preview
  }
  if (out.alert_type.empty()) {
    return false;
  }
  if (shape == Shape::sentinel) {
    out.display_name = fields.first_text({"DisplayName", "AlertName"});
    out.severity = fields.text("AlertSeverity");
    out.start_time = fields.first_text({"StartTime", "StartTimeUtc"});
    out.end_time = fields.first_text({"EndTime", "EndTimeUtc"});
    out.alert_uri = fields.text("AlertLink");
    out.intent = fields.text("Tactics");
  } else {
    out.display_name = fields.text("alertDisplayName");
    out.severity = fields.first_text({"severity", "reportedSeverity"});
    out.start_time = fields.first_text({"startTimeUtc", "detectedTimeUtc", "startTime"});
    out.end_time = fields.first_text({"endTimeUtc", "endTime"});
    out.alert_uri = fields.text("alertUri");
    out.intent = fields.text("intent");
  }
  out.description = fields.text("description");
  out.status = fields.first_text({"status", "state"});
  out.compromised_entity = fields.text("compromisedEntity");
  out.product_component = fields.text("productComponentName");

  out.id = fields.text("systemAlertId");
  if (shape == Shape::sentinel) {
    out.original_id = fields.text("VendorOriginalId");
  }
  if (shape != Shape::export_ && shape != Shape::sentinel) {
    if (out.id.empty()) {
      out.id = envelope.text("name");
    }
    out.alert_resource_id = envelope.text("id");
  }

  // The attacked resource, most direct statement first.
  for (const auto key : {"AzureResourceId", "ResourceId", "associatedResource"}) {
    std::string id = fields.text(key);
    if (!id.empty()) {
      out.resource_ids.push_back(std::move(id));
    }
  }
  read_resource_identifiers(fields, out);

  read_extended_properties(fields.get("extendedProperties"), nested, out);
  if (const auto it = out.extended_properties.find("EffectiveAzureResourceId");
      it != out.extended_properties.end() && it->is_string()) {
    out.resource_ids.push_back(it->get<std::string>());
  }
  out.subscription_hint = fields.first_text({"subscriptionId", "AzureResourceSubscriptionId"});
  if (out.subscription_hint.empty()) {
    out.subscription_hint = envelope.text("subscriptionId");
  }
  if (out.subscription_hint.empty()) {
    if (const auto it = out.extended_properties.find("EffectiveSubscriptionId");
        it != out.extended_properties.end() && it->is_string()) {
      out.subscription_hint = it->get<std::string>();
    }
  }

  if (const auto steps = fields.get("remediationSteps")) {
    read_remediation(*steps, nested, out.remediation_steps);
  }
  if (const auto entities = fields.get("entities")) {
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
    const Members envelope(obj);
    const auto properties = envelope.get("properties");
    if (!properties || !properties->is_object()) {
      return false;
    }
    return read_asc(shape, envelope, Members(as_object(*properties)), nested, out);
  }
  case Shape::azcli:
  case Shape::export_:
  case Shape::sentinel: {
    const Members fields(obj);
    return read_asc(shape, fields, fields, nested, out);
  }
  case Shape::graph:
    return read_graph(obj, nested, out);
  }
  return false;
}

} // namespace dftriage::alert::detail
