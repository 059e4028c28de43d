// The lab child process and the case journals of the collect benchmark.

#include "bench_collect_lab.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace dftriage::bench {

namespace fs = std::filesystem;

namespace {

constexpr int k_start_polls = 400; // 20 s in steps of 50 ms

// Returns the status code of a recorded response, a string or a number in the record.
int status_of(const nlohmann::json& response)
{
  const auto it = response.find("statusCode");
  if (it == response.end()) {
    return 0;
  }
  if (it->is_number_integer()) {
    return it->get<int>();
  }
  if (it->is_string()) {
    return static_cast<int>(std::strtol(it->get<std::string>().c_str(), nullptr, 10));
  }
  return 0;
}

// Returns the whole number just before `label` in `text`, and whether there was one.
bool number_before(const std::string& text, const std::string& label, std::uint64_t& value)
{
  const auto at = text.rfind(label);
  if (at == std::string::npos || at == 0) {
    return false;
  }
  std::size_t begin = at;
  while (begin > 0 && text[begin - 1] >= '0' && text[begin - 1] <= '9') {
    --begin;
  }
  if (begin == at) {
    return false;
  }
  value = std::stoull(text.substr(begin, at - begin));
  return true;
}

} // namespace

std::string read_text_file(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

CollectLab::CollectLab(const LabSpec& spec)
{
  fs::remove_all(spec.dir);
  fs::create_directories(spec.dir);
  m_record = spec.dir / "traffic.ndjson";
  const fs::path out = spec.dir / "lab.out";
  const fs::path err = spec.dir / "lab.err";
  std::vector<std::string> args{spec.dftriage,  "lab",
                                "serve",        "--https",
                                "--latency-ms", std::to_string(spec.latency_ms),
                                "--record",     m_record.string(),
                                "--state-dir",  (spec.dir / "state").string()};
  for (const auto& seed : spec.seeds) {
    args.insert(args.end(), {"--seed", seed});
  }
  if (!spec.read_budget.empty()) {
    args.insert(args.end(), {"--read-budget", spec.read_budget});
  }
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start the lab: " + std::string(std::strerror(rc)));
  }
  for (int i = 0; i < k_start_polls && m_connection.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string text = read_text_file(out);
    const auto end = text.find('\n');
    if (end != std::string::npos && end > 0) {
      m_connection = text.substr(0, end);
    }
  }
  if (m_connection.empty()) {
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
    throw std::runtime_error("the lab did not start (see " + err.string() + ")");
  }
  m_cloud_file = spec.dir / "lab.json";
  std::ofstream(m_cloud_file) << m_connection << "\n";
}

CollectLab::~CollectLab()
{
  ::kill(m_pid, SIGTERM);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
}

LabTraffic CollectLab::traffic() const
{
  LabTraffic traffic;
  std::ifstream in(m_record);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      continue;
    }
    const auto pair = nlohmann::json::parse(line, nullptr, false);
    if (pair.is_discarded()) {
      continue; // the last line, being written
    }
    ++traffic.requests;
    const std::string url = pair["liveRequest"].value("url", "");
    traffic.tokens += url.find("/oauth2/") != std::string::npos ? 1 : 0;
    traffic.throttled += status_of(pair["liveResponse"]) == 429 ? 1 : 0;
  }
  return traffic;
}

CaseReads read_case_journals(const fs::path& cases)
{
  CaseReads out;
  if (!fs::exists(cases)) {
    return out;
  }
  for (const auto& entry : fs::directory_iterator(cases)) {
    const fs::path journal = entry.path() / "journal.jsonl";
    if (!fs::exists(journal)) {
      continue;
    }
    ++out.cases;
    std::ifstream in(journal);
    std::string last_event;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) {
        continue;
      }
      const auto e = nlohmann::json::parse(line, nullptr, false);
      if (e.is_discarded()) {
        throw std::runtime_error(journal.string() + ": a line is not JSON");
      }
      last_event = e.value("event", "");
      if (last_event == "request.sent" && e.value("method", "") == "GET") {
        out.reads.push_back({e.value("url", ""), e.value("audience", "")});
      } else if (last_event == "reads.unused") {
        for (const auto& r : e["reads"]) {
          if (r.value("method", "") == "GET") {
            out.reads.push_back({r.value("url", ""), ""});
          }
        }
      }
      if (last_event == "response.received" || last_event == "request.failed") {
        const auto status = e.find("status");
        out.throttled += status != e.end() && status->is_number() && *status == 429 ? 1 : 0;
        out.failed += last_event == "request.failed" ? 1 : 0;
      }
    }
    out.not_finished += last_event == "collect.finished" ? 0 : 1;
  }
  return out;
}

CollectSummary parse_collect_summary(const std::string& stderr_text)
{
  CollectSummary s;
  const auto at = stderr_text.rfind("collect: ");
  if (at == std::string::npos) {
    return s;
  }
  const std::string line = stderr_text.substr(at, stderr_text.find('\n', at) - at);
  s.found = number_before(line, " requests, ", s.requests) &&
            number_before(line, " throttled wait", s.waits) &&
            number_before(line, " x 429", s.throttled);
  return s;
}

} // namespace dftriage::bench
