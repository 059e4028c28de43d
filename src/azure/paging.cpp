// list(): nextLink paging (ARM, Key Vault data plane) and @odata.nextLink (Graph).

#include "azure/follow_url.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/client.hpp"

#include <spdlog/spdlog.h>

namespace dftriage::azure {

std::vector<nlohmann::ordered_json> Client::list(const Request& request)
{
  if (m_options.mode == ClientMode::dry_run) {
    dry_run(request);
    return {};
  }
  std::vector<nlohmann::ordered_json> items;
  Call call = make_call(request);
  for (std::size_t page = 1;; ++page) {
    Response response = transmit_ok(call);
    auto& body = response.body;
    const auto value = body.is_object() ? body.find("value") : body.end();
    if (!body.is_object() || value == body.end() || !value->is_array()) {
      throw Error(call.method + " " + call.url +
                      ": the response is not a list (no \"value\" array)",
                  ExitStatus::azure_failure);
    }
    for (auto& item : *value) {
      items.push_back(std::move(item));
    }
    const char* next = next_link_key(body);
    if (next == nullptr) {
      spdlog::debug("{} {}: {} items in {} pages", request.method, request.url, items.size(), page);
      return items;
    }
    if (page >= m_options.max_pages) {
      throw Error(request.method + " " + request.url + ": more than " +
                      std::to_string(m_options.max_pages) + " pages",
                  ExitStatus::azure_failure);
    }
    call = follow_up(call, body.at(next).get<std::string>());
  }
}

} // namespace dftriage::azure
