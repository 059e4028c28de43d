// Key Vault management plane (Microsoft.KeyVault): the vault, its firewall, access
// policies and role assignments; and the data plane's addressing, shared with
// keyvault_objects.cpp (secrets, keys and certificates).

#include "dftriage/util/ip.hpp"
#include "dftriage/util/text.hpp"
#include "keyvault_support.hpp"

#include <algorithm>

namespace dftriage::azure::actions {

namespace {

using keyvault::vault_param;

const char* k_vault_read = "Microsoft.KeyVault/vaults/read";

// Returns "1.2.3.4" for "1.2.3.4/32" (Key Vault may store either form), lower case.
std::string ip_key(std::string_view ip)
{
  std::string out = text::to_lower(ip);
  for (const char* host : {"/32", "/128"}) {
    const std::string_view suffix(host);
    if (out.size() > suffix.size() &&
        out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.resize(out.size() - suffix.size());
    }
  }
  return out;
}

// Returns the sorted keys of `field` of each element of `rules`.
std::vector<std::string> rule_keys(const nlohmann::ordered_json* rules, const char* field, bool ip)
{
  std::vector<std::string> out;
  if (rules != nullptr && rules->is_array()) {
    for (const auto& rule : *rules) {
      const std::string value = text_at(rule, std::string("/") + field);
      out.push_back(ip ? ip_key(value) : text::to_lower(value));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Returns the access-policy entry of `object_id` in a vault body, or nullptr.
const nlohmann::ordered_json* policy_of(const nlohmann::ordered_json& vault,
                                        const std::string& object_id)
{
  return select(vault, "/properties/accessPolicies/[objectId=" + object_id + "]");
}

// Returns the sorted, lower-case permission names of `category` in a permissions object.
std::vector<std::string> permission_names(const nlohmann::ordered_json& permissions,
                                          const char* category)
{
  std::vector<std::string> out;
  const auto* list = select(permissions, std::string("/") + category);
  if (list != nullptr && list->is_array()) {
    for (const auto& p : *list) {
      out.push_back(p.is_string() ? text::to_lower(p.get<std::string>()) : p.dump());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// True when the permission lists of `a` and `b` hold the same names per category.
bool same_permissions(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b)
{
  for (const char* category : {"keys", "secrets", "certificates", "storage"}) {
    if (permission_names(a, category) != permission_names(b, category)) {
      return false;
    }
  }
  return true;
}

ActionSpec get_vault()
{
  ActionSpec spec;
  spec.name = "keyvault.get";
  spec.summary = "Read the vault: firewall, access policies, RBAC mode, tags";
  spec.params = {vault_param()};
  spec.permission = k_vault_read;
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm("GET", args.resource("vault"), {}, api_version::k_keyvault, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

// Throws when an allowed range would let one of the blocked addresses (the attacker's)
// through: a firewall that does is no containment.
void check_blocked(const ActionArgs& args)
{
  for (const auto& blocked : args.list("blockedIps")) {
    for (const auto& allowed : args.list("allowedIps")) {
      if (ip::in_range(blocked, allowed)) {
        throw ActionError("parameter blockedIps: " + text::quote(blocked) +
                          " is inside the allowed range " + text::quote(allowed) +
                          " (allowedIps): the firewall would let it in; narrow the range");
      }
    }
  }
}

ActionSpec enable_firewall()
{
  ActionSpec spec;
  spec.name = "keyvault.firewall.enable";
  spec.summary = "Turn the vault firewall on: deny by default, allow only the given IP ranges; "
                 "keep the vault's "
                 "virtual network rules unless subnets are given";
  spec.params = {
      vault_param(),
      {"allowedIps", ParamType::cidr_list, false, {}, {}, "IP addresses or CIDR ranges to allow"},
      {"allowedSubnets",
       ParamType::string_list,
       false,
       {},
       {},
       "Subnet resource IDs to allow, replacing the vault's virtual network rules (absent: keep "
       "them)"},
      {"bypassAzureServices",
       ParamType::boolean,
       false,
       {},
       {},
       "Let trusted Azure services through (default true)"},
      {"blockedIps",
       ParamType::string_list,
       false,
       {},
       {},
       "Addresses that must stay out (the attacker's): refused when an allowed range contains one; "
       "a value that is no IP address (alert text) is ignored, as no range can contain it"},
      {"responderAddresses",
       ParamType::cidr_list,
       false,
       {},
       {},
       "The public addresses the responder's requests come from, when known: a caution is shown "
       "when the allowed ranges leave one out (or none is known)"}};
  spec.mutating = true;
  spec.reversibility = Reversibility::reversible;
  spec.undo = "PATCH the vault's networkAcls back to the pre-image";
  spec.undo_zh = "用 PATCH 把保管库的 networkAcls 恢复为更改前记录的内容";
  spec.permission = "Microsoft.KeyVault/vaults/write";
  spec.needs = {own_need(spec.permission), pre_image_need(k_vault_read),
                undo_need(spec.permission)};
  // The firewall also stands between the responder and the vault's data plane: say so
  // when the responder's own address is unknown or left out.
  spec.caution = [](const ActionArgs& args) -> std::pair<std::string, std::string> {
    const auto& own = args.list("responderAddresses");
    if (own.empty()) {
      return {"dftriage does not know the public address your requests come from "
              "(DFTRIAGE_RESPONDER_ADDRESSES): "
              "unless it is among the allowed ranges, this firewall refuses your later requests to "
              "the vault's "
              "secrets, keys and certificates",
              "dftriage "
              "不知道你的请求来自哪个公网地址（DFTRIAGE_RESPONDER_"
              "ADDRESSES）：除非它在允许的地址范围内，"
              "这道防火墙会拒绝你此后对保管库机密、密钥和证书的请求"};
    }
    for (const auto& address : own) {
      const std::string base = address.substr(0, address.find('/'));
      bool allowed = false;
      for (const auto& range : args.list("allowedIps")) {
        allowed = allowed || ip::in_range(base, range);
      }
      if (!allowed) {
        return {"your address " + address +
                    " is not among the allowed ranges: this firewall refuses your later "
                    "requests to the vault's secrets, keys and certificates; add it, or those "
                    "steps fail",
                "你的地址 " + address +
                    " 不在允许的地址范围内：这道防火墙会拒绝你此后对保管库机密、密钥和证书的请求；"
                    "请把它加上，否则那些步骤会失败"};
      }
    }
    return {};
  };
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    check_blocked(args);
    const auto& vault = args.resource("vault");
    ActionRequests out;
    auto before = arm("GET", vault, {}, api_version::k_keyvault, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vault_read));

    nlohmann::ordered_json ip_rules = nlohmann::ordered_json::array();
    for (const auto& ip : args.list("allowedIps")) {
      ip_rules.push_back({{"value", ip}});
    }
    // Deleting the subnets the vault's applications reach it from would be an outage, not
    // a containment: without allowedSubnets the vault keeps its own.
    nlohmann::ordered_json subnet_rules =
        from_pre_image(0, "/properties/networkAcls/virtualNetworkRules");
    if (args.has("allowedSubnets")) {
      subnet_rules = nlohmann::ordered_json::array();
      for (const auto& subnet : args.list("allowedSubnets")) {
        const auto id = alert::parse_resource_id(subnet);
        if (!id || id->type() != "microsoft.network/virtualnetworks/subnets") {
          throw ActionError("parameter allowedSubnets: expected subnet resource IDs, got " +
                            nlohmann::json(subnet).dump());
        }
        subnet_rules.push_back(
            {{"id", id->canonical}, {"ignoreMissingVnetServiceEndpoint", false}});
      }
    }
    const bool bypass = !args.has("bypassAzureServices") || args.flag("bypassAzureServices");
    auto r = arm("PATCH", vault, {}, api_version::k_keyvault, cloud);
    r.body = nlohmann::ordered_json{{"properties",
                                     {{"networkAcls",
                                       {{"defaultAction", "Deny"},
                                        {"bypass", bypass ? "AzureServices" : "None"},
                                        {"ipRules", std::move(ip_rules)},
                                        {"virtualNetworkRules", std::move(subnet_rules)}}}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    const auto* acls = select(pre_body(pre), "/properties/networkAcls");
    if (acls == nullptr || !text::iequals(text_at(*acls, "/defaultAction"), "Deny")) {
      return false;
    }
    const bool bypass = !args.has("bypassAzureServices") || args.flag("bypassAzureServices");
    std::vector<std::string> ips;
    for (const auto& ip : args.list("allowedIps")) {
      ips.push_back(ip_key(ip));
    }
    std::sort(ips.begin(), ips.end());
    std::vector<std::string> subnets;
    for (const auto& subnet : args.list("allowedSubnets")) {
      subnets.push_back(text::to_lower(subnet));
    }
    std::sort(subnets.begin(), subnets.end());
    return text::iequals(text_at(*acls, "/bypass"), bypass ? "AzureServices" : "None") &&
           rule_keys(select(*acls, "/ipRules"), "value", true) == ips &&
           (!args.has("allowedSubnets") ||
            rule_keys(select(*acls, "/virtualNetworkRules"), "id", false) == subnets);
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    const auto* acls = select(pre_body(pre), "/properties/networkAcls");
    // A vault that never had networkAcls behaves as Allow with no rules.
    const nlohmann::ordered_json before =
        acls != nullptr
            ? *acls
            : nlohmann::ordered_json{{"defaultAction", "Allow"},
                                     {"bypass", "AzureServices"},
                                     {"ipRules", nlohmann::ordered_json::array()},
                                     {"virtualNetworkRules", nlohmann::ordered_json::array()}};
    auto r = arm("PATCH", args.resource("vault"), {}, api_version::k_keyvault, cloud);
    r.body = nlohmann::ordered_json{{"properties", {{"networkAcls", before}}}};
    return std::vector<Request>{as_undo(r, spec)};
  };
  return spec;
}

ActionSpec remove_access_policy()
{
  ActionSpec spec;
  spec.name = "keyvault.access_policy.remove";
  spec.summary = "Remove a principal's entry from the vault's access policies";
  spec.params = {vault_param(),
                 {"objectId", ParamType::guid, true, {}, {}, "The principal's Entra object ID"}};
  spec.mutating = true;
  spec.reversibility = Reversibility::reversible;
  spec.undo =
      "Re-add the entry with the permissions captured in the pre-image (accessPolicies/add)";
  spec.undo_zh = "用更改前记录的权限重新添加该条目（accessPolicies/add）";
  spec.permission = "Microsoft.KeyVault/vaults/accessPolicies/write";
  spec.needs = {own_need(spec.permission), pre_image_need(k_vault_read),
                undo_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& vault = args.resource("vault");
    ActionRequests out;
    auto before = arm("GET", vault, {}, api_version::k_keyvault, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vault_read));
    auto r = arm("PUT", vault, {"accessPolicies", "remove"}, api_version::k_keyvault, cloud);
    r.body = nlohmann::ordered_json{
        {"properties",
         {{"accessPolicies",
           {{{"tenantId", from_pre_image(0, "/properties/tenantId")},
             {"objectId", args.text("objectId")},
             {"permissions", from_pre_image(0, "/properties/accessPolicies/[objectId=" +
                                                   args.text("objectId") + "]/permissions")}}}}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    return policy_of(pre_body(pre), args.text("objectId")) == nullptr;
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    if (const auto* entry = policy_of(pre_body(pre), args.text("objectId"))) {
      auto r = arm("PUT", args.resource("vault"), {"accessPolicies", "add"},
                   api_version::k_keyvault, cloud);
      r.body = nlohmann::ordered_json{
          {"properties", {{"accessPolicies", nlohmann::ordered_json::array({*entry})}}}};
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

// Returns the access-policy permissions of list `param`, spelt as the API does. Throws
// for unknown ones and for "all": restrict means a reduced set.
nlohmann::ordered_json permissions_arg(const ActionArgs& args, const char* param,
                                       std::initializer_list<const char*> known)
{
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& value : args.list(param)) {
    const auto* it = std::find_if(known.begin(), known.end(),
                                  [&](const char* k) { return text::iequals(value, k); });
    if (it == known.end() || text::iequals(value, "all")) {
      throw ActionError(std::string("parameter ") + param + ": " + text::quote(value) +
                        " is not a permission restrict can grant (\"all\" is refused)");
    }
    out.push_back(*it);
  }
  return out;
}

ActionSpec restrict_access_policy()
{
  ActionSpec spec{
      "keyvault.access_policy.restrict",
      "Replace a principal's access-policy permissions with a reduced set "
      "(accessPolicies/replace); "
      "no effect on RBAC-mode vaults",
      {vault_param(),
       {"objectId", ParamType::guid, true, {}, {}, "The principal's Entra object ID"},
       {"secrets",
        ParamType::string_list,
        false,
        {},
        {},
        "Secret permissions kept, e.g. [\"get\"]"},
       {"keys", ParamType::string_list, false, {}, {}, "Key permissions kept"},
       {"certificates", ParamType::string_list, false, {}, {}, "Certificate permissions kept"}},
      true,
      Reversibility::reversible,
      "Replace the entry's permissions with those captured in the pre-image "
      "(accessPolicies/replace)",
      "Microsoft.KeyVault/vaults/accessPolicies/write",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "用更改前记录的权限替换该条目的权限（accessPolicies/replace）";
  spec.needs = {own_need(spec.permission), pre_image_need(k_vault_read),
                undo_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    nlohmann::ordered_json permissions{
        {"keys", permissions_arg(args, "keys",
                                 {"all",
                                  "encrypt",
                                  "decrypt",
                                  "wrapKey",
                                  "unwrapKey",
                                  "sign",
                                  "verify",
                                  "get",
                                  "list",
                                  "create",
                                  "update",
                                  "import",
                                  "delete",
                                  "backup",
                                  "restore",
                                  "recover",
                                  "purge",
                                  "release",
                                  "rotate",
                                  "getrotationpolicy",
                                  "setrotationpolicy"})},
        {"secrets", permissions_arg(args, "secrets",
                                    {"all", "get", "list", "set", "delete", "backup", "restore",
                                     "recover", "purge"})},
        {"certificates", permissions_arg(args, "certificates",
                                         {"all", "get", "list", "delete", "create", "import",
                                          "update", "managecontacts", "getissuers", "listissuers",
                                          "setissuers", "deleteissuers", "manageissuers", "recover",
                                          "purge", "backup", "restore"})}};
    const auto& vault = args.resource("vault");
    ActionRequests out;
    auto before = arm("GET", vault, {}, api_version::k_keyvault, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vault_read));
    auto r = arm("PUT", vault, {"accessPolicies", "replace"}, api_version::k_keyvault, cloud);
    r.body = nlohmann::ordered_json{{"properties",
                                     {{"accessPolicies",
                                       {{{"tenantId", from_pre_image(0, "/properties/tenantId")},
                                         {"objectId", args.text("objectId")},
                                         {"permissions", std::move(permissions)}}}}}}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    // accessPolicies/replace adds an entry that does not exist: that would grant access.
    return policy_of(pre_body(pre), args.text("objectId")) == nullptr
               ? std::string("the principal holds no access policy on this vault: nothing to "
                             "restrict (replace would grant one)")
               : std::string();
  };
  spec.satisfied = [spec](const ActionArgs& args, const PreImage& pre) {
    const auto* entry = policy_of(pre_body(pre), args.text("objectId"));
    if (entry == nullptr) {
      return false;
    }
    const auto planned = spec.build(args, Cloud{}).requests.front().body;
    const auto* wanted = select(*planned, "/properties/accessPolicies/0/permissions");
    const auto* have = select(*entry, "/permissions");
    return wanted != nullptr && have != nullptr && same_permissions(*wanted, *have);
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    if (const auto* entry = policy_of(pre_body(pre), args.text("objectId"))) {
      auto r = arm("PUT", args.resource("vault"), {"accessPolicies", "replace"},
                   api_version::k_keyvault, cloud);
      r.body = nlohmann::ordered_json{
          {"properties", {{"accessPolicies", nlohmann::ordered_json::array({*entry})}}}};
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

ActionSpec list_vault_role_assignments()
{
  ActionSpec spec{
      "keyvault.role_assignments.list",
      "List the RBAC role assignments that apply at the vault (atScope()), or one principal's "
      "at, above and below it",
      {vault_param(),
       {"principalId", ParamType::guid, false, {}, {}, "Only this principal's assignments"}},
      false,
      Reversibility::read_only,
      "",
      "Microsoft.Authorization/roleAssignments/read",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = role_assignments_list(args.resource("vault"), args.text("principalId"), true, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

} // namespace

namespace keyvault {

ParamSpec vault_param()
{
  return ParamSpec{"vault", ParamType::resource_id,  true, "microsoft.keyvault/vaults",
                   {},      "The attacked key vault"};
}

ParamSpec object_param(const ObjectKind& kind)
{
  return ParamSpec{
      "name", ParamType::name, true, {}, {}, std::string("The ") + kind.singular + "'s name"};
}

namespace {

// Returns https://{vault}{suffix}. The vault's name becomes a host name, where
// percent-encoding cannot protect it, so it must be a valid vault name.
std::string vault_base(const alert::ResourceId& vault, const Cloud& cloud)
{
  const std::string name = text::to_lower(vault.name());
  bool ok = name.size() >= 3 && name.size() <= 24 && name.front() >= 'a' && name.front() <= 'z' &&
            name.back() != '-' && name.find("--") == std::string::npos;
  for (const char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  if (!ok) {
    throw ActionError(
        "parameter vault: " + text::quote(vault.name()) +
        " is not a key vault name (3-24 letters, digits and single '-', starting with a letter)");
  }
  // A lab served without TLS (lab serve without --https) has its vaults on plain HTTP
  // too, at *.vault.localhost; every real cloud's are HTTPS.
  const bool plain_lab = text::istarts_with(cloud.resource_manager, "http://") &&
                         text::istarts_with(cloud.keyvault_suffix, ".vault.localhost");
  return (plain_lab ? "http://" : "https://") + name + cloud.keyvault_suffix;
}

} // namespace

Request data_plane(std::string method, const ActionArgs& args,
                   std::initializer_list<std::string_view> segments, const Cloud& cloud)
{
  UrlBuilder url(vault_base(args.resource("vault"), cloud));
  for (const auto segment : segments) {
    url.segment(segment);
  }
  url.query("api-version", api_version::k_keyvault_data);
  Request r;
  r.method = std::move(method);
  r.url = url.str();
  r.audience = "keyvault";
  return r;
}

const std::string& object_arg(const ActionArgs& args, const char* param, bool version)
{
  const std::string& s = args.text(param);
  const bool ok = !s.empty() && s.size() <= (version ? 64u : 127u) &&
                  std::all_of(s.begin(), s.end(), [&](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || (!version && c == '-');
                  });
  if (!ok) {
    throw ActionError(std::string("parameter ") + param + ": expected " +
                      (version ? "an object version (letters and digits)"
                               : "a Key Vault object name (1-127 letters, digits and '-')") +
                      ", got " + text::quote(s));
  }
  return s;
}

std::string last_segment(std::string_view id)
{
  id = id.substr(0, id.find('?'));
  while (!id.empty() && id.back() == '/') {
    id.remove_suffix(1);
  }
  const auto slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? std::string_view() : id.substr(slash + 1));
}

const nlohmann::ordered_json* version_in(const nlohmann::ordered_json& list,
                                         const std::string& version)
{
  const auto* items = select(list, "/value");
  if (items == nullptr || !items->is_array() || version.empty()) {
    return nullptr;
  }
  for (const auto& item : *items) {
    // Secrets and certificates are listed by "id", keys by "kid".
    const std::string id = item.contains("kid") ? text_at(item, "/kid") : text_at(item, "/id");
    if (text::iequals(last_segment(id), version)) {
      return &item;
    }
  }
  return nullptr;
}

} // namespace keyvault

void add_keyvault(std::vector<ActionSpec>& out)
{
  out.push_back(get_vault());
  out.push_back(enable_firewall());
  out.push_back(remove_access_policy());
  out.push_back(restrict_access_policy());
  out.push_back(list_vault_role_assignments());
}

} // namespace dftriage::azure::actions
