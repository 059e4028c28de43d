// An NSG's security rules as Network serves them one by one
// (`{nsg}/securityRules[/{name}]`): list, GET, PUT and DELETE as long-running operations.
// There is one state: the rules are the NSG's own properties.securityRules, so a rule PUT
// shows in the NSG and an NSG PUT replaces the rules; every write gives the NSG (and its
// rules) a new ETag and is checked as the NSG's PUT is (names, priorities, direction,
// access, protocol, one priority per direction).

#include "arm.hpp"
#include "network_support.hpp"
#include "resources_compute.hpp"

namespace dftriage::lab::network {

namespace {

const std::string k_nsg_route =
    std::string(k_sub) + k_rg + "/providers/Microsoft\\.Network/networkSecurityGroups/([^/]+)";

std::string nsg_id(const Captures& c)
{
  return group_id(c[1], c[2]) + "/providers/Microsoft.Network/networkSecurityGroups/" + c[3];
}

Json& rules_of(Json& nsg)
{
  Json& properties = nsg["properties"];
  if (!properties.contains("securityRules") || !properties["securityRules"].is_array()) {
    properties["securityRules"] = Json::array();
  }
  return properties["securityRules"];
}

// The index of the rule named `name` (any case) in `rules`, or -1.
int find_rule(const Json& rules, const std::string& name)
{
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (lower(rules[i].value("name", "")) == lower(name)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

ArmFault rule_not_found(const Json& nsg, const std::string& name)
{
  return ArmFault{404,
                  "NotFound",
                  "Resource " + nsg.value("id", "") + "/securityRules/" + name + " not found.",
                  std::nullopt,
                  {}};
}

LabResponse get_rule(State& state, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  Json& nsg = require_resource(state, nsg_id(c));
  const Json& rules = rules_of(nsg);
  const int at = find_rule(rules, c[4]);
  if (at < 0) {
    throw rule_not_found(nsg, c[4]);
  }
  return with_etag(LabResponse::json(200, rules[at]), rules[at]);
}

LabResponse put_rule(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  Json nsg = require_resource(state, nsg_id(c));
  Json& rules = rules_of(nsg);
  const int at = find_rule(rules, c[4]);
  check_preconditions(request, at < 0 ? nullptr : &rules[at]);
  const Json body = request.json_body();
  if (!body.is_object() || (body.contains("properties") && !body["properties"].is_object())) {
    throw ArmFault{400,
                   "InvalidRequestFormat",
                   "Cannot parse the request: a security rule is {\"properties\": {...}}.",
                   std::nullopt,
                   {}};
  }
  // The whole set is checked again, as an NSG PUT checks it: the new rule may clash with
  // another of the same direction and priority.
  const std::string name = at < 0 ? c[4] : rules[at].value("name", c[4]);
  Json wanted{{"name", name}, {"properties", body.value("properties", Json::object())}};
  if (at < 0) {
    rules.push_back(std::move(wanted));
  } else {
    rules[at] = std::move(wanted);
  }
  const std::size_t index = at < 0 ? rules.size() - 1 : static_cast<std::size_t>(at);
  const std::string stored_id = nsg.value("id", nsg_id(c));
  nsg["properties"]["securityRules"] = security_rules(state, stored_id, rules);
  stamp_etag(nsg, new_etag(state));
  const Json& stored = put_resource(state, std::move(nsg));
  const Json& rule = stored["properties"]["securityRules"][index];
  return put_answer(state, request, rule, stored.value("location", ""), at < 0, c[1]);
}

LabResponse delete_rule(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  Json& nsg = require_resource(state, nsg_id(c));
  Json& rules = rules_of(nsg);
  const int at = find_rule(rules, c[4]);
  check_preconditions(request, at < 0 ? nullptr : &rules[at]);
  if (at < 0) {
    return LabResponse::empty(204);
  }
  rules.erase(rules.begin() + at);
  stamp_etag(nsg, new_etag(state));
  return delete_answer(state, request, nsg.value("location", ""), c[1]);
}

} // namespace

void add_security_rule_routes(Router& router, State& state)
{
  const RouteOptions options{api_versions(), "arm", ""};
  router.add("GET", k_nsg_route + "/securityRules", options,
             [&state](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               Json& nsg = require_resource(state, nsg_id(c));
               const Json& rules = rules_of(nsg);
               return page(state, request, std::vector<Json>(rules.begin(), rules.end()));
             });
  const std::string rule = k_nsg_route + "/securityRules/([^/]+)";
  router.add("GET", rule, options,
             [&state](const LabRequest&, const Captures& c) { return get_rule(state, c); });
  router.add("PUT", rule, options,
             [&state](const LabRequest& r, const Captures& c) { return put_rule(state, r, c); });
  router.add("DELETE", rule, options,
             [&state](const LabRequest& r, const Captures& c) { return delete_rule(state, r, c); });
}

} // namespace dftriage::lab::network
