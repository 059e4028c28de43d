#include "collect_queue.hpp"

#include "dftriage/util/error.hpp"
#include "inputs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace dftriage::cli {

namespace {

// Copies all of `fd` to a new file `path` (0600); throws Error naming `name`.
void copy_to(int fd, const std::string& path, const std::string& name)
{
  const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    throw Error("cannot keep " + name + " for a second reading: " + std::strerror(errno),
                ExitStatus::failure);
  }
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      ::close(out);
      throw InputError(name + ": cannot read: " + std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno != EINTR) {
        ::close(out);
        throw Error("cannot keep " + name + " for a second reading: " + std::strerror(errno),
                    ExitStatus::failure);
      }
      done += w < 0 ? 0 : w;
    }
  }
  ::close(out);
}

} // namespace

SpooledInputs::SpooledInputs(const std::vector<std::string>& files)
{
  for (const auto& file : files) {
    struct stat info = {};
    if (file != "-" &&
        (::stat(file.c_str(), &info) != 0 || S_ISREG(info.st_mode) || S_ISDIR(info.st_mode))) {
      m_paths.push_back(file); // read twice as it is; the reader reports what is wrong
      continue;
    }
    if (m_dir.empty()) {
      std::string dir =
          (std::filesystem::temp_directory_path() / "dftriage-collect-XXXXXX").string();
      if (::mkdtemp(dir.data()) == nullptr) {
        throw Error("cannot make a temporary folder for the input: " +
                        std::string(std::strerror(errno)),
                    ExitStatus::failure);
      }
      m_dir = dir;
    }
    const std::string copy = m_dir + "/input-" + std::to_string(m_paths.size() + 1) +
                             (file == "-" ? "-stdin" : "") + ".json";
    const int fd = file == "-" ? STDIN_FILENO : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      m_paths.push_back(file);
      continue;
    }
    copy_to(fd, copy, file == "-" ? "standard input" : file);
    if (fd != STDIN_FILENO) {
      ::close(fd);
    }
    m_paths.push_back(copy);
  }
}

SpooledInputs::~SpooledInputs()
{
  if (!m_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
}

CollectQueue read_collect_queue(const std::vector<std::string>& files, const std::string& format,
                                const engine::Library& library, const queue::TriageOptions& options)
{
  CollectQueue out;
  const auto read_options = read_options_for(format);
  queue::Triage triage(library, options);
  std::set<std::string> damaged;
  for (const auto& file : files) {
    const auto problems =
        for_each_alert({file}, read_options, [&](alert::Alert& a, bool) { triage.add(a); });
    if (problems > 0) {
      damaged.insert(file);
      out.problems += problems;
    }
  }
  std::vector<queue::Incident> incidents;
  triage.finish([&](queue::Incident&& incident) {
    const auto bad = std::find_if(incident.alerts.begin(), incident.alerts.end(),
                                  [&](const auto& a) { return damaged.count(a.file) > 0; });
    if (bad != incident.alerts.end()) {
      out.left_out.emplace_back(incident.id, bad->file);
      return;
    }
    incidents.push_back(std::move(incident));
  });
  out.counts = triage.counts();

  // The second pass keeps the alerts of these incidents, and only those, whole.
  std::map<std::string, std::map<std::uint64_t, std::pair<std::size_t, std::size_t>>> wanted;
  out.incidents.resize(incidents.size());
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    out.incidents[i].id = incidents[i].id;
    out.incidents[i].rank = incidents[i].rank;
    out.incidents[i].alerts.resize(incidents[i].alerts.size());
    for (std::size_t j = 0; j < incidents[i].alerts.size(); ++j) {
      const auto& queued = incidents[i].alerts[j];
      wanted[queued.file][queued.index] = {i, j};
    }
  }
  auto keep = read_options;
  keep.keep_text = true;
  std::size_t found = 0;
  for (const auto& file_picks : wanted) {
    const auto& picks = file_picks.second;
    for_each_alert({file_picks.first}, keep, [&](alert::Alert& a, bool) {
      if (const auto it = picks.find(a.source.index); it != picks.end()) {
        out.incidents[it->second.first].alerts[it->second.second] = std::move(a);
        ++found;
      }
    });
  }
  std::size_t expected = 0;
  for (auto& incident : out.incidents) {
    expected += incident.alerts.size();
    if (incident.alerts.size() == 1) {
      incident.text = incident.alerts.front().source.text;
      continue;
    }
    incident.text = "[\n";
    for (std::size_t j = 0; j < incident.alerts.size(); ++j) {
      incident.text += (j == 0 ? "" : ",\n") + incident.alerts[j].source.text;
    }
    incident.text += "\n]\n";
  }
  if (found != expected) {
    throw InputError("the input changed between its two readings (" + std::to_string(expected) +
                     " alerts of this shard's incidents expected, " + std::to_string(found) +
                     " found): collect reads each file twice");
  }
  return out;
}

} // namespace dftriage::cli
