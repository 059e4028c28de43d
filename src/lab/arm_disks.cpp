// Microsoft.Compute managed disks (GET, DELETE unless attached, lists) and snapshots (PUT:
// a full copy of a disk or snapshot, long-running; GET; DELETE, long-running; lists), on
// the Disk RP's api-versions, with the refusals Azure gives: a source that does not exist
// (404 NotFound), a name Azure does not accept, another source under a taken name.

#include "arm.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "disks.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

const std::vector<std::string> k_disk_versions = {"2025-01-02", "2024-03-02", "2023-10-02",
                                                  "2023-04-02", "2023-01-02", "2022-07-02",
                                                  "2022-03-02", "2021-12-01"};
const std::string k_compute = std::string(k_sub) + k_rg + "/providers/Microsoft\\.Compute/";
const char* k_disk_type = "Microsoft.Compute/disks";
const char* k_snapshot_type = "Microsoft.Compute/snapshots";

// A Compute error, which names the parameter at fault in "target".
ArmFault fault(int status, const std::string& code, const std::string& message,
               const std::string& target = "")
{
  Json error{{"code", code}, {"message", message}};
  if (!target.empty()) {
    error["target"] = target;
  }
  return ArmFault{status, code, message, Json{{"error", std::move(error)}}, {}};
}

bool is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Azure's rule for disk and snapshot names: ^[^_\W][\w-._]{0,79}(?<![-.])$.
bool valid_name(const std::string& name)
{
  if (name.empty() || name.size() > 80 || !is_alnum(name.front()) || name.back() == '-' ||
      name.back() == '.') {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

// A source ID as compared: lower case, one leading '/' (ARM keeps it as it was given).
std::string source_key(const std::string& id)
{
  const auto start = id.find_first_not_of('/');
  return "/" + lower(start == std::string::npos ? std::string() : id.substr(start));
}

const Json& creation_of(const Json& body)
{
  static const Json empty = Json::object();
  if (!body.contains("properties") || !body["properties"].is_object()) {
    return empty;
  }
  const Json& properties = body["properties"];
  return properties.contains("creationData") && properties["creationData"].is_object()
             ? properties["creationData"]
             : empty;
}

// The disk or snapshot a snapshot is copied from; 404 NotFound as Azure answers when
// there is none.
const Json& copy_source(State& state, const std::string& source)
{
  const auto parsed =
      alert::parse_resource_id(source.empty() || source.front() == '/' ? source : "/" + source);
  const Json* found = parsed ? find_resource(state, parsed->canonical) : nullptr;
  const std::string type = found ? lower(found->value("type", "")) : "";
  if (!found || (type != lower(k_disk_type) && type != lower(k_snapshot_type))) {
    const auto slash = source.rfind('/');
    throw fault(404, "NotFound",
                "Resource " + (slash == std::string::npos ? source : source.substr(slash + 1)) +
                    " is not found.");
  }
  return *found;
}

Json make_snapshot(State& state, const std::string& id, const std::string& location,
                   const Json& source, const std::string& source_id, bool incremental)
{
  const Json& from = source["properties"];
  Json properties = Json::object();
  for (const char* key : {"osType", "hyperVGeneration", "supportedCapabilities"}) {
    if (from.contains(key)) {
      properties[key] = from[key];
    }
  }
  properties["creationData"] = {{"createOption", "Copy"},
                                {"sourceResourceId", source_id},
                                {"sourceUniqueId", from.value("uniqueId", "")}};
  properties["diskSizeGB"] = from.value("diskSizeGB", 30);
  properties["encryption"] =
      from.value("encryption", Json{{"type", "EncryptionAtRestWithPlatformKey"}});
  properties["incremental"] = incremental;
  properties["networkAccessPolicy"] = "AllowAll";
  properties["publicNetworkAccess"] = "Enabled";
  properties["timeCreated"] = state.now_iso();
  properties["provisioningState"] = "Succeeded";
  properties["diskSizeBytes"] = from.value("diskSizeBytes", 30LL * 1024 * 1024 * 1024);
  properties["uniqueId"] = stable_guid("snapshot/" + lower(id) + "/" + state.now_iso());
  return Json{{"name", id.substr(id.rfind('/') + 1)},
              {"id", id},
              {"type", k_snapshot_type},
              {"location", location},
              {"tags", Json::object()},
              {"sku", {{"name", "Standard_LRS"}, {"tier", "Standard"}}},
              {"properties", std::move(properties)}};
}

LabResponse put_snapshot(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  if (!valid_name(c[3])) {
    throw fault(400, "InvalidParameter",
                "The entity name 'snapshotName' is invalid according to its validation rule: "
                "^[^_\\W][\\w-._]{0,79}(?<![-.])$.",
                "snapshotName");
  }
  const std::string id = id_of(c, k_snapshot_type);
  const Json body = request.json_body();
  const std::string location = body.is_object() ? body.value("location", "") : "";
  if (location.empty()) {
    throw ArmFault{400,
                   "LocationRequired",
                   "The location property is required for this definition.",
                   std::nullopt,
                   {}};
  }
  const Json& creation = creation_of(body);
  const std::string option = creation.value("createOption", "");
  if (lower(option) != "copy") {
    throw fault(
        400, "InvalidParameter",
        option.empty()
            ? std::string("Required parameter 'creationData.createOption' is missing (null).")
            : "The lab copies disks and snapshots only (createOption Copy), not '" + option + "'.",
        "snapshot.properties.creationData.createOption");
  }
  const std::string source_id = creation.value("sourceResourceId", "");
  const Json& source = copy_source(state, source_id);
  if (region(source.value("location", "")) != region(location)) {
    throw fault(
        400, "InvalidParameter",
        "The source '" + source_id + "' is in '" + source.value("location", "") +
            "'; a snapshot copied with createOption Copy must be in the same region, not '" +
            location + "'.",
        "snapshot.location");
  }
  const Json& properties = body["properties"];
  const bool incremental = properties.contains("incremental") &&
                           properties["incremental"].is_boolean() &&
                           properties["incremental"].get<bool>();
  Json* existing = find_resource(state, id);
  if (existing != nullptr) {
    if (source_key(creation_of(*existing).value("sourceResourceId", "")) != source_key(source_id)) {
      throw fault(409, "PropertyChangeNotAllowed",
                  "Changing property 'sourceResourceId' is not allowed.",
                  "snapshot.properties.creationData.sourceResourceId");
    }
  }
  Json snapshot =
      existing ? *existing : make_snapshot(state, id, location, source, source_id, incremental);
  snapshot["tags"] =
      body.contains("tags") && body["tags"].is_object() ? body["tags"] : Json::object();
  const Json& stored = put_resource(state, std::move(snapshot));
  Json shown = stored;
  shown["properties"]["provisioningState"] = "Updating";
  return start_operation(state, LabResponse::json(existing ? 200 : 202, shown), c[1],
                         "Microsoft.Compute", region(location), stored,
                         request.query_ci("api-version").value_or(""));
}

LabResponse delete_disk(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const std::string id = id_of(c, k_disk_type);
  const Json* disk = find_resource(state, id);
  if (disk == nullptr) {
    return LabResponse::empty(204);
  }
  if (const std::string vm = disk->value("managedBy", ""); !vm.empty()) {
    throw fault(409, "OperationNotAllowed",
                "Disk " + disk->value("name", c[3]) + " is attached to VM " + vm + ".", "");
  }
  const std::string location = disk->value("location", "");
  state.resources.erase(lower(id));
  return start_operation(state, LabResponse::empty(202), c[1], "Microsoft.Compute",
                         region(location), Json(), request.query_ci("api-version").value_or(""));
}

LabResponse delete_snapshot(State& state, const LabRequest& request, const Captures& c)
{
  require_scope(state, c[1], c[2]);
  const std::string id = id_of(c, k_snapshot_type);
  const Json* snapshot = find_resource(state, id);
  if (snapshot == nullptr) {
    return LabResponse::empty(204);
  }
  const std::string location = snapshot->value("location", "");
  state.resources.erase(lower(id));
  return start_operation(state, LabResponse::empty(202), c[1], "Microsoft.Compute",
                         region(location), Json(), request.query_ci("api-version").value_or(""));
}

void add_disk_lists(Router& router, State& state, const RouteOptions& options,
                    const std::string& collection, const char* type)
{
  router.add("GET", std::string(k_sub) + "/providers/Microsoft\\.Compute/" + collection, options,
             [&state, type](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], "");
               return page(state, request,
                           resources_under(state, "/subscriptions/" + c[1] + "/", type));
             });
  router.add("GET", k_compute + collection, options,
             [&state, type](const LabRequest& request, const Captures& c) {
               require_scope(state, c[1], c[2]);
               return page(state, request,
                           resources_under(state, group_id(c[1], c[2]) + "/", type));
             });
}

} // namespace

void add_disk_routes(Router& router, State& state)
{
  const RouteOptions options{k_disk_versions, "arm", ""};
  const std::string disk = k_compute + "disks/([^/]+)";
  const std::string snapshot = k_compute + "snapshots/([^/]+)";
  router.add("GET", disk, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_resource(state, id_of(c, k_disk_type)));
  });
  router.add("DELETE", disk, options,
             [&state](const LabRequest& r, const Captures& c) { return delete_disk(state, r, c); });
  router.add("GET", snapshot, options, [&state](const LabRequest&, const Captures& c) {
    return LabResponse::json(200, require_resource(state, id_of(c, k_snapshot_type)));
  });
  router.add("PUT", snapshot, options, [&state](const LabRequest& r, const Captures& c) {
    return put_snapshot(state, r, c);
  });
  router.add("DELETE", snapshot, options, [&state](const LabRequest& r, const Captures& c) {
    return delete_snapshot(state, r, c);
  });
  add_disk_lists(router, state, options, "disks", k_disk_type);
  add_disk_lists(router, state, options, "snapshots", k_snapshot_type);
}

} // namespace dftriage::lab
