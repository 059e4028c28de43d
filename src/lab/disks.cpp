#include "disks.hpp"

#include "arm.hpp"
#include "dftriage/alert/resource_id.hpp"

namespace dftriage::lab {

namespace {

// The string at `key` in `object`, or `fallback` when there is none.
std::string str(const Json& object, const char* key, const std::string& fallback = "")
{
  const Json& value = member(object, key);
  return value.is_string() ? value.get<std::string>() : fallback;
}

const Json& os_disk_of(const Json& vm)
{
  return member(member(member(vm, "properties"), "storageProfile"), "osDisk");
}

// The marketplace image's ID as a disk's creationData shows it.
std::string image_id(const Json& vm)
{
  const Json& image = member(member(member(vm, "properties"), "storageProfile"), "imageReference");
  const auto parsed = alert::parse_resource_id(str(vm, "id"));
  if (!image.is_object() || !parsed) {
    return {};
  }
  return "/Subscriptions/" + parsed->subscription_id + "/Providers/Microsoft.Compute/Locations/" +
         str(vm, "location") + "/Publishers/" + str(image, "publisher") +
         "/ArtifactTypes/VMImage/Offers/" + str(image, "offer") + "/Skus/" + str(image, "sku") +
         "/Versions/" + str(image, "exactVersion", str(image, "version", "latest"));
}

void detach(Json& disk)
{
  disk.erase("managedBy");
  disk["properties"]["diskState"] = "Unattached";
}

} // namespace

Json make_os_disk(State& state, const Json& vm)
{
  const Json& os_disk = os_disk_of(vm);
  const std::string id = str(member(os_disk, "managedDisk"), "id");
  const std::string type = str(member(os_disk, "managedDisk"), "storageAccountType", "Premium_LRS");
  const long long size = member(os_disk, "diskSizeGB").is_number_integer()
                             ? os_disk["diskSizeGB"].get<long long>()
                             : 30;
  Json creation{{"createOption", "FromImage"}};
  if (const std::string image = image_id(vm); !image.empty()) {
    creation["imageReference"] = {{"id", image}};
  }
  return Json{
      {"name", str(os_disk, "name", name_of(id))},
      {"id", id},
      {"type", "Microsoft.Compute/disks"},
      {"location", str(vm, "location")},
      {"tags", Json::object()},
      {"managedBy", str(vm, "id")},
      {"sku", {{"name", type}, {"tier", type.rfind("Premium", 0) == 0 ? "Premium" : "Standard"}}},
      {"properties",
       {{"osType", str(os_disk, "osType", "Linux")},
        {"hyperVGeneration", "V2"},
        {"supportedCapabilities", {{"architecture", "x64"}}},
        {"creationData", std::move(creation)},
        {"diskSizeGB", size},
        {"diskIOPSReadWrite", 500},
        {"diskMBpsReadWrite", 100},
        {"encryption", {{"type", "EncryptionAtRestWithPlatformKey"}}},
        {"networkAccessPolicy", "AllowAll"},
        {"publicNetworkAccess", "Enabled"},
        {"timeCreated", str(member(vm, "properties"), "timeCreated", state.now_iso())},
        {"provisioningState", "Succeeded"},
        {"diskState", "Attached"},
        {"diskSizeBytes", size * 1024 * 1024 * 1024},
        {"uniqueId", stable_guid("disk/" + lower(id))}}}};
}

void ensure_os_disk(State& state, const Json& vm)
{
  const Json& os_disk = os_disk_of(vm);
  const std::string id = str(member(os_disk, "managedDisk"), "id");
  if (id.empty() || os_disk.contains("diffDiskSettings") || find_resource(state, id) != nullptr ||
      !alert::parse_resource_id(id)) {
    return;
  }
  put_resource(state, make_os_disk(state, vm));
}

void reimage_os_disk(State& state, Json& vm)
{
  const std::string old_id = str(member(os_disk_of(vm), "managedDisk"), "id");
  if (old_id.empty() || os_disk_of(vm).contains("diffDiskSettings")) {
    return; // ephemeral or unmanaged: reset in place
  }
  Json& os_disk = vm["properties"]["storageProfile"]["osDisk"];
  release_os_disk(state, vm);
  // A new disk, named as Azure names a VM's OS disks: {vm}_OsDisk_1_{32 hex digits}.
  std::string hex;
  for (const char c : state.next_guid("os-disk")) {
    if (c != '-') {
      hex += c;
    }
  }
  const std::string name = str(vm, "name", "vm") + "_OsDisk_1_" + hex;
  os_disk["name"] = name;
  os_disk["managedDisk"]["id"] = old_id.substr(0, old_id.rfind('/') + 1) + name;
  Json disk = make_os_disk(state, vm);
  disk["properties"]["timeCreated"] = state.now_iso();
  put_resource(state, std::move(disk));
}

void release_os_disk(State& state, const Json& vm)
{
  const Json& os_disk = os_disk_of(vm);
  const std::string id = str(member(os_disk, "managedDisk"), "id");
  Json* disk = id.empty() ? nullptr : find_resource(state, id);
  if (disk == nullptr) {
    return;
  }
  // Detach is the API's default; the portal sets Delete.
  if (lower(str(os_disk, "deleteOption", "Detach")) == "detach") {
    detach(*disk);
  } else {
    state.resources.erase(lower(id));
  }
}

} // namespace dftriage::lab
