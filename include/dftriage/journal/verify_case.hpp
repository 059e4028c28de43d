#pragma once

// Checking a whole case folder against its journal: the hash chain, and every file the
// journal vouches for (alert.json through case.opened's alertSha256, the pre-images
// and the saved evidence through their sha256), and no evidence the journal never named.

#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::journal {

// What became of one file.
enum class FileStatus {
  ok,        // its SHA-256 is the one the journal recorded
  altered,   // its SHA-256 differs from the one the journal recorded
  missing,   // named by the journal, absent from the folder
  extra,     // in the evidence folder, named by no journal entry
  unhashed,  // named by an entry that records no SHA-256 (an older case): it exists
  set_aside, // in unjournaled/: evidence no entry named, moved there on resume
};

// Returns "ok", "altered", "missing", "extra", "unhashed" or "set-aside".
std::string_view to_string(FileStatus status);

// One file the check looked at.
struct FileCheck
{
  std::string path; // relative to the case folder: "alert.json", "evidence/003-x.json"
  FileStatus status = FileStatus::ok;
  std::size_t line = 0; // 1-based journal line that names the file; 0 for an extra file
  std::string recorded; // the SHA-256 the journal recorded ("" when none)
  std::string actual;   // the file's SHA-256 now ("" when missing or not read)
  std::string detail;   // more about a problem the status alone does not say, or ""
};

// A file a journal entry vouches for.
struct VouchedFile
{
  std::string path;   // relative to the case folder, as the entry names it
  std::string sha256; // what the entry recorded ("" when nothing)
  std::size_t line = 0;
};

// The files the journal text `journal_text` vouches for, in its order: alert.json (and a
// training case's training-lab.json) from case.opened, the "evidence" of every
// pre-image.captured and evidence.saved entry. Lines that are not JSON objects are skipped.
std::vector<VouchedFile> vouched_files(std::string_view journal_text);

// The journal against an anchor kept outside it: its head file, or a hash the
// responder kept.
struct AnchorCheck
{
  bool ok = true;
  std::string problem; // what does not match ("" when ok)
  std::string note;    // more when ok: "2 entries added since", "one entry behind"
};

// The result of checking a case folder.
struct CaseCheck
{
  Verification chain;           // the journal's hash chain (see verify)
  AnchorCheck head;             // against journal.head (journal.hpp)
  AnchorCheck expected;         // against the hash given to verify_case (ok when none)
  std::vector<FileCheck> files; // in journal order, then the extra files by name

  // Returns true when the chain holds, its anchors match and every file is ok or unhashed.
  bool ok() const;
  // Returns how many files have `status`.
  std::size_t count(FileStatus status) const;
};

// Checks `folder`: the chain of journal.jsonl, then every file named by a case.opened
// (alert.json; without alertSha256 it must at least exist), pre-image.captured or
// evidence.saved entry (their "evidence" path, "sha256"), and lists what else is in the
// evidence folder. Entries after a break in the chain are still read for the files they
// name; a path that is absolute or climbs out with ".." is never opened and counts as
// missing. plan.json is rewritten on every run and is not checked. Throws Error when
// journal.jsonl cannot be read. The chain is also checked against journal.head (a
// journal cut short or whose last entries were rewritten fails; a head one entry
// behind is a write cut short by a crash, and passes) and, when `expected_head` is not
// empty, against that hash: it must be the hash of one of the journal's entries.
CaseCheck verify_case(const CaseFolder& folder, std::string_view expected_head = {});

} // namespace dftriage::journal
