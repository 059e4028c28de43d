#include "arm.hpp"

#include "dftriage/alert/resource_id.hpp"

namespace dftriage::lab {

std::string group_id(const std::string& subscription, const std::string& group)
{
  return "/subscriptions/" + subscription + "/resourceGroups/" + group;
}

std::string id_of(const Captures& c, const char* type)
{
  return group_id(c[1], c[2]) + "/providers/" + type + "/" + c[3];
}

std::string name_of(const std::string& id)
{
  const auto slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

std::string region_of(const Json& resource)
{
  return region(resource.value("location", ""));
}

const Json& member(const Json& object, const char* key)
{
  static const Json null_json;
  return object.is_object() && object.contains(key) ? object[key] : null_json;
}

Json* find_resource(State& state, const std::string& id)
{
  auto it = state.resources.find(lower(id));
  return it == state.resources.end() ? nullptr : &it->second;
}

void require_scope(State& state, const std::string& subscription, const std::string& group)
{
  if (!find_resource(state, "/subscriptions/" + subscription)) {
    throw ArmFault{404,
                   "SubscriptionNotFound",
                   "The subscription '" + subscription + "' could not be found.",
                   std::nullopt,
                   {}};
  }
  if (!group.empty() && !find_resource(state, group_id(subscription, group))) {
    throw ArmFault{404,
                   "ResourceGroupNotFound",
                   "Resource group '" + group + "' could not be found.",
                   std::nullopt,
                   {}};
  }
}

Json& require_resource(State& state, const std::string& id)
{
  if (Json* found = find_resource(state, id)) {
    return *found;
  }
  const auto parsed = alert::parse_resource_id(id);
  if (!parsed) {
    throw ArmFault{
        400, "InvalidResourceId", "The resource id '" + id + "' is invalid.", std::nullopt, {}};
  }
  require_scope(state, parsed->subscription_id, parsed->resource_group);
  std::string type = parsed->provider;
  for (std::size_t i = 0; i < parsed->types.size(); ++i) {
    type += "/" + parsed->types[i] + (i + 1 < parsed->types.size() ? "/" + parsed->names[i] : "");
  }
  throw ArmFault{404,
                 "ResourceNotFound",
                 "The Resource '" + type + "/" + parsed->name() + "' under resource group '" +
                     parsed->resource_group +
                     "' was not found. For more details please go to "
                     "https://aka.ms/ARMResourceNotFoundFix",
                 std::nullopt,
                 {}};
}

Json& put_resource(State& state, Json resource)
{
  const std::string key = lower(resource.at("id").get<std::string>());
  const std::string now = state.now_iso();
  auto& times = state.resource_times[key];
  if (state.resources.count(key) == 0 || times.first.empty()) {
    times.first = now; // new, or made again after a delete
  }
  times.second = now;
  return state.resources[key] = std::move(resource);
}

Json& put_seeded_resource(State& state, Json resource, const std::string& when)
{
  const std::string key = lower(resource.at("id").get<std::string>());
  Json& stored = put_resource(state, std::move(resource));
  state.resource_times[key] = {when, when};
  return stored;
}

std::vector<Json> resources_under(const State& state, const std::string& prefix,
                                  const std::string& type)
{
  std::vector<Json> out;
  const std::string p = lower(prefix);
  for (auto it = state.resources.lower_bound(p);
       it != state.resources.end() && it->first.rfind(p, 0) == 0; ++it) {
    if (type.empty() || lower(it->second.value("type", "")) == lower(type)) {
      out.push_back(it->second);
    }
  }
  return out;
}

LabResponse page(const State& state, const LabRequest& request, const std::vector<Json>& items,
                 std::string_view link_name)
{
  std::size_t start = 0;
  if (const auto token = request.query_value("$skiptoken")) {
    start = static_cast<std::size_t>(std::strtoull(token->c_str(), nullptr, 10));
  }
  std::size_t size = state.config.page_size == 0 ? 1 : state.config.page_size;
  for (const char* name : {"$top", "maxresults"}) {
    if (const auto top = request.query_value(name)) {
      const auto n = static_cast<std::size_t>(std::strtoull(top->c_str(), nullptr, 10));
      size = n > 0 && n < size ? n : size;
    }
  }
  Json value = Json::array();
  for (std::size_t i = start; i < items.size() && i < start + size; ++i) {
    value.push_back(items[i]);
  }
  Json body{{"value", std::move(value)}};
  if (start + size < items.size()) {
    std::string url = state.config.origin(request) + request.path + "?";
    for (const auto& [key, v] : request.query) {
      if (key != "$skiptoken") {
        url += url_encode(key) + "=" + url_encode(v) + "&";
      }
    }
    body[std::string(link_name)] = url + "$skiptoken=" + std::to_string(start + size);
  } else {
    body[std::string(link_name)] = nullptr;
  }
  return LabResponse::json(200, body);
}

LabResponse start_operation(State& state, LabResponse response, const std::string& subscription,
                            const std::string& provider, const std::string& location, Json result,
                            const std::string& api_version)
{
  const std::string id = state.next_guid("operation");
  state.operations[id] =
      Operation{state.config.lro_polls, std::move(result), state.now_iso(), Json(), false};
  const std::string base = state.config.base_url() + "/subscriptions/" + subscription +
                           "/providers/" + provider + "/locations/" + location;
  response.with_header("Azure-AsyncOperation",
                       base + "/operations/" + id + "?api-version=" + api_version);
  response.with_header("Location",
                       base + "/operationResults/" + id + "?api-version=" + api_version);
  response.with_header("Retry-After", std::to_string(state.config.retry_after_s));
  return response;
}

namespace {

Operation& require_operation(State& state, const std::string& id)
{
  auto it = state.operations.find(lower(id));
  if (it == state.operations.end()) {
    throw ArmFault{404,
                   "OperationNotFound",
                   "The operation '" + id + "' could not be found.",
                   std::nullopt,
                   {}};
  }
  return it->second;
}

} // namespace

void add_operation_routes(Router& router, State& state)
{
  const std::string prefix = std::string(k_sub) + "/providers/([^/]+)/locations/([^/]+)/";
  router.add("GET", prefix + "operations/([^/]+)", {},
             [&state](const LabRequest&, const Captures& c) {
               Operation& op = require_operation(state, c[4]);
               const bool done = op.polls_left <= 0;
               op.polls_left -= 1;
               Json body{{"id", c[0]},
                         {"name", c[4]},
                         {"status", done ? "Succeeded" : "InProgress"},
                         {"startTime", op.started}};
               if (done) {
                 op.ended = true;
                 body["endTime"] = state.now_iso();
                 if (!op.error.is_null()) {
                   body["status"] = "Failed";
                   body["error"] = op.error;
                 }
                 return LabResponse::json(200, body);
               }
               return LabResponse::json(200, body).with_header(
                   "Retry-After", std::to_string(state.config.retry_after_s));
             });
  router.add(
      "GET", prefix + "operationResults/([^/]+)", {},
      [&state](const LabRequest& request, const Captures& c) {
        Operation& op = require_operation(state, c[4]);
        if (op.polls_left > 0) {
          op.polls_left -= 1;
          return LabResponse::empty(202)
              .with_header("Location", state.config.origin(request) + c[0] + "?api-version=" +
                                           request.query_ci("api-version").value_or(""))
              .with_header("Retry-After", std::to_string(state.config.retry_after_s));
        }
        op.ended = true;
        if (!op.error.is_null()) {
          return LabResponse::json(500, Json{{"error", op.error}});
        }
        return op.result.is_null() ? LabResponse::empty(200) : LabResponse::json(200, op.result);
      });
}

void record_activity(State& state, const LabRequest& request, const LabResponse& response)
{
  const bool mutating = request.method == "PUT" || request.method == "PATCH" ||
                        request.method == "DELETE" || request.method == "POST";
  const auto id = alert::parse_resource_id(request.path);
  if (!mutating || !id || request.caller.empty()) {
    return;
  }
  std::string resource = request.path;
  std::string operation =
      id->provider.empty() ? "Microsoft.Resources/subscriptions/resourceGroups" : id->provider;
  for (std::size_t i = 0; i < id->types.size(); ++i) {
    operation += "/" + id->types[i];
  }
  std::string verb = request.method == "DELETE" ? "delete" : "write";
  if (request.method == "POST" && !id->types.empty()) {
    // The last "type" of a POST path is its action (runCommand, dismiss, ...).
    verb = "action";
  }
  operation += "/" + verb;
  const bool ok = response.status < 400;
  // A write to a resource or to a part of it (a rule of an NSG) changes the resource:
  // what its changedTime shows. Handlers edit resources in place, so it is noted here.
  const bool writes_part = request.method == "DELETE" ? id->types.size() > 1 : verb == "write";
  if (ok && writes_part && !id->types.empty() && !id->resource_group.empty()) {
    const std::string top =
        lower(group_id(id->subscription_id, id->resource_group) + "/providers/" + id->provider +
              "/" + id->types[0] + "/" + id->names[0]);
    if (state.resources.count(top) != 0) {
      state.resource_times[top].second = state.now_iso();
    }
  }
  const std::string correlation =
      response.header("x-ms-correlation-request-id").value_or(random_guid());
  Json event{
      {"authorization", {{"action", operation}, {"scope", resource}}},
      {"caller", request.caller},
      {"channels", "Operation"},
      {"claims",
       {{"appid", request.caller},
        {"http://schemas.microsoft.com/identity/claims/objectidentifier",
         state.object_id_of(request.caller).empty() ? request.caller
                                                    : state.object_id_of(request.caller)},
        {"ipaddr", request.remote_addr}}},
      {"correlationId", correlation},
      {"description", ""},
      {"eventDataId", state.next_guid("event")},
      {"eventName", {{"value", "EndRequest"}, {"localizedValue", "End request"}}},
      {"category", {{"value", "Administrative"}, {"localizedValue", "Administrative"}}},
      {"httpRequest",
       {{"clientRequestId", request.header("x-ms-client-request-id").value_or("")},
        {"clientIpAddress", request.remote_addr},
        {"method", request.method}}},
      {"id", resource + "/events/" + state.next_guid("event-id") + "/ticks/" +
                 std::to_string(state.sequence)},
      {"level", "Informational"},
      {"resourceGroupName", id->resource_group},
      {"resourceProviderName", {{"value", id->provider}, {"localizedValue", id->provider}}},
      {"resourceId", resource},
      {"operationId", correlation},
      {"operationName", {{"value", operation}, {"localizedValue", operation}}},
      {"properties", {{"statusCode", std::to_string(response.status)}}},
      {"status",
       {{"value", ok ? "Succeeded" : "Failed"}, {"localizedValue", ok ? "Succeeded" : "Failed"}}},
      {"subStatus", {{"value", ""}, {"localizedValue", ""}}},
      {"eventTimestamp", state.now_iso()},
      {"submissionTimestamp", state.now_iso()},
      {"subscriptionId", id->subscription_id},
      {"tenantId", state.config.tenant_id}};
  state.activity_log.push_back(std::move(event));
}

} // namespace dftriage::lab
