#include "json_access.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::alert::detail {

std::optional<element> get_ci(object obj, std::string_view key)
{
  for (const auto field : obj) {
    if (text::iequals(field.key, key)) {
      return field.value;
    }
  }
  return std::nullopt;
}

std::optional<element> get_exact(object obj, std::string_view key)
{
  for (const auto field : obj) {
    if (field.key == key) {
      return field.value;
    }
  }
  return std::nullopt;
}

std::string to_text(element e)
{
  switch (e.type()) {
  case simdjson::dom::element_type::STRING: return std::string(as_string(e));
  case simdjson::dom::element_type::INT64: return std::to_string(e.get_int64().value_unsafe());
  case simdjson::dom::element_type::UINT64: return std::to_string(e.get_uint64().value_unsafe());
  case simdjson::dom::element_type::DOUBLE: return nlohmann::json(e.get_double().value_unsafe()).dump();
  case simdjson::dom::element_type::BOOL: return e.get_bool().value_unsafe() ? "true" : "false";
  default: return {};
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
  case simdjson::dom::element_type::STRING: return std::string(as_string(e));
  case simdjson::dom::element_type::INT64: return e.get_int64().value_unsafe();
  case simdjson::dom::element_type::UINT64: return e.get_uint64().value_unsafe();
  case simdjson::dom::element_type::DOUBLE: return e.get_double().value_unsafe();
  case simdjson::dom::element_type::BOOL: return e.get_bool().value_unsafe();
  case simdjson::dom::element_type::NULL_VALUE: break;
  }
  return nullptr;
}

std::optional<element> NestedParsers::parse(std::string_view text)
{
  if (m_used == m_parsers.size()) {
    m_parsers.push_back(std::make_unique<simdjson::dom::parser>());
  }
  auto& parser = *m_parsers[m_used];
  element result;
  // parse() copies into padded memory: the string's own buffer has no padding.
  if (parser.parse(text.data(), text.size(), true).get(result) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  ++m_used;
  return result;
}

} // namespace dftriage::alert::detail
