#pragma once

// The case journal: an append-only JSON Lines file, one event per line, each line
// chained to the one before by the SHA-256 of its bytes, written with fsync.

#include "dftriage/util/sha256.hpp"

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::journal {

// Who acted: "$USER@host" and, once a credential answered, its principal.
struct Operator
{
  std::string user;      // "alice@soc-ws-12"
  std::string principal; // "client 0b1c… in tenant 72f9…", or "" before authentication
};

// Returns the operator of this process ($USER or the login name, and the host name).
Operator current_operator();

// The journal's hash (util/sha256.hpp), as journal::sha256_hex for its callers.
using dftriage::sha256_hex;

// The hash a first entry chains to.
inline constexpr std::string_view k_genesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The result of checking a journal's chain.
struct Verification
{
  bool ok = true;
  std::size_t entries = 0; // entries that verified
  std::size_t line = 0;    // 1-based line where the chain breaks (when !ok)
  std::string problem;     // what is wrong there
  std::string last_hash;   // SHA-256 of the last good line
};

// What opening a journal whose chain breaks does.
enum class Damaged {
  refuse, // throw Error (case_problem): the usual case
  use_it, // undo: read every entry that is still a JSON object, append after the last line
};

// When an appended entry reaches the disk.
enum class Sync {
  now,   // fsync'ed (with every line before it) before append returns
  later, // written (it survives the process being killed) and fsync'ed with the next
         // Sync::now entry or when the journal closes: for what a crash of the whole
         // machine may lose without harm (a read and its answer)
};

class Journal
{
public:
  using Clock = std::function<std::string()>; // returns an RFC 3339 UTC time

  // Opens `path` for appending, creating it (mode 0600) when absent. An existing
  // journal is verified first; throws Error naming the line where its chain breaks
  // rather than appending to a damaged record, unless `damaged` says to use it (then
  // damage() says where it breaks, and new entries chain to its last line).
  explicit Journal(std::string path, Operator who = current_operator(), Clock clock = {},
                   Damaged damaged = Damaged::refuse);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one event: `entry` (an object with at least "event") gains "seq",
  // "time", "operator" and "prev" (the SHA-256 of the previous line), is written as
  // one line and, with Sync::now, fsync'ed before this returns. Values that look like
  // secrets are redacted first (see redact_secrets). Returns the entry as written.
  nlohmann::ordered_json append(nlohmann::ordered_json entry, Sync sync = Sync::now);

  // Sets the credential principal recorded from now on.
  void set_principal(std::string principal) { m_operator.principal = std::move(principal); }

  // Sets what append() calls once each entry is on disk (written, its head updated, and
  // fsync'ed when Sync::now), before it returns: the crash-safety tests end the process
  // there (the CLI sets it from DFTRIAGE_TEST_KILL_AT_ENTRY). Empty: nothing is called.
  void set_after_entry(std::function<void()> hook) { m_after_entry = std::move(hook); }

  // The entries read when the journal was opened plus those appended since.
  const std::vector<nlohmann::ordered_json>& entries() const { return m_entries; }
  const std::string& path() const { return m_path; }
  // Where the chain broke when the journal was opened (ok: it did not).
  const Verification& damage() const { return m_damage; }

private:
  std::string m_path;
  Operator m_operator;
  Clock m_clock;
  std::function<void()> m_after_entry;
  int m_fd = -1;
  bool m_unsynced = false; // lines written with Sync::later since the last fsync
  std::uint64_t m_seq = 0;
  std::string m_prev;
  std::vector<nlohmann::ordered_json> m_entries;
  Verification m_damage;
};

// The journal's head, kept beside it (journal.head) and rewritten whole after every
// entry: how many entries there are and the SHA-256 of the last. A journal cut short,
// emptied or with its last entries rewritten no longer matches it; a responder who
// keeps the last hash (the report prints it) can check against that value instead
// (case verify --head HASH), as the head file can be edited too.
struct Head
{
  std::uint64_t entries = 0;
  std::string last_hash;
};

// Returns the head's path for `journal_path` ("…/journal.jsonl" → "…/journal.head").
std::string head_path(const std::string& journal_path);
// Writes `head` to `path` atomically (0600), fsync'ed unless `sync` is Sync::later.
void write_head(const std::string& path, const Head& head, Sync sync = Sync::now);
// Reads the head at `path`: nullopt when there is none; entries 0 and last_hash
// "(unreadable)" when it is not a head.
std::optional<Head> read_head(const std::string& path);

// Checks every line of a journal's text: valid JSON, seq counting from 1, prev equal
// to the SHA-256 of the line before (k_genesis for the first). A final line without
// a newline (a write cut short by a crash) is reported as such.
Verification verify(std::string_view text);

// Returns `value` with secret material replaced by "***" (redact::json_value): object
// members whose name says secret (password, clientSecret, client_secret, secret,
// access_token, refresh_token, protectedSettings, authorization, token, ...: the list is
// in util/redact.hpp) and the "value" of Key Vault secret bundles
// ({"id": ".../secrets/...", "value": ...}).
nlohmann::ordered_json redact_secrets(const nlohmann::ordered_json& value);

} // namespace dftriage::journal
