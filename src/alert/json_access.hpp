#pragma once

// Internal to src/alert: reading simdjson DOM values the way Defender exports need,
// with keys matched case-insensitively and JSON that arrives encoded inside strings.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::alert::detail {

using simdjson::dom::element;
using simdjson::dom::object;

// Return `e` as an array, object or string; `e` must be of that type (check first).
inline simdjson::dom::array as_array(element e)
{
  simdjson::dom::array out;
  if (e.get(out) != simdjson::SUCCESS) {
    return {};
  }
  return out;
}
inline object as_object(element e)
{
  object out;
  if (e.get(out) != simdjson::SUCCESS) {
    return {};
  }
  return out;
}
inline std::string_view as_string(element e)
{
  std::string_view out;
  if (e.get(out) != simdjson::SUCCESS) {
    return {};
  }
  return out;
}

// True when `a` and `b` are equal ignoring ASCII case (lengths compared first).
inline bool same_key(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    // Equal, or the same ASCII letter in the other case.
    if (x != y && ((x ^ y) != 0x20 || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
      return false;
    }
  }
  return true;
}

// True when text::fold_key(key) == folded, without building the folded key: `folded`
// must already be folded (lower case, single spaces, trimmed).
bool folded_key_equals(std::string_view key, std::string_view folded);

// Returns the member of `obj` whose key equals `key` ignoring ASCII case. When a key
// appears more than once, the last one wins (as in jq and Python); among keys that
// differ only in case, the first spelling met is the one read.
std::optional<element> get_ci(object obj, std::string_view key);

// The members of one object, gathered once for many lookups: get() and text() are
// get_ci() and text_ci() without walking the object again. Members are chained by key
// length, so that a lookup visits only the keys as long as the one it wants.
class Members
{
public:
  explicit Members(object obj);
  Members(const Members&) = delete;
  Members& operator=(const Members&) = delete;

  std::optional<element> get(std::string_view key) const;   // as get_ci
  std::optional<element> exact(std::string_view key) const; // as get_exact
  bool has(std::string_view key) const { return get(key).has_value(); }
  bool has_exact(std::string_view key) const { return exact(key).has_value(); }
  std::string text(std::string_view key) const; // as text_ci
  // Returns the first non-empty text() among `keys`.
  std::string first_text(std::initializer_list<std::string_view> keys) const;

private:
  static constexpr std::uint32_t k_end = ~std::uint32_t{0};
  static constexpr std::size_t k_chains = 32; // by key length modulo 32
  static constexpr std::size_t k_inline = 40;

  struct Member
  {
    std::string_view key;
    element value;
    std::uint32_t next = k_end; // the next member whose key length is in the same chain
  };

  // The first k_inline members live in m_inline, constructed as they are met.
  Member* inline_members() { return std::launder(reinterpret_cast<Member*>(m_inline)); }
  const Member* members() const
  {
    return m_more.empty() ? std::launder(reinterpret_cast<const Member*>(m_inline)) : m_more.data();
  }
  std::uint32_t first_of_length(std::size_t length) const { return m_first[length % k_chains]; }

  alignas(Member) unsigned char m_inline[k_inline * sizeof(Member)];
  std::vector<Member> m_more; // all members when there are more than k_inline
  std::uint32_t m_first[k_chains];
};

// Returns the member of `obj` whose key matches `key` exactly (case-sensitive); the
// last one when it appears more than once.
std::optional<element> get_exact(object obj, std::string_view key);

// Returns a warning naming the first key that appears twice in one object of `obj`
// (at any depth), such as `duplicate key "properties" in /; the last one is used`,
// or nullopt when there is none.
std::optional<std::string> describe_duplicate_key(object obj);

// Returns `e` as text: strings as they are, numbers and booleans in JSON form,
// "" for null, arrays and objects.
std::string to_text(element e);

// Returns to_text() of the member `key` (case-insensitive) or "".
std::string text_ci(object obj, std::string_view key);

// Returns `e` as an nlohmann value, member order kept.
nlohmann::ordered_json to_nlohmann(element e);

// Parses JSON text that arrived inside a string (SecurityAlert Entities, Graph
// CustomProperties, ...). Each call uses a fresh parser from the pool, so earlier
// results stay valid until reset(). Returns nullopt when the text is not JSON.
class NestedParsers
{
public:
  std::optional<element> parse(std::string_view text);
  void reset() { m_used = 0; }

private:
  struct Slot
  {
    simdjson::dom::parser parser;
    std::string text; // the text parsed, padded
  };
  std::vector<std::unique_ptr<Slot>> m_parsers;
  std::size_t m_used = 0;
};

} // namespace dftriage::alert::detail
