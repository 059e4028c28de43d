#include "azure/follow_url.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::azure {

namespace {

// Returns the authority ("host:port", userinfo included) and sets `scheme`.
std::string_view authority_of(std::string_view url, std::string_view& scheme)
{
  const std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) {
    return {};
  }
  scheme = url.substr(0, separator);
  std::string_view rest = url.substr(separator + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

std::string_view host_of(std::string_view authority)
{
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    return authority.substr(0, authority.find(']') + 1);
  }
  return authority.substr(0, authority.find(':'));
}

} // namespace

std::string url_origin(std::string_view url)
{
  std::string_view scheme;
  std::string authority = text::to_lower(authority_of(url, scheme));
  if (scheme.empty()) {
    return {};
  }
  const std::string lower_scheme = text::to_lower(scheme);
  const std::string default_port = lower_scheme == "https" ? ":443" : ":80";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(),
                        default_port) == 0) {
    authority.resize(authority.size() - default_port.size());
  }
  return lower_scheme + "://" + authority;
}

bool is_loopback_url(std::string_view url)
{
  std::string_view scheme;
  const std::string host = text::to_lower(host_of(authority_of(url, scheme)));
  const std::string_view suffix = ".localhost";
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0 ||
         (host.size() > suffix.size() &&
          host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0);
}

std::string resolve_follow_up(std::string_view base, std::string_view link)
{
  const std::string origin = url_origin(base);
  if (!link.empty() && link.front() == '/' && (link.size() < 2 || link[1] != '/')) {
    return origin + std::string(link);
  }
  if (url_origin(link) != origin || origin.empty()) {
    throw Error("refusing to follow " + text::quote(link) + ": it leaves " + origin,
                ExitStatus::azure_failure);
  }
  return std::string(link);
}

const char* next_link_key(const nlohmann::ordered_json& body)
{
  if (!body.is_object()) {
    return nullptr;
  }
  for (const char* key : {"nextLink", "@odata.nextLink"}) {
    const auto it = body.find(key);
    if (it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return key;
    }
  }
  return nullptr;
}

} // namespace dftriage::azure
