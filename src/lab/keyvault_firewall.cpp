// The Key Vault firewall as the data plane applies it: publicNetworkAccess Disabled keeps
// every lab caller out (none comes through a private endpoint); networkAcls.defaultAction
// Deny lets in only addresses inside an ipRules range (no lab caller is a trusted Azure
// service or on a virtual network). The answer is Key Vault's 403 and its wording.

#include "dftriage/util/ip.hpp"
#include "keyvault_plane.hpp"

namespace dftriage::lab::keyvault {

const Json* vault_resource(const State& state, const std::string& name)
{
  for (const auto& [id, resource] : state.resources) {
    if (lower(resource.value("type", "")) == "microsoft.keyvault/vaults" &&
        lower(resource.value("name", "")) == name) {
      return &resource;
    }
  }
  return nullptr;
}

ArmFault keyvault_forbidden(const std::string& inner, const std::string& message)
{
  return ArmFault{
      403,
      "Forbidden",
      message,
      Json{{"error",
            {{"code", "Forbidden"}, {"message", message}, {"innererror", {{"code", inner}}}}}},
      {}};
}

std::optional<ArmFault> firewall_refusal(const State& state, const LabRequest& request,
                                         const std::string& vault_name)
{
  const Json* vault = vault_resource(state, vault_name);
  if (vault == nullptr || !vault->contains("properties")) {
    return std::nullopt;
  }
  const Json& properties = (*vault)["properties"];
  const std::string caller = "Caller: appid=" + request.caller +
                             ";oid=" + caller_object_id(state, request.caller) +
                             ";iss=https://sts.windows.net/" + state.config.tenant_id + "/";
  const std::string where = "Vault: " + vault_name + ";location=" + vault->value("location", "");
  if (lower(properties.value("publicNetworkAccess", "Enabled")) == "disabled") {
    return keyvault_forbidden(
        "ForbiddenByConnection",
        "Public network access is disabled and request is not from a trusted service nor via an "
        "approved private link.\r\n" +
            caller + "\r\n" + where);
  }
  const Json acls = properties.value("networkAcls", Json::object());
  if (lower(acls.value("defaultAction", "Allow")) != "deny") {
    return std::nullopt;
  }
  for (const auto& rule : acls.value("ipRules", Json::array())) {
    if (rule.is_object() && ip::in_range(request.remote_addr, rule.value("value", ""))) {
      return std::nullopt;
    }
  }
  return keyvault_forbidden(
      "ForbiddenByFirewall",
      "Client address is not authorized and caller is not a trusted service.\r\n"
      "Client address: " +
          request.remote_addr + "\r\n" + caller + "\r\n" + where);
}

} // namespace dftriage::lab::keyvault
