// Loading a cloud: built-in names, `az cloud show -o json` files and the lab's
// connection line.

#include "dftriage/azure/cloud_config.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/json_error.hpp"
#include "dftriage/util/text.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

namespace dftriage::azure {

namespace {

using Json = nlohmann::json;

class CloudReader
{
public:
  explicit CloudReader(std::string_view source)
      : m_source(source)
  {
  }

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const
  {
    throw InputError(m_source + ": " + pointer + ": " + message);
  }

  const Json* member(const Json& object, const std::string& pointer, const char* key,
                     bool required) const
  {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      if (required) {
        fail(pointer + "/" + key, "missing; a cloud file needs it");
      }
      return nullptr;
    }
    return &*it;
  }

  // Returns the string member `key`, "" when it is absent and optional. Never quotes
  // the value: it may be a secret.
  std::string string(const Json& object, const std::string& pointer, const char* key,
                     bool required) const
  {
    const Json* value = member(object, pointer, key, required);
    if (value == nullptr) {
      return {};
    }
    if (!value->is_string()) {
      fail(pointer + "/" + key, std::string("expected a string, got ") + value->type_name());
    }
    std::string s = value->get<std::string>();
    if (required && text::trim(s).empty()) {
      fail(pointer + "/" + key, "is empty");
    }
    return s;
  }

  const Json& object(const Json& parent, const std::string& pointer, const char* key) const
  {
    const Json* value = member(parent, pointer, key, true);
    if (!value->is_object()) {
      fail(pointer + "/" + key, std::string("expected an object, got ") + value->type_name());
    }
    return *value;
  }

  // An endpoint URL: http(s), no trailing '/'.
  std::string url(const Json& object, const std::string& pointer, const char* key,
                  bool required) const
  {
    std::string s = string(object, pointer, key, required);
    if (s.empty()) {
      return s;
    }
    if (!text::istarts_with(s, "https://") && !text::istarts_with(s, "http://")) {
      fail(pointer + "/" + key, "expected an absolute http(s) URL, got " + text::quote(s));
    }
    return without_trailing_slash(s);
  }

  static std::string without_trailing_slash(std::string s)
  {
    while (!s.empty() && s.back() == '/') {
      s.pop_back();
    }
    return s;
  }

  const std::string& source() const { return m_source; }

private:
  std::string m_source;
};

Json parse_json(std::string_view text, std::string_view source)
{
  try {
    return Json::parse(text);
  } catch (const Json::exception&) {
    throw InputError(json_error_diagnostic(text, source).to_string());
  }
}

Cloud read_cloud(const CloudReader& reader, const Json& doc, const std::string& pointer)
{
  Cloud cloud;
  const Json& endpoints = reader.object(doc, pointer, "endpoints");
  const Json& suffixes = reader.object(doc, pointer, "suffixes");
  const std::string ep = pointer + "/endpoints";
  const std::string sp = pointer + "/suffixes";
  cloud.name = reader.string(doc, pointer, "name", false);
  cloud.resource_manager = reader.url(endpoints, ep, "resourceManager", true);
  cloud.authority = reader.url(endpoints, ep, "activeDirectory", true);
  cloud.arm_audience = reader.string(endpoints, ep, "activeDirectoryResourceId", true);
  reader.url(endpoints, ep, "activeDirectoryResourceId", true);
  cloud.graph_audience = reader.string(endpoints, ep, "microsoftGraphResourceId", false);
  cloud.graph = reader.url(endpoints, ep, "microsoftGraphResourceId", false);
  cloud.log_analytics_audience = reader.string(endpoints, ep, "logAnalyticsResourceId", false);
  cloud.log_analytics = reader.url(endpoints, ep, "logAnalyticsResourceId", false);
  cloud.keyvault_suffix = reader.string(suffixes, sp, "keyvaultDns", true);
  if (cloud.keyvault_suffix.front() != '.' || cloud.keyvault_suffix.size() < 2) {
    reader.fail(sp + "/keyvaultDns", "expected a DNS suffix starting with '.', got " +
                                         text::quote(cloud.keyvault_suffix));
  }
  // Key Vault's resource ID is its DNS suffix as an https origin (az does the same).
  cloud.keyvault_audience = "https://" + cloud.keyvault_suffix.substr(1);
  return cloud;
}

std::string directory_of(std::string_view path)
{
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash + 1));
}

bool is_file(const std::string& path)
{
  struct stat info
  {
  };
  return ::stat(path.c_str(), &info) == 0 && !S_ISDIR(info.st_mode);
}

// The file's clientSecret when it is a string long enough to be told apart; "" otherwise.
std::string secret_in(const Json& doc)
{
  constexpr std::size_t shortest = 4;
  const auto it = doc.find("clientSecret");
  if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().size() < shortest) {
    return {};
  }
  return it->get<std::string>();
}

// `message` with every copy of `secret` (as written, and as text::quote escapes it) replaced.
std::string without_secret(std::string message, const std::string& secret)
{
  const std::string quoted = text::quote(secret, std::string::npos);
  const std::string escaped = quoted.substr(1, quoted.size() - 2);
  const std::string mark = "<clientSecret>";
  for (const std::string* copy : {&secret, &escaped}) {
    for (auto at = message.find(*copy); at != std::string::npos;
         at = message.find(*copy, at + mark.size())) {
      message.replace(at, copy->size(), mark);
    }
  }
  return message;
}

CloudConfig read_config(const CloudReader& reader, const Json& doc, std::string_view source)
{
  CloudConfig config;
  config.source = std::string(source);
  const auto lab = doc.find("cloud");
  if (lab == doc.end()) {
    config.cloud = read_cloud(reader, doc, "");
  } else {
    if (!lab->is_object()) {
      reader.fail("/cloud", std::string("expected an object, got ") + lab->type_name());
    }
    config.cloud = read_cloud(reader, *lab, "/cloud");
    config.subscription_id = reader.string(doc, "", "subscriptionId", false);
    const std::string tenant = reader.string(doc, "", "tenantId", false);
    const std::string client = reader.string(doc, "", "clientId", false);
    const std::string secret = reader.string(doc, "", "clientSecret", false);
    if (!secret.empty()) {
      if (tenant.empty() || client.empty()) {
        reader.fail(tenant.empty() ? "/tenantId" : "/clientId",
                    "missing; a clientSecret needs tenantId and clientId");
      }
      config.credentials = ClientSecretSettings{tenant, client, secret};
    }
    std::string ca = reader.string(doc, "", "caCertificate", false);
    if (!ca.empty() && ca.front() != '/') {
      ca = directory_of(source) + ca;
    }
    config.cloud.ca_bundle = ca;
  }
  if (config.cloud.name.empty()) {
    config.cloud.name = lab == doc.end() ? "custom" : "DftriageLab";
  }
  return config;
}

} // namespace

CloudConfig parse_cloud_config(std::string_view text, std::string_view source)
{
  const CloudReader reader(source);
  const Json doc = parse_json(text, source);
  if (!doc.is_object()) {
    reader.fail("", std::string("expected a JSON object, got ") + doc.type_name());
  }
  // A message quotes the value it rejects; should that value hold the secret (pasted in the
  // wrong field), the secret is cut out of it.
  const std::string secret = secret_in(doc);
  try {
    return read_config(reader, doc, source);
  } catch (const InputError& e) {
    if (secret.empty()) {
      throw;
    }
    throw InputError(without_secret(e.what(), secret));
  }
}

CloudConfig load_cloud(std::string_view name_or_path)
{
  if (const Cloud* cloud = builtin_cloud(name_or_path)) {
    return CloudConfig{*cloud, std::nullopt, "", "built-in"};
  }
  const std::string path(name_or_path);
  const bool looks_like_path = path.find('/') != std::string::npos ||
                               (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0);
  if (!looks_like_path && !is_file(path)) {
    const auto names = builtin_cloud_names();
    std::string known;
    for (const auto& n : names) {
      known += (known.empty() ? "" : ", ") + n;
    }
    std::string message = "unknown cloud " + text::quote(path) + "; expected one of " + known +
                          " or the path of a cloud JSON file" + text::did_you_mean(path, names);
    throw UsageError(message);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path + ": cannot open the cloud file (" + std::strerror(errno) + ")");
  }
  std::ostringstream content;
  content << in.rdbuf();
  return parse_cloud_config(content.str(), path);
}

CloudConfig resolve_cloud(std::string_view flag, const char* env)
{
  if (!flag.empty()) {
    return load_cloud(flag);
  }
  if (env != nullptr && *env != '\0') {
    return load_cloud(env);
  }
  return CloudConfig{public_cloud(), std::nullopt, "", "built-in"};
}

} // namespace dftriage::azure
