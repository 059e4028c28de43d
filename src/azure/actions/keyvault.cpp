// Key Vault management plane (Microsoft.KeyVault) and data plane actions.

#include "families.hpp"

namespace dftriage::azure::actions {

namespace {

const char* k_vault_type = "microsoft.keyvault/vaults";

ParamSpec vault_param()
{
  return ParamSpec{"vault", ParamType::resource_id, true, k_vault_type, {}, "The attacked key vault"};
}

ActionSpec get_vault()
{
  ActionSpec spec;
  spec.name = "keyvault.get";
  spec.summary = "Read the vault: firewall, access policies, RBAC mode, tags";
  spec.params = {vault_param()};
  spec.permission = "Microsoft.KeyVault/vaults/read";
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm("GET", args.resource("vault"), {}, api_version::k_keyvault, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec enable_firewall()
{
  ActionSpec spec;
  spec.name = "keyvault.firewall.enable";
  spec.summary = "Turn the vault firewall on: deny by default, allow only the given IP ranges and subnets";
  spec.params = {vault_param(),
                 {"allowedIps", ParamType::cidr_list, false, {}, {}, "IP addresses or CIDR ranges to allow"},
                 {"allowedSubnets", ParamType::string_list, false, {}, {}, "Subnet resource IDs to allow"},
                 {"bypassAzureServices", ParamType::boolean, false, {}, {}, "Let trusted Azure services through (default true)"}};
  spec.mutating = true;
  spec.reversibility = Reversibility::reversible;
  spec.undo = "PATCH the vault's networkAcls back to the pre-image";
  spec.permission = "Microsoft.KeyVault/vaults/write";
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& vault = args.resource("vault");
    ActionRequests out;
    auto before = arm("GET", vault, {}, api_version::k_keyvault, cloud);
    out.pre_image.push_back(as_pre_image(before, "Microsoft.KeyVault/vaults/read"));

    nlohmann::ordered_json ip_rules = nlohmann::ordered_json::array();
    for (const auto& ip : args.list("allowedIps")) {
      ip_rules.push_back({{"value", ip}});
    }
    nlohmann::ordered_json subnet_rules = nlohmann::ordered_json::array();
    for (const auto& subnet : args.list("allowedSubnets")) {
      const auto id = alert::parse_resource_id(subnet);
      if (!id || id->type() != "microsoft.network/virtualnetworks/subnets") {
        throw ActionError("parameter allowedSubnets: expected subnet resource IDs, got "
                          + nlohmann::json(subnet).dump());
      }
      subnet_rules.push_back({{"id", id->canonical}, {"ignoreMissingVnetServiceEndpoint", false}});
    }
    const bool bypass = !args.has("bypassAzureServices") || args.flag("bypassAzureServices");
    auto r = arm("PATCH", vault, {}, api_version::k_keyvault, cloud);
    r.body = nlohmann::ordered_json{
      {"properties",
       {{"networkAcls",
         {{"defaultAction", "Deny"},
          {"bypass", bypass ? "AzureServices" : "None"},
          {"ipRules", std::move(ip_rules)},
          {"virtualNetworkRules", std::move(subnet_rules)}}}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec remove_access_policy()
{
  ActionSpec spec;
  spec.name = "keyvault.access_policy.remove";
  spec.summary = "Remove a principal's entry from the vault's access policies";
  spec.params = {vault_param(), {"objectId", ParamType::guid, true, {}, {}, "The principal's Entra object ID"}};
  spec.mutating = true;
  spec.reversibility = Reversibility::reversible;
  spec.undo = "Re-add the entry with the permissions captured in the pre-image (accessPolicies/add)";
  spec.permission = "Microsoft.KeyVault/vaults/accessPolicies/write";
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& vault = args.resource("vault");
    ActionRequests out;
    auto before = arm("GET", vault, {}, api_version::k_keyvault, cloud);
    out.pre_image.push_back(as_pre_image(before, "Microsoft.KeyVault/vaults/read"));
    auto r = arm("PUT", vault, {"accessPolicies", "remove"}, api_version::k_keyvault, cloud);
    r.body = nlohmann::ordered_json{
      {"properties",
       {{"accessPolicies",
         {{{"tenantId", from_pre_image(0, "/properties/tenantId")},
           {"objectId", args.text("objectId")},
           {"permissions", from_pre_image(0, "/properties/accessPolicies/[objectId=" + args.text("objectId") + "]/permissions")}}}}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

void add_keyvault(std::vector<ActionSpec>& out)
{
  out.push_back(get_vault());
  out.push_back(enable_firewall());
  out.push_back(remove_access_policy());
}

} // namespace dftriage::azure::actions
