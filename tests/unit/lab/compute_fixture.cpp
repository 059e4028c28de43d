#include "compute_fixture.hpp"

#include "dftriage/azure/azure_error.hpp"
#include "lab/arm.hpp"
#include "lab/resources.hpp"
#include "lab/resources_compute.hpp"
#include "lab/util.hpp"
#include "support/paths.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace dftriage::test {

void seed_compute(LabFixture& lab)
{
  auto& state = lab.tenant.state();
  const lab::Json rdp{{"name", "RDP"},
                      {"properties",
                       {{"priority", 300},
                        {"direction", "Inbound"},
                        {"access", "Allow"},
                        {"protocol", "Tcp"},
                        {"sourceAddressPrefix", "*"},
                        {"sourcePortRange", "*"},
                        {"destinationAddressPrefix", "*"},
                        {"destinationPortRange", "3389"}}}};
  lab::put_resource(state, lab::make_nsg(state, k_nsg1, "westeurope", lab::Json::array({rdp})));
  lab::Json nic1 = lab::make_nic(state, k_nic1, "westeurope", "10.0.0.4");
  nic1["properties"]["networkSecurityGroup"] = {{"id", k_nsg1}};
  lab::put_resource(state, std::move(nic1));
  lab::put_resource(state, lab::make_nic(state, k_nic2, "westeurope", "10.0.0.5"));
  lab::put_vm(state, lab::make_vm(state, k_vm1, "westeurope", "Windows", {k_nic1}), "Windows");
  lab::put_vm(state, lab::make_vm(state, k_vm2, "westeurope", "Linux", {k_nic2}), "Linux");
  lab::put_resource(state, lab::make_automation_account(state, k_account, "westeurope"));
  lab::Json runbook = lab::make_runbook(state, k_account, "Update-ModuleCache", "westeurope",
                                        lab::Json{{"lastModifiedBy", "mallory@lab.localhost"}});
  state.runbook_contents[lab::lower(k_runbook)] = k_runbook_script;
  lab::put_resource(state, std::move(runbook));
}

lab::LabResponse send_with_headers(LabFixture& lab, const std::string& method,
                                   const std::string& path, const Query& query,
                                   const std::string& body, const Headers& headers)
{
  lab::LabRequest r;
  r.method = method;
  r.host = "127.0.0.1";
  r.path = path;
  r.query = query;
  r.body = body;
  r.headers = headers;
  r.headers.emplace_back("Authorization",
                         "Bearer " + lab.token("https://management.azure.com/.default"));
  return lab.tenant.handle(r);
}

lab::LabResponse send_url(LabFixture& lab, const std::string& method, const std::string& url)
{
  const auto scheme = url.find("://");
  const auto path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto q = url.find('?', path_start);
  const std::string path =
      url.substr(path_start, q == std::string::npos ? std::string::npos : q - path_start);
  Query query;
  if (q != std::string::npos) {
    query = lab::parse_form(url.substr(q + 1));
  }
  return lab.send(method, lab::url_decode(path), query);
}

std::vector<std::string> poll_async(LabFixture& lab, const lab::LabResponse& started)
{
  std::vector<std::string> seen;
  const std::string url = started.header("Azure-AsyncOperation").value_or("");
  for (int i = 0; i < 10 && !url.empty(); ++i) {
    const std::string status = body_of(send_url(lab, "GET", url)).value("status", "");
    seen.push_back(status);
    if (status != "InProgress") {
      break;
    }
  }
  return seen;
}

lab::LabResponse poll_location(LabFixture& lab, const lab::LabResponse& started)
{
  lab::LabResponse last = started;
  for (int i = 0; i < 10; ++i) {
    const auto url = last.header("Location");
    if (!url) {
      break;
    }
    last = send_url(lab, "GET", *url);
    if (last.status != 202) {
      break;
    }
  }
  return last;
}

std::string example_alert(const std::string& name)
{
  std::ifstream in(k_alerts + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> names_of(const nlohmann::ordered_json& list)
{
  std::vector<std::string> out;
  for (const auto& item : list.value("value", nlohmann::ordered_json::array())) {
    out.push_back(item.value("name", ""));
  }
  return out;
}

namespace {

// Replaces every "$(generated secret)" in `node` with `secret`, as the executor does with
// the secret it makes.
void fill_secret(nlohmann::ordered_json& node, const std::string& secret)
{
  if (node.is_string() && node.get<std::string>() == "$(generated secret)") {
    node = secret;
  } else if (node.is_structured()) {
    for (auto& child : node) {
      fill_secret(child, secret);
    }
  }
}

azure::Request arm_get(const ClientLab& lab, const std::string& path,
                       const std::string& api_version)
{
  azure::Request r;
  r.method = "GET";
  r.url = lab.lab.cloud.resource_manager + path + "?api-version=" + api_version;
  r.audience = "arm";
  return r;
}

// Adds what the read `r` answered with `body` to `items`: the entity itself, or a list
// answer's items (all pages, listed again through the client, when it has a next link).
void read_items(ClientLab& lab, const azure::Request& r, const nlohmann::ordered_json& body,
                std::vector<nlohmann::ordered_json>& items)
{
  if (!body.contains("value") || !body["value"].is_array()) {
    items.push_back(body);
  } else if (body.value("nextLink", nlohmann::ordered_json()).is_null() &&
             body.value("@odata.nextLink", nlohmann::ordered_json()).is_null()) {
    items = body["value"].get<std::vector<nlohmann::ordered_json>>();
  } else {
    items = lab.lab.client->list(r);
  }
}

} // namespace

ClientLab::ClientLab()
    : ClientLab({k_dns_alert, k_rm_alert})
{
}

ClientLab::ClientLab(std::vector<std::string> seeds)
    : lab(std::move(seeds))
{
  azure::ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  options.observer = [this](const azure::Exchange& e) { exchanges.push_back(e); };
  lab.client =
      std::make_unique<azure::Client>(lab.cloud, lab.credential.get(), *lab.transport, options);
}

nlohmann::ordered_json ClientLab::read(const std::string& path, const std::string& api_version)
{
  return lab.client->send(arm_get(*this, path, api_version)).body;
}

int ClientLab::status(const std::string& path, const std::string& api_version)
{
  try {
    return lab.client->send(arm_get(*this, path, api_version)).status;
  } catch (const azure::AzureError& e) {
    return e.http_status();
  }
}

Ran run_action(ClientLab& lab, const std::string& action, const nlohmann::ordered_json& args,
               bool list, const std::string& secret)
{
  const auto* spec = azure::find_action(action);
  REQUIRE(spec != nullptr);
  const auto checked = azure::check_args(*spec, args);
  const auto requests = spec->build(checked, lab.lab.cloud);
  Ran out;
  for (const auto& r : requests.pre_image) {
    try {
      const auto response = lab.lab.client->send(r);
      out.pre.push_back({response.status, response.body});
    } catch (const azure::AzureError& e) {
      REQUIRE(e.http_status() == 404);
      out.pre.push_back({404, nullptr});
    }
  }
  out.refused = spec->refuse ? spec->refuse(checked, out.pre) : std::string();
  out.satisfied = out.refused.empty() && spec->satisfied && spec->satisfied(checked, out.pre);
  if (!out.refused.empty() || out.satisfied) {
    return out;
  }
  for (auto r : requests.requests) {
    if (r.body) {
      r.body = azure::resolve_pre_image(*r.body, out.pre);
      fill_secret(*r.body, secret);
    }
    INFO(action << ": " << r.method << " " << r.url);
    if (list) {
      out.items = lab.lab.client->list(r);
      continue;
    }
    out.responses.push_back(lab.lab.client->send(r));
    if (!spec->mutating) {
      read_items(lab, r, out.responses.back().body, out.items);
    }
  }
  return out;
}

std::vector<azure::Response> undo_action(ClientLab& lab, const std::string& action,
                                         const nlohmann::ordered_json& args,
                                         const azure::PreImage& pre)
{
  const auto* spec = azure::find_action(action);
  REQUIRE(spec != nullptr);
  REQUIRE(spec->revert);
  std::vector<azure::Response> out;
  for (const auto& r : spec->revert(azure::check_args(*spec, args), pre, lab.lab.cloud)) {
    INFO(action << " undo: " << r.method << " " << r.url);
    out.push_back(lab.lab.client->send(r));
  }
  return out;
}

} // namespace dftriage::test
