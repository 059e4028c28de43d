#include "dftriage/exec/plan_file.hpp"

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/journal/journal.hpp"

namespace dftriage::exec {

namespace {

std::string digest_of(nlohmann::ordered_json plan)
{
  plan.erase("digest");
  return "sha256:" + journal::sha256_hex(plan.dump(
                         -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

} // namespace

nlohmann::ordered_json seal(nlohmann::ordered_json plan)
{
  plan.erase("digest");
  plan["digest"] = digest_of(plan);
  return plan;
}

std::string check_seal(const nlohmann::ordered_json& plan)
{
  if (!plan.is_object()) {
    return "not a plan (expected a JSON object)";
  }
  const auto it = plan.find("digest");
  if (it == plan.end() || !it->is_string()) {
    return "it carries no digest (make it with dftriage plan -o json)";
  }
  if (it->get<std::string>() != digest_of(plan)) {
    return "it was altered after it was made (its digest does not match its content)";
  }
  return {};
}

nlohmann::ordered_json fingerprint(const std::string& url, int status,
                                   const nlohmann::ordered_json& body)
{
  std::string etag;
  if (body.is_object()) {
    if (const auto e = body.find("etag"); e != body.end() && e->is_string()) {
      etag = e->get<std::string>();
    }
  }
  return {{"url", url},
          {"status", status},
          {"etag", etag},
          {"sha256", journal::sha256_hex(body.dump(
                         -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace))}};
}

void capture_targets(nlohmann::ordered_json& plan, azure::Client& client,
                     std::map<std::string, azure::PreImage>* bodies)
{
  for (auto& step : plan["steps"]) {
    auto& action = step["action"];
    if (step.value("status", "") != "planned" || !action.is_object() ||
        action["preImage"].empty()) {
      continue;
    }
    auto captured = nlohmann::ordered_json::array();
    azure::PreImage read;
    for (const auto& r : action["preImage"]) {
      azure::Request request;
      request.method = r.value("method", "GET");
      request.url = r.value("url", "");
      request.audience = r.value("audience", "arm");
      try {
        const auto response = client.send(request);
        captured.push_back(fingerprint(request.url, response.status, response.body));
        read.push_back({response.status, response.body});
      } catch (const azure::AzureError& e) {
        if (e.http_status() != 404) {
          throw;
        }
        captured.push_back(fingerprint(request.url, 404, nullptr));
        read.push_back({404, nullptr});
      }
    }
    action["captured"] = std::move(captured);
    if (bodies != nullptr) {
      (*bodies)[step.value("id", "")] = std::move(read);
    }
  }
}

} // namespace dftriage::exec
