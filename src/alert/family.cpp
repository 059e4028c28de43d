#include "dftriage/util/text.hpp"
#include "normalise.hpp"

namespace dftriage::alert::detail {

namespace {

struct Prefix
{
  std::string_view prefix;
  Family family;
};

// Alert-type prefixes of the three families, compared ignoring case: the reference
// spells them "KV_", "ARM_", "ARM." (deprecated MCAS types), "RM_" (one MicroBurst
// type), "Arm_" (vault recovery) and "AzureDNS_".
constexpr Prefix k_prefixes[] = {
    {"KV_", Family::keyvault},         {"ARM_", Family::resourcemanager},
    {"ARM.", Family::resourcemanager}, {"RM_", Family::resourcemanager},
    {"AzureDNS_", Family::dns},
};

struct Component
{
  std::string_view name;
  Family family;
};

// productComponentName / extendedProperties.resourceType values.
constexpr Component k_components[] = {
    {"KeyVault", Family::keyvault}, {"Key Vault", Family::keyvault},  {"DNS", Family::dns},
    {"AzureDNS", Family::dns},      {"ARM", Family::resourcemanager},
};

} // namespace

Family family_of(std::string_view base_alert_type, std::string_view product_component,
                 std::string_view resource_type)
{
  for (const auto& p : k_prefixes) {
    if (text::istarts_with(base_alert_type, p.prefix)) {
      return p.family;
    }
  }
  for (const auto& c : k_components) {
    if (text::iequals(product_component, c.name)) {
      return c.family;
    }
  }
  if (text::iequals(resource_type, "microsoft.keyvault/vaults")) {
    return Family::keyvault;
  }
  return Family::other;
}

} // namespace dftriage::alert::detail
