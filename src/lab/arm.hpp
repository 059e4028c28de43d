#pragma once

// Helpers the imitated ARM resource providers share: resource lookup with ARM's 404s,
// paging, long-running operations, and the route tables' building blocks.

#include "router.hpp"
#include "state.hpp"

#include <string>
#include <vector>

namespace dftriage::lab {

// Path fragments of ARM routes; each holds one capture.
inline constexpr const char* k_sub = "/subscriptions/([^/]+)";
inline constexpr const char* k_rg = "/resourceGroups/([^/]+)";

// Returns "/subscriptions/{sub}/resourceGroups/{rg}" as given.
std::string group_id(const std::string& subscription, const std::string& group);

// Returns the ID a route of k_sub + k_rg + ".../([^/]+)" captured: group_id(c[1], c[2]) +
// "/providers/" + `type` + "/" + c[3].
std::string id_of(const Captures& c, const char* type);

// Returns the last segment of a resource ID (its name); all of `id` when it has no '/'.
std::string name_of(const std::string& id);

// Returns the region of `resource` as ARM compares regions (region() of its "location").
std::string region_of(const Json& resource);

// Returns object[key], or null when `object` is not an object or has no `key`.
const Json& member(const Json& object, const char* key);

// Returns the resource at `id` (any case), or nullptr.
Json* find_resource(State& state, const std::string& id);

// Returns the resource at `id`; throws ArmFault 404 SubscriptionNotFound,
// ResourceGroupNotFound or ResourceNotFound (whichever is missing) as ARM does.
Json& require_resource(State& state, const std::string& id);

// Throws the 404 ARM gives when the subscription or `group` ("" none) is missing.
void require_scope(State& state, const std::string& subscription, const std::string& group);

// Stores `resource` at its "id"; returns it.
Json& put_resource(State& state, Json resource);
// Stores `resource` as put_resource does, as made (and last changed) at `when` rather than
// now: a seeded resource that existed before the walk began.
Json& put_seeded_resource(State& state, Json resource, const std::string& when);

// Returns every resource whose ID starts with `prefix` (any case) and whose type equals
// `type` (any case; "" any), in ID order.
std::vector<Json> resources_under(const State& state, const std::string& prefix,
                                  const std::string& type);

// Returns one page of `items` as {"value": [...], "nextLink": ...}: the page starts at
// $skiptoken, holds config.page_size items (or $top / maxresults when smaller), and
// nextLink repeats the request's URL with the next $skiptoken.
LabResponse page(const State& state, const LabRequest& request, const std::vector<Json>& items,
                 std::string_view link_name = "nextLink");

// Starts a long-running operation of `provider` in `location` whose Location poll ends
// with `result` (null: no body), and returns the headers of the first response
// (Azure-AsyncOperation, Location, Retry-After) added to `response`.
LabResponse start_operation(State& state, LabResponse response, const std::string& subscription,
                            const std::string& provider, const std::string& location, Json result,
                            const std::string& api_version);

// Adds the operation-status routes (Azure-AsyncOperation and Location targets).
void add_operation_routes(Router& router, State& state);

// Appends an activity-log event for a served mutating ARM request.
void record_activity(State& state, const LabRequest& request, const LabResponse& response);

} // namespace dftriage::lab
