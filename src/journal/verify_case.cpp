#include "dftriage/journal/verify_case.hpp"

#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <set>

namespace dftriage::journal {

namespace {

using json = nlohmann::ordered_json;

std::string text_of(const json& entry, const char* key)
{
  const auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A journal could name any path; only one that stays inside the case folder is opened.
bool inside_folder(const std::string& relative)
{
  if (relative.empty() || relative.front() == '/') {
    return false;
  }
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t slash = relative.find('/', start);
    const std::size_t end = slash == std::string::npos ? relative.size() : slash;
    if (relative.compare(start, end - start, "..") == 0) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

// Checks one file the entry on `line` vouches for with `recorded` ("" when it records
// no SHA-256).
FileCheck check_file(const CaseFolder& folder, const std::string& path, const std::string& recorded,
                     std::size_t line)
{
  FileCheck file{path, FileStatus::ok, line, recorded, {}, {}};
  if (!inside_folder(path)) {
    file.status = FileStatus::missing;
    file.detail = "the journal names a path outside the case folder";
    return file;
  }
  if (!folder.has_file(path)) {
    file.status = FileStatus::missing;
    return file;
  }
  try {
    file.actual = sha256_hex(folder.read_file(path));
  } catch (const Error& e) {
    file.status = FileStatus::altered;
    file.detail = e.what();
    return file;
  }
  if (recorded.empty()) {
    file.status = FileStatus::unhashed;
  } else if (text::to_lower(recorded) != file.actual) {
    file.status = FileStatus::altered;
  }
  return file;
}

} // namespace

std::string_view to_string(FileStatus status)
{
  switch (status) {
  case FileStatus::ok:
    return "ok";
  case FileStatus::altered:
    return "altered";
  case FileStatus::missing:
    return "missing";
  case FileStatus::extra:
    return "extra";
  case FileStatus::unhashed:
    return "unhashed";
  case FileStatus::set_aside:
    return "set-aside";
  }
  return "ok";
}

bool CaseCheck::ok() const
{
  return chain.ok && head.ok && expected.ok && count(FileStatus::altered) == 0 &&
         count(FileStatus::missing) == 0 && count(FileStatus::extra) == 0;
}

std::size_t CaseCheck::count(FileStatus status) const
{
  return static_cast<std::size_t>(std::count_if(
      files.begin(), files.end(), [status](const FileCheck& f) { return f.status == status; }));
}

namespace {

// The journal's entries as the head file counts them, and the hash of each line.
AnchorCheck check_head(const std::string& path, const std::vector<std::string>& hashes)
{
  AnchorCheck out;
  const auto head = read_head(path);
  const std::size_t n = hashes.size();
  if (!head) {
    out.ok = false;
    out.problem =
        "journal.head is missing (removed, or a case from before dftriage kept one): a journal cut "
        "short cannot be told from a whole one";
    return out;
  }
  if (head->entries == n && n > 0 && head->last_hash == hashes.back()) {
    return out;
  }
  if (n > 0 && head->entries + 1 == n && (n == 1 || head->last_hash == hashes[n - 2])) {
    out.note = "the head is one entry behind (a write cut short by a crash)";
    return out;
  }
  out.ok = false;
  if (head->entries > n) {
    out.problem = "the journal was cut short: the head records " + std::to_string(head->entries) +
                  " entries, the "
                  "journal has " +
                  std::to_string(n);
  } else if (head->entries == n) {
    out.problem =
        "the journal's last entry was rewritten: its SHA-256 is not the one the head records";
  } else {
    out.problem = "the head records " + std::to_string(head->entries) +
                  " entries and the journal has " + std::to_string(n) +
                  ": the head was replaced or the journal rewritten";
  }
  return out;
}

AnchorCheck check_expected(std::string_view expected, const std::vector<std::string>& hashes)
{
  AnchorCheck out;
  if (expected.empty()) {
    return out;
  }
  const auto it = std::find(hashes.begin(), hashes.end(), text::to_lower(expected));
  if (it == hashes.end()) {
    out.ok = false;
    out.problem = "no entry of the journal has the SHA-256 given with --head: the journal was cut "
                  "short before it "
                  "or rewritten";
    return out;
  }
  const auto after = static_cast<std::size_t>(hashes.end() - it) - 1;
  out.note = after == 0 ? "the given hash is the journal's last entry"
                        : "the given hash is entry " + std::to_string(it - hashes.begin() + 1) +
                              "; " + std::to_string(after) + " entries were added since";
  return out;
}

} // namespace

CaseCheck verify_case(const CaseFolder& folder, std::string_view expected_head)
{
  const std::string text = folder.read_file("journal.jsonl");
  CaseCheck result;
  result.chain = verify(text);
  std::vector<std::string> hashes;
  {
    std::string_view lines = text;
    for (std::size_t end = lines.find('\n'); end != std::string_view::npos;
         end = lines.find('\n')) {
      hashes.push_back(sha256_hex(lines.substr(0, end)));
      lines.remove_prefix(end + 1);
    }
  }
  result.head = check_head(head_path(folder.journal_path()), hashes);
  result.expected = check_expected(expected_head, hashes);

  std::set<std::string> named;
  for (const auto& vouched : vouched_files(text)) {
    named.insert(vouched.path);
    result.files.push_back(check_file(folder, vouched.path, vouched.sha256, vouched.line));
  }
  for (const auto& path : folder.evidence_files()) {
    if (named.count(path) == 0) {
      result.files.push_back({path, FileStatus::extra, 0, {}, {}, {}});
    }
  }
  for (const auto& path : folder.set_aside_files()) {
    result.files.push_back({path, FileStatus::set_aside, 0, {}, {}, {}});
  }
  return result;
}

std::vector<VouchedFile> vouched_files(std::string_view journal_text)
{
  std::vector<VouchedFile> out;
  bool opened = false;
  std::size_t line_no = 0;
  std::string_view rest = journal_text;
  // A last line without its newline is a write cut short; the chain reports it.
  for (std::size_t end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
    ++line_no;
    const json entry = json::parse(rest.substr(0, end), nullptr, false);
    rest.remove_prefix(end + 1);
    if (entry.is_discarded() || !entry.is_object()) {
      continue;
    }
    const std::string event = text_of(entry, "event");
    if (event == event::case_opened && !opened) {
      opened = true;
      out.push_back({"alert.json", text_of(entry, "alertSha256"), line_no});
      // A training case's lab state beyond the alert: its score depends on it.
      const auto training = entry.find("training");
      if (training != entry.end() && training->is_object() && training->contains("labSha256")) {
        out.push_back({"training-lab.json", text_of(*training, "labSha256"), line_no});
      }
    } else if (event == event::pre_image_captured || event == event::evidence_saved) {
      if (std::string path = text_of(entry, "evidence"); !path.empty()) {
        out.push_back({std::move(path), text_of(entry, "sha256"), line_no});
      }
    }
  }
  return out;
}

} // namespace dftriage::journal
