#include "cli/step_requests.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/cloud.hpp"
#include "support/files.hpp"

#include <catch2/catch.hpp>

using dftriage::cli::StepRequestsOptions;
using dftriage::test::occurrences;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_attach_group =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg";
const std::string k_attach_nic =
    k_attach_group + "/providers/Microsoft.Network/networkInterfaces/nic1";
const std::string k_attach_nsg =
    k_attach_group + "/providers/Microsoft.Network/networkSecurityGroups/isolate";

// The NIC attach step as the engine plans it: a GET of the NIC, then a PUT of all of it.
dftriage::engine::PlannedStep attach_step()
{
  const auto* spec = dftriage::azure::find_action("network.nic.attach_nsg");
  REQUIRE(spec != nullptr);
  const auto args =
      dftriage::azure::check_args(*spec, {{"nic", k_attach_nic}, {"nsg", k_attach_nsg}});
  dftriage::engine::PlannedStep step;
  step.status = "planned";
  step.action = spec;
  step.requests = spec->build(args, dftriage::azure::public_cloud());
  return step;
}

Json nic_now()
{
  return {{"id", k_attach_nic},
          {"name", "nic1"},
          {"type", "Microsoft.Network/networkInterfaces"},
          {"etag", "W/\"7\""},
          {"location", "westeurope"},
          {"tags", {{"env", "prod"}}},
          {"properties",
           {{"provisioningState", "Succeeded"},
            {"ipConfigurations",
             {{{"name", "ipconfig1"},
               {"id", k_attach_nic + "/ipConfigurations/ipconfig1"},
               {"etag", "W/\"7\""},
               {"properties",
                {{"privateIPAddress", "10.0.0.4"}, {"provisioningState", "Succeeded"}}}}}},
            {"networkSecurityGroup",
             {{"id", k_attach_group + "/providers/Microsoft.Network/"
                                      "networkSecurityGroups/web"}}}}}};
}

} // namespace

TEST_CASE("a dry run shows a change's body once with its run-time values as explained variables")
{
  const auto step = attach_step();
  const auto text = dftriage::cli::step_requests_text(
      step, StepRequestsOptions{&dftriage::azure::public_cloud(), {}, false, true});
  CHECK(occurrences(text,
                    "# TOKEN=$(az account get-access-token --resource "
                    "'https://management.core.windows.net/' --query accessToken -o tsv)") == 1);
  CHECK(occurrences(text, "curl -X GET") == 1);
  CHECK(occurrences(text, "curl -X PUT") == 1);
  CHECK(occurrences(text, "--data-binary") == 1);
  CHECK(text.find("#   LOCATION: /location\n") != std::string::npos);
  CHECK(text.find("network interface") != std::string::npos);
  CHECK(text.find("$(pre-image") == std::string::npos);
}

TEST_CASE("a change carried out is shown by its URL first and then once as what it changes")
{
  const auto step = attach_step();
  const auto before = dftriage::cli::step_requests_text(
      step, StepRequestsOptions{&dftriage::azure::public_cloud(), {}, false, false});
  CHECK(occurrences(before, "curl -X GET") == 1); // the read can be run by hand
  CHECK(before.find("--data-binary") == std::string::npos);
  CHECK(before.find("    PUT https://management.azure.com" + k_attach_nic) != std::string::npos);

  // What the executor gives the responder once the pre-image is read.
  const dftriage::azure::PreImage pre{{200, nic_now()}};
  dftriage::exec::PendingChange change;
  auto put = step.requests.requests.at(0);
  put.body = dftriage::azure::resolve_pre_image(*put.body, pre);
  change.requests = {put};
  change.pre_requests = &step.requests.pre_image;
  change.pre_image = &pre;
  change.cloud = &dftriage::azure::public_cloud();
  const auto shown =
      dftriage::cli::pending_change_text(change, false, dftriage::playbook::Lang::en);
  // Only the NSG changes; the rest of the NIC, sent back as it is, is not shown.
  CHECK(shown.rfind("    PUT https://management.azure.com" + k_attach_nic + "?api-version=", 0) ==
        0);
  CHECK(shown.find("\n      ~ /properties/networkSecurityGroup/id: \"/subscriptions/") !=
        std::string::npos);
  CHECK(shown.find("/networkSecurityGroups/web\" → \"/subscriptions/") != std::string::npos);
  CHECK(shown.find("/networkSecurityGroups/isolate\"\n") == shown.size() - 32);
  CHECK(occurrences(shown, "\n") == 2);
  // In full (v at the prompt): the runnable command, the values filled in.
  const auto full = dftriage::cli::pending_change_full(change, dftriage::playbook::Lang::en);
  CHECK(occurrences(full, "--data-binary") == 1);
  CHECK(full.find("\"location\": \"westeurope\"") != std::string::npos);
  CHECK(full.find("\"privateIPAddress\": \"10.0.0.4\"") != std::string::npos);
  CHECK(full.find("$LOCATION") == std::string::npos);
  CHECK(occurrences(full, "# TOKEN=") == 1);
}
