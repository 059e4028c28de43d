// The alert's JSON form written straight into a string: the same bytes as
// to_json(alert).dump() (a unit test and the alert fuzzer hold the two together), a
// fraction of the cost.

#include "dftriage/alert/alert.hpp"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dftriage::alert {

namespace {

const char k_hex[] = "0123456789abcdef";

// Returns the index of the first byte of `s` at or after `from` that JSON escapes (a
// control character, '"' or '\\'), or s.size().
std::size_t next_escape(std::string_view s, std::size_t from)
{
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1F);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // v <= 0x1F (unsigned) exactly when max(v, 0x1F) == 0x1F.
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control));
    const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (bits != 0) {
      return i + static_cast<unsigned>(__builtin_ctz(bits));
    }
  }
#endif
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') {
      break;
    }
  }
  return i;
}

// Escapes like nlohmann::json::dump with ensure_ascii off: quotes, backslashes and
// control characters; everything else (UTF-8 included) is copied in runs.
void append_string(std::string& out, std::string_view s)
{
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, run)) {
    const auto c = static_cast<unsigned char>(s[i]);
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

using Json = nlohmann::ordered_json;

// Writes what `value.dump(-1, ' ', false, replace)` writes. Strings that are not valid
// UTF-8 (which only a caller, never the parser, can put there) and floating-point
// numbers are left to nlohmann.
void append_value(std::string& out, const Json& value)
{
  switch (value.type()) {
  case Json::value_t::object: {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      out += first ? "" : ",";
      first = false;
      if (simdjson::validate_utf8(key.data(), key.size())) {
        append_string(out, key);
      } else {
        out += Json(key).dump(-1, ' ', false, Json::error_handler_t::replace);
      }
      out += ':';
      append_value(out, member);
    }
    out += '}';
    return;
  }
  case Json::value_t::array: {
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      out += first ? "" : ",";
      first = false;
      append_value(out, item);
    }
    out += ']';
    return;
  }
  case Json::value_t::string: {
    const auto& s = value.get_ref<const std::string&>();
    if (simdjson::validate_utf8(s.data(), s.size())) {
      append_string(out, s);
      return;
    }
    break;
  }
  case Json::value_t::boolean:
    out += value.get<bool>() ? "true" : "false";
    return;
  case Json::value_t::null:
    out += "null";
    return;
  case Json::value_t::number_integer:
    out += std::to_string(value.get<std::int64_t>());
    return;
  case Json::value_t::number_unsigned:
    out += std::to_string(value.get<std::uint64_t>());
    return;
  default:
    break;
  }
  out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
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

void append_json_string(std::string_view s, std::string& out)
{
  if (simdjson::validate_utf8(s.data(), s.size())) {
    append_string(out, s);
  } else {
    out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

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
  append_value(out, a.extended_properties);
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
  out += ",\"index\":";
  out += std::to_string(a.source.index);
  out += ",\"document\":";
  out += std::to_string(a.source.document);
  out += ",\"line\":";
  out += std::to_string(a.source.line);
  out += ",\"shape\":";
  append_string(out, to_string(a.source.shape));
  out += "}}";
}

} // namespace dftriage::alert
