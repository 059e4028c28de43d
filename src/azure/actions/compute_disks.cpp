// Evidence and recovery on VMs: disk snapshots, keeping the OS disk across a reimage.
// Managed disks and snapshots belong to the Disk RP, whose api-version is not the VMs'.

#include "compute_support.hpp"
#include "dftriage/util/text.hpp"

#include <cstdint>
#include <cstdio>
#include <set>

namespace dftriage::azure::actions {

namespace {

const char* k_disk_type = "microsoft.compute/disks";
const char* k_os_disk = "/properties/storageProfile/osDisk";
const char* k_snapshot_read = "Microsoft.Compute/snapshots/read";
const char* k_snapshot_delete = "Microsoft.Compute/snapshots/delete";
// Azure's limits on a snapshot name: 1-80 letters, digits, '_', '.' or '-', starting with
// a letter or digit and ending with a letter, digit or '_' (disk names obey the same).
constexpr std::size_t k_snapshot_name_max = 80;
constexpr std::size_t k_prefix_max = 60;
constexpr std::size_t k_tag_value_max = 256;

bool is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// True for a name Azure accepts for a disk or a snapshot (see above), of any length.
bool is_disk_name(std::string_view s)
{
  if (s.empty() || !is_alnum(s.front()) || !(is_alnum(s.back()) || s.back() == '_')) {
    return false;
  }
  for (const char c : s) {
    if (!(is_alnum(c) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

// FNV-1a of `s` as 8 hex digits: a short, stable tag that tells long names apart.
std::string short_hash(std::string_view s)
{
  std::uint32_t h = 2166136261U;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619U;
  }
  char out[9];
  std::snprintf(out, sizeof out, "%08x", h);
  return out;
}

// Returns the disks to snapshot, each checked as a managed disk ID whose name Azure
// accepts, without repeats; throws ActionError naming the parameter otherwise.
std::vector<alert::ResourceId> disks_arg(const ActionArgs& args)
{
  const auto& given = args.list("disks");
  if (given.empty()) {
    throw ActionError("parameter disks: expected at least one managed disk ID");
  }
  std::vector<alert::ResourceId> out;
  std::set<std::string> seen;
  for (const auto& item : given) {
    const auto id = alert::parse_resource_id(item);
    if (!id || id->type() != k_disk_type || id->resource_group.empty()) {
      throw ActionError("parameter disks: expected a managed disk ID (" + std::string(k_disk_type) +
                        "), got " + text::quote(item));
    }
    if (!is_disk_name(id->name())) {
      throw ActionError("parameter disks: " + text::quote(id->name()) +
                        " is not a disk name Azure accepts (letters, digits, '_', '.', '-')");
    }
    if (!seen.insert(text::to_lower(id->canonical)).second) {
      throw ActionError("parameter disks: " + text::quote(item) + " is given twice");
    }
    out.push_back(*id);
  }
  return out;
}

// Returns the snapshot names, one per disk: "{prefix}-{disk name}", or, when that is
// longer than Azure allows or two disks share a name, its first 71 characters, '-' and a
// hash of the disk's ID, so that every name is valid, distinct and the same on each run.
std::vector<std::string> snapshot_names(const std::string& prefix,
                                        const std::vector<alert::ResourceId>& disks)
{
  std::vector<std::string> plain;
  std::multiset<std::string> counts;
  for (const auto& disk : disks) {
    plain.push_back(prefix + "-" + disk.name());
    counts.insert(text::to_lower(plain.back()));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < disks.size(); ++i) {
    const bool fits =
        plain[i].size() <= k_snapshot_name_max && counts.count(text::to_lower(plain[i])) == 1;
    const std::string hash = short_hash(text::to_lower(disks[i].canonical));
    out.push_back(fits ? plain[i]
                       : plain[i].substr(0, k_snapshot_name_max - hash.size() - 1) + "-" + hash);
  }
  return out;
}

// Returns the snapshot IDs, in the VM's resource group, one per disk.
std::vector<alert::ResourceId> snapshot_ids(const ActionArgs& args)
{
  const std::string& prefix = args.text("prefix");
  if (prefix.size() > k_prefix_max || !is_disk_name(prefix) || !is_alnum(prefix.back())) {
    throw ActionError(
        "parameter prefix: expected 1-" + std::to_string(k_prefix_max) +
        " letters, digits, '_', '.' or '-' starting and ending with a letter or digit, got " +
        text::quote(prefix));
  }
  const auto& vm = args.resource("vm");
  std::vector<alert::ResourceId> out;
  for (const auto& name : snapshot_names(prefix, disks_arg(args))) {
    // The name holds only [A-Za-z0-9_.-], so it is one segment.
    auto id = alert::parse_resource_id("/subscriptions/" + vm.subscription_id + "/resourceGroups/" +
                                       vm.resource_group +
                                       "/providers/Microsoft.Compute/snapshots/" + name);
    if (!id) {
      throw ActionError("cannot form a snapshot ID from " + text::quote(name));
    }
    out.push_back(std::move(*id));
  }
  return out;
}

// Returns a source ID as compared: lower case, with one leading '/' (ARM echoes
// sourceResourceId as given, with or without it).
std::string source_key(std::string_view id)
{
  const auto start = id.find_first_not_of('/');
  return "/" +
         text::to_lower(start == std::string_view::npos ? std::string_view() : id.substr(start));
}

ActionSpec snapshot_disks()
{
  ActionSpec spec{
      "compute.vm.snapshot_disks",
      "Snapshot a VM's managed disks before anything destructive: one full copy per disk "
      "({prefix}-{disk name}, in the VM's resource group; PUT, long-running), tagged "
      "createdBy=dftriage; "
      "the snapshots are evidence",
      {vm_param(),
       {"disks",
        ParamType::string_list,
        true,
        {},
        {},
        "The managed disk IDs to copy (the VM's storageProfile osDisk and dataDisks "
        "managedDisk.id)"},
       {"location", ParamType::name, true, {}, {}, "The region, the disks' (e.g. westeurope)"},
       {"prefix", ParamType::name, true, {}, {}, "The snapshot name prefix (e.g. the case's name)"},
       {"alertId",
        ParamType::string,
        false,
        {},
        {},
        "The alert they are evidence for (tag dftriageAlert)"}},
      true,
      Reversibility::reversible,
      "The snapshots are evidence: undo keeps them and DELETEs those this step made (absent in the "
      "pre-image) only when asked to remove evidence too",
      "Microsoft.Compute/snapshots/write",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "快照是证据：撤销时保留它们；只有要求同时删除证据时，才删除本步骤创建的快照（更改"
                 "前读取为 404 的那些）";
  spec.evidence = true;
  spec.needs = {own_need(spec.permission), pre_image_need(k_snapshot_read),
                undo_need(k_snapshot_delete)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string location = text::to_lower(args.text("location"));
    if (!is_location(location)) {
      throw ActionError("parameter location: expected a region name like westeurope, got " +
                        text::quote(args.text("location")));
    }
    if (args.text("alertId").size() > k_tag_value_max) {
      throw ActionError("parameter alertId: expected at most 256 characters (an Azure tag value)");
    }
    const auto disks = disks_arg(args);
    const auto snapshots = snapshot_ids(args);
    nlohmann::ordered_json tags = nlohmann::ordered_json::object();
    if (args.has("alertId")) {
      tags[k_alert_tag] = args.text("alertId");
    }
    tags["createdBy"] = "dftriage";
    ActionRequests out;
    for (std::size_t i = 0; i < disks.size(); ++i) {
      auto before = arm("GET", snapshots[i], {}, api_version::k_compute_disks, cloud);
      out.pre_image.push_back(as_pre_image(before, k_snapshot_read));
      auto r = arm("PUT", snapshots[i], {}, api_version::k_compute_disks, cloud);
      r.body = nlohmann::ordered_json{
          {"location", location},
          {"tags", tags},
          {"properties",
           {{"creationData", {{"createOption", "Copy"}, {"sourceResourceId", disks[i].canonical}}},
            {"incremental", false}}}};
      out.requests.push_back(as_action(r, spec));
    }
    return out;
  };
  // Done when every snapshot exists and was taken of its disk.
  spec.satisfied = [](const ActionArgs& args, const PreImage& pre) {
    const auto disks = disks_arg(args);
    for (std::size_t i = 0; i < disks.size(); ++i) {
      if (i >= pre.size() || pre[i].status != 200 ||
          source_key(text_at(pre[i].body, "/properties/creationData/sourceResourceId")) !=
              source_key(disks[i].canonical)) {
        return false;
      }
    }
    return true;
  };
  spec.refuse = [](const ActionArgs& args, const PreImage& pre) {
    const auto disks = disks_arg(args);
    const auto snapshots = snapshot_ids(args);
    for (std::size_t i = 0; i < disks.size() && i < pre.size(); ++i) {
      const std::string source = text_at(pre[i].body, "/properties/creationData/sourceResourceId");
      if (pre[i].status == 200 && source_key(source) != source_key(disks[i].canonical)) {
        return "a snapshot named " + text::quote(snapshots[i].name()) +
               " already exists and was taken of " +
               (source.empty() ? std::string("something else") : text::quote(source, 400)) +
               ", not of this disk; pick another prefix";
      }
    }
    return std::string();
  };
  // Only the snapshots this step made: one that was there before is someone else's.
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const auto snapshots = snapshot_ids(args);
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      if (absent(pre, i)) {
        auto r = arm("DELETE", snapshots[i], {}, api_version::k_compute_disks, cloud);
        out.push_back(as_undo(r, spec));
        out.back().permission = k_snapshot_delete;
      }
    }
    return out;
  };
  return spec;
}

// The reason the OS disk in a VM's GET cannot be kept by deleteOption, or "".
std::string unkeepable(const nlohmann::ordered_json& vm)
{
  const auto* os_disk = select(vm, k_os_disk);
  if (os_disk == nullptr || !os_disk->is_object()) {
    return "the VM's GET shows no OS disk (properties.storageProfile.osDisk)";
  }
  if (os_disk->contains("diffDiskSettings")) {
    return "the OS disk is ephemeral (diffDiskSettings): it lives on the host, cannot be detached "
           "or snapshotted, and "
           "is lost on reimage; collect what you need from inside the VM first";
  }
  if (text_at(*os_disk, "/managedDisk/id").empty()) {
    return "the OS disk is not a managed disk (an unmanaged VHD in a storage account): "
           "deleteOption does not apply; "
           "copy its VHD blob instead";
  }
  return {};
}

ActionSpec keep_os_disk()
{
  ActionSpec spec{
      "compute.vm.keep_os_disk",
      "Keep a VM's OS disk when the VM is reimaged or deleted: PATCH osDisk.deleteOption to Detach "
      "(long-running), so the old disk stays as an unattached managed disk",
      {vm_param()},
      true,
      Reversibility::reversible,
      "PATCH properties.storageProfile.osDisk.deleteOption back to its value in the pre-image",
      "Microsoft.Compute/virtualMachines/write",
      {},
      {},
      {},
      {},
      {}};
  spec.undo_zh = "用更改前读取到的值重新 PATCH properties.storageProfile.osDisk.deleteOption";
  spec.needs = {own_need(spec.permission), pre_image_need(k_vm_read), undo_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& vm = args.resource("vm");
    ActionRequests out;
    auto before = arm("GET", vm, {}, api_version::k_compute, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vm_read));
    auto r = arm("PATCH", vm, {}, api_version::k_compute, cloud);
    // The spec makes osDisk.createOption required wherever an osDisk is sent: the VM's own
    // goes back unchanged beside the new deleteOption.
    r.body = nlohmann::ordered_json{
        {"properties",
         {{"storageProfile",
           {{"osDisk",
             {{"createOption", from_pre_image(0, std::string(k_os_disk) + "/createOption")},
              {"deleteOption", "Detach"}}}}}}}};
    // Setting one value: sending it twice does no harm.
    r.retry_safe = true;
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.satisfied = [](const ActionArgs&, const PreImage& pre) {
    return !absent(pre) &&
           text::iequals(text_at(pre_body(pre), std::string(k_os_disk) + "/deleteOption"),
                         "Detach");
  };
  spec.refuse = [](const ActionArgs&, const PreImage& pre) {
    return absent(pre) ? std::string("the VM does not exist (its GET answered 404)")
                       : unkeepable(pre_body(pre));
  };
  spec.revert = [spec](const ActionArgs& args, const PreImage& pre, const Cloud& cloud) {
    std::vector<Request> out;
    const std::string before = text_at(pre_body(pre), std::string(k_os_disk) + "/deleteOption");
    if (!before.empty() && !text::iequals(before, "Detach")) {
      auto r = arm("PATCH", args.resource("vm"), {}, api_version::k_compute, cloud);
      nlohmann::ordered_json os_disk = nlohmann::ordered_json::object();
      if (const auto* create = select(pre_body(pre), std::string(k_os_disk) + "/createOption")) {
        os_disk["createOption"] = *create;
      }
      os_disk["deleteOption"] = before;
      r.body = nlohmann::ordered_json{
          {"properties", {{"storageProfile", {{"osDisk", std::move(os_disk)}}}}}};
      r.retry_safe = true;
      out.push_back(as_undo(r, spec));
    }
    return out;
  };
  return spec;
}

} // namespace

void add_compute_disks(std::vector<ActionSpec>& out)
{
  out.push_back(snapshot_disks());
  out.push_back(keep_os_disk());
}

} // namespace dftriage::azure::actions
