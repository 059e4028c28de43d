#include "dftriage/journal/case_folder.hpp"

#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace dftriage::journal {

namespace {

bool exists(const std::string& path)
{
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

void make_dirs(const std::string& dir)
{
  std::string partial;
  std::size_t start = 0;
  while (start <= dir.size()) {
    const std::size_t slash = dir.find('/', start);
    partial = dir.substr(0, slash == std::string::npos ? dir.size() : slash);
    if (!partial.empty() && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      throw Error(partial + ": cannot create the folder: " + std::strerror(errno));
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  ::chmod(dir.c_str(), 0700);
}

void sync_dir(const std::string& dir)
{
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

} // namespace

std::string safe_name(std::string_view id)
{
  std::string out;
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-';
    out += ok ? c : '_';
    if (out.size() == 64) {
      break;
    }
  }
  if (out.empty() || out[0] == '.') {
    out.insert(out.begin(), '_');
  }
  return out;
}

std::string default_case_dir(std::string_view alert_id, std::chrono::system_clock::time_point now)
{
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return "cases/" + safe_name(alert_id) + "-" + stamp;
}

CaseFolder::CaseFolder(std::string dir) : m_dir(std::move(dir))
{
  while (m_dir.size() > 1 && m_dir.back() == '/') {
    m_dir.pop_back();
  }
}

CaseFolder CaseFolder::create(const std::string& dir)
{
  CaseFolder folder(dir);
  if (exists(folder.journal_path())) {
    throw Error(folder.m_dir + " already holds a case; continue it with --case " + folder.m_dir);
  }
  make_dirs(folder.m_dir + "/evidence");
  ::chmod(folder.m_dir.c_str(), 0700);
  return folder;
}

CaseFolder CaseFolder::open_existing(const std::string& dir)
{
  CaseFolder folder(dir);
  if (!exists(folder.journal_path())) {
    throw UsageError(folder.m_dir + ": not a case folder (no journal.jsonl)");
  }
  // Number new evidence after what is there.
  if (DIR* d = ::opendir((folder.m_dir + "/evidence").c_str())) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') {
        ++folder.m_evidence_count;
      }
    }
    ::closedir(d);
  }
  return folder;
}

void CaseFolder::write_file(const std::string& relative, std::string_view content) const
{
  const std::string path = m_dir + "/" + relative;
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(temp + ": cannot create: " + std::strerror(errno));
  }
  std::string_view rest = content;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      throw Error(temp + ": cannot write: " + std::strerror(saved));
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw Error(temp + ": cannot sync: " + std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot replace: " + std::strerror(errno));
  }
  const std::size_t slash = path.rfind('/');
  sync_dir(path.substr(0, slash));
}

std::string CaseFolder::read_file(const std::string& relative) const
{
  const std::string path = m_dir + "/" + relative;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(path + ": cannot open: " + std::strerror(errno));
  }
  std::string text;
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return text;
}

bool CaseFolder::has_file(const std::string& relative) const
{
  struct stat st{};
  return ::stat((m_dir + "/" + relative).c_str(), &st) == 0;
}

std::vector<std::string> CaseFolder::evidence_files() const
{
  std::vector<std::string> names;
  if (DIR* d = ::opendir((m_dir + "/evidence").c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") {
        names.push_back("evidence/" + name);
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string CaseFolder::write_evidence(std::string_view name, const nlohmann::ordered_json& value)
{
  char number[16];
  std::snprintf(number, sizeof number, "%03d", ++m_evidence_count);
  const std::string relative = "evidence/" + std::string(number) + "-" + safe_name(name) + ".json";
  write_file(relative, redact_secrets(value).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  return relative;
}

} // namespace dftriage::journal
