// The values an alert has for each incident key (triage_detail.hpp).

#include "dftriage/util/text.hpp"
#include "triage_detail.hpp"

#include <algorithm>

namespace dftriage::queue::detail {

int progress(std::string_view status)
{
  if (text::iequals(status, "Active")) {
    return 1;
  }
  if (text::iequals(status, "InProgress")) {
    return 2;
  }
  if (text::iequals(status, "Resolved") || text::iequals(status, "Dismissed")) {
    return 3;
  }
  return 0;
}

int activity(std::string_view status)
{
  switch (progress(status)) {
  case 0:
  case 1:
    return 0;
  case 2:
    return 1;
  default:
    return 2;
  }
}

const playbook::IncidentRule& default_rule()
{
  static const playbook::IncidentRule rule{{"resource"}, {"alertType"}};
  return rule;
}

std::size_t key_index(std::string_view key)
{
  const auto& keys = playbook::incident_keys();
  return static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
}

namespace {

void add_value(std::vector<std::string>& out, std::string_view value)
{
  if (value.empty()) {
    return;
  }
  auto v = text::to_lower(value);
  if (std::find(out.begin(), out.end(), v) == out.end()) {
    out.push_back(std::move(v));
  }
}

} // namespace

std::vector<std::string> key_values(const alert::Alert& a, std::string_view key)
{
  std::vector<std::string> out;
  if (key == "resource") {
    add_value(out, a.resource_id);
  } else if (key == "subscription") {
    add_value(out, a.subscription_id);
  } else if (key == "resourceGroup") {
    if (!a.resource_group.empty()) {
      add_value(out, a.subscription_id + "/" + a.resource_group);
    }
  } else if (key == "host") {
    for (const auto& h : a.entities.hosts) {
      add_value(out, h.resource_id.empty() ? h.name : h.resource_id);
    }
    if (out.empty() && a.resource_id.find("/providers/") != std::string::npos) {
      add_value(out, a.resource_id);
    }
  } else if (key == "domain") {
    for (const auto& d : a.entities.domains) {
      add_value(out, d);
    }
  } else if (key == "callerIp") {
    for (const auto& ip : a.entities.ips) {
      if (ip.valid) {
        add_value(out, ip.address);
      }
    }
  } else if (key == "callerObjectId") {
    for (const auto& account : a.entities.accounts) {
      add_value(out, account.object_id);
    }
  } else if (key == "account") {
    for (const auto& account : a.entities.accounts) {
      add_value(out, !account.upn.empty()         ? account.upn
                     : !account.object_id.empty() ? account.object_id
                                                  : account.name);
    }
  } else if (key == "alertType") {
    add_value(out, a.base_alert_type);
  }
  return out;
}

} // namespace dftriage::queue::detail
