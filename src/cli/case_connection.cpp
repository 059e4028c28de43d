#include "case_connection.hpp"

#include "dftriage/azure/cloud_config.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/fd_write.hpp"
#include "dftriage/util/json_field.hpp"
#include "dftriage/util/terminal.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;

using json_field::str;

// Returns "host:port" of an https URL ("" when it has no port).
std::string authority_of(const std::string& url)
{
  const auto start = url.find("://");
  if (start == std::string::npos) {
    return {};
  }
  const auto end = url.find('/', start + 3);
  return url.substr(start + 3, end == std::string::npos ? std::string::npos : end - start - 3);
}

std::string port_of(const std::string& url)
{
  const auto authority = authority_of(url);
  const auto colon = authority.rfind(':');
  return colon == std::string::npos ? std::string() : authority.substr(colon + 1);
}

// Moves a URL of an earlier lab of the case (127.0.0.1, localhost or *.localhost, any
// port: each run of a lab case had its own) to the new lab's port.
std::string moved(const std::string& url, const std::string& new_port)
{
  const auto authority = authority_of(url);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    return url;
  }
  const std::string host = authority.substr(0, colon);
  const bool loopback = host == "127.0.0.1" || host == "localhost" ||
                        (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0);
  if (!loopback) {
    return url;
  }
  const auto at = url.find(authority);
  return url.substr(0, at) + host + ":" + new_port + url.substr(at + authority.size());
}

std::string audience_for(const azure::Cloud& cloud, const std::string& url)
{
  const auto host = authority_of(url);
  if (!cloud.keyvault_suffix.empty() && host.size() > cloud.keyvault_suffix.size() &&
      host.compare(host.size() - cloud.keyvault_suffix.size(), std::string::npos,
                   cloud.keyvault_suffix) == 0) {
    return "keyvault";
  }
  // A lab serves everything from one origin: tell the APIs apart by their paths first.
  const auto path_start = url.find('/', url.find("://") + 3);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (path.rfind("/subscriptions/", 0) == 0 || path.rfind("/providers/", 0) == 0) {
    return "arm";
  }
  if (path.rfind("/v1/workspaces/", 0) == 0) {
    return "loganalytics";
  }
  if (!cloud.graph.empty() && url.rfind(cloud.graph, 0) == 0) {
    return "graph";
  }
  if (!cloud.log_analytics.empty() && url.rfind(cloud.log_analytics, 0) == 0) {
    return "loganalytics";
  }
  return "arm";
}

// Sends again, in order, every change (and undo) the journal records as answered, so a
// new lab is as the case left the old one.
void replay_changes(Connection& c, const std::vector<Json>& entries)
{
  const std::string new_port = port_of(c.cloud.resource_manager);
  std::size_t replayed = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& sent = entries[i];
    const std::string kind = str(sent, "kind");
    if (str(sent, "event") != journal::event::request_sent ||
        (kind != "action" && kind != "undo") || str(sent, "method") == "GET") {
      continue;
    }
    // Answered: the next entry of the same step is its response.
    const bool answered = i + 1 < entries.size() &&
                          str(entries[i + 1], "event") == journal::event::response_received &&
                          str(entries[i + 1], "step") == str(sent, "step");
    if (!answered) {
      continue;
    }
    azure::Request request;
    request.method = str(sent, "method");
    request.url = moved(str(sent, "url"), new_port);
    if (sent.contains("body") && !sent["body"].is_null()) {
      request.body = sent["body"];
    }
    request.audience =
        str(sent, "audience").empty() ? audience_for(c.cloud, request.url) : str(sent, "audience");
    request.mutating = true;
    request.purpose = "action";
    try {
      c.client->send(request);
      ++replayed;
    } catch (const std::exception& e) {
      // The lab may answer differently to a body it cannot take twice; the case's own
      // record stays the authority, so the run goes on and says so.
      spdlog::warn("rebuilding the lab: {} {} was refused: {}", request.method,
                   terminal::sanitize(request.url), terminal::sanitize(e.what()));
    }
  }
  spdlog::info("rebuilt the lab from the case: {} change(s) replayed onto it", replayed);
}

} // namespace

Json connection_record(const Connection& connection)
{
  Json out{{"mode", connection.mode},
           {"cloud", connection.cloud.name},
           {"cloudSource", connection.cloud_source},
           {"resourceManager", connection.cloud.resource_manager}};
  if (connection.lab) {
    out["lab"] = {{"inProcess", true}, {"seed", "alert.json"}};
    // A resumed case rebuilds its lab with the same limits on its principal.
    if (!connection.lab_access.roles.empty()) {
      out["lab"]["roles"] = connection.lab_access.roles;
    }
    if (!connection.lab_access.deny.empty()) {
      out["lab"]["deny"] = connection.lab_access.deny;
    }
  }
  return out;
}

namespace {

// A private temporary file holding `text` (0600, a name no one else has), removed when
// this goes out of scope.
class SeedFile
{
public:
  explicit SeedFile(const std::string& text)
      : m_path((std::filesystem::temp_directory_path() / "dftriage-seed-XXXXXX.json").string())
  {
    const int fd = ::mkstemps(m_path.data(), 5);
    if (fd < 0) {
      throw Error(m_path + ": cannot create the lab's seed: " + std::strerror(errno),
                  ExitStatus::failure);
    }
    const int failed = fd::write_all(fd, text);
    ::close(fd);
    if (failed != 0) {
      ::unlink(m_path.c_str());
      throw Error(m_path + ": cannot write the lab's seed: " + std::strerror(failed),
                  ExitStatus::failure);
    }
  }
  ~SeedFile() { ::unlink(m_path.c_str()); }
  SeedFile(const SeedFile&) = delete;
  SeedFile& operator=(const SeedFile&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

} // namespace

std::unique_ptr<Connection> connect_lab_for_alert(const std::string& alert_text,
                                                  const std::string& more_seed, int retry_after_s,
                                                  const LabAccess& access)
{
  const SeedFile alert(alert_text);
  if (more_seed.empty()) {
    return connect_lab({alert.path()}, retry_after_s, access);
  }
  // The scenario's state first: the alert's incident is then seeded into it (the
  // attacker's access policy added to the scenario's vault, not the vault replaced).
  const SeedFile more(more_seed);
  return connect_lab({more.path(), alert.path()}, retry_after_s, access);
}

std::unique_ptr<Connection> connect_for_case(const std::string& case_dir,
                                             const std::vector<Json>& entries,
                                             const CaseCloudOptions& options)
{
  const Json opened =
      !entries.empty() && str(entries.front(), "event") == journal::event::case_opened
          ? entries.front()
          : Json();
  const std::string chosen_env = chosen_cloud(options.cloud);
  // Older cases did not record where they ran: a lab case with no cloud chosen now was
  // an in-process one.
  const bool in_process_lab =
      opened.contains("lab") || str(opened, "cloudSource") == "lab" ||
      (str(opened, "mode") == "lab" && str(opened, "cloudSource").empty() && chosen_env.empty());
  if (in_process_lab) {
    if (!chosen_env.empty() && !options.lab && !options.switch_cloud) {
      throw Error("this case ran on an in-process lab (run --lab); it resumes on a lab rebuilt "
                  "from the case, not on " +
                      terminal::sanitize(chosen_env) +
                      ": drop --cloud, or add --switch-cloud to act there",
                  ExitStatus::refused);
    }
    if (options.lab || !options.switch_cloud) {
      // The seeds in the order the case's lab read them; only files of the case folder
      // itself (a bare name, never a path).
      std::vector<std::string> seeds;
      for (const auto& seed : opened.value("lab", Json::object()).value("seeds", Json::array())) {
        if (seed.is_string() && seed.get<std::string>().find('/') == std::string::npos &&
            !seed.get<std::string>().empty() && seed.get<std::string>()[0] != '.') {
          seeds.push_back(case_dir + "/" + seed.get<std::string>());
        }
      }
      if (seeds.empty()) {
        seeds.push_back(case_dir + "/alert.json");
      }
      LabAccess access = options.lab_access;
      const Json lab = access.roles.empty() && access.deny.empty()
                           ? opened.value("lab", Json::object())
                           : Json::object();
      for (const auto& [key, list] :
           {std::pair<const char*, std::vector<std::string>*>{"roles", &access.roles},
            {"deny", &access.deny}}) {
        for (const auto& item : lab.value(key, Json::array())) {
          if (item.is_string()) {
            list->push_back(item.get<std::string>());
          }
        }
      }
      // Replaying a case's changes is bookkeeping: its operations answer at once.
      auto c = connect_lab(seeds, 0, access);
      replay_changes(*c, entries);
      return c;
    }
    return connect_cloud(options.cloud);
  }
  if (options.lab && !options.switch_cloud) {
    throw Error("this case was opened on " + terminal::sanitize(str(opened, "cloud")) +
                    ", not on a lab: drop --lab (a lab never stands in for a real tenant's case)",
                ExitStatus::refused);
  }
  const std::string case_rm = str(opened, "resourceManager");
  if (case_rm.empty() || options.switch_cloud) {
    return connect_cloud(
        options.cloud); // an older case that did not record its cloud, or asked for
  }
  std::string choice = chosen_env;
  if (choice.empty()) {
    // Nothing chosen now: the case's own cloud (a built-in name, or its file).
    const std::string source = str(opened, "cloudSource");
    choice = source.empty() || source == "built-in" ? str(opened, "cloud") : source;
  }
  const auto chosen = selected_cloud(choice);
  if (chosen.cloud.resource_manager != case_rm) {
    throw Error("this case was opened on " + terminal::sanitize(str(opened, "cloud")) + " (" +
                    terminal::sanitize(case_rm) + ") and the cloud chosen now is " +
                    terminal::sanitize(chosen.cloud.name) + " (" +
                    terminal::sanitize(chosen.cloud.resource_manager) +
                    "): choose the case's cloud, or add --switch-cloud to act on this one",
                ExitStatus::refused);
  }
  return connect_cloud(choice);
}

} // namespace dftriage::cli
