#pragma once

// URL checks of the Azure client: where a token may go, and which poll and next-page
// links it may follow.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace dftriage::azure {

// Returns "scheme://host[:port]" of an absolute URL, lower-cased, without a default port
// (Key Vault's nextLink spells ":443"); "" when `url` has no "scheme://".
std::string url_origin(std::string_view url);

// True when the URL's host is a loopback name or address (localhost, *.localhost,
// 127.x.x.x, [::1]).
bool is_loopback_url(std::string_view url);

// Returns `link` (absolute, or a path starting with '/') as an absolute URL on the
// origin of `base`; throws Error (azure_failure) when it points at another origin, so
// a server cannot make the client send its token elsewhere.
std::string resolve_follow_up(std::string_view base, std::string_view link);

// Returns the key under which a list answer names its next page ("nextLink" as ARM and
// Key Vault spell it, "@odata.nextLink" as Graph does), or nullptr when `body` is no
// object or names none (absent, null or an empty string).
const char* next_link_key(const nlohmann::ordered_json& body);

} // namespace dftriage::azure
