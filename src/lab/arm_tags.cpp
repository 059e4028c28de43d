// Microsoft.Resources tags at any scope (Tags_GetAtScope, _CreateOrUpdateAtScope,
// _UpdateAtScope, _DeleteAtScope): {scope}/providers/Microsoft.Resources/tags/default.
// The tags live in each resource's own "tags", so a GET of the resource shows them too.

#include "arm.hpp"
#include "modules.hpp"
#include "resources_compute.hpp"

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_tags_versions = {"2025-04-01", "2024-11-01", "2024-07-01",
                                                  "2024-03-01", "2023-07-01", "2022-09-01",
                                                  "2021-04-01", "2020-06-01", "2019-10-01"};
const std::string k_tags =
    "(/subscriptions/[^/]+(?:/.+?)?)/providers/Microsoft\\.Resources/tags/default";

Json tags_resource(const std::string& scope, const Json& tags)
{
  return Json{{"id", scope + "/providers/Microsoft.Resources/tags/default"},
              {"name", "default"},
              {"type", "Microsoft.Resources/tags"},
              {"properties", {{"tags", tags.is_object() ? tags : Json::object()}}}};
}

Json requested_tags(const LabRequest& request)
{
  const Json body = request.json_body();
  const Json* tags = body.is_object() && body.contains("properties") &&
                             body["properties"].is_object() && body["properties"].contains("tags")
                         ? &body["properties"]["tags"]
                         : nullptr;
  if (!tags || !tags->is_object()) {
    throw ArmFault{400,
                   "InvalidRequestContent",
                   "The request content must hold properties.tags as an object.",
                   std::nullopt,
                   {}};
  }
  for (const auto& [name, value] : tags->items()) {
    if (!value.is_string()) {
      throw ArmFault{400,
                     "InvalidTagValue",
                     "The value of tag '" + name + "' must be a string.",
                     std::nullopt,
                     {}};
    }
  }
  return *tags;
}

// Stores `tags` on `resource`; resources with an ETag get a new one, as a write does.
LabResponse store(State& state, Json& resource, const std::string& scope, Json tags)
{
  resource["tags"] = std::move(tags);
  if (resource.contains("etag") && resource["etag"].get<std::string>().rfind("W/", 0) == 0) {
    stamp_etag(resource, new_etag(state));
  }
  return LabResponse::json(200, tags_resource(scope, resource["tags"]));
}

} // namespace

void add_tag_routes(Router& router, State& state)
{
  const RouteOptions options{k_tags_versions, "arm", ""};
  router.add("GET", k_tags, options, [&state](const LabRequest&, const Captures& c) {
    const Json& resource = require_resource(state, c[1]);
    return LabResponse::json(200, tags_resource(c[1], resource.value("tags", Json::object())));
  });
  router.add("PUT", k_tags, options, [&state](const LabRequest& request, const Captures& c) {
    Json& resource = require_resource(state, c[1]);
    return store(state, resource, c[1], requested_tags(request));
  });
  router.add("PATCH", k_tags, options, [&state](const LabRequest& request, const Captures& c) {
    Json& resource = require_resource(state, c[1]);
    const Json body = request.json_body();
    const std::string operation =
        body.is_object() && body.contains("operation") && body["operation"].is_string()
            ? body["operation"].get<std::string>()
            : "";
    const Json change = requested_tags(request);
    Json tags = resource.value("tags", Json::object());
    if (!tags.is_object()) {
      tags = Json::object();
    }
    if (operation == "Replace") {
      tags = change;
    } else if (operation == "Merge") {
      for (const auto& [name, value] : change.items()) {
        tags[name] = value;
      }
    } else if (operation == "Delete") {
      for (const auto& [name, value] : change.items()) {
        if (tags.contains(name) && (value.get<std::string>().empty() || tags[name] == value)) {
          tags.erase(name);
        }
      }
    } else {
      throw ArmFault{400,
                     "InvalidRequestContent",
                     "The operation '" + operation + "' is invalid; use Merge, Replace or Delete.",
                     std::nullopt,
                     {}};
    }
    return store(state, resource, c[1], std::move(tags));
  });
  router.add("DELETE", k_tags, options, [&state](const LabRequest&, const Captures& c) {
    Json& resource = require_resource(state, c[1]);
    store(state, resource, c[1], Json::object());
    return LabResponse::empty(200);
  });
}

} // namespace dftriage::lab
