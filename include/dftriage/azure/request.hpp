#pragma once

#include "dftriage/alert/resource_id.hpp"
#include "dftriage/azure/http.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// Returns `s` percent-encoded as one URL path segment: everything but RFC 3986
// unreserved characters is encoded, '/' included, so a value can never add a segment.
std::string encode_segment(std::string_view s);

// Returns `s` percent-encoded for a query string value.
std::string encode_query_value(std::string_view s);

// Builds an absolute URL from a base and path segments, each encoded on its own.
class UrlBuilder
{
public:
  explicit UrlBuilder(std::string base)
      : m_url(std::move(base))
  {
  }

  // Appends one encoded segment.
  UrlBuilder& segment(std::string_view s);
  // Appends every segment of a checked resource ID (keywords canonical).
  UrlBuilder& resource(const alert::ResourceId& id);
  // Appends "?name=value" or "&name=value", the value encoded.
  UrlBuilder& query(std::string_view name, std::string_view value);

  const std::string& str() const { return m_url; }

private:
  std::string m_url;
  bool m_has_query = false;
};

// Whether a request changes anything, and if so whether dftriage can undo it.
// `inspection`: runs a fixed read-only script on a VM (an inventory, a process list):
// it executes code there, so it is confirmed, but it changes nothing to undo.
enum class Reversibility { read_only, reversible, irreversible, inspection };
std::string_view to_string(Reversibility r);

// One REST request as it would be sent (the token is added by the transport).
struct Request
{
  std::string method; // GET, PUT, PATCH, POST, DELETE
  std::string url;    // absolute; carries api-version where the API has one
  std::optional<nlohmann::ordered_json> body;
  std::string audience; // the token audience: "arm", "keyvault", "graph", "loganalytics"
  std::string purpose;  // "pre-image" (read before a change, for undo) or "action"
  bool mutating = false;
  Reversibility reversibility = Reversibility::read_only;
  std::string permission; // the RBAC action it needs, e.g. "Microsoft.KeyVault/vaults/write"
  // Extra headers sent as given (If-Match, If-None-Match); the client adds the standard ones.
  std::vector<Header> headers;
  // True when repeating the request is harmless even though the method is POST or PATCH
  // (the action is idempotent by design), so the client may retry it after a 5xx or a
  // connection lost mid-request.
  bool retry_safe = false;

  // Returns {method, url, body, mutating, reversible, permission, audience, purpose},
  // plus {headers: {name: value}} when `headers` is not empty.
  nlohmann::ordered_json to_json() const;
};

} // namespace dftriage::azure
