#include "state.hpp"

namespace dftriage::lab {

std::string LabConfig::base_url() const
{
  return scheme + "://127.0.0.1:" + std::to_string(port);
}

std::string LabConfig::origin(const LabRequest& request) const
{
  return scheme + "://" + (request.host.empty() ? "127.0.0.1" : request.host) + ":" +
         std::to_string(port);
}

std::string State::now_iso() const
{
  return iso_time(config.clock());
}

std::string State::next_guid(std::string_view kind)
{
  ++sequence;
  return stable_guid(config.tenant_id + "/" + std::string(kind) + "/" + std::to_string(sequence));
}

std::string State::principal_type(const std::string& id) const
{
  const std::string key = lower(id);
  if (service_principals.count(key) > 0 || key == lower(config.object_id)) {
    return "ServicePrincipal";
  }
  return groups.count(key) > 0 ? "Group" : "User";
}

std::string State::object_id_of(const std::string& app_id) const
{
  if (lower(app_id) == lower(config.client_id)) {
    return config.object_id;
  }
  for (const auto& [id, sp] : service_principals) {
    if (lower(sp.value("appId", "")) == lower(app_id)) {
      return sp.value("id", "");
    }
  }
  return {};
}

} // namespace dftriage::lab
