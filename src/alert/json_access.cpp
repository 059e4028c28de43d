#include "json_access.hpp"

#include "dftriage/util/text.hpp"

#include <algorithm>
#include <iterator>
#include <type_traits>

namespace dftriage::alert::detail {

std::optional<element> get_ci(object obj, std::string_view key)
{
  std::optional<element> found;
  std::string_view spelling;
  for (const auto field : obj) {
    if (found ? field.key == spelling : same_key(field.key, key)) {
      found = field.value;
      spelling = field.key;
    }
  }
  return found;
}

bool folded_key_equals(std::string_view key, std::string_view folded)
{
  std::size_t j = 0;
  bool pending_space = false;
  for (const char c : key) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '_') {
      pending_space = j > 0;
      continue;
    }
    if (pending_space) {
      if (j >= folded.size() || folded[j] != ' ') {
        return false;
      }
      ++j;
      pending_space = false;
    }
    const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    if (j >= folded.size() || folded[j] != lower) {
      return false;
    }
    ++j;
  }
  return j == folded.size();
}

Members::Members(object obj)
{
  static_assert(std::is_trivially_destructible_v<Member>, "members are never destroyed one by one");
  std::uint32_t last[k_chains];
  std::fill(std::begin(m_first), std::end(m_first), k_end);
  std::uint32_t count = 0;
  for (const auto field : obj) {
    if (count == k_inline) {
      m_more.assign(inline_members(), inline_members() + k_inline);
    }
    if (count < k_inline) {
      new (m_inline + count * sizeof(Member)) Member{field.key, field.value, k_end};
    } else {
      m_more.push_back(Member{field.key, field.value, k_end});
    }
    const std::size_t chain = field.key.size() % k_chains;
    if (m_first[chain] == k_end) {
      m_first[chain] = count;
    } else {
      // Once there are more than k_inline members, all of them are in m_more.
      (m_more.empty() ? inline_members() : m_more.data())[last[chain]].next = count;
    }
    last[chain] = count;
    ++count;
  }
}

std::optional<element> Members::get(std::string_view key) const
{
  const Member* all = members();
  const Member* found = nullptr;
  for (std::uint32_t i = first_of_length(key.size()); i != k_end; i = all[i].next) {
    const Member& m = all[i];
    if (found ? m.key == found->key : same_key(m.key, key)) {
      found = &m;
    }
  }
  return found ? std::optional<element>(found->value) : std::nullopt;
}

std::optional<element> Members::exact(std::string_view key) const
{
  const Member* all = members();
  const Member* found = nullptr;
  for (std::uint32_t i = first_of_length(key.size()); i != k_end; i = all[i].next) {
    if (all[i].key == key) {
      found = &all[i];
    }
  }
  return found ? std::optional<element>(found->value) : std::nullopt;
}

std::string Members::text(std::string_view key) const
{
  const auto value = get(key);
  return value ? to_text(*value) : std::string();
}

std::string Members::first_text(std::initializer_list<std::string_view> keys) const
{
  for (const auto key : keys) {
    std::string value = text(key);
    if (!value.empty()) {
      return value;
    }
  }
  return {};
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
constexpr std::size_t k_pairwise_keys = 32; // objects up to this size are checked pair by pair

// One step of the path from the root to the value being searched.
struct PathStep
{
  std::string_view key;  // the member's key, or
  std::size_t index = 0; // the element's index
  bool element = false;  // which of the two
};

// Finds the first key that appears twice in one object, depth first, members in
// order; an object's own keys come before its values. The path to the object is
// kept as views and spelled out only for the duplicate found.
class DuplicateFinder
{
public:
  std::optional<std::string> in_object(object obj, int depth)
  {
    if (const auto twice = duplicate_key(obj)) {
      return describe(*twice);
    }
    for (const auto field : obj) {
      m_path.push_back(PathStep{field.key, 0, false});
      auto found = in_value(field.value, depth + 1);
      m_path.pop_back();
      if (found) {
        return found;
      }
    }
    return std::nullopt;
  }

private:
  std::optional<std::string> in_value(element e, int depth)
  {
    if (depth > k_max_duplicate_depth) {
      return std::nullopt;
    }
    switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      return in_object(as_object(e), depth);
    case simdjson::dom::element_type::ARRAY: {
      std::size_t i = 0;
      for (const auto item : as_array(e)) {
        m_path.push_back(PathStep{std::string_view(), i++, true});
        auto found = in_value(item, depth + 1);
        m_path.pop_back();
        if (found) {
          return found;
        }
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
    }
  }

  // Returns the smallest key that `obj` holds more than once.
  std::optional<std::string_view> duplicate_key(object obj)
  {
    if (obj.size() < 2) {
      return std::nullopt;
    }
    m_keys.clear();
    for (const auto field : obj) {
      m_keys.push_back(field.key);
    }
    std::optional<std::string_view> smallest;
    if (m_keys.size() <= k_pairwise_keys) {
      for (std::size_t i = 0; i + 1 < m_keys.size(); ++i) {
        for (std::size_t j = i + 1; j < m_keys.size(); ++j) {
          if (m_keys[i].size() == m_keys[j].size() && m_keys[i] == m_keys[j] &&
              (!smallest || m_keys[i] < *smallest)) {
            smallest = m_keys[i];
          }
        }
      }
      return smallest;
    }
    std::sort(m_keys.begin(), m_keys.end());
    const auto twice = std::adjacent_find(m_keys.begin(), m_keys.end());
    if (twice != m_keys.end()) {
      smallest = *twice;
    }
    return smallest;
  }

  // The warning for `key` found twice in the object at the end of the path.
  std::string describe(std::string_view key) const
  {
    std::string pointer; // RFC 6901
    for (const auto& step : m_path) {
      pointer += '/';
      if (step.element) {
        pointer += std::to_string(step.index);
        continue;
      }
      for (const char c : step.key) {
        pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string_view(&c, 1);
      }
    }
    return "duplicate key " + text::quote(key, 60) +
           (pointer.empty() ? std::string() : " in " + text::quote(pointer, 120)) +
           "; the last one is used";
  }

  std::vector<PathStep> m_path;
  std::vector<std::string_view> m_keys;
};

} // namespace

std::optional<std::string> describe_duplicate_key(object obj)
{
  DuplicateFinder finder;
  return finder.in_object(obj, 0);
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
