// Values taken from the pre-image at run time: "$(pre-image N POINTER)" markers.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/pre_image_marker.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <string>

namespace dftriage::azure {

namespace {

constexpr std::string_view k_marker = "$(pre-image ";
constexpr std::string_view k_writable_suffix = " writable";

// Undoes JSON Pointer escaping of one segment: ~1 is '/', ~0 is '~'.
std::string unescape(std::string_view segment)
{
  std::string out;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '~' && i + 1 < segment.size() &&
        (segment[i + 1] == '0' || segment[i + 1] == '1')) {
      out += segment[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += segment[i];
    }
  }
  return out;
}

const nlohmann::ordered_json* step_into(const nlohmann::ordered_json& node,
                                        std::string_view segment)
{
  if (segment.size() > 2 && segment.front() == '[' && segment.back() == ']') {
    const auto inner = segment.substr(1, segment.size() - 2);
    const auto eq = inner.find('=');
    if (!node.is_array() || eq == std::string_view::npos) {
      return nullptr;
    }
    const std::string key(inner.substr(0, eq));
    const auto value = inner.substr(eq + 1);
    for (const auto& element : node) {
      if (element.is_object()) {
        const auto it = element.find(key);
        if (it != element.end() && it->is_string() &&
            text::iequals(it->get_ref<const std::string&>(), value)) {
          return &element;
        }
      }
    }
    return nullptr;
  }
  const std::string key = unescape(segment);
  if (node.is_object()) {
    const auto it = node.find(key);
    return it == node.end() ? nullptr : &*it;
  }
  if (node.is_array() && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos &&
      key.size() < 10) {
    const auto index = std::stoul(key);
    return index < node.size() ? &node[index] : nullptr;
  }
  return nullptr;
}

// Parses "$(pre-image N POINTER)"; returns false when `s` is not such a marker.
bool parse_marker(std::string_view s, std::size_t& index, std::string_view& pointer)
{
  if (s.substr(0, k_marker.size()) != k_marker || s.back() != ')') {
    return false;
  }
  const auto rest = s.substr(k_marker.size(), s.size() - k_marker.size() - 1);
  const auto space = rest.find(' ');
  if (space == std::string_view::npos || space == 0 || space > 3) {
    return false;
  }
  index = 0;
  for (const char c : rest.substr(0, space)) {
    if (c < '0' || c > '9') {
      return false;
    }
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  pointer = rest.substr(space + 1);
  return true;
}

// Replaces markers under `node` in place; returns false when `node` itself is a marker
// that selects nothing (its key is then dropped by the caller).
bool resolve(nlohmann::ordered_json& node, const PreImage& pre)
{
  if (node.is_string()) {
    std::size_t index = 0;
    std::string_view pointer;
    if (!parse_marker(node.get_ref<const std::string&>(), index, pointer)) {
      return true;
    }
    if (index >= pre.size()) {
      throw ActionError("the request needs pre-image " + std::to_string(index) +
                        ", which was not read");
    }
    const bool writable_only =
        pointer.size() > k_writable_suffix.size() &&
        pointer.substr(pointer.size() - k_writable_suffix.size()) == k_writable_suffix;
    if (writable_only) {
      pointer.remove_suffix(k_writable_suffix.size());
    }
    const auto* found = select(pre[index].body, pointer);
    if (found == nullptr) {
      return false;
    }
    node = writable_only ? without_read_only(*found) : *found;
    return true;
  }
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end();) {
      if (resolve(it.value(), pre)) {
        ++it;
      } else {
        it = node.erase(it);
      }
    }
  } else if (node.is_array()) {
    for (auto it = node.begin(); it != node.end();) {
      if (resolve(*it, pre)) {
        ++it;
      } else {
        it = node.erase(it);
      }
    }
  }
  return true;
}

} // namespace

std::optional<PreImageMarker> parse_pre_image_marker(std::string_view s)
{
  PreImageMarker marker;
  std::string_view pointer;
  if (!parse_marker(s, marker.index, pointer)) {
    return std::nullopt;
  }
  marker.writable = pointer.size() > k_writable_suffix.size() &&
                    pointer.substr(pointer.size() - k_writable_suffix.size()) == k_writable_suffix;
  if (marker.writable) {
    pointer.remove_suffix(k_writable_suffix.size());
  }
  marker.pointer = std::string(pointer);
  return marker;
}

nlohmann::ordered_json without_read_only(const nlohmann::ordered_json& value)
{
  // Members ARM resources report but never accept back (readOnly in Microsoft's specs),
  // at any depth: a GET's body sent back in a PUT is cleaned of them.
  static constexpr std::string_view k_read_only[] = {"etag",
                                                     "provisioningState",
                                                     "resourceGuid",
                                                     "appliedDnsServers",
                                                     "internalDomainNameSuffix",
                                                     "internalFqdn",
                                                     "privateLinkConnectionProperties",
                                                     "macAddress",
                                                     "virtualMachine",
                                                     "hostedWorkloads",
                                                     "vnetEncryptionSupported"};
  auto out = value;
  if (out.is_object()) {
    for (auto it = out.begin(); it != out.end();) {
      const std::string_view key = it.key();
      if (std::find(std::begin(k_read_only), std::end(k_read_only), key) != std::end(k_read_only)) {
        it = out.erase(it);
      } else {
        it.value() = without_read_only(it.value());
        ++it;
      }
    }
  } else if (out.is_array()) {
    for (auto& element : out) {
      element = without_read_only(element);
    }
  }
  return out;
}

const nlohmann::ordered_json* select(const nlohmann::ordered_json& doc, std::string_view pointer)
{
  const nlohmann::ordered_json* node = &doc;
  if (pointer.empty()) {
    return node;
  }
  if (pointer.front() != '/') {
    return nullptr;
  }
  std::size_t start = 1;
  while (node != nullptr) {
    const auto slash = pointer.find('/', start);
    const auto segment = pointer.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    node = step_into(*node, segment);
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return node;
}

nlohmann::ordered_json resolve_pre_image(const nlohmann::ordered_json& body, const PreImage& pre)
{
  auto out = body;
  if (!resolve(out, pre)) {
    return nullptr;
  }
  return out;
}

} // namespace dftriage::azure
