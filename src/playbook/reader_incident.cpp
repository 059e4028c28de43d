// Reading which alerts a playbook takes and how they group into incidents (Reader::match
// and Reader::incident, reader.hpp).

#include "dftriage/util/text.hpp"
#include "reader.hpp"

#include <algorithm>

namespace dftriage::playbook {

const std::vector<std::string>& incident_keys()
{
  static const std::vector<std::string> keys = {"resource",       "subscription", "resourceGroup",
                                                "host",           "domain",       "callerIp",
                                                "callerObjectId", "account",      "alertType"};
  return keys;
}

namespace detail {

void Reader::match(const nlohmann::ordered_json& j, const std::string& ptr, MatchRule& out)
{
  if (!check_object(j, ptr, {"alertTypes", "families", "resourceTypes"}, {})) {
    return;
  }
  out.alert_types = strings_at(j, "alertTypes", ptr);
  out.families = strings_at(j, "families", ptr);
  for (auto& family : out.families) {
    if (family == "resourcemanager") {
      family = "resource-manager"; // the spelling before 0.2, still read
    }
  }
  out.resource_types = strings_at(j, "resourceTypes", ptr);
  if (out.alert_types.empty() && out.families.empty() && out.resource_types.empty()) {
    error(ptr, "match needs at least one of alertTypes, families, resourceTypes");
  }
}

IncidentRule Reader::incident(const nlohmann::ordered_json& j, const std::string& ptr)
{
  IncidentRule out;
  if (!check_object(j, ptr, {"groupBy", "linkBy"}, {"groupBy"})) {
    return out;
  }
  out.group_by = strings_at(j, "groupBy", ptr);
  out.link_by = strings_at(j, "linkBy", ptr);
  const auto& known = incident_keys();
  const auto check = [&](const std::vector<std::string>& names, const std::string& at) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (std::find(known.begin(), known.end(), names[i]) == known.end()) {
        error(child(at, i), "unknown incident key " + text::quote(names[i]) + "; expected one of " +
                                text::join(known));
      }
    }
  };
  check(out.group_by, child(ptr, "groupBy"));
  check(out.link_by, child(ptr, "linkBy"));
  if (j.contains("groupBy") && out.group_by.empty()) {
    error(child(ptr, "groupBy"), "name at least one key the alerts of an incident share");
  }
  return out;
}

} // namespace detail

} // namespace dftriage::playbook
