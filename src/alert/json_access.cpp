#include "json_access.hpp"

#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::alert::detail {

std::optional<element> get_ci(object obj, std::string_view key)
{
  std::optional<element> found;
  std::string_view spelling;
  for (const auto field : obj) {
    if (found ? field.key == spelling : text::iequals(field.key, key)) {
      found = field.value;
      spelling = field.key;
    }
  }
  return found;
}

std::optional<element> get_exact(object obj, std::string_view key)
{
  std::optional<element> found;
  for (const auto field : obj) {
    if (field.key == key) {
      found = field.value;
    }
  }
  return found;
}

namespace {

constexpr int k_max_duplicate_depth = 64;

// Appends `key` to a JSON pointer (RFC 6901 escapes).
std::string pointer_child(const std::string& base, std::string_view key)
{
  std::string out = base + "/";
  for (const char c : key) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

std::optional<std::string> duplicate_in_object(object obj, const std::string& pointer, int depth);

std::optional<std::string> duplicate_in(element e, const std::string& pointer, int depth)
{
  if (depth > k_max_duplicate_depth) {
    return std::nullopt;
  }
  if (e.is_array()) {
    std::size_t i = 0;
    for (const auto item : as_array(e)) {
      if (auto found = duplicate_in(item, pointer + "/" + std::to_string(i++), depth + 1)) {
        return found;
      }
    }
    return std::nullopt;
  }
  return e.is_object() ? duplicate_in_object(as_object(e), pointer, depth) : std::nullopt;
}

std::optional<std::string> duplicate_in_object(object obj, const std::string& pointer, int depth)
{
  std::vector<std::string_view> keys;
  for (const auto field : obj) {
    keys.push_back(field.key);
  }
  std::sort(keys.begin(), keys.end());
  const auto twice = std::adjacent_find(keys.begin(), keys.end());
  if (twice != keys.end()) {
    return "duplicate key " + text::quote(*twice, 60) +
           (pointer.empty() ? std::string() : " in " + text::quote(pointer, 120)) +
           "; the last one is used";
  }
  for (const auto field : obj) {
    if (auto found = duplicate_in(field.value, pointer_child(pointer, field.key), depth + 1)) {
      return found;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> describe_duplicate_key(object obj)
{
  return duplicate_in_object(obj, "", 0);
}

std::string to_text(element e)
{
  switch (e.type()) {
  case simdjson::dom::element_type::STRING:
    return std::string(as_string(e));
  case simdjson::dom::element_type::INT64:
    return std::to_string(e.get_int64().value_unsafe());
  case simdjson::dom::element_type::UINT64:
    return std::to_string(e.get_uint64().value_unsafe());
  case simdjson::dom::element_type::DOUBLE:
    return nlohmann::json(e.get_double().value_unsafe()).dump();
  case simdjson::dom::element_type::BOOL:
    return e.get_bool().value_unsafe() ? "true" : "false";
  default:
    return {};
  }
}

std::string text_ci(object obj, std::string_view key)
{
  const auto value = get_ci(obj, key);
  return value ? to_text(*value) : std::string();
}

nlohmann::ordered_json to_nlohmann(element e)
{
  using json = nlohmann::ordered_json;
  switch (e.type()) {
  case simdjson::dom::element_type::ARRAY: {
    json out = json::array();
    for (const auto item : as_array(e)) {
      out.push_back(to_nlohmann(item));
    }
    return out;
  }
  case simdjson::dom::element_type::OBJECT: {
    json out = json::object();
    for (const auto field : as_object(e)) {
      out[std::string(field.key)] = to_nlohmann(field.value);
    }
    return out;
  }
  case simdjson::dom::element_type::STRING:
    return std::string(as_string(e));
  case simdjson::dom::element_type::INT64:
    return e.get_int64().value_unsafe();
  case simdjson::dom::element_type::UINT64:
    return e.get_uint64().value_unsafe();
  case simdjson::dom::element_type::DOUBLE:
    return e.get_double().value_unsafe();
  case simdjson::dom::element_type::BOOL:
    return e.get_bool().value_unsafe();
  case simdjson::dom::element_type::NULL_VALUE:
    break;
  }
  return nullptr;
}

std::optional<element> NestedParsers::parse(std::string_view text)
{
  if (m_used == m_parsers.size()) {
    m_parsers.push_back(std::make_unique<Slot>());
  }
  auto& slot = *m_parsers[m_used];
  // Padded memory of our own: simdjson's copy would not report a failed allocation.
  slot.text.assign(text);
  slot.text.append(simdjson::SIMDJSON_PADDING, '\0');
  element result;
  if (slot.parser.parse(slot.text.data(), text.size(), false).get(result) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  ++m_used;
  return result;
}

} // namespace dftriage::alert::detail
