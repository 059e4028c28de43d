#include "case_summary.hpp"

#include "dftriage/azure/actions.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/json_field.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;

using json_field::str;

// Events that come between a step's step.entered and its conclusion: a journal that
// ends on one was cut short in the middle of a step (killed, or the machine stopped).
bool mid_step(const std::string& event)
{
  namespace ev = journal::event;
  static const std::set<std::string> k_events = {
      ev::step_entered,       ev::request_sent,   ev::response_received, ev::request_failed,
      ev::pre_image_captured, ev::evidence_saved, ev::confirmation,      ev::undo_started};
  return k_events.count(event) != 0;
}

// A change `undo` takes back by default (not an irreversible one, not an inspection,
// not evidence such as a disk snapshot, which it keeps).
bool undoable(const exec::StepRecord& r)
{
  if (r.reversibility == "irreversible" || r.reversibility == "inspection") {
    return false;
  }
  const auto* spec = azure::find_action(r.action);
  return spec == nullptr || !spec->evidence;
}

bool is_dir(const std::string& path)
{
  struct stat st
  {
  };
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The modification time of `path` in seconds since the epoch, 0 when unknown.
std::int64_t mtime_of(const std::string& path)
{
  struct stat st
  {
  };
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_mtime) : 0;
}

// True when a process holds the case's lock now (a run, apply or undo is writing the
// case). Read from /proc/locks, which lists each flock with its file's device and
// inode: looking never takes the lock, so it never stands in a writer's way.
bool locked_now(const std::string& dir)
{
  struct stat st
  {
  };
  if (::stat((dir + "/lock").c_str(), &st) != 0) {
    return false;
  }
  char mine[64];
  std::snprintf(mine, sizeof mine, " %02x:%02x:%llu ", major(st.st_dev), minor(st.st_dev),
                static_cast<unsigned long long>(st.st_ino));
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    // "1: FLOCK  ADVISORY  WRITE 5781 fe:00:10952820 0 EOF"; waiters have "->" after "1:".
    if (line.find(" FLOCK ") != std::string::npos && line.find("->") == std::string::npos &&
        line.find(mine) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

std::string case_status(const exec::CaseState& state, const std::vector<Json>& entries)
{
  if (entries.empty()) {
    return "empty";
  }
  bool undone_any = false;
  bool in_place = false;
  bool undo_failed = false;
  for (const auto& id : state.changes()) {
    const auto* r = state.step(id);
    undone_any = undone_any || r->undo_status == "done";
    in_place = in_place || (r->undo_status != "done" && undoable(*r));
    undo_failed = undo_failed || r->undo_status == "failed";
  }
  if (undone_any && !in_place && !undo_failed) {
    return "undone";
  }
  const std::string last = str(entries.back(), "event");
  bool unfinished = false;
  bool failed = undo_failed;
  bool refused = false;
  bool not_permitted = false;
  for (const auto& id : state.order()) {
    const auto* r = state.step(id);
    not_permitted = not_permitted || r->status == "not-permitted";
    unfinished = unfinished || r->change_unfinished || r->undo_status == "started";
    failed = failed || r->status == "failed";
    refused = refused || r->status == "refused";
  }
  if (last == journal::event::case_interrupted || mid_step(last) || unfinished) {
    return "interrupted";
  }
  if (state.closed() && !undo_failed) {
    return "completed"; // an undo that failed since leaves a change half taken back
  }
  return failed ? "failed" : refused ? "refused" : not_permitted ? "not-permitted" : "needs-human";
}

CaseSummary summarize_case(const std::string& dir)
{
  const auto folder = journal::CaseFolder::open_existing(dir);
  CaseSummary out;
  out.dir = folder.dir();
  out.last_seconds = mtime_of(folder.journal_path());
  out.last_entry = out.last_seconds == 0 ? "" : time::from_unix_seconds(out.last_seconds);
  std::string text;
  try {
    text = folder.read_file("journal.jsonl");
  } catch (const Error& e) {
    out.status = "damaged";
    out.problem = e.what();
    return out;
  }
  const auto check = journal::verify(text);
  out.chain_intact = check.ok;
  std::vector<Json> entries;
  for (const auto& line : text::split_lines(text)) {
    auto entry = Json::parse(line, nullptr, false);
    if (entry.is_object()) {
      entries.push_back(std::move(entry));
    }
  }
  out.entries = entries.size();
  const auto state = exec::CaseState::replay(entries);
  const auto& opened = state.opened();
  out.alert_id = str(opened, "alertId");
  out.alert_type = str(opened, "alertType");
  out.playbook = str(opened, "playbook");
  out.opened = str(opened, "time");
  if (!entries.empty()) {
    if (const auto seconds = time::to_unix_seconds(str(entries.back(), "time"))) {
      out.last_seconds = *seconds;
      out.last_entry = str(entries.back(), "time");
    }
  }
  if (!check.ok) {
    out.status = "damaged";
    out.problem = "journal.jsonl:" + std::to_string(check.line) + ": " + check.problem;
  } else if (!entries.empty() && opened.is_null()) {
    out.status = "damaged";
    out.problem = "the journal has no case.opened entry";
  } else {
    out.status = locked_now(out.dir) ? "in-use" : case_status(state, entries);
  }
  return out;
}

std::vector<CaseSummary> list_cases(const std::string& root)
{
  std::vector<std::string> names;
  DIR* d = ::opendir(root.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) {
      return {};
    }
    throw Error(root + ": cannot read the folder: " + std::strerror(errno),
                ExitStatus::case_problem);
  }
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') {
      names.emplace_back(e->d_name);
    }
  }
  ::closedir(d);
  const std::string prefix = root == "/" ? "/" : root.substr(0, root.find_last_not_of('/') + 1);
  std::vector<CaseSummary> cases;
  for (const auto& name : names) {
    const std::string dir = prefix + (prefix.back() == '/' ? "" : "/") + name;
    if (!is_dir(dir) || !journal::CaseFolder::is_case(dir)) {
      continue; // not a case folder: nothing of ours
    }
    try {
      cases.push_back(summarize_case(dir));
    } catch (const Error& e) {
      CaseSummary damaged;
      damaged.dir = dir;
      damaged.status = "damaged";
      damaged.problem = e.what();
      cases.push_back(std::move(damaged));
    }
  }
  std::sort(cases.begin(), cases.end(), [](const CaseSummary& a, const CaseSummary& b) {
    const auto opened = [](const CaseSummary& c) {
      return time::to_unix_seconds(c.opened).value_or(0);
    };
    if (a.last_seconds != b.last_seconds) {
      return a.last_seconds > b.last_seconds;
    }
    if (opened(a) != opened(b)) {
      return opened(a) > opened(b);
    }
    return a.dir > b.dir;
  });
  return cases;
}

Json summary_json(const CaseSummary& s)
{
  const auto or_null = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
  Json out{{"case", s.dir},
           {"alert", {{"id", or_null(s.alert_id)}, {"type", or_null(s.alert_type)}}},
           {"playbook", or_null(s.playbook)},
           {"status", s.status}};
  if (!s.problem.empty()) {
    out["problem"] = s.problem;
  }
  out["opened"] = or_null(s.opened);
  out["lastEntry"] = or_null(s.last_entry);
  out["entries"] = s.entries;
  out["chainIntact"] = s.chain_intact;
  return out;
}

} // namespace dftriage::cli
