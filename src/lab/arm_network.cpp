// Microsoft.Network network security groups and network interfaces: GET, PUT (an LRO
// with Azure-AsyncOperation), PATCH (tags only), DELETE (an LRO), lists; ETags that
// change on every write, If-Match / If-None-Match, and the refusals Azure gives (an NSG
// in use, a NIC attached to a VM, a reference to a missing or far-away NSG).

#include "arm.hpp"
#include "modules.hpp"
#include "network_support.hpp"
#include "resources_compute.hpp"

namespace dftriage::lab {

namespace network {

const std::vector<std::string>& api_versions()
{
  static const std::vector<std::string> versions = {
      "2025-09-01", "2025-07-01", "2025-05-01", "2025-03-01", "2025-01-01", "2024-10-01",
      "2024-07-01", "2024-05-01", "2024-03-01", "2024-01-01", "2023-11-01", "2023-09-01",
      "2023-06-01", "2023-04-01", "2022-07-01", "2022-01-01"};
  return versions;
}

void check_preconditions(const LabRequest& request, const Json* existing)
{
  const std::string have = existing ? existing->value("etag", "") : "";
  if (const auto match = request.header("If-Match")) {
    const std::string want(text_trim(*match));
    if (!existing || (want != "*" && want != have)) {
      throw ArmFault{
          412,
          "PreconditionFailed",
          "The If-Match header '" + want + "' does not match the resource's current ETag" +
              (existing ? " '" + have + "'" : std::string(" (the resource does not exist)")) +
              "; read the resource again and retry.",
          std::nullopt,
          {}};
    }
  }
  if (const auto none = request.header("If-None-Match")) {
    const std::string want(text_trim(*none));
    if (existing && (want == "*" || want == have)) {
      throw ArmFault{412,
                     "PreconditionFailed",
                     "The If-None-Match header '" + want + "' matches the existing resource.",
                     std::nullopt,
                     {}};
    }
  }
}

LabResponse with_etag(LabResponse response, const Json& resource)
{
  response.with_header("ETag", resource.value("etag", ""));
  return response;
}

LabResponse put_answer(State& state, const LabRequest& request, const Json& view,
                       const std::string& location, bool created, const std::string& subscription)
{
  Json body = view;
  body["properties"]["provisioningState"] = "Updating";
  LabResponse response = with_etag(LabResponse::json(created ? 201 : 200, body), view);
  response =
      start_operation(state, std::move(response), subscription, "Microsoft.Network",
                      region(location), Json(), request.query_ci("api-version").value_or(""));
  auto& headers = response.headers;
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [](const auto& h) { return lower(h.first) == "location"; }),
                headers.end());
  return response;
}

LabResponse delete_answer(State& state, const LabRequest& request, const std::string& location,
                          const std::string& subscription)
{
  return start_operation(state, LabResponse::empty(202), subscription, "Microsoft.Network",
                         region(location), Json(), request.query_ci("api-version").value_or(""));
}

} // namespace network

namespace {

using network::check_preconditions;
using network::delete_answer;
using network::put_answer;
using network::with_etag;

const std::string k_provider = std::string(k_sub) + k_rg + "/providers/Microsoft\\.Network/";
const char* k_nsg_type = "Microsoft.Network/networkSecurityGroups";
const char* k_nic_type = "Microsoft.Network/networkInterfaces";
// NIC properties a PUT sets, and their values when the PUT leaves them out.
const std::pair<const char*, const char*> k_nic_settable[] = {
    {"enableAcceleratedNetworking", "false"},
    {"enableIPForwarding", "false"},
    {"disableTcpStateTracking", "false"},
    {"nicType", "\"Standard\""},
    {"auxiliaryMode", "\"None\""},
    {"auxiliarySku", "\"None\""},
    {"workloadType", "null"}};

// The NICs whose networkSecurityGroup is `nsg`, in ID order.
std::vector<std::string> nics_using(const State& state, const std::string& nsg)
{
  std::vector<std::string> out;
  for (const auto& [key, resource] : state.resources) {
    if (lower(resource.value("type", "")) == lower(k_nic_type) && resource.contains("properties") &&
        resource["properties"].contains("networkSecurityGroup") &&
        lower(resource["properties"]["networkSecurityGroup"].value("id", "")) == lower(nsg)) {
      out.push_back(resource.value("id", ""));
    }
  }
  return out;
}

// The NSG as a GET shows it: with the read-only list of NICs that use it.
Json nsg_view(const State& state, Json nsg)
{
  Json nics = Json::array();
  for (const auto& id : nics_using(state, nsg.value("id", ""))) {
    nics.push_back({{"id", id}});
  }
  // Worked out from the NICs each time, never from what the NSG stores.
  nsg["properties"].erase("networkInterfaces");
  if (!nics.empty()) {
    nsg["properties"]["networkInterfaces"] = std::move(nics);
  }
  return nsg;
}

const Json& request_properties(const Json& body)
{
  static const Json empty = Json::object();
  return body.contains("properties") && body["properties"].is_object() ? body["properties"] : empty;
}

std::string required_location(const Json& body, const Json* existing, const std::string& id)
{
  std::string location = body.value("location", "");
  if (location.empty()) {
    throw ArmFault{400,
                   "LocationRequired",
                   "The location property is required for this definition.",
                   std::nullopt,
                   {}};
  }
  if (existing && region(existing->value("location", "")) != region(location)) {
    throw ArmFault{
        400,
        "InvalidResourceLocation",
        "The resource '" + id + "' already exists in location '" + existing->value("location", "") +
            "'. A resource with the same name cannot be created in location '" + location + "'.",
        std::nullopt,
        {}};
  }
  return location;
}

LabResponse put_nsg(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const std::string id = id_of(c, k_nsg_type);
  const Json* existing = find_resource(state, id);
  check_preconditions(request, existing);
  const Json body = request.json_body();
  const std::string location = required_location(body, existing, id);
  Json nsg = existing ? *existing : make_nsg(state, id, location, Json::array());
  const std::string stored_id = nsg.value("id", id);
  nsg["properties"]["securityRules"] =
      security_rules(state, stored_id, request_properties(body).value("securityRules", Json()));
  nsg["tags"] = body.contains("tags") && body["tags"].is_object() ? body["tags"] : Json::object();
  stamp_etag(nsg, new_etag(state));
  nsg["properties"]["provisioningState"] = "Succeeded";
  const bool created = existing == nullptr;
  const Json view = nsg_view(state, put_resource(state, std::move(nsg)));
  return put_answer(state, request, view, location, created, c[1]);
}

// Returns the request's ipConfigurations merged over the NIC's current ones by name.
Json ip_configurations(State& state, const Json& nic, const Json& requested)
{
  if (!requested.is_array() || requested.empty()) {
    throw ArmFault{
        400,
        "InvalidRequestFormat",
        "Cannot parse the request: a network interface needs at least one IP configuration.",
        std::nullopt,
        {}};
  }
  const std::string nic_id = nic.value("id", "");
  const Json current = nic.contains("properties")
                           ? nic["properties"].value("ipConfigurations", Json::array())
                           : Json::array();
  Json out = Json::array();
  for (const auto& wanted : requested) {
    const std::string name = wanted.is_object() ? wanted.value("name", "") : "";
    if (name.empty()) {
      throw ArmFault{400,
                     "InvalidRequestFormat",
                     "Cannot parse the request: every IP configuration needs a name.",
                     std::nullopt,
                     {}};
    }
    Json config{{"name", name},
                {"id", nic_id + "/ipConfigurations/" + name},
                {"etag", new_etag(state)},
                {"type", "Microsoft.Network/networkInterfaces/ipConfigurations"},
                {"properties",
                 {{"privateIPAllocationMethod", "Dynamic"}, {"privateIPAddressVersion", "IPv4"}}}};
    for (const auto& have : current) {
      if (lower(have.value("name", "")) == lower(name)) {
        config["properties"] = have.value("properties", Json::object());
      }
    }
    for (const auto& [key, value] : request_properties(wanted).items()) {
      config["properties"][key] = value;
    }
    config["properties"]["provisioningState"] = "Succeeded";
    out.push_back(std::move(config));
  }
  return out;
}

LabResponse put_nic(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const std::string id = id_of(c, k_nic_type);
  const Json* existing = find_resource(state, id);
  check_preconditions(request, existing);
  const Json body = request.json_body();
  const std::string location = required_location(body, existing, id);
  const Json& wanted = request_properties(body);
  Json nic = existing ? *existing : make_nic(state, id, location, "10.0.0.4");
  nic["properties"]["ipConfigurations"] =
      ip_configurations(state, nic, wanted.value("ipConfigurations", Json()));
  for (const auto& [key, fallback] : k_nic_settable) {
    nic["properties"][key] = wanted.contains(key) ? wanted[key] : Json::parse(fallback);
    if (nic["properties"][key].is_null()) {
      nic["properties"].erase(key);
    }
  }
  if (wanted.contains("dnsSettings") && wanted["dnsSettings"].is_object()) {
    nic["properties"]["dnsSettings"]["dnsServers"] =
        wanted["dnsSettings"].value("dnsServers", Json::array());
  }
  const std::string nsg_ref =
      wanted.contains("networkSecurityGroup") && wanted["networkSecurityGroup"].is_object()
          ? wanted["networkSecurityGroup"].value("id", "")
          : "";
  if (nsg_ref.empty()) {
    nic["properties"].erase("networkSecurityGroup");
  } else {
    const Json* nsg = find_resource(state, nsg_ref);
    if (!nsg || lower(nsg->value("type", "")) != lower(k_nsg_type) ||
        region(nsg->value("location", "")) != region(location)) {
      throw ArmFault{
          400,
          "InvalidResourceReference",
          "Resource " + nsg_ref + " referenced by resource " + id +
              " was not found. Please make sure that the referenced resource exists, and that both "
              "resources are in the same region.",
          std::nullopt,
          {}};
    }
    nic["properties"]["networkSecurityGroup"] = {{"id", nsg->value("id", nsg_ref)}};
  }
  nic["tags"] = body.contains("tags") && body["tags"].is_object() ? body["tags"] : Json::object();
  if (body.contains("extendedLocation") && body["extendedLocation"].is_object()) {
    nic["extendedLocation"] = body["extendedLocation"];
  }
  stamp_etag(nic, new_etag(state));
  nic["properties"]["provisioningState"] = "Succeeded";
  const bool created = existing == nullptr;
  const Json view = put_resource(state, std::move(nic));
  return put_answer(state, request, view, location, created, c[1]);
}

LabResponse patch_tags(State& state, const LabRequest& request, const std::string& id, bool nsg)
{
  Json& resource = require_resource(state, id);
  check_preconditions(request, &resource);
  const Json body = request.json_body();
  if (!body.is_object() || !body.contains("tags") || !body["tags"].is_object()) {
    throw ArmFault{400,
                   "InvalidRequestFormat",
                   "Cannot parse the request: the body must be {\"tags\": {...}}.",
                   std::nullopt,
                   {}};
  }
  resource["tags"] = body["tags"];
  stamp_etag(resource, new_etag(state));
  return with_etag(LabResponse::json(200, nsg ? nsg_view(state, resource) : resource), resource);
}

LabResponse delete_nsg(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const std::string id = id_of(c, k_nsg_type);
  const Json* existing = find_resource(state, id);
  check_preconditions(request, existing);
  if (!existing) {
    return LabResponse::empty(204);
  }
  const auto users = nics_using(state, id);
  if (!users.empty()) {
    std::string list;
    for (const auto& nic : users) {
      list += (list.empty() ? "" : ", ") + nic;
    }
    throw ArmFault{
        400,
        "InUseNetworkSecurityGroupCannotBeDeleted",
        "Network security group " + existing->value("id", id) +
            " cannot be deleted because it is in use by the following resources: " + list +
            ". In order to delete the Network security group, remove the association with the "
            "resource(s). To learn how to do this, see aka.ms/deletensg.",
        std::nullopt,
        {}};
  }
  const Json deleted = *existing;
  state.resources.erase(lower(id));
  return delete_answer(state, request, deleted.value("location", ""), c[1]);
}

LabResponse delete_nic(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const std::string id = id_of(c, k_nic_type);
  const Json* existing = find_resource(state, id);
  check_preconditions(request, existing);
  if (!existing) {
    return LabResponse::empty(204);
  }
  const std::string vm = (*existing)["properties"].contains("virtualMachine")
                             ? (*existing)["properties"]["virtualMachine"].value("id", "")
                             : "";
  if (!vm.empty()) {
    throw ArmFault{
        400,
        "NicInUse",
        "Network Interface " + existing->value("id", id) + " is used by existing resource " + vm +
            ". In order to delete the network interface, it must be dissociated from the resource. "
            "To learn more, see aka.ms/deletenic.",
        std::nullopt,
        {}};
  }
  const Json deleted = *existing;
  state.resources.erase(lower(id));
  return delete_answer(state, request, deleted.value("location", ""), c[1]);
}

void add_network_lists(Router& router, State& state, const RouteOptions& options,
                       const std::string& collection, const char* type, bool nsg)
{
  const auto list = [&state, type, nsg](const LabRequest& request, const std::string& prefix) {
    std::vector<Json> items = resources_under(state, prefix, type);
    if (nsg) {
      for (auto& item : items) {
        item = nsg_view(state, std::move(item));
      }
    }
    return page(state, request, items);
  };
  router.add("GET", std::string(k_sub) + "/providers/Microsoft\\.Network/" + collection, options,
             [&state, list](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return list(request, "/subscriptions/" + c[1] + "/");
             });
  router.add("GET", k_provider + collection, options,
             [&state, list](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return list(request, group_id(c[1], c[2]) + "/");
             });
}

} // namespace

void add_network_routes(Router& router, State& state)
{
  const RouteOptions options{network::api_versions(), "arm", ""};
  const std::string nsg = k_provider + "networkSecurityGroups/([^/]+)";
  const std::string nic = k_provider + "networkInterfaces/([^/]+)";
  router.add("GET", nsg, options, [&state](const LabRequest&, const Captures& c) {
    const Json& found = require_resource(state, id_of(c, k_nsg_type));
    return with_etag(LabResponse::json(200, nsg_view(state, found)), found);
  });
  router.add("PUT", nsg, options,
             [&state](const LabRequest& r, const Captures& c) { return put_nsg(state, r, c); });
  router.add("PATCH", nsg, options, [&state](const LabRequest& r, const Captures& c) {
    return patch_tags(state, r, id_of(c, k_nsg_type), true);
  });
  router.add("DELETE", nsg, options,
             [&state](const LabRequest& r, const Captures& c) { return delete_nsg(state, r, c); });
  router.add("GET", nic, options, [&state](const LabRequest&, const Captures& c) {
    const Json& found = require_resource(state, id_of(c, k_nic_type));
    return with_etag(LabResponse::json(200, found), found);
  });
  router.add("PUT", nic, options,
             [&state](const LabRequest& r, const Captures& c) { return put_nic(state, r, c); });
  router.add("PATCH", nic, options, [&state](const LabRequest& r, const Captures& c) {
    return patch_tags(state, r, id_of(c, k_nic_type), false);
  });
  router.add("DELETE", nic, options,
             [&state](const LabRequest& r, const Captures& c) { return delete_nic(state, r, c); });
  add_network_lists(router, state, options, "networkSecurityGroups", k_nsg_type, true);
  add_network_lists(router, state, options, "networkInterfaces", k_nic_type, false);
  network::add_security_rule_routes(router, state);
}

} // namespace dftriage::lab
