#include "dftriage/util/redact.hpp"

#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::redact {

namespace {

using Json = nlohmann::ordered_json;

bool listed(const std::vector<std::string>& names, std::string_view name)
{
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return text::iequals(n, name); });
}

bool is_secret_bundle(const Json& object)
{
  const auto id = object.find("id");
  return id != object.end() && id->is_string() &&
         id->get_ref<const std::string&>().find("/secrets/") != std::string::npos;
}

} // namespace

const std::vector<std::string>& secret_headers()
{
  static const std::vector<std::string> names = {"authorization",
                                                 "proxy-authorization",
                                                 "x-ms-authorization-auxiliary",
                                                 "x-identity-header",
                                                 "secret",
                                                 "cookie",
                                                 "set-cookie",
                                                 "ocp-apim-subscription-key"};
  return names;
}

const std::vector<std::string>& secret_fields()
{
  static const std::vector<std::string> names = {"password",
                                                 "adminpassword",
                                                 "secret",
                                                 "clientsecret",
                                                 "client_secret",
                                                 "client_assertion",
                                                 "clientassertion",
                                                 "access_token",
                                                 "accesstoken",
                                                 "refresh_token",
                                                 "refreshtoken",
                                                 "id_token",
                                                 "idtoken",
                                                 "token",
                                                 "protectedsettings",
                                                 "protectedsettingsfromkeyvault"};
  return names;
}

bool is_secret_header(std::string_view name)
{
  if (listed(secret_headers(), name)) {
    return true;
  }
  const std::string lower = text::to_lower(name);
  for (const char* fragment : {"authorization", "secret", "password", "token", "cookie"}) {
    if (lower.find(fragment) != std::string::npos) {
      return true;
    }
  }
  // x-ms-encryption-key, x-functions-key; not x-ms-keyvault-service-version.
  const std::string_view key = "-key";
  return lower.size() > key.size() &&
         lower.compare(lower.size() - key.size(), key.size(), key) == 0;
}

bool is_secret_field(std::string_view name)
{
  return listed(secret_fields(), name) || listed(secret_headers(), name);
}

std::string header_value(std::string_view name, std::string_view value, std::string_view marker)
{
  if (!is_secret_header(name)) {
    return std::string(value);
  }
  // "Bearer eyJ...": the scheme says what kind of credential it was, not which.
  const std::size_t space = value.find(' ');
  const bool scheme = space != std::string_view::npos && space > 0 &&
                      text::to_lower(name).find("authorization") != std::string::npos &&
                      std::all_of(value.begin(), value.begin() + space, [](char c) {
                        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                      });
  return (scheme ? std::string(value.substr(0, space + 1)) : std::string()) + std::string(marker);
}

Json json_value(const Json& value, std::string_view marker)
{
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) {
      out.push_back(json_value(item, marker));
    }
    return out;
  }
  if (!value.is_object()) {
    return value;
  }
  const bool bundle = is_secret_bundle(value);
  Json out = Json::object();
  for (const auto& [key, item] : value.items()) {
    if (is_secret_field(key) || (bundle && key == "value")) {
      out[key] = item.is_null() ? Json(nullptr) : Json(std::string(marker));
    } else {
      out[key] = json_value(item, marker);
    }
  }
  return out;
}

Json json_body(const Json& body, std::string_view marker)
{
  Json out = json_value(body, marker);
  if (out.is_object()) {
    const auto value = out.find("value");
    if (value != out.end() && value->is_string()) {
      *value = std::string(marker);
    }
  }
  return out;
}

std::string known_values(std::string text, const std::vector<std::string>& secrets,
                         std::string_view marker)
{
  for (const auto& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + marker.size())) {
      text.replace(at, secret.size(), marker);
    }
  }
  return text;
}

} // namespace dftriage::redact
