#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::alert {

// An Azure resource ID taken apart and checked.
struct ResourceId
{
  std::string subscription_id;
  std::string resource_group;     // "" for subscription-level IDs
  std::string provider;           // first provider namespace, e.g. "microsoft.keyvault" as given
  std::vector<std::string> types; // e.g. {"vaults"} or {"virtualMachines", "extensions"}
  std::vector<std::string> names; // one per type
  std::string canonical; // with "subscriptions", "resourceGroups", "providers" in canonical case

  // Returns "provider/type[/type…]" in lower case, e.g. "microsoft.keyvault/vaults";
  // "" for subscription and resource-group IDs.
  std::string type() const;
  // Returns the last name, e.g. the vault's name; "" when there is none.
  std::string name() const;
};

// Parses `id`. Returns nullopt unless it is /subscriptions/{sub}[/resourceGroups/{rg}]
// [/providers/{ns}/{type}/{name}[/{type}/{name}…]] with no empty, "." or ".."
// segment and no control, '?', '#' or '\' character. Keywords match case-insensitively.
std::optional<ResourceId> parse_resource_id(std::string_view id);

} // namespace dftriage::alert
