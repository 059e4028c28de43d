#pragma once

// Internal to src/queue: the triage of a queue that outgrew its memory budget. The rows
// Triage::add gathered are written out by ID, one run per budget's worth; finish() merges
// the runs (copies of an alert meet and merge), sorts the merged rows by group and time,
// links each group on its own, and sorts the incidents by rank: each stage through spill
// files (spill.hpp) when it does not fit the budget either.

#include "spill.hpp"
#include "triage_records.hpp"
#include "triage_table.hpp"

#include <functional>
#include <string>
#include <unordered_map>

namespace dftriage::queue::detail {

class Spill
{
public:
  // `options` must outlive the spill; spill files go to spill::spill_dir(options.spill_dir).
  explicit Spill(const TriageOptions& options);
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;

  // Writes the rows of `table` as one run, in the order of their keys in `ids` (lower-case
  // ID → row); they are numbered on from the rows written before. Throws Error when the
  // spill file cannot be made or written.
  void write_rows(const Table& table, const std::unordered_map<std::string, std::uint32_t>& ids);

  // Hands `on_incident` each incident of this shard in rank order and fills in `counts`
  // (duplicates, filtered, other shards, spill). The spill is spent afterwards.
  void finish(const engine::Library& library, TriageCounts& counts,
              const std::function<void(Incident&&)>& on_incident);

private:
  const TriageOptions& m_options;
  spill::SpillPlace m_place;
  spill::RunList<RowRecord, RowsById> m_runs;
  std::uint64_t m_rows = 0; // rows written so far
};

} // namespace dftriage::queue::detail
