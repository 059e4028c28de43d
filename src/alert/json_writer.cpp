// The alert's JSON form written straight into a string: the same bytes as
// to_json(alert).dump() (a unit test holds the two together), a third of the cost.

#include "dftriage/alert/alert.hpp"

namespace dftriage::alert {

namespace {

const char k_hex[] = "0123456789abcdef";

// Escapes like nlohmann::json::dump with ensure_ascii off: quotes, backslashes and
// control characters; everything else (UTF-8 included) is copied in runs.
void append_string(std::string& out, std::string_view s)
{
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
      break;
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_key(std::string& out, std::string_view key, bool first = false)
{
  if (!first) {
    out += ',';
  }
  out += '"';
  out += key;
  out += "\":";
}

void append_optional(std::string& out, const std::string& s)
{
  if (s.empty()) {
    out += "null";
  } else {
    append_string(out, s);
  }
}

void append_strings(std::string& out, const std::vector<std::string>& list)
{
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    append_string(out, list[i]);
  }
  out += ']';
}

void append_entities(std::string& out, const Entities& e)
{
  out += "{\"ips\":[";
  for (std::size_t i = 0; i < e.ips.size(); ++i) {
    out += i > 0 ? ",{\"address\":" : "{\"address\":";
    append_string(out, e.ips[i].address);
    out += e.ips[i].valid ? ",\"valid\":true}" : ",\"valid\":false}";
  }
  out += "],\"accounts\":[";
  for (std::size_t i = 0; i < e.accounts.size(); ++i) {
    const auto& a = e.accounts[i];
    out += i > 0 ? ",{\"upn\":" : "{\"upn\":";
    append_optional(out, a.upn);
    out += ",\"objectId\":";
    append_optional(out, a.object_id);
    out += ",\"appId\":";
    append_optional(out, a.app_id);
    out += ",\"name\":";
    append_optional(out, a.name);
    out += '}';
  }
  out += "],\"hosts\":[";
  for (std::size_t i = 0; i < e.hosts.size(); ++i) {
    out += i > 0 ? ",{\"name\":" : "{\"name\":";
    append_optional(out, e.hosts[i].name);
    out += ",\"resourceId\":";
    append_optional(out, e.hosts[i].resource_id);
    out += '}';
  }
  out += "],\"resources\":";
  append_strings(out, e.resources);
  out += ",\"domains\":";
  append_strings(out, e.domains);
  out += '}';
}

} // namespace

void append_json(const Alert& a, std::string& out)
{
  out += '{';
  append_key(out, "id", true);
  append_string(out, a.id);
  append_key(out, "alertType");
  append_string(out, a.alert_type);
  append_key(out, "baseAlertType");
  append_string(out, a.base_alert_type);
  append_key(out, "simulated");
  out += a.simulated ? "true" : "false";
  append_key(out, "displayName");
  append_string(out, a.display_name);
  append_key(out, "description");
  append_string(out, a.description);
  append_key(out, "severity");
  append_string(out, to_string(a.severity));
  append_key(out, "status");
  append_optional(out, a.status);
  append_key(out, "startTime");
  append_optional(out, a.start_time);
  append_key(out, "endTime");
  append_optional(out, a.end_time);
  append_key(out, "family");
  append_string(out, to_string(a.family));
  append_key(out, "resourceId");
  append_optional(out, a.resource_id);
  append_key(out, "subscriptionId");
  append_optional(out, a.subscription_id);
  append_key(out, "resourceGroup");
  append_optional(out, a.resource_group);
  append_key(out, "compromisedEntity");
  append_optional(out, a.compromised_entity);
  append_key(out, "intent");
  append_optional(out, a.intent);
  append_key(out, "productComponent");
  append_optional(out, a.product_component);
  append_key(out, "entities");
  append_entities(out, a.entities);
  append_key(out, "extendedProperties");
  out +=
      a.extended_properties.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  append_key(out, "remediationSteps");
  append_strings(out, a.remediation_steps);
  append_key(out, "alertUri");
  append_optional(out, a.alert_uri);
  append_key(out, "alertResourceId");
  append_optional(out, a.alert_resource_id);
  append_key(out, "alertLocation");
  append_optional(out, a.alert_location);
  append_key(out, "warnings");
  append_strings(out, a.warnings);
  append_key(out, "source");
  out += "{\"file\":";
  append_string(out, a.source.file);
  out += ",\"index\":" + std::to_string(a.source.index);
  out += ",\"document\":" + std::to_string(a.source.document);
  out += ",\"line\":" + std::to_string(a.source.line);
  out += ",\"shape\":";
  append_string(out, to_string(a.source.shape));
  out += "}}";
}

} // namespace dftriage::alert
