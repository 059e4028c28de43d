#include "report_fixture.hpp"

#include <algorithm>
#include <sstream>

namespace dftriage::test {

const std::string k_report_vault =
    "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg-payments-prod/"
    "providers/Microsoft.KeyVault/vaults/kv-payments-prod";

std::string arm_alert(const Json& properties)
{
  Json alert{{"id", "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/"
                    "rg-payments-prod/providers/"
                    "Microsoft.Security/locations/westeurope/alerts/a-1"},
             {"name", "a-1"},
             {"type", "Microsoft.Security/Locations/alerts"},
             {"properties",
              {{"status", "Active"},
               {"alertType", "KV_TORAccess"},
               {"systemAlertId", "a-1"},
               {"severity", "Medium"},
               {"alertDisplayName", "Access from a TOR exit node to a key vault"},
               {"description", "The key vault was accessed from a TOR exit node."},
               {"startTimeUtc", "2026-11-27T07:58:12Z"},
               {"endTimeUtc", "2026-11-27T08:02:47Z"},
               {"compromisedEntity", "kv-payments-prod"},
               {"resourceIdentifiers",
                Json::array({{{"type", "AzureResource"}, {"azureResourceId", k_report_vault}}})},
               {"entities", Json::array()}}}};
  for (const auto& [key, value] : properties.items()) {
    alert["properties"][key] = value;
  }
  return alert.dump(2);
}

bool has_line(const std::string& text, const std::string& line)
{
  const auto lines = lines_of(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string section(const std::string& text, const std::string& heading)
{
  const auto start = text.find("\n" + heading + "\n");
  if (start == std::string::npos) {
    return {};
  }
  const auto end = text.find("\n## ", start + heading.size() + 2);
  return text.substr(start + heading.size() + 2, end == std::string::npos
                                                     ? std::string::npos
                                                     : end - start - heading.size() - 2);
}

} // namespace dftriage::test
