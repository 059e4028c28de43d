#pragma once

// Test support for the lab's Network, Compute and Automation providers: a small scenario
// built with the lab's own builders (vm1 Windows behind vm1-nic and vm1-nsg with RDP open
// to the internet, vm2 Linux behind vm2-nic without an NSG, Automation account aa1 with
// one runbook), requests with extra headers, and long-running-operation polling; and a
// lab over HTTPS on which catalogue actions run through the real azure::Client.

#include "dftriage/azure/actions.hpp"
#include "lab_fixture.hpp"
#include "support/lab_session.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dftriage::test {

using Query = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline const std::string k_rg1 = std::string("/subscriptions/") + k_sub + "/resourceGroups/rg1";
inline const std::string k_vm1 = k_rg1 + "/providers/Microsoft.Compute/virtualMachines/vm1";
inline const std::string k_vm2 = k_rg1 + "/providers/Microsoft.Compute/virtualMachines/vm2";
inline const std::string k_nic1 = k_rg1 + "/providers/Microsoft.Network/networkInterfaces/vm1-nic";
inline const std::string k_nic2 = k_rg1 + "/providers/Microsoft.Network/networkInterfaces/vm2-nic";
inline const std::string k_nsg1 =
    k_rg1 + "/providers/Microsoft.Network/networkSecurityGroups/vm1-nsg";
inline const std::string k_account =
    k_rg1 + "/providers/Microsoft.Automation/automationAccounts/aa1";
inline const std::string k_runbook = k_account + "/runbooks/Update-ModuleCache";
inline const std::string k_runbook_script = "Invoke-Expression $payload\n";
inline const Query k_network_version{{"api-version", "2025-09-01"}};
inline const Query k_compute_version{{"api-version", "2025-04-01"}};
inline const Query k_automation_version{{"api-version", "2024-10-23"}};
inline const Query k_tags_version{{"api-version", "2025-04-01"}};
inline const Query k_assessments_version{{"api-version", "2020-01-01"}};

// Adds the scenario above to `lab`'s state.
void seed_compute(LabFixture& lab);

// Sends an ARM request with `headers` added (If-Match, If-None-Match, ...).
lab::LabResponse send_with_headers(LabFixture& lab, const std::string& method,
                                   const std::string& path, const Query& query,
                                   const std::string& body, const Headers& headers);

// Sends `method` to an absolute `url` (as an Azure-AsyncOperation or Location gives it).
lab::LabResponse send_url(LabFixture& lab, const std::string& method, const std::string& url);

// Polls the Azure-AsyncOperation of `started` until a terminal status (at most 10
// polls); returns every status seen, in order (empty: no such header).
std::vector<std::string> poll_async(LabFixture& lab, const lab::LabResponse& started);

// Polls the Location of `started` until it answers other than 202 (at most 10 polls);
// returns that answer (`started` itself when it has no Location).
lab::LabResponse poll_location(LabFixture& lab, const lab::LabResponse& started);

// Returns the text of examples/alerts/<name>.
std::string example_alert(const std::string& name);

// Returns the names of the items of a list answer's "value".
std::vector<std::string> names_of(const nlohmann::ordered_json& list);

// A lab over HTTPS seeded with `seeds` (alert or scenario files; by default the DNS and
// the Resource Manager example alerts), whose client records every exchange and never
// sleeps.
struct ClientLab
{
  ClientLab();
  explicit ClientLab(std::vector<std::string> seeds);

  // Returns what GET `path` answers with `api_version` (its body; throws AzureError).
  nlohmann::ordered_json read(const std::string& path, const std::string& api_version);
  // Returns the status GET `path` answers with `api_version`.
  int status(const std::string& path, const std::string& api_version);

  LabSession lab;
  std::vector<azure::Exchange> exchanges;
};

// What running one catalogue action gave.
struct Ran
{
  azure::PreImage pre;
  std::string refused;    // the refuse hook's reason; nothing was sent
  bool satisfied = false; // the satisfied hook found it in place; nothing was sent
  std::vector<azure::Response> responses;
  // What a read action gave: with `list`, a list's items of every page; else a read's
  // entity as the one item, or a list answer's items (every page when it has a next link).
  std::vector<nlohmann::ordered_json> items;
};

// A value for "$(generated secret)" that tests look for where no secret may appear.
inline const std::string k_generated_canary = "Generated-Canary-5ecret-91c2";

// Runs `action` with `args` as the executor does: reads its pre-image (a 404 is a
// finding), stops when its refuse hook gives a reason or its satisfied hook finds it in
// place, else fills its bodies from the pre-image ("$(generated secret)" with `secret`)
// and sends its requests through the client; a GET action is listed when `list` (no
// responses kept), else sent and its answer kept in `responses` (and, for a read, `items`).
Ran run_action(ClientLab& lab, const std::string& action, const nlohmann::ordered_json& args,
               bool list = false, const std::string& secret = "");

// Sends `action`'s undo for `pre` (its revert requests); returns the responses.
std::vector<azure::Response> undo_action(ClientLab& lab, const std::string& action,
                                         const nlohmann::ordered_json& args,
                                         const azure::PreImage& pre);

} // namespace dftriage::test
