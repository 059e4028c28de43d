#include "compute_fixture.hpp"

#include "lab/arm.hpp"
#include "lab/resources.hpp"
#include "lab/resources_compute.hpp"
#include "lab/util.hpp"

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
  std::ifstream in(std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/" + name);
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

} // namespace dftriage::test
