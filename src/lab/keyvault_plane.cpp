// The lab's Key Vault data plane, shared parts: opening a vault (through its firewall),
// the audit log the Log Analytics imitation answers from, errors, paging, versions.

#include "keyvault_plane.hpp"

#include <algorithm>
#include <map>

namespace dftriage::lab::keyvault {

const std::vector<std::string>& versions()
{
  // 7.4-preview.1: the default of azure-keyvault-keys 4.8 betas (python3-azure), which
  // Key Vault served.
  static const std::vector<std::string> k_versions = {"2025-07-01",    "7.6", "7.5", "7.4",
                                                      "7.4-preview.1", "7.3", "7.2"};
  return k_versions;
}

RouteOptions route_options()
{
  return RouteOptions{versions(), "keyvault", ".vault.localhost"};
}

std::string vault_of(const LabRequest& request)
{
  return lower(request.host.substr(0, request.host.find('.')));
}

VaultData& open_vault(State& state, const LabRequest& request, const std::string& operation)
{
  const auto it = state.vaults.find(vault_of(request));
  if (it == state.vaults.end()) {
    throw ArmFault{404,
                   "VaultNotFound",
                   "The vault " + vault_of(request) + " does not exist in the lab.",
                   Json{{"error", {{"code", "VaultNotFound"}, {"message", "Vault not found"}}}},
                   {}};
  }
  if (auto refusal = firewall_refusal(state, request, it->first)) {
    // Key Vault logs what its firewall turns away too: that is how a blocked attacker shows.
    audit(state, request, operation, 403);
    throw std::move(*refusal);
  }
  return it->second;
}

void not_found(const std::string& kind, const std::string& name)
{
  const std::string code = kind + "NotFound";
  const std::string message = "A " + lower(kind) + " with (name/id) " + name +
                              " was not found in this key vault. "
                              "If you recently deleted this " +
                              lower(kind) +
                              " you may be able to recover it using the correct recovery command.";
  throw ArmFault{404, code, message, Json{{"error", {{"code", code}, {"message", message}}}}, {}};
}

std::string caller_object_id(const State& state, const std::string& app_id)
{
  return state.object_id_of(app_id);
}

void audit(State& state, const LabRequest& request, const std::string& operation, int status)
{
  const std::string oid = caller_object_id(state, request.caller);
  const std::string signature = status < 300    ? "OK"
                                : status == 403 ? "Forbidden"
                                : status == 404 ? "Not Found"
                                : status == 409 ? "Conflict"
                                                : "Bad Request";
  state.diagnostics.push_back(Json{{"TimeGenerated", state.now_iso()},
                                   {"Resource", vault_of(request)},
                                   {"ResourceProvider", "MICROSOFT.KEYVAULT"},
                                   {"OperationName", operation},
                                   {"CallerIPAddress", request.remote_addr},
                                   {"identity_claim_oid_g", oid},
                                   {"identity_claim_upn_s", ""},
                                   {"identity_claim_appid_g", request.caller},
                                   {"requestUri_s", "https://" + request.host + request.path},
                                   {"ResultSignature", signature},
                                   {"httpStatusCode_d", status},
                                   {"clientInfo_s", request.header("user-agent").value_or("")}});
}

std::string base_of(const State& state, const LabRequest& request)
{
  return state.config.origin(request);
}

LabResponse data_page(const State& state, const LabRequest& request, const std::vector<Json>& items)
{
  std::size_t start = 0;
  if (const auto token = request.query_value("$skiptoken")) {
    start = static_cast<std::size_t>(std::strtoull(token->c_str(), nullptr, 10));
  }
  std::size_t size = state.config.page_size == 0 ? 1 : state.config.page_size;
  if (const auto top = request.query_value("maxresults")) {
    const auto n = static_cast<std::size_t>(std::strtoull(top->c_str(), nullptr, 10));
    size = n > 0 && n < size ? n : size;
  }
  Json value = Json::array();
  for (std::size_t i = start; i < items.size() && i < start + size; ++i) {
    value.push_back(items[i]);
  }
  Json body{{"value", std::move(value)}, {"nextLink", nullptr}};
  if (start + size < items.size()) {
    body["nextLink"] = base_of(state, request) + request.path + "?api-version=" +
                       request.query_value("api-version").value_or(versions().front()) +
                       "&$skiptoken=" + std::to_string(start + size);
  }
  return LabResponse::json(200, body);
}

long long now_unix(const State& state)
{
  return static_cast<long long>(Clock::to_time_t(state.config.clock()));
}

std::string new_version(State& state, std::string_view kind)
{
  std::string version = state.next_guid(kind);
  version.erase(std::remove(version.begin(), version.end(), '-'), version.end());
  return version;
}

void update_attributes(const State& state, Json& attributes, Json& tags, const Json& body)
{
  if (body.contains("attributes") && body["attributes"].is_object()) {
    for (const char* key : {"enabled", "exp", "nbf"}) {
      if (body["attributes"].contains(key)) {
        attributes[key] = body["attributes"][key];
      }
    }
  }
  if (body.contains("tags") && body["tags"].is_object()) {
    tags = body["tags"];
  }
  attributes["updated"] = now_unix(state);
}

Json& require_object_version(std::map<std::string, std::vector<Json>>& objects,
                             const std::string& kind, const std::string& name,
                             const std::string& version)
{
  const auto it = objects.find(lower(name));
  if (it == objects.end() || it->second.empty()) {
    not_found(kind, name);
  }
  if (version.empty()) {
    return it->second.back();
  }
  for (auto& v : it->second) {
    if (lower(v.value("version", "")) == lower(version)) {
      return v;
    }
  }
  not_found(kind, name + "/" + version);
}

Json object_item(const Json& object, const std::string& base, const std::string& collection,
                 const std::string& id_key, bool with_version)
{
  Json item{{id_key, base + "/" + collection + "/" + object.value("name", "") +
                         (with_version ? "/" + object.value("version", "") : "")}};
  for (const auto& [key, value] : object.items()) {
    if (key != "name" && key != "version" && key != "keyId") {
      item[key] = value;
    }
  }
  return item;
}

} // namespace dftriage::lab::keyvault
