#pragma once

// The alert queue: duplicates dropped, alerts grouped into incidents by their playbook's
// incident rule, incidents ranked. Alerts are added one at a time as they are read; only a
// compact row of each distinct alert is kept (its IDs and keys, not its description).
//
// Memory is bounded by a budget plus the largest group, not by the number of alerts. A
// queue whose rows fit the budget (TriageOptions::memory_budget_bytes, 32 MB: about
// 75,000 distinct alerts) is triaged in memory as it always was. A larger one is
// triaged as an external sort, through spill files in TMPDIR that are unlinked as soon
// as they are made (so none is left behind, whatever ends the process; TMPDIR should be
// a disk, not a tmpfs, where they would take memory after all):
//   1. rows as read are kept and deduplicated in memory; each budget's worth is written
//      out as a run sorted by alert ID;
//   2. the runs are merged, so the copies of an alert meet and merge as in memory (the
//      first read kept, the status that has come furthest, copies counted); the filters
//      apply to the merged row;
//   3. the rows are sorted by group (playbook, sample or not, the rule's groupBy values:
//      rows of different groups are never linked) and time, and linked one group at a
//      time, the only part held in memory whole;
//   4. the incidents are sorted by rank and numbered over the whole queue before --shard
//      keeps its share.
// Each sort keeps to the budget and merges at most 32 runs at once; reading, merge
// buffers and the largest group come on top (about 30 MB more at 600,000 alerts), and
// about a tenth more time than in memory. Ties that the time order and the ranking leave
// (alerts without an ID) are settled by the order the alerts were first read, on both
// paths, so the output is the same bytes whichever path a queue takes.
//
// Simpler designs fall short of that: grouping as the alerts come needs input in time
// order (az lists newest first, files come in any order), and deduplicating needs every
// ID seen so far; hashing into partitions needs their number before the size is known.

#include "dftriage/alert/alert.hpp"
#include "dftriage/engine/library.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::queue {

// Which alerts take part, and how they are grouped.
struct TriageOptions
{
  static constexpr std::int64_t k_default_window_s = std::int64_t{24} * 3600;

  // Alerts of one incident are each within this many seconds of the one before.
  std::int64_t window_s = k_default_window_s;
  // Filters (empty: any). They choose incidents, not alerts: the alerts are grouped first,
  // and an incident is kept whole when one of its alerts (its duplicates merged) passes
  // them all, so its ID is the one it has in the whole queue.
  std::optional<std::int64_t> since; // start time at or after (seconds since the epoch)
  std::vector<std::string> statuses; // lower-case: active, inprogress, resolved, dismissed
  std::vector<alert::Family> families;
  std::vector<std::string> subscriptions; // lower-case subscription IDs
  // A stable share of the incidents, by subscription: shard `shard` of `shards` (1-based).
  std::size_t shard = 1;
  std::size_t shards = 1;
  // Past this many bytes of rows, triage through spill files (see above).
  std::size_t memory_budget_bytes = std::size_t{32} << 20U;
  // Where spill files go; empty: $TMPDIR, else /tmp.
  std::string spill_dir;
};

// One alert of the queue, as much of it as the queue shows.
struct QueuedAlert
{
  std::string id;
  std::string alert_type;
  std::string display_name;
  alert::Severity severity = alert::Severity::unknown;
  std::string status;
  std::string start_time;           // "YYYY-MM-DDThh:mm:ssZ", "" when unreadable
  std::optional<std::int64_t> time; // the same in seconds
  bool simulated = false;
  alert::Family family = alert::Family::other;
  std::string playbook;
  std::string resource_id;
  std::string subscription_id; // lower case
  std::string file;            // where its kept copy was read
  std::uint64_t index = 0;     // which alert of that file
  std::uint32_t copies = 1;    // how many times it was read (across files and shapes)
};

// An entity value that ties alerts of an incident together.
struct Tie
{
  std::string key;   // incident key: "callerIp", "callerObjectId", "domain", …
  std::string value; // as normalised (lower case)
  std::size_t alerts = 0;
};

struct Incident
{
  std::string id;       // "INC-" and 12 hex digits, from its earliest alert
  std::size_t rank = 0; // 1-based, over the whole queue (before --shard)
  alert::Family family = alert::Family::other;
  alert::Severity severity = alert::Severity::unknown; // the highest of its alerts
  std::string status;                                  // the most active of its alerts
  bool simulated = false;                              // every alert is a sample
  std::string playbook;
  std::string subscription_id;
  std::string first_seen;
  std::string last_seen;
  std::vector<std::string> resources;
  std::vector<std::string> group_by; // the rule that grouped it
  std::vector<std::string> link_by;
  std::vector<Tie> ties;
  std::vector<QueuedAlert> alerts; // oldest first
  std::size_t duplicates = 0;      // copies read beyond one per alert
};

// What a triage came to besides its incidents.
struct TriageCounts
{
  std::size_t read = 0;            // alerts read, duplicates included
  std::size_t duplicates = 0;      // copies dropped
  std::size_t filtered = 0;        // distinct alerts of the incidents the filters left out
  std::size_t other_shards = 0;    // incidents left to other shards
  std::uint64_t spilled_bytes = 0; // written to spill files (0: triaged in memory)
  std::uint64_t spill_files = 0;   // spill files made
};

class Triage
{
public:
  // `library` must outlive the triage.
  Triage(const engine::Library& library, TriageOptions options);
  ~Triage();
  Triage(const Triage&) = delete;
  Triage& operator=(const Triage&) = delete;

  // Adds one alert as read (`file` and `index` say where, for the output). Throws Error
  // when rows beyond the budget cannot be written to a spill file, Interrupted on Ctrl-C.
  void add(const alert::Alert& alert);

  // Groups and ranks what was added, and hands `on_incident` each incident of this shard
  // in rank order, its alerts filled in only then (a large queue is never all in memory as
  // incidents). The triage is spent afterwards. Throws as add() does.
  void finish(const std::function<void(Incident&&)>& on_incident);
  // The same, all incidents at once.
  std::vector<Incident> finish();

  const TriageCounts& counts() const { return m_counts; }

private:
  struct State;
  std::unique_ptr<State> m_state;
  TriageCounts m_counts;
};

// Returns the shard (1..shards) that incidents of `subscription_id` belong to: the same
// on every machine and in every run.
std::size_t shard_of(std::string_view subscription_id, std::size_t shards);

// Parses "24h", "90m", "7d", "3600s" or "3600" (seconds); nullopt when it is none.
std::optional<std::int64_t> parse_window(std::string_view text);

// The incident as JSON (docs/OUTPUT.md "Incident"). Deterministic.
nlohmann::ordered_json to_json(const Incident& incident, std::int64_t window_s);
// Appends to_json(incident, window_s).dump(indent) to `out`, without building the tree:
// -1 on one line (the NDJSON path), else pretty-printed with `indent` spaces a level,
// every line after the first indented `depth` levels more (an element of an array at
// depth 1 for -o json).
void append_json(const Incident& incident, std::int64_t window_s, std::string& out, int indent = -1,
                 int depth = 0);

} // namespace dftriage::queue
