#include "dftriage/journal/case_folder.hpp"

#include "dftriage/journal/journal.hpp"
#include "dftriage/journal/verify_case.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/fd_write.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dftriage::journal {

namespace {

bool exists(const std::string& path)
{
  struct stat st
  {
  };
  return ::stat(path.c_str(), &st) == 0;
}

// Creates `dir` and its missing parents, each 0700; a folder that exists is left as it is.
void make_dirs(const std::string& dir)
{
  std::string partial;
  std::size_t start = 0;
  while (start <= dir.size()) {
    const std::size_t slash = dir.find('/', start);
    partial = dir.substr(0, slash == std::string::npos ? dir.size() : slash);
    if (!partial.empty() && ::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      throw Error(partial + ": cannot create the folder: " + std::strerror(errno),
                  ExitStatus::case_problem);
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
}

// The entries of `dir` but "." and "..".
std::vector<std::string> entries_of(const std::string& dir)
{
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") {
        out.push_back(name);
      }
    }
    ::closedir(d);
  }
  return out;
}

// Printable ASCII of `text`, at most 80 characters: the lock file is only a hint.
std::string hint(const std::string& text)
{
  std::string out;
  for (const char c : text) {
    if (c >= 0x20 && c < 0x7f && out.size() < 80) {
      out += c;
    }
  }
  return out;
}

// This process's command: "dftriage run", from /proc/self/cmdline (the program's name
// and its subcommand only: the rest may hold answers and reasons).
std::string own_command()
{
  std::string line;
  if (FILE* f = std::fopen("/proc/self/cmdline", "rb")) {
    char buffer[512];
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
    std::fclose(f);
    line.assign(buffer, n);
  }
  std::vector<std::string> args;
  for (std::size_t at = 0; at < line.size() && args.size() < 2;) {
    const std::size_t end = line.find('\0', at);
    args.push_back(line.substr(at, end == std::string::npos ? std::string::npos : end - at));
    at = end == std::string::npos ? line.size() : end + 1;
  }
  if (!args.empty()) {
    args[0] = args[0].substr(args[0].rfind('/') + 1);
  }
  return args.empty() ? "dftriage" : args.size() == 1 ? args[0] : args[0] + " " + args[1];
}

// Takes the case's lock (flock on `dir`/lock) for this process, writing who holds it;
// the lock goes with the descriptor, so a process killed with -9 never leaves it held.
std::shared_ptr<const int> take_lock(const std::string& dir)
{
  const std::string path = dir + "/lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    throw Error(path + ": cannot open the case's lock: " + std::strerror(errno),
                ExitStatus::case_problem);
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int saved = errno;
    char buffer[1024];
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, 0);
    ::close(fd);
    if (saved != EWOULDBLOCK) {
      throw Error(path + ": cannot lock the case: " + std::strerror(saved),
                  ExitStatus::case_problem);
    }
    const auto holder = nlohmann::json::parse(
        std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0), nullptr, false);
    std::string who = "another dftriage process";
    if (holder.is_object()) {
      const auto field = [&](const char* key) {
        return holder.contains(key) ? hint(holder[key].is_string() ? holder[key].get<std::string>()
                                                                   : holder[key].dump())
                                    : std::string("?");
      };
      who = field("command") + " (pid " + field("pid") + ", " + field("user") + ", since " +
            field("since") + ")";
    }
    throw Error(dir + " is in use by " + who + "; try again when it has ended",
                ExitStatus::case_busy);
  }
  char stamp[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string holder = nlohmann::json{{"pid", ::getpid()},
                                            {"user", current_operator().user},
                                            {"command", own_command()},
                                            {"since", stamp}}
                                 .dump() +
                             "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // Only a hint for whoever waits: the lock itself holds.
  }
  return std::shared_ptr<const int>(new int(fd), [](const int* p) {
    ::close(*p);
    delete p;
  });
}

void sync_dir(const std::string& dir)
{
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Only an empty folder, or one dftriage made (it has the lock file), becomes a case:
// never one holding someone else's files.
void refuse_foreign(const std::string& dir)
{
  const auto entries = entries_of(dir);
  const bool ours = std::find(entries.begin(), entries.end(), "lock") != entries.end();
  if (!entries.empty() && !ours) {
    throw Error(dir + " exists and is not empty: a case goes in a new or empty folder (--case DIR)",
                ExitStatus::case_problem);
  }
}

void refuse_case(const std::string& dir, const std::string& journal_path)
{
  if (exists(journal_path)) {
    throw Error(dir + " already holds a case; continue it with --case " + dir,
                ExitStatus::case_problem);
  }
}

} // namespace

std::string safe_name(std::string_view id)
{
  std::string out;
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
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
  return std::string(k_case_root) + "/" + safe_name(alert_id) + "-" + stamp;
}

CaseFolder::CaseFolder(std::string dir)
    : m_dir(std::move(dir))
{
  while (m_dir.size() > 1 && m_dir.back() == '/') {
    m_dir.pop_back();
  }
}

void CaseFolder::check_new(const std::string& dir)
{
  const CaseFolder folder(dir);
  refuse_foreign(folder.m_dir);
  refuse_case(folder.m_dir, folder.journal_path());
}

CaseFolder CaseFolder::create(const std::string& dir)
{
  CaseFolder folder(dir);
  refuse_foreign(folder.m_dir);
  make_dirs(folder.m_dir);
  // Under the lock: a case another process is writing is in use (case_busy) before
  // it is a case that exists.
  folder.m_lock = take_lock(folder.m_dir);
  refuse_case(folder.m_dir, folder.journal_path());
  make_dirs(folder.m_dir + "/evidence");
  return folder;
}

bool CaseFolder::is_case(const std::string& dir)
{
  return exists(CaseFolder(dir).journal_path());
}

CaseFolder CaseFolder::open_existing(const std::string& dir, Access access)
{
  CaseFolder folder(dir);
  if (!exists(folder.journal_path())) {
    throw Error(folder.m_dir + ": not a case folder (no journal.jsonl)", ExitStatus::case_problem);
  }
  if (access == Access::write) {
    folder.m_lock = take_lock(folder.m_dir);
    folder.set_aside_unjournaled();
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
    throw Error(temp + ": cannot create: " + std::strerror(errno), ExitStatus::case_problem);
  }
  if (const int failed = fd::write_all(fd, content); failed != 0) {
    ::close(fd);
    throw Error(temp + ": cannot write: " + std::strerror(failed), ExitStatus::case_problem);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw Error(temp + ": cannot sync: " + std::strerror(errno), ExitStatus::case_problem);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot replace: " + std::strerror(errno), ExitStatus::case_problem);
  }
  const std::size_t slash = path.rfind('/');
  sync_dir(path.substr(0, slash));
}

std::string CaseFolder::read_file(const std::string& relative) const
{
  const std::string path = m_dir + "/" + relative;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(path + ": cannot open: " + std::strerror(errno), ExitStatus::case_problem);
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
  struct stat st
  {
  };
  return ::stat((m_dir + "/" + relative).c_str(), &st) == 0;
}

namespace {

// Every entry of `dir`/`sub` but "." and ".." as "<sub>/<name>", sorted by name.
std::vector<std::string> listed(const std::string& dir, const std::string& sub)
{
  std::vector<std::string> names;
  if (DIR* d = ::opendir((dir + "/" + sub).c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") {
        names.push_back(sub + "/" + name);
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

constexpr const char* k_set_aside_dir = "unjournaled";

} // namespace

std::vector<std::string> CaseFolder::evidence_files() const
{
  return listed(m_dir, "evidence");
}

std::vector<std::string> CaseFolder::set_aside_files() const
{
  return listed(m_dir, k_set_aside_dir);
}

void CaseFolder::set_aside_unjournaled()
{
  // A step writes its evidence, then journals it: a kill between the two leaves a file no
  // entry names, and the step is done again. It is kept, apart from what the journal
  // vouches for.
  const std::string text = read_file("journal.jsonl");
  std::set<std::string> named;
  for (const auto& vouched : vouched_files(text)) {
    named.insert(vouched.path);
  }
  const std::string place = m_dir + "/" + k_set_aside_dir;
  for (const auto& path : evidence_files()) {
    if (named.count(path) > 0) {
      continue;
    }
    make_dirs(place);
    const std::string name = path.substr(path.find('/') + 1);
    std::string target = place + "/" + name;
    for (int n = 2; ::access(target.c_str(), F_OK) == 0; ++n) {
      target = place + "/" + name + "." + std::to_string(n);
    }
    if (::rename((m_dir + "/" + path).c_str(), target.c_str()) != 0) {
      throw Error(m_dir + "/" + path + ": cannot set aside in " + place + ": " +
                      std::strerror(errno),
                  ExitStatus::case_problem);
    }
    m_set_aside.push_back(path);
  }
  if (!m_set_aside.empty()) {
    sync_dir(place);
    sync_dir(m_dir + "/evidence");
  }
}

std::string CaseFolder::write_evidence(std::string_view name, const nlohmann::ordered_json& value)
{
  char number[16];
  std::snprintf(number, sizeof number, "%03d", ++m_evidence_count);
  std::string relative = "evidence/" + std::string(number) + "-" + safe_name(name) + ".json";
  write_file(relative, redact_secrets(value).dump(
                           2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                           "\n");
  return relative;
}

} // namespace dftriage::journal
