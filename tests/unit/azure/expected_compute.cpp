// What the compute and network actions added for incident-response practice must send,
// and what they refuse, find already done and put back.

#include "dftriage/util/text.hpp"
#include "unit/azure/action_expectations.hpp"

#include <catch2/catch.hpp>

namespace dftriage::azure::testing {

const std::vector<Expected> k_expected_compute = {
    {"network.nsg.create_isolation",
     R"({"nsg":"{nsg}","location":"WestEurope","allowFrom":["198.51.100.0/24"]})", "PUT",
     "{arm}{nsg}?api-version=2025-09-01",
     R"({"location":"westeurope","properties":{"securityRules":[
     {"name":"triage-allow-analyst-in","properties":{"priority":100,"direction":"Inbound","access":"Allow","protocol":"*",
      "sourceAddressPrefixes":["198.51.100.0/24"],"sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}},
     {"name":"triage-deny-all-in","properties":{"priority":110,"direction":"Inbound","access":"Deny","protocol":"*",
      "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}},
     {"name":"triage-allow-azurecloud-out","properties":{"priority":100,"direction":"Outbound","access":"Allow","protocol":"Tcp",
      "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"AzureCloud","destinationPortRange":"443"}},
     {"name":"triage-allow-analyst-out","properties":{"priority":110,"direction":"Outbound","access":"Allow","protocol":"*",
      "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefixes":["198.51.100.0/24"],"destinationPortRange":"*"}},
     {"name":"triage-deny-all-out","properties":{"priority":120,"direction":"Outbound","access":"Deny","protocol":"*",
      "sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}}]}})",
     "{arm}{nsg}?api-version=2025-09-01", Reversibility::reversible,
     "Microsoft.Network/networkSecurityGroups/write"},
    {"compute.vm.snapshot_disks",
     R"({"vm":"{vm}","disks":["{rg}/providers/Microsoft.Compute/disks/vm1_OsDisk_1_5f2c"],"location":"WestEurope",
       "prefix":"case-42","alertId":"2518_abc"})",
     "PUT",
     "{arm}{rg}/providers/Microsoft.Compute/snapshots/"
     "case-42-vm1_OsDisk_1_5f2c?api-version=2025-01-02",
     R"({"location":"westeurope","tags":{"dftriageAlert":"2518_abc","createdBy":"dftriage"},
       "properties":{"creationData":{"createOption":"Copy",
         "sourceResourceId":"{rg}/providers/Microsoft.Compute/disks/vm1_OsDisk_1_5f2c"},"incremental":false}})",
     "{arm}{rg}/providers/Microsoft.Compute/snapshots/"
     "case-42-vm1_OsDisk_1_5f2c?api-version=2025-01-02",
     Reversibility::reversible, "Microsoft.Compute/snapshots/write"},
    {"compute.vm.keep_os_disk", R"({"vm":"{vm}"})", "PATCH", "{arm}{vm}?api-version=2025-04-01",
     R"j({"properties":{"storageProfile":{"osDisk":{"createOption":"$(pre-image 0 /properties/storageProfile/osDisk/createOption)",
       "deleteOption":"Detach"}}}})j",
     "{arm}{vm}?api-version=2025-04-01", Reversibility::reversible,
     "Microsoft.Compute/virtualMachines/write"},
    {"compute.vm.restart", R"({"vm":"{vm}"})", "POST", "{arm}{vm}/restart?api-version=2025-04-01",
     "", "{arm}{vm}?api-version=2025-04-01", Reversibility::irreversible,
     "Microsoft.Compute/virtualMachines/restart/action"},
};

} // namespace dftriage::azure::testing

using namespace dftriage::azure;
using namespace dftriage::azure::testing;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_disk = "{rg}/providers/Microsoft.Compute/disks/vm1_OsDisk_1_5f2c";
const std::string k_data_disk =
    "{sub}/resourceGroups/rg-data/providers/Microsoft.Compute/disks/vm1-data-0";

std::string snapshot_args(const std::vector<std::string>& disks,
                          const std::string& prefix = "case-42")
{
  Json args{{"vm", expand("{vm}")},
            {"location", "westeurope"},
            {"prefix", prefix},
            {"disks", Json::array()}};
  for (const auto& d : disks) {
    args["disks"].push_back(expand(d));
  }
  return args.dump();
}

// A snapshot as a GET shows it, taken of `source`.
Observed snapshot_of(const std::string& source)
{
  return {200,
          Json{{"name", "s"},
               {"properties",
                {{"creationData", {{"createOption", "Copy"}, {"sourceResourceId", expand(source)}}},
                 {"provisioningState", "Succeeded"}}}}};
}

// A VM as a GET shows it, with `os_disk` as its storageProfile.osDisk.
Observed vm_with(const Json& os_disk)
{
  return {200, Json{{"name", "vm1"}, {"properties", {{"storageProfile", {{"osDisk", os_disk}}}}}}};
}

const Json k_managed{
    {"osType", "Linux"},
    {"createOption", "FromImage"},
    {"managedDisk",
     {{"id", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/disks/d"}}},
    {"deleteOption", "Delete"}};

} // namespace

TEST_CASE("compute.vm.snapshot_disks reads and copies each disk into the VM's resource group")
{
  const auto built = build("compute.vm.snapshot_disks", snapshot_args({k_disk, k_data_disk}));
  REQUIRE(built.pre_image.size() == 2);
  REQUIRE(built.requests.size() == 2);
  const auto snapshots = expand("{arm}{rg}/providers/Microsoft.Compute/snapshots/");
  CHECK(built.pre_image[1].url == snapshots + "case-42-vm1-data-0?api-version=2025-01-02");
  CHECK(built.pre_image[1].permission == "Microsoft.Compute/snapshots/read");
  CHECK(built.requests[1].url == snapshots + "case-42-vm1-data-0?api-version=2025-01-02");
  CHECK(built.requests[1].body->at("properties").at("creationData").at("sourceResourceId") ==
        expand(k_data_disk));
  // Without an alert, the snapshots still say who made them.
  CHECK(built.requests[1].body->at("tags") == Json{{"createdBy", "dftriage"}});
  CHECK(spec_of("compute.vm.snapshot_disks").evidence);
}

TEST_CASE("compute.vm.snapshot_disks keeps names within Azure's 80 characters, distinct and stable")
{
  const std::string long_disk = "{rg}/providers/Microsoft.Compute/disks/" + std::string(78, 'd');
  const auto once = build("compute.vm.snapshot_disks", snapshot_args({long_disk}));
  const auto again = build("compute.vm.snapshot_disks", snapshot_args({long_disk}));
  const std::string url = once.requests[0].url;
  const std::string name = url.substr(url.rfind('/') + 1, url.find('?') - url.rfind('/') - 1);
  CHECK(name.size() == 80);
  CHECK(name.rfind("case-42-ddd", 0) == 0);
  CHECK(again.requests[0].url == url);
  // Two disks of one name in two groups: two snapshots.
  const auto twins =
      build("compute.vm.snapshot_disks",
            snapshot_args(
                {k_disk,
                 "{sub}/resourceGroups/rg2/providers/Microsoft.Compute/disks/vm1_OsDisk_1_5f2c"}));
  CHECK(twins.requests[0].url != twins.requests[1].url);
  for (const auto& r : twins.requests) {
    CHECK_THAT(r.url, Catch::Contains("/snapshots/case-42-vm1_OsDisk_1_5f2c-"));
  }
}

TEST_CASE(
    "compute.vm.snapshot_disks refuses what is not a managed disk, a usable prefix or a region")
{
  const std::string name = "compute.vm.snapshot_disks";
  CHECK_THROWS_WITH(build(name, snapshot_args({})),
                    "parameter disks: expected at least one managed disk ID");
  CHECK_THROWS_WITH(
      build(name, snapshot_args({"{vm}"})),
      "parameter disks: expected a managed disk ID (microsoft.compute/disks), got \"" +
          expand("{vm}") + "\"");
  CHECK_THROWS_WITH(
      build(name, snapshot_args({"not an id"})),
      "parameter disks: expected a managed disk ID (microsoft.compute/disks), got \"not an id\"");
  CHECK_THROWS_WITH(build(name, snapshot_args({k_disk, k_disk})),
                    "parameter disks: \"" + expand(k_disk) + "\" is given twice");
  CHECK_THROWS_WITH(
      build(name, snapshot_args({"{rg}/providers/Microsoft.Compute/disks/bad%name"})),
      Catch::StartsWith("parameter disks: \"bad%name\" is not a disk name Azure accepts"));
  for (const char* bad : {"-lead", "trail-", "has space", "x\"{}"}) {
    CHECK_THROWS_WITH(build(name, snapshot_args({k_disk}, bad)),
                      Catch::StartsWith("parameter prefix: expected 1-60"));
  }
  CHECK_THROWS_WITH(build(name, snapshot_args({k_disk}, std::string(61, 'p'))),
                    Catch::StartsWith("parameter prefix"));
  CHECK_THROWS_WITH(
      build(name, R"({"vm":"{vm}","disks":["x"],"location":"west europe","prefix":"p"})"),
      "parameter location: expected a region name like westeurope, got \"west europe\"");
  CHECK_THROWS_WITH(
      build(name, R"({"vm":"{kv}","disks":[],"location":"westeurope","prefix":"p"})"),
      Catch::StartsWith(
          "parameter vm: expected an Azure resource ID of type microsoft.compute/virtualmachines"));
}

TEST_CASE("compute.vm.snapshot_disks is done when each snapshot holds its disk, refused when a "
          "name holds another")
{
  const auto& spec = spec_of("compute.vm.snapshot_disks");
  const auto args = args_of(spec.name, snapshot_args({k_disk, k_data_disk}));
  const PreImage none{{404, nullptr}, {404, nullptr}};
  CHECK_FALSE(spec.satisfied(args, none));
  CHECK(spec.refuse(args, none).empty());
  // ARM echoes the source as given, with or without the leading '/', in any case.
  std::string lower_no_slash = dftriage::text::to_lower(expand(k_data_disk)).substr(1);
  const PreImage done{snapshot_of(k_disk), snapshot_of(lower_no_slash)};
  CHECK(spec.satisfied(args, done));
  CHECK(spec.refuse(args, done).empty());
  const PreImage half{snapshot_of(k_disk), {404, nullptr}};
  CHECK_FALSE(spec.satisfied(args, half));
  CHECK(spec.refuse(args, half).empty());
  const PreImage taken{{404, nullptr}, snapshot_of("{rg}/providers/Microsoft.Compute/disks/other")};
  CHECK_FALSE(spec.satisfied(args, taken));
  CHECK(spec.refuse(args, taken) ==
        "a snapshot named \"case-42-vm1-data-0\" already exists and was taken of \"" +
            expand("{rg}/providers/Microsoft.Compute/disks/other") +
            "\", not of this disk; pick another prefix");
  // Undo deletes only what this step made.
  const auto undo = spec.revert(args, half, public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK(undo[0].method == "DELETE");
  CHECK(undo[0].url == expand("{arm}{rg}/providers/Microsoft.Compute/snapshots/"
                              "case-42-vm1-data-0?api-version=2025-01-02"));
  CHECK(undo[0].permission == "Microsoft.Compute/snapshots/delete");
  CHECK(undo[0].purpose == "undo");
}

TEST_CASE("compute.vm.keep_os_disk is done at Detach, refused for disks it cannot keep, undone to "
          "the old value")
{
  const auto& spec = spec_of("compute.vm.keep_os_disk");
  const auto args = args_of(spec.name, R"({"vm":"{vm}"})");
  const PreImage deleting{vm_with(k_managed)};
  CHECK_FALSE(spec.satisfied(args, deleting));
  CHECK(spec.refuse(args, deleting).empty());
  auto kept = k_managed;
  kept["deleteOption"] = "detach";
  CHECK(spec.satisfied(args, {vm_with(kept)}));

  auto ephemeral = k_managed;
  ephemeral["diffDiskSettings"] = {{"option", "Local"}, {"placement", "ResourceDisk"}};
  CHECK_THAT(spec.refuse(args, {vm_with(ephemeral)}),
             Catch::StartsWith("the OS disk is ephemeral (diffDiskSettings)"));
  const Json unmanaged{{"osType", "Linux"},
                       {"vhd", {{"uri", "https://st.blob.core.windows.net/vhds/os.vhd"}}}};
  CHECK_THAT(spec.refuse(args, {vm_with(unmanaged)}),
             Catch::StartsWith("the OS disk is not a managed disk"));
  CHECK(spec.refuse(args, {{404, nullptr}}) == "the VM does not exist (its GET answered 404)");

  const auto undo = spec.revert(args, deleting, public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK(undo[0].method == "PATCH");
  CHECK(undo[0].url == expand("{arm}{vm}?api-version=2025-04-01"));
  CHECK(
      undo[0].body->dump() ==
      R"({"properties":{"storageProfile":{"osDisk":{"createOption":"FromImage","deleteOption":"Delete"}}}})");
  auto unset = k_managed;
  unset.erase("deleteOption");
  CHECK(spec.revert(args, {vm_with(unset)}, public_cloud()).empty());
}

TEST_CASE("compute.vm.reimage is refused unless the old OS disk outlives it")
{
  const auto& spec = spec_of("compute.vm.reimage");
  CHECK(spec.reversibility == Reversibility::irreversible);
  const auto args = args_of(spec.name, R"({"vm":"{vm}"})");
  CHECK(spec.refuse(args, {vm_with(k_managed)}) ==
        "the old OS disk would be deleted with its evidence: keep it first "
        "(compute.vm.keep_os_disk)");
  auto unset = k_managed;
  unset.erase("deleteOption");
  CHECK(!spec.refuse(args, {vm_with(unset)}).empty());
  auto kept = k_managed;
  kept["deleteOption"] = "DETACH";
  CHECK(spec.refuse(args, {vm_with(kept)}).empty());
  kept["diffDiskSettings"] = {{"option", "Local"}};
  CHECK_THAT(spec.refuse(args, {vm_with(kept)}), Catch::StartsWith("the OS disk is ephemeral"));
  CHECK(spec.refuse(args, {{404, nullptr}}) == "the VM does not exist (its GET answered 404)");
}

TEST_CASE("compute.vm.restart cannot be undone and needs the VM")
{
  const auto& spec = spec_of("compute.vm.restart");
  CHECK(spec.reversibility == Reversibility::irreversible);
  CHECK(!spec.revert);
  const auto args = args_of(spec.name, R"({"vm":"{vm}"})");
  CHECK(spec.refuse(args, {vm_with(k_managed)}).empty());
  CHECK(spec.refuse(args, {{404, nullptr}}) == "the VM does not exist (its GET answered 404)");
}

TEST_CASE("network.nsg.create_isolation takes the NSG's ID or its parts, not both")
{
  const auto tuple = build(
      "network.nsg.create_isolation",
      R"({"subscription":"{sub}","resourceGroup":"rg 1","name":"iso%nsg","location":"eastus"})");
  CHECK(tuple.requests[0].url ==
        expand("{arm}{sub}/resourceGroups/rg%201/providers/Microsoft.Network/networkSecurityGroups/"
               "iso%25nsg?api-version=2025-09-01"));
  std::vector<std::string> names;
  for (const auto& rule : tuple.requests[0].body->at("properties").at("securityRules")) {
    names.push_back(rule["name"]);
  }
  // Without analysts: nothing in, HTTPS to AzureCloud out, then nothing out.
  CHECK(names == std::vector<std::string>{"triage-deny-all-in", "triage-allow-azurecloud-out",
                                          "triage-deny-all-out"});
  CHECK_THROWS_WITH(
      build("network.nsg.create_isolation", R"({"nsg":"{nsg}","name":"x","location":"eastus"})"),
      "give either nsg (the NSG's ID) or subscription, resourceGroup and name");
  CHECK_THROWS_WITH(
      build("network.nsg.create_isolation",
            R"({"subscription":"{sub}","name":"x","location":"eastus"})"),
      "parameters subscription, resourceGroup and name are all required when nsg is not given");
  CHECK_THROWS_WITH(
      build("network.nsg.create_isolation",
            R"({"subscription":"{sub}","resourceGroup":"..","name":"x","location":"eastus"})"),
      Catch::StartsWith("parameter resourceGroup: expected an Azure resource name"));
  CHECK_THROWS_WITH(
      build("network.nsg.create_isolation", R"({"nsg":"{nsg}","location":"east us\""})"),
      "parameter location: expected a region name like westeurope, got \"east us\\\"\"");
  CHECK_THROWS_WITH(build("network.nic.attach_nsg", R"({"nic":"{nic}","nsg":"{vm}"})"),
                    Catch::StartsWith("parameter nsg: expected an Azure resource ID of type "
                                      "microsoft.network/networksecuritygroups"));
}

TEST_CASE("network.nsg.create_isolation is done only when this alert's NSG holds today's rules")
{
  const auto& spec = spec_of("network.nsg.create_isolation");
  const std::string call =
      R"({"nsg":"{nsg}","location":"westeurope","allowFrom":["198.51.100.0/24"],"alertId":"A1"})";
  const auto args = args_of(spec.name, call);
  // The NSG as ARM shows it after the PUT: IDs, etags, provisioningState, empty lists.
  Json nsg{{"location", "westeurope"},
           {"tags", {{"dftriageAlert", "A1"}, {"createdBy", "dftriage"}}},
           {"properties", {{"securityRules", Json::array()}}}};
  const auto built = build(spec.name, call);
  for (auto rule : built.requests[0].body->at("properties").at("securityRules")) {
    rule["id"] = "x";
    rule["etag"] = "W/\"1\"";
    rule["properties"]["provisioningState"] = "Succeeded";
    rule["properties"]["sourceAddressPrefixes"] =
        rule["properties"].value("sourceAddressPrefixes", Json::array());
    rule["properties"]["access"] =
        dftriage::text::to_lower(rule["properties"]["access"].get<std::string>());
    nsg["properties"]["securityRules"].push_back(rule);
  }
  CHECK(spec.satisfied(args, {{200, nsg}}));
  CHECK(spec.refuse(args, {{200, nsg}}).empty());
  // The old rule set (deny all out at 100) blinds Run Command: not done, sent again.
  Json old = nsg;
  old["properties"]["securityRules"] =
      Json::array({nsg["properties"]["securityRules"][0], nsg["properties"]["securityRules"][1]});
  old["properties"]["securityRules"].push_back(
      {{"name", "triage-deny-all-out"},
       {"properties",
        {{"priority", 100}, {"direction", "Outbound"}, {"access", "Deny"}, {"protocol", "*"}}}});
  CHECK_FALSE(spec.satisfied(args, {{200, old}}));
  CHECK(spec.refuse(args, {{200, old}}).empty());
  // Undo puts the old one back rather than deleting what was there before.
  const auto undo = spec.revert(args, {{200, old}}, public_cloud());
  REQUIRE(undo.size() == 1);
  CHECK(undo[0].method == "PUT");
  CHECK(undo[0].body->at("properties").at("securityRules").size() == 3);
  CHECK(undo[0].body->at("tags").at("dftriageAlert") == "A1");
  CHECK(spec.revert(args, {{404, nullptr}}, public_cloud()).at(0).method == "DELETE");
  // Someone else's NSG of that name.
  Json theirs = nsg;
  theirs["tags"] = Json::object();
  CHECK_FALSE(spec.satisfied(args, {{200, theirs}}));
  CHECK(spec.refuse(args, {{200, theirs}}) ==
        "an NSG of that name already exists and was not made for this alert; pick another name");
}
