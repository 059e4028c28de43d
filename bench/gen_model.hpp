// One synthetic Defender alert, independent of the export shape it is written in.

#pragma once

#include "gen_catalog.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dftriage::bench {

// The facts of one alert; gen_shapes.cpp lays them out as a REST resource, an
// export event, a SecurityAlert row or a Graph alert.
struct SyntheticAlert
{
  const AlertKind* kind = nullptr;
  bool simulated = false; // a "sample alert": SIMULATED_ type, [SAMPLE ALERT] name

  std::string alert_type;
  std::string display_name;
  std::string description;
  std::string severity;
  std::string status; // Active, InProgress, Resolved or Dismissed
  std::string intent;
  std::string component; // productComponentName: KeyVault, DNS or ARM

  std::string start_time; // ISO 8601 with 7 fraction digits, UTC
  std::string end_time;
  std::string generated_time;
  std::string processing_time;

  std::string system_alert_id; // "<19 digits>_<guid>"
  std::string subscription;
  std::string tenant;
  std::string resource_group; // empty for subscription-level alerts
  std::string location;       // ASC location of the alert resource
  std::string arm_id;         // the alert resource's own ID
  std::string resource_id;    // the attacked resource (upper-case provider path)
  std::string resource_name;
  std::string compromised_entity;
  std::string alert_uri;

  std::string attacker_ip;
  std::string country_code;
  std::string country_name;
  std::string state;
  std::string city;
  std::string object_id;         // the acting principal's AAD object ID
  std::string user_principal;    // its UPN (may be empty for service principals)
  std::string host_name;         // DNS: the querying machine
  std::string domain_name;       // DNS: the queried name
  std::uint64_t entity_base = 0; // first number of the "$id" values, e.g. centralus_41

  // extendedProperties in the REST casing ("attacker IP Address"), in order.
  std::vector<std::pair<std::string, std::string>> extended;
  std::vector<std::string> remediation;
};

// Facts a caller fixes instead of letting them be drawn (gen_queue.cpp ties the alerts of
// one incident together with them). Unset or empty members are drawn as usual; every
// draw is still made, so pinning one fact leaves the others as they were.
struct AlertPins
{
  const AlertKind* kind = nullptr;
  std::optional<bool> simulated;
  std::optional<std::int64_t> start;    // seconds since the epoch
  std::optional<std::int64_t> duration; // end time minus start time, seconds
  std::string status;
  std::string subscription;
  std::string resource_group; // with resource_name: the attacked vault or machine
  std::string resource_name;
  std::string attacker_ip;
  std::string object_id;
  std::optional<std::string> user_principal; // "" for a service principal
  std::string domain_name;                   // DNS: the queried name
};

// Builds alert number `index` of the data set for `seed`, with the facts of `pins`; the
// same arguments always give the same alert.
SyntheticAlert make_alert(std::uint64_t seed, std::uint64_t index, const AlertPins& pins = {});

// Returns the `$id` of `alert`'s entity number `offset` ("centralus_41"), as every
// shape writes it.
inline std::string entity_id(const SyntheticAlert& alert, std::uint64_t offset)
{
  return alert.location + "_" + std::to_string(alert.entity_base + offset);
}

} // namespace dftriage::bench
