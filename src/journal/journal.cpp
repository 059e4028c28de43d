#include "dftriage/journal/journal.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/fd_write.hpp"
#include "dftriage/util/redact.hpp"
#include "dftriage/util/time.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dftriage::journal {

namespace {

using json = nlohmann::ordered_json;

std::string now_utc()
{
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

std::string read_all(int fd)
{
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return text;
    } else if (errno != EINTR) {
      throw Error(std::string("cannot read the journal: ") + std::strerror(errno),
                  ExitStatus::case_problem);
    }
  }
}

void write_all(int fd, std::string_view bytes, const std::string& path)
{
  if (const int failed = fd::write_all(fd, bytes); failed != 0) {
    throw Error(path + ": cannot write: " + std::strerror(failed), ExitStatus::case_problem);
  }
}

} // namespace

Operator current_operator()
{
  Operator who;
  const char* user = std::getenv("USER");
  std::string name = user != nullptr && *user != '\0' ? user : "";
  if (name.empty()) {
    const char* login = ::getlogin();
    name = login != nullptr ? login : "uid" + std::to_string(::getuid());
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) {
    std::strcpy(host, "unknown-host");
  }
  who.user = name + "@" + host;
  return who;
}

Verification verify(std::string_view text)
{
  Verification result;
  std::string prev(k_genesis);
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      result.ok = false;
      result.line = line_no;
      result.problem = "the last entry is incomplete (no end of line): a write was cut short";
      break;
    }
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    const json entry = json::parse(line, nullptr, false);
    std::string problem;
    if (entry.is_discarded() || !entry.is_object()) {
      problem = "not a JSON object";
    } else if (!entry.contains("seq") || entry["seq"] != line_no) {
      problem = "sequence number " +
                (entry.contains("seq") ? entry["seq"].dump() : std::string("missing")) +
                ", expected " + std::to_string(line_no);
    } else if (!entry.contains("prev") || entry["prev"] != prev) {
      problem = "prev does not match the SHA-256 of the entry before: the record was altered, "
                "removed or reordered";
    }
    if (!problem.empty()) {
      result.ok = false;
      result.line = line_no;
      result.problem = problem;
      break;
    }
    prev = sha256_hex(line);
    result.entries = line_no;
  }
  result.last_hash = prev;
  return result;
}

json redact_secrets(const json& value)
{
  return redact::json_value(value);
}

Journal::Journal(std::string path, Operator who, Clock clock, Damaged damaged)
    : m_path(std::move(path))
    , m_operator(std::move(who))
    , m_clock(clock ? std::move(clock) : Clock(now_utc))
{
  m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (m_fd < 0) {
    throw Error(m_path + ": cannot open the journal: " + std::strerror(errno),
                ExitStatus::case_problem);
  }
  const std::string text = read_all(m_fd);
  const auto check = verify(text);
  if (!check.ok && damaged == Damaged::use_it) {
    // What it still records: every line that is a JSON object; new entries follow its
    // last line (a line cut short is ended first), and verify keeps pointing at the break.
    m_damage = check;
    std::string_view rest = text;
    std::string_view last;
    std::size_t lines = 0;
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      last = rest.substr(0, end);
      ++lines;
      const json entry = json::parse(last, nullptr, false);
      if (entry.is_object()) {
        m_entries.push_back(entry);
      }
      if (end == std::string_view::npos) {
        if (::write(m_fd, "\n", 1) != 1) {
          throw Error(m_path + ": cannot write: " + std::strerror(errno), ExitStatus::case_problem);
        }
        break;
      }
      rest.remove_prefix(end + 1);
    }
    m_seq = lines;
    m_prev = lines == 0 ? std::string(k_genesis) : sha256_hex(last);
    return;
  }
  if (!check.ok) {
    ::close(m_fd);
    m_fd = -1;
    throw Error(m_path + ":" + std::to_string(check.line) +
                    ": the journal's chain breaks: " + check.problem +
                    "; not appending to it (dftriage case verify says more; dftriage undo can "
                    "still revert what it records)",
                ExitStatus::case_problem);
  }
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    m_entries.push_back(json::parse(rest.substr(0, end)));
    rest.remove_prefix(end + 1);
  }
  m_seq = check.entries;
  m_prev = check.last_hash;
}

Journal::~Journal()
{
  if (m_fd >= 0) {
    if (m_unsynced) {
      ::fsync(m_fd);
    }
    ::close(m_fd);
  }
}

json Journal::append(json entry, Sync sync)
{
  json line;
  line["seq"] = m_seq + 1;
  line["time"] = m_clock();
  line["operator"] = {{"user", m_operator.user}, {"principal", m_operator.principal}};
  const json redacted = redact_secrets(entry);
  for (const auto& [key, value] : redacted.items()) {
    line[key] = value;
  }
  line["prev"] = m_prev;
  const std::string bytes = line.dump(-1, ' ', false, json::error_handler_t::replace);
  write_all(m_fd, bytes + "\n", m_path);
  if (sync == Sync::now && ::fsync(m_fd) != 0) {
    throw Error(m_path + ": cannot sync the journal: " + std::strerror(errno),
                ExitStatus::case_problem);
  }
  m_unsynced = sync == Sync::later;
  ++m_seq;
  m_prev = sha256_hex(bytes);
  m_entries.push_back(line);
  write_head(head_path(m_path), {m_seq, m_prev}, sync);
  if (m_after_entry) {
    m_after_entry();
  }
  return line;
}

std::string head_path(const std::string& journal_path)
{
  const std::string suffix = ".jsonl";
  const bool jsonl =
      journal_path.size() > suffix.size() &&
      journal_path.compare(journal_path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return (jsonl ? journal_path.substr(0, journal_path.size() - suffix.size()) : journal_path) +
         ".head";
}

void write_head(const std::string& path, const Head& head, Sync sync)
{
  // Whole or not at all: a temporary file, synced, renamed over the old one.
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(temp + ": cannot create: " + std::strerror(errno), ExitStatus::case_problem);
  }
  const std::string text =
      json{{"entries", head.entries}, {"lastHash", head.last_hash}}.dump() + "\n";
  write_all(fd, text, temp);
  if ((sync == Sync::now && ::fsync(fd) != 0) || ::close(fd) != 0 ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot write the journal's head: " + std::strerror(errno),
                ExitStatus::case_problem);
  }
}

std::optional<Head> read_head(const std::string& path)
{
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  const std::string text = read_all(fd);
  ::close(fd);
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("entries") || !j["entries"].is_number_unsigned() ||
      !j.contains("lastHash") || !j["lastHash"].is_string()) {
    return Head{0, "(unreadable)"};
  }
  return Head{j["entries"].get<std::uint64_t>(), j["lastHash"].get<std::string>()};
}

} // namespace dftriage::journal
