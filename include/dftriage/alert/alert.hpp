#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::alert {

// The export shapes dftriage reads (see README "Alert formats").
enum class Shape {
  arm,      // REST resource {id, name, type, properties{...}}, incl. legacy 2015-06-01-preview
  azcli,    // `az security alert list/show`: properties flattened beside id/name/type
  export_,  // continuous export / workflow automation / Event Hub: PascalCase top level
  sentinel, // Log Analytics SecurityAlert row (Entities etc. as JSON strings)
  graph,    // Microsoft Graph security alert (legacy `alert` or `alerts_v2`)
  arg,      // Azure Resource Graph securityresources row
};

// Returns the shape's name as used by --format and in `source.shape`.
std::string_view to_string(Shape shape);
// Returns the shape named `name`, or nullopt.
std::optional<Shape> shape_from_string(std::string_view name);
// Returns every shape name, in declaration order.
std::vector<std::string> shape_names();

// Which response playbook family an alert belongs to.
enum class Family { keyvault, dns, resourcemanager, other };
std::string_view to_string(Family family);

enum class Severity { high, medium, low, informational, unknown };
std::string_view to_string(Severity severity);

struct IpEntity
{
  std::string address; // as given (attacker-controlled text)
  bool valid = false;  // a well-formed IPv4 or IPv6 address
};

struct AccountEntity
{
  std::string upn;       // user principal name, when known
  std::string object_id; // Microsoft Entra object ID
  std::string app_id;    // application (client) ID
  std::string name;      // account name when no UPN is known
};

struct HostEntity
{
  std::string name;
  std::string resource_id; // the host's Azure resource ID, canonical, when known
};

// The entities an alert names, de-duplicated (case-insensitively where Azure is).
struct Entities
{
  std::vector<IpEntity> ips;
  std::vector<AccountEntity> accounts;
  std::vector<HostEntity> hosts;
  std::vector<std::string> resources; // Azure resource IDs, canonical
  std::vector<std::string> domains;
};

// Where an alert was read from.
struct SourceRef
{
  std::string file;           // as given on the command line, "-" for stdin
  std::uint64_t index = 0;    // 1-based count of alerts read from this file
  std::uint64_t document = 0; // 1-based JSON document number (as in diagnostics)
  std::uint64_t line = 0;     // line where that document starts
  Shape shape = Shape::arm;
  // The alert's JSON object as read, minified (a SecurityAlert row of a table as the
  // object it stands for); only with ReadOptions::keep_text.
  std::string text;
};

// One Defender for Cloud alert, normalised from whichever shape it came in.
// Every string is as given by the input except where a comment says otherwise;
// all of it is attacker-influenced and must be escaped wherever it is printed or sent.
struct Alert
{
  std::string id; // systemAlertId, else the ARM name
  // The provider's own ID where the shape names one besides `id`: a Log Analytics
  // SecurityAlert row's VendorOriginalId (Defender's alert name, as the other shapes give
  // it in `id`). Not printed; the queue knows a row's copies in other shapes by it.
  std::string original_id;
  std::string alert_type;      // as given, e.g. "SIMULATED_KV_TORAccess"
  std::string base_alert_type; // without the "SIMULATED_" prefix
  bool simulated = false;      // a sample alert
  std::string display_name;
  std::string description;
  Severity severity = Severity::unknown;
  std::string status;     // Active | InProgress | Resolved | Dismissed, else as given
  std::string start_time; // ISO-8601 UTC ("...Z"), "" when absent or unreadable
  std::string end_time;
  Family family = Family::other;
  std::string resource_id; // the attacked resource, keywords in canonical casing
  std::string subscription_id;
  std::string resource_group;
  std::string compromised_entity;
  std::string intent;
  std::string product_component; // "KeyVault", "DNS", "ARM", ... when given
  std::string alert_resource_id; // the alert's own ARM ID, when known
  std::string alert_location;    // the Defender location of the alert, e.g. "centralus"
  std::string alert_uri;
  Entities entities;
  nlohmann::ordered_json extended_properties = nlohmann::ordered_json::object();
  std::vector<std::string> remediation_steps;
  std::vector<std::string> warnings; // what was odd about this alert (kept, not dropped)
  SourceRef source;
};

// Returns the alert's JSON form. Field names and order are an interface for
// pipelines: see README "The normalised alert".
nlohmann::ordered_json to_json(const Alert& alert);

// Appends `s` to `out` as a JSON string literal: the bytes nlohmann's dump() writes for it
// (invalid UTF-8 replaced, as every -o json output does).
void append_json_string(std::string_view s, std::string& out);

// Appends the alert's JSON form to `out` on one line, byte for byte what
// to_json(alert).dump() gives, without building the JSON tree: the NDJSON hot path.
void append_json(const Alert& alert, std::string& out);

} // namespace dftriage::alert
