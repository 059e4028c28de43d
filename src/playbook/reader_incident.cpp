// Reading how a playbook's alerts are grouped into incidents (Reader::incident, reader.hpp).

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
