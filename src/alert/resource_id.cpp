#include "dftriage/alert/resource_id.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::alert {

namespace {

bool valid_segment(std::string_view segment)
{
  if (segment.empty() || segment == "." || segment == "..") {
    return false;
  }
  for (const char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '?' || c == '#' || c == '\\') {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> split_segments(std::string_view id)
{
  std::vector<std::string_view> out;
  id.remove_prefix(1); // the leading '/'
  while (true) {
    const std::size_t slash = id.find('/');
    out.push_back(id.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    id.remove_prefix(slash + 1);
  }
  return out;
}

} // namespace

std::string ResourceId::type() const
{
  if (provider.empty()) {
    return {};
  }
  std::string out = text::to_lower(provider);
  for (const auto& t : types) {
    out += '/';
    out += text::to_lower(t);
  }
  return out;
}

std::string ResourceId::name() const
{
  return names.empty() ? std::string() : names.back();
}

std::optional<ResourceId> parse_resource_id(std::string_view id)
{
  if (id.size() < 2 || id.front() != '/' || id.size() > 4096) {
    return std::nullopt;
  }
  const auto segments = split_segments(id);
  for (const auto segment : segments) {
    if (!valid_segment(segment)) {
      return std::nullopt;
    }
  }
  if (segments.size() < 2 || !text::iequals(segments[0], "subscriptions")) {
    return std::nullopt;
  }
  ResourceId out;
  out.subscription_id = std::string(segments[1]);
  out.canonical = "/subscriptions/" + out.subscription_id;
  std::size_t i = 2;
  if (i < segments.size() && text::iequals(segments[i], "resourceGroups")) {
    if (i + 1 >= segments.size()) {
      return std::nullopt;
    }
    out.resource_group = std::string(segments[i + 1]);
    out.canonical += "/resourceGroups/" + out.resource_group;
    i += 2;
  }
  while (i < segments.size()) {
    // providers/{namespace}/{type}/{name}[/{type}/{name}...], possibly repeated for
    // extension resources (…/providers/Microsoft.Security/locations/x/alerts/y).
    if (!text::iequals(segments[i], "providers") || i + 3 >= segments.size()) {
      return std::nullopt;
    }
    const std::string_view ns = segments[i + 1];
    out.canonical += "/providers/";
    out.canonical += ns;
    const bool first_block = out.provider.empty();
    if (first_block) {
      out.provider = std::string(ns);
    }
    i += 2;
    while (i + 1 < segments.size() && !text::iequals(segments[i], "providers")) {
      if (first_block) {
        out.types.emplace_back(segments[i]);
        out.names.emplace_back(segments[i + 1]);
      }
      out.canonical += '/';
      out.canonical += segments[i];
      out.canonical += '/';
      out.canonical += segments[i + 1];
      i += 2;
    }
    if (i < segments.size() && !text::iequals(segments[i], "providers")) {
      return std::nullopt; // a type without a name
    }
  }
  return out;
}

} // namespace dftriage::alert
