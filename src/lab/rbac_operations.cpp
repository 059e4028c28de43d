// The right each request asks for, named as Azure names it: the RBAC operation of an ARM
// request, the data action of a Key Vault call on an RBAC vault, the Graph permission of a
// Graph call.

#include "dftriage/util/text.hpp"
#include "rbac.hpp"

#include <algorithm>
#include <regex>

namespace dftriage::lab {

namespace {

// Where Azure's name for an operation is not the one its path gives.
struct OperationOverride
{
  const char* method;
  std::regex path;
  const char* operation;
};

const std::vector<OperationOverride>& operation_overrides()
{
  static const std::vector<OperationOverride> k_overrides = [] {
    const auto icase = std::regex::icase | std::regex::ECMAScript;
    std::vector<OperationOverride> out;
    // Defender lists alerts under .../providers/Microsoft.Security/alerts; the right is
    // the one the alerts under locations/{location} are read with.
    out.push_back({"GET", std::regex(".*/providers/Microsoft\\.Security/alerts/?", icase),
                   "Microsoft.Security/locations/alerts/read"});
    // Microsoft.Security has no inProgress action: setting an alert in progress is
    // authorised as activating it (the catalogue's security.alert.set_status agrees).
    out.push_back({"POST",
                   std::regex(".*/providers/Microsoft\\.Security/locations/[^/]+/alerts/[^/]+/"
                              "inProgress/?",
                              icase),
                   "Microsoft.Security/locations/alerts/activate/action"});
    return out;
  }();
  return k_overrides;
}

} // namespace

ArmOperation arm_operation(std::string_view method, const std::string& path)
{
  const auto segments = text::split_path(path);
  std::size_t provider = segments.size();
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (text::iequals(segments[i], "providers")) {
      provider = i;
    }
  }
  const bool by_provider = provider < segments.size();
  const std::string space = by_provider ? segments[provider + 1] : "Microsoft.Resources";
  std::vector<std::string> rest(segments.begin() +
                                    static_cast<std::ptrdiff_t>(by_provider ? provider + 2 : 0),
                                segments.end());
  // An odd count ends in a collection or (POST) an action: the scope is what holds it.
  std::string scope = path;
  while (!scope.empty() && scope.back() == '/') {
    scope.pop_back();
  }
  if (rest.size() % 2 == 1) {
    scope.resize(scope.rfind('/'));
  }
  for (const auto& o : operation_overrides()) {
    if (method == o.method && std::regex_match(path, o.path)) {
      return {o.operation, scope};
    }
  }
  std::string verb = method == "PUT" || method == "PATCH" ? "write"
                     : method == "DELETE"                 ? "delete"
                                                          : "read";
  if (method == "POST" && !rest.empty()) {
    verb = rest.back() + "/action";
    rest.pop_back();
  }
  std::string operation = space;
  for (std::size_t i = 0; i < rest.size(); i += 2) {
    operation += "/" + rest[i];
  }
  return {operation + "/" + verb, scope};
}

std::string keyvault_data_action(std::string_view method, std::string_view path)
{
  const auto parts = text::split_path(path);
  if (parts.empty()) {
    return {};
  }
  std::vector<std::string> p;
  p.reserve(parts.size());
  for (const auto& part : parts) {
    p.push_back(lower(part));
  }
  const bool deleted = p[0].rfind("deleted", 0) == 0;
  const std::string category = deleted ? p[0].substr(7) : p[0];
  if (category != "secrets" && category != "keys" && category != "certificates") {
    return {};
  }
  const std::string base = "Microsoft.KeyVault/vaults/" + category + "/";
  const std::string& last = p.back();
  const std::size_t n = p.size();
  const std::string read = category == "secrets" ? "readMetadata/action" : "read";
  if (deleted) {
    return base + (method == "DELETE"                      ? "purge/action"
                   : method == "POST" && last == "recover" ? "recover/action"
                                                           : read);
  }
  if (category == "keys" && n >= 3 && last == "rotationpolicy") {
    return std::string("Microsoft.KeyVault/vaults/keyrotationpolicies/") +
           (method == "GET" ? "read" : "write");
  }
  if (category == "certificates" && n >= 2 && (p[1] == "issuers" || p[1] == "contacts")) {
    const std::string kind = p[1] == "issuers" ? "certificatecas" : "certificatecontacts";
    return "Microsoft.KeyVault/vaults/" + kind + "/" +
           (method == "GET"      ? "read"
            : method == "DELETE" ? "delete"
                                 : "write");
  }
  if (method == "GET") {
    const bool metadata = n == 1 || last == "versions";
    return base + (category == "secrets" && !metadata ? "getSecret/action" : read);
  }
  if (method == "POST") {
    static const std::vector<std::pair<std::string, std::string>> k_verbs = {
        {"wrapkey", "wrap"}, {"unwrapkey", "unwrap"}};
    std::string verb = last;
    for (const auto& [from, to] : k_verbs) {
      verb = verb == from ? to : verb;
    }
    return base + verb + "/action";
  }
  if (method == "PUT") {
    return base + (category == "secrets" ? "setSecret/action" : "import/action");
  }
  return base + (method == "PATCH" ? "update/action" : "delete");
}

std::string graph_permission_needed(std::string_view method, const std::string& path,
                                    const std::string& body)
{
  const auto icase = std::regex::icase | std::regex::ECMAScript;
  static const std::regex k_user("/v1\\.0/users/[^/]+/?", icase);
  static const std::regex k_revoke("/v1\\.0/users/[^/]+/revokeSignInSessions/?", icase);
  static const std::regex k_member_of("/v1\\.0/\\w+/[^/]+/(transitiveMemberOf|memberOf)/?", icase);
  static const std::regex k_methods("/v1\\.0/users/[^/]+/authentication/.*", icase);
  static const std::regex k_service_principal("/v1\\.0/servicePrincipals/[^/]+/?", icase);
  static const std::regex k_applications("/v1\\.0/applications.*", icase);
  static const std::regex k_roles("/v1\\.0/roleManagement/directory/.*", icase);
  const bool get = method == "GET";
  if (std::regex_match(path, k_member_of)) {
    return "Directory.Read.All";
  }
  if (std::regex_match(path, k_methods)) {
    return get ? "UserAuthenticationMethod.Read.All" : "UserAuthenticationMethod.ReadWrite.All";
  }
  if (std::regex_match(path, k_revoke)) {
    return "User.RevokeSessions.All";
  }
  if (std::regex_match(path, k_user) && method == "PATCH") {
    // What the change touches decides: enabling or disabling the account, or its password,
    // each have a narrower permission than every other property.
    const auto changes = nlohmann::json::parse(body, nullptr, false);
    if (changes.is_object() && changes.size() == 1 && changes.contains("accountEnabled")) {
      return "User.EnableDisableAccount.All";
    }
    if (changes.is_object() && changes.size() == 1 && changes.contains("passwordProfile")) {
      return "User-PasswordProfile.ReadWrite.All";
    }
    return "User.ReadWrite.All";
  }
  if (text::istarts_with(path, "/v1.0/users/") || text::istarts_with(path, "/v1.0/directory/")) {
    return get ? "User.Read.All" : "User.ReadWrite.All";
  }
  if (std::regex_match(path, k_service_principal) || std::regex_match(path, k_applications)) {
    return get ? "Application.Read.All" : "Application.ReadWrite.All";
  }
  if (std::regex_match(path, k_roles)) {
    return get ? "RoleManagement.Read.Directory" : "RoleManagement.ReadWrite.Directory";
  }
  return get ? "Directory.Read.All" : "Directory.ReadWrite.All";
}

} // namespace dftriage::lab
