// Microsoft.Resources tags at a resource's scope: GET {resourceId}/providers/
// Microsoft.Resources/tags/default, answering with the resource's own tags.

#include "arm.hpp"
#include "modules.hpp"

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_versions = {"2025-04-01", "2024-03-01", "2022-09-01", "2021-04-01", "2019-10-01"};

} // namespace

void add_tags_routes(Router& router, State& state)
{
  const RouteOptions options{k_versions, "arm", ""};
  router.add("GET", "(/subscriptions/[^/]+(?:/.*)?)/providers/Microsoft\\.Resources/tags/default", options,
             [&state](const LabRequest&, const Captures& c) {
               const Json& resource = require_resource(state, c[1]);
               return LabResponse::json(200, Json{{"id", c[1] + "/providers/Microsoft.Resources/tags/default"},
                                                  {"name", "default"},
                                                  {"type", "Microsoft.Resources/tags"},
                                                  {"properties", {{"tags", resource.value("tags", Json::object())}}}});
             });
}

} // namespace dftriage::lab
