#pragma once

// Internal to src/alert: from one parsed JSON object to a normalised Alert.

#include "dftriage/alert/alert.hpp"
#include "json_access.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dftriage::alert::detail {

// What a shape-specific reader found, before validation and normalisation.
struct RawAlert
{
  std::string id;
  std::string original_id; // a SecurityAlert row's VendorOriginalId
  std::string alert_resource_id;
  std::string alert_type;
  std::string display_name;
  std::string description;
  std::string severity;
  std::string status;
  std::string start_time;
  std::string end_time;
  std::string compromised_entity;
  std::string intent;
  std::string product_component;
  std::string alert_uri;
  std::string subscription_hint;
  std::vector<std::string> resource_ids; // candidates for the attacked resource, best first
  nlohmann::ordered_json extended_properties = nlohmann::ordered_json::object();
  std::vector<std::string> remediation_steps;
  Entities entities; // not yet validated or de-duplicated
  std::vector<std::string> warnings;
};

// Returns the shape of `obj` when it is a Defender alert in a shape dftriage reads.
std::optional<Shape> detect_shape(object obj);

// Fills `out` from `obj` read as `shape`. Returns false when `obj` carries no alert
// type in that shape (it is not an alert).
bool read_raw(Shape shape, object obj, NestedParsers& nested, RawAlert& out);

// Collects the entities of a Defender `entities` array (camelCase or PascalCase,
// inline or nested, `$ref`s skipped) into `out`.
void collect_entities(element entities, Entities& out);

// Adds the entities named by well-known extended properties (attacker IP, object ID,
// application ID, principal name, domain) to `out`.
void entities_from_extended_properties(const nlohmann::ordered_json& properties, Entities& out);

// Returns the family of an alert from its type, then its product component or
// resource type as Defender names them, then the type of the attacked resource.
Family family_of(std::string_view base_alert_type, std::string_view product_component,
                 std::string_view resource_type);

// Validates and normalises `raw` into `out` (all but `out.source`).
void finish(RawAlert&& raw, Alert& out);

} // namespace dftriage::alert::detail
