#pragma once

// A case folder: everything dftriage keeps about one alert's response.
//   alert.json     the alert as given
//   plan.json      the plan walked
//   evidence/      responses of the read-only steps and pre-images, one file each
//   journal.jsonl  the hash-chained journal (journal.hpp)
//   journal.head   its entry count and last hash, kept beside it (journal.hpp)
//   lock           held (flock) by the one process writing the case; says which
// Folders are created 0700 and files 0600; files are written whole (temporary file,
// fsync, rename), so a crash never leaves half a file.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::journal {

// Returns `id` reduced to characters safe in a file name ([A-Za-z0-9._-], others
// become '_'), at most 64 characters, never empty and never starting with '.'.
std::string safe_name(std::string_view id);

// The folder new cases go in when no --case is given (relative: under the working
// folder), and where `case list` and `last` look.
inline constexpr const char* k_case_root = "cases";

// Returns "cases/<safe alert id>-<YYYYMMDDTHHMMSSZ>" (k_case_root).
std::string default_case_dir(std::string_view alert_id, std::chrono::system_clock::time_point now);

// What a command does with a case: reading it (report, verify) needs no lock; writing
// it (run, apply, undo) holds the case's lock for as long as the folder is open.
enum class Access { read, write };

class CaseFolder
{
public:
  // Creates the folder (and missing parents, each 0700) and takes its lock. An existing
  // folder is used only when it is empty or one dftriage made (it holds `lock`); it is
  // never chmod'ed. Throws Error (case_problem) when it already holds a case (resume
  // with open_existing instead) or holds other files, and (case_busy) when another
  // process holds the lock. Callers make a case only when it has something worth
  // keeping (its first journal entry), having checked the folder with check_new first.
  static CaseFolder create(const std::string& dir);
  // Checks, creating nothing, that create(dir) could make a case there: throws the
  // errors create throws for a folder that holds a case or other files (not case_busy).
  static void check_new(const std::string& dir);
  // Returns true when `dir` is a case folder (it holds journal.jsonl); never throws.
  static bool is_case(const std::string& dir);
  // Opens an existing case folder; throws Error when it has no journal.jsonl. With
  // Access::write, takes the case's lock first (Error, case_busy, when another process
  // holds it, naming that process).
  static CaseFolder open_existing(const std::string& dir, Access access = Access::read);

  const std::string& dir() const { return m_dir; }
  std::string journal_path() const { return m_dir + "/journal.jsonl"; }

  // Writes `content` to `relative` (inside the folder) atomically, mode 0600.
  void write_file(const std::string& relative, std::string_view content) const;
  // Reads `relative`; throws Error when it cannot.
  std::string read_file(const std::string& relative) const;
  // Returns true when `relative` exists in the folder (a symbolic link: when its target does).
  bool has_file(const std::string& relative) const;
  // Returns every entry of the evidence folder but "." and ".." (hidden and temporary
  // files too) as "evidence/<name>", sorted by name; empty when there is no evidence folder.
  std::vector<std::string> evidence_files() const;
  // Returns every file of the set-aside folder as "unjournaled/<name>", sorted by name.
  std::vector<std::string> set_aside_files() const;
  // The evidence files no journal entry named that open_existing (write access) moved to
  // unjournaled/, as they were named ("evidence/<name>"): a step's evidence written just
  // before the case was interrupted, whose step is done again on resume.
  const std::vector<std::string>& set_aside() const { return m_set_aside; }
  // Writes `value` (secrets redacted) as evidence/<NNN>-<safe name>.json and returns
  // the relative path.
  std::string write_evidence(std::string_view name, const nlohmann::ordered_json& value);

private:
  explicit CaseFolder(std::string dir);
  std::string m_dir;
  int m_evidence_count = 0;
  std::shared_ptr<const int> m_lock; // the lock file's descriptor, flock'ed (write access)
  std::vector<std::string> m_set_aside;

  void set_aside_unjournaled();
};

} // namespace dftriage::journal
