// A change's pre-image (its target as it is before the change, kept as evidence and as
// what undo restores) and the drift check against the plan's capture (apply).

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/exec/plan_file.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/terminal.hpp"

namespace dftriage::exec {

std::string Executor::drifted(const std::string& id, const engine::PlannedStep& step,
                              const azure::PreImage& pre) const
{
  const auto it = m_settings.captured.find(id);
  if (it == m_settings.captured.end()) {
    return {};
  }
  const auto& captured = it->second;
  for (std::size_t i = 0; i < pre.size() && i < step.requests.pre_image.size(); ++i) {
    // A target this case already changed cannot match the plan's capture; that change
    // was itself checked against it.
    bool changed_here = false;
    for (const auto& done : m_state.changes()) {
      const auto* r = m_state.step(done);
      changed_here = changed_here ||
                     (r != nullptr && r->pre_image_urls.count(step.requests.pre_image[i].url) > 0);
    }
    if (changed_here) {
      continue;
    }
    const auto now = fingerprint(step.requests.pre_image[i].url, pre[i].status, pre[i].body);
    const auto then = i < captured.size() ? captured[i] : nlohmann::ordered_json();
    if (then.is_null() || then.value("sha256", "") != now["sha256"] ||
        then.value("status", 0) != now["status"]) {
      std::string what = "its target changed since the plan was made: " +
                         terminal::sanitize(step.requests.pre_image[i].url);
      if (!then.is_null() && then.value("status", 0) != now["status"].get<int>()) {
        what += " (HTTP " + std::to_string(then.value("status", 0)) + " then, " +
                now["status"].dump() + " now)";
      } else if (!then.is_null() && !then.value("etag", "").empty() &&
                 then.value("etag", "") != now["etag"]) {
        what += " (ETag " + then.value("etag", "") + " then, " + now["etag"].get<std::string>() +
                " now)";
      } else {
        what += " (its content differs)";
      }
      return what + "; plan again and review the new plan";
    }
  }
  return {};
}

azure::PreImage Executor::read_pre_image(const engine::PlannedStep& step)
{
  const std::string& id = step.step->id;
  azure::PreImage pre;
  auto saved = nlohmann::ordered_json::array();
  // Several targets are read at the same time; journaled in order all the same.
  const auto& requests = step.requests.pre_image;
  std::vector<azure::Fetched> fetched;
  if (m_settings.reader != nullptr && requests.size() > 1) {
    fetched = m_settings.reader->fetch(requests);
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& request = requests[i];
    azure::Observed seen;
    try {
      const auto response = fetched.empty() ? send_journaled(request, id, "pre-image")
                                            : replay_fetched(request, id, "pre-image", fetched[i]);
      seen.status = response.status;
      seen.body = response.body.is_null() && !response.raw_body.empty()
                      ? nlohmann::ordered_json(response.raw_body)
                      : response.body;
    } catch (const azure::AzureError& e) {
      if (e.http_status() != 404) {
        throw;
      }
      seen.status = 404;
    }
    saved.push_back({{"method", request.method},
                     {"url", request.url},
                     {"status", seen.status},
                     {"body", seen.body}});
    pre.push_back(std::move(seen));
  }
  if (!saved.empty()) {
    save_evidence(id, id + "-pre-image", saved, journal::event::pre_image_captured);
  }
  return pre;
}

void Executor::save_evidence(const std::string& step_id, const std::string& name,
                             const nlohmann::ordered_json& content, const char* event,
                             journal::Sync sync)
{
  const auto path = m_folder.write_evidence(name, content);
  append({{"event", event},
          {"step", step_id},
          {"evidence", path},
          {"sha256", journal::sha256_hex(m_folder.read_file(path))}},
         sync);
}

} // namespace dftriage::exec
