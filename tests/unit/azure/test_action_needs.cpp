// What each catalogued action declares it may need (ActionSpec::needs) against what its
// requests really ask for, pre-image and undo included, and that a built-in role (or the
// Graph table) grants every one of them.

#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/permissions.hpp"
#include "dftriage/util/text.hpp"
#include "unit/azure/action_expectations.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace dftriage::azure;
using namespace dftriage::azure::testing;
using Json = nlohmann::ordered_json;

namespace {

// A pre-image body that makes every action's undo put something back: an enabled user and
// version, an access-policy entry of the row's principal, a status other than the row's.
Json plausible_pre_image(const Json& args)
{
  const std::string oid =
      args.value("objectId", std::string("9a8b7c6d-1111-2222-3333-444455556666"));
  const std::string version = args.value("version", std::string("v1"));
  const std::string status =
      args.value("status", std::string()) == "Active" ? "Resolved" : "Active";
  const Json entry{{"tenantId", "t1"}, {"objectId", oid}, {"permissions", {{"secrets", {"get"}}}}};
  const Json os_disk{{"createOption", "FromImage"},
                     {"deleteOption", "Delete"},
                     {"managedDisk",
                      {{"id", "/subscriptions/sub1/resourceGroups/rg1/providers/"
                              "Microsoft.Compute/disks/os1"}}}};
  const Json enabled{{"enabled", true}};
  return Json{
      {"id", "9a8b7c6d-1111-2222-3333-444455556666"},
      {"location", "westeurope"},
      {"tags", Json::object()},
      {"accountEnabled", true},
      {"properties",
       {{"tenantId", "t1"},
        {"accessPolicies", Json::array({entry})},
        {"networkAcls", {{"defaultAction", "Allow"}, {"bypass", "AzureServices"}}},
        {"status", status},
        {"roleDefinitionId", "/subscriptions/sub1/providers/Microsoft.Authorization/"
                             "roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"},
        {"principalId", oid},
        {"runbook", {{"name", "Update-ModuleCache"}}},
        {"schedule", {{"name", "hourly"}}},
        {"storageProfile", {{"osDisk", os_disk}}},
        {"securityRules", Json::array()},
        {"ipConfigurations", Json::array()}}},
      {"value",
       Json::array(
           {{{"id", "https://kv1.vault.azure.net/secrets/x/" + version}, {"attributes", enabled}},
            {{"kid", "https://kv1.vault.azure.net/keys/x/" + version}, {"attributes", enabled}}})}};
}

// One request of an action and the use it is made for.
struct UsedPermission
{
  std::string permission;
  PermissionPlane plane;
  NeededPermission::Use use;
  std::string url;
};

// Every request `row`'s action builds: its pre-image reads, its own requests, and its undo
// after a pre-image that shows the target (and, for undos that differ, one that shows none).
std::vector<UsedPermission> requests_of(const Expected& row)
{
  const auto& spec = spec_of(row.action);
  const auto args = args_of(row.action, row.args);
  const auto built = spec.build(args, public_cloud());
  std::vector<UsedPermission> out;
  const auto add = [&](const Request& r, NeededPermission::Use use) {
    out.push_back({r.permission, permission_plane(r), use, r.url});
  };
  for (const auto& r : built.pre_image) {
    add(r, NeededPermission::Use::pre_image);
  }
  for (const auto& r : built.requests) {
    add(r, NeededPermission::Use::action);
  }
  if (spec.revert) {
    const auto body = plausible_pre_image(Json::parse(expand(row.args)));
    for (const int status : {200, 404}) {
      PreImage pre(built.pre_image.size(), Observed{status, status == 200 ? body : Json()});
      for (const auto& r : spec.revert(args, pre, public_cloud())) {
        add(r, NeededPermission::Use::undo);
      }
    }
  }
  return out;
}

// Returns `need`'s permission for `row`, a resource type placeholder filled from the row's
// resource arguments.
std::string resolved_need(const NeededPermission& need, const Expected& row)
{
  const auto& spec = spec_of(row.action);
  const auto args = args_of(row.action, row.args);
  for (const auto& p : spec.params) {
    if (p.type == ParamType::resource_id && args.has(p.name) &&
        need.permission.find(k_resource_type_placeholder) != std::string::npos) {
      return with_resource_type(need.permission, args.resource(p.name));
    }
  }
  return need.permission;
}

OperationKind operation_kind_of(PermissionPlane plane)
{
  return plane == PermissionPlane::data ? OperationKind::data : OperationKind::control;
}

bool graph_table_knows(const std::string& permission)
{
  const auto known = known_graph_permissions();
  return std::any_of(known.begin(), known.end(),
                     [&](const std::string& k) { return dftriage::text::iequals(k, permission); });
}

} // namespace

TEST_CASE("every action declares its own permission among what it needs", "[permissions]")
{
  for (const auto& spec : action_catalogue()) {
    DYNAMIC_SECTION(spec.name)
    {
      bool own = false;
      for (const auto& need : spec.needs) {
        CHECK(!need.permission.empty());
        own = own || (need.use == NeededPermission::Use::action &&
                      spec.permission.rfind(need.permission, 0) == 0);
        // A read-only action needs nothing for an undo, and links nothing.
        if (spec.reversibility == Reversibility::read_only) {
          CHECK(need.use == NeededPermission::Use::action);
        }
        if (need.use == NeededPermission::Use::undo) {
          CHECK(spec.revert);
        }
      }
      CHECK(own);
    }
  }
}

TEST_CASE("every request an action builds, its pre-image and its undo have their permission "
          "declared",
          "[permissions]")
{
  for (const auto* row : all_expected()) {
    DYNAMIC_SECTION(row->action)
    {
      const auto& spec = spec_of(row->action);
      const auto used = requests_of(*row);
      REQUIRE(!used.empty());
      for (const auto& u : used) {
        INFO(u.url << " needs " << u.permission << " (" << to_string(u.use) << ", "
                   << to_string(u.plane) << ")");
        const bool declared =
            std::any_of(spec.needs.begin(), spec.needs.end(), [&](const NeededPermission& n) {
              return n.use == u.use && n.plane == u.plane &&
                     dftriage::text::iequals(resolved_need(n, *row), u.permission);
            });
        CHECK(declared);
      }
      if (spec.revert) {
        // Every undo is exercised by one of the two pre-images.
        CHECK(std::any_of(used.begin(), used.end(), [](const UsedPermission& u) {
          return u.use == NeededPermission::Use::undo;
        }));
      }
    }
  }
}

TEST_CASE("every permission the action catalogue names is granted by a built-in role or is in "
          "the Graph table",
          "[permissions]")
{
  for (const auto* row : all_expected()) {
    DYNAMIC_SECTION(row->action)
    {
      std::vector<std::pair<std::string, PermissionPlane>> all;
      for (const auto& u : requests_of(*row)) {
        all.emplace_back(u.permission, u.plane);
      }
      for (const auto& n : spec_of(row->action).needs) {
        all.emplace_back(resolved_need(n, *row), n.plane);
      }
      for (const auto& [permission, plane] : all) {
        INFO(permission << " (" << to_string(plane) << ")");
        if (plane == PermissionPlane::graph) {
          CHECK(graph_table_knows(permission));
          CHECK(permission.find('/') == std::string::npos);
        } else {
          CHECK(!roles_granting(permission, operation_kind_of(plane)).empty());
          CHECK(permission.rfind("Microsoft.", 0) == 0);
        }
      }
    }
  }
}

TEST_CASE("a resource type placeholder is filled from a resource ID", "[permissions]")
{
  const auto vm = dftriage::alert::parse_resource_id(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1");
  REQUIRE(vm);
  CHECK(with_resource_type("<provider>/<type>/delete", *vm) ==
        "Microsoft.Compute/virtualMachines/delete");
  const auto extension = dftriage::alert::parse_resource_id(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/"
      "extensions/x");
  REQUIRE(extension);
  CHECK(with_resource_type("<provider>/<type>/read", *extension) ==
        "Microsoft.Compute/virtualMachines/extensions/read");
  CHECK(with_resource_type("Microsoft.KeyVault/vaults/read", *vm) ==
        "Microsoft.KeyVault/vaults/read");
}
