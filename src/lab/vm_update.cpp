#include "vm_update.hpp"

#include "util.hpp"

namespace dftriage::lab {

namespace {

constexpr const char* k_delete_option = "properties.storageProfile.osDisk.deleteOption";

ArmFault invalid(const std::string& message, const std::string& target)
{
  return ArmFault{
      400,
      "InvalidParameter",
      message,
      Json{{"error", {{"code", "InvalidParameter"}, {"message", message}, {"target", target}}}},
      {}};
}

// Refuses every member of `object` (at `path`) but those in `allowed`.
void only(const Json& object, const std::string& path, std::initializer_list<const char*> allowed)
{
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const char* a : allowed) {
      known = known || key == a;
    }
    if (!known) {
      const std::string field = path.empty() ? key : path + "." + key;
      throw invalid("The lab's VM PATCH changes only tags and " + std::string(k_delete_option) +
                        ", not '" + field + "'.",
                    field);
    }
  }
}

const Json& object_at(const Json& object, const char* key, const std::string& field)
{
  const Json& value = object.at(key);
  if (!value.is_object()) {
    throw invalid("The value of '" + field + "' must be an object.", field);
  }
  return value;
}

} // namespace

void apply_vm_update(Json& vm, const Json& body)
{
  if (!body.is_object()) {
    throw ArmFault{400,
                   "InvalidRequestContent",
                   "The request content was invalid and could not be deserialized.",
                   std::nullopt,
                   {}};
  }
  only(body, "", {"tags", "properties"});
  std::string option;
  if (body.contains("properties")) {
    const Json& properties = object_at(body, "properties", "properties");
    only(properties, "properties", {"storageProfile"});
    if (properties.contains("storageProfile")) {
      const Json& storage = object_at(properties, "storageProfile", "properties.storageProfile");
      only(storage, "properties.storageProfile", {"osDisk"});
      if (storage.contains("osDisk")) {
        const Json& os_disk = object_at(storage, "osDisk", "properties.storageProfile.osDisk");
        only(os_disk, "properties.storageProfile.osDisk", {"createOption", "deleteOption"});
        // Required by the spec wherever an osDisk is sent, and fixed once the VM exists.
        const Json& create = os_disk.value("createOption", Json());
        if (!create.is_string()) {
          throw invalid("Required parameter 'osDisk.createOption' is missing (null).",
                        "osDisk.createOption");
        }
        const Json* current = &vm;
        for (const char* key : {"properties", "storageProfile", "osDisk", "createOption"}) {
          current = current->is_object() && current->contains(key) ? &(*current)[key] : nullptr;
          if (current == nullptr) {
            break;
          }
        }
        if (current != nullptr && current->is_string() &&
            lower(current->get<std::string>()) != lower(create.get<std::string>())) {
          throw ArmFault{
              409,
              "PropertyChangeNotAllowed",
              "Changing property 'osDisk.createOption' is not allowed.",
              Json{{"error",
                    {{"code", "PropertyChangeNotAllowed"},
                     {"message", "Changing property 'osDisk.createOption' is not allowed."},
                     {"target", "osDisk.createOption"}}}},
              {}};
        }
        const Json& value = os_disk.value("deleteOption", Json());
        const std::string given = value.is_string() ? value.get<std::string>() : value.dump();
        if (lower(given) != "delete" && lower(given) != "detach") {
          throw invalid("The value '" + given + "' of parameter '" + k_delete_option +
                            "' is not allowed. Allowed values are 'Delete' and 'Detach'.",
                        k_delete_option);
        }
        option = lower(given) == "delete" ? "Delete" : "Detach";
      }
    }
  }
  if (!option.empty()) {
    Json& os_disk = vm["properties"]["storageProfile"]["osDisk"];
    if (option == "Detach" && os_disk.contains("diffDiskSettings")) {
      throw invalid("Ephemeral OS disks are deleted with their VM: deleteOption 'Detach' is not "
                    "supported for them.",
                    k_delete_option);
    }
    if (!(os_disk.contains("managedDisk") && os_disk["managedDisk"].is_object())) {
      throw invalid("deleteOption applies to managed disks only; this VM's OS disk is not one.",
                    k_delete_option);
    }
    os_disk["deleteOption"] = option;
  }
  if (body.contains("tags")) {
    if (!body["tags"].is_object()) {
      throw invalid("The value of 'tags' must be an object.", "tags");
    }
    vm["tags"] = body["tags"];
  }
}

} // namespace dftriage::lab
