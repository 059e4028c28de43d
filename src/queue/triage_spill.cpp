// The triage of a queue larger than its memory budget (triage_spill.hpp).

#include "triage_spill.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"

#include <algorithm>
#include <numeric>

namespace dftriage::queue::detail {

namespace {

// Links the rows of one group (one anchor, in time order) and adds its incidents to
// `ranked`; the alerts only of this shard's incidents, since the others are only counted.
void add_incidents(const Table& group, const std::vector<std::uint64_t>& seqs,
                   const engine::Library& library, const TriageOptions& options,
                   spill::Sorter<IncidentRecord, IncidentsByRank>& ranked, TriageCounts& counts)
{
  std::vector<std::uint32_t> order(group.rows.size());
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  for (const auto& members : link_rows(group, order, options.window_s)) {
    if (!group_passes(group, members, options)) {
      counts.filtered += members.size();
      continue;
    }
    IncidentRecord record;
    record.incident = summarise(members, group, library);
    record.seq = seqs[members.front()];
    if (shard_of(record.incident.subscription_id, options.shards) == options.shard) {
      record.incident.alerts.reserve(members.size());
      for (const auto row : members) {
        record.incident.alerts.push_back(queued(group.rows[row], group.pool));
      }
    }
    ranked.add(std::move(record));
  }
}

} // namespace

Spill::Spill(const TriageOptions& options)
    : m_options(options)
    , m_place{spill::spill_dir(options.spill_dir)}
    , m_runs(m_place)
{
}

void Spill::write_rows(const Table& table,
                       const std::unordered_map<std::string, std::uint32_t>& ids)
{
  std::vector<std::pair<const std::string*, std::uint32_t>> by_key;
  by_key.reserve(ids.size());
  for (const auto& [key, row] : ids) {
    by_key.emplace_back(&key, row);
  }
  std::sort(by_key.begin(), by_key.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  auto& run = m_runs.add_run();
  std::string record;
  for (const auto& [key, row] : by_key) {
    record.clear();
    encode_row(table, table.rows[row], *key, m_rows + row, record);
    run.append(record);
  }
  m_runs.run_written();
  m_rows += table.rows.size();
}

void Spill::finish(const engine::Library& library, TriageCounts& counts,
                   const std::function<void(Incident&&)>& on_incident)
{
  const auto budget = m_options.memory_budget_bytes;
  // Copies meet by ID, then go on by group and time.
  spill::Sorter<RowRecord, RowsByGroup> by_group(m_place, budget);
  {
    auto merged = m_runs.merge();
    std::size_t distinct = 0;
    RowRecord r;
    while (merged.next(r)) {
      ++distinct;
      by_group.add(std::move(r));
    }
    counts.duplicates = counts.read - distinct;
  }
  by_group.finish();
  // One group (anchor) at a time: rows of different anchors are never linked.
  spill::Sorter<IncidentRecord, IncidentsByRank> ranked(m_place, budget);
  {
    Table group;
    std::vector<std::uint64_t> seqs;
    std::string anchor;
    RowRecord r;
    while (by_group.next(r)) {
      if (r.anchor != anchor && !group.rows.empty()) {
        if (signals::interrupted()) {
          throw Interrupted();
        }
        add_incidents(group, seqs, library, m_options, ranked, counts);
        group = Table();
        seqs.clear();
      }
      if (group.rows.empty()) {
        anchor = r.anchor;
      }
      seqs.push_back(r.seq);
      add_row(group, r);
    }
    if (!group.rows.empty()) {
      add_incidents(group, seqs, library, m_options, ranked, counts);
    }
  }
  ranked.finish();
  std::size_t rank = 0;
  IncidentRecord record;
  while (ranked.next(record)) {
    auto& incident = record.incident;
    incident.rank = ++rank;
    if (shard_of(incident.subscription_id, m_options.shards) != m_options.shard) {
      ++counts.other_shards;
      continue;
    }
    on_incident(std::move(incident));
  }
  counts.spilled_bytes = m_place.bytes;
  counts.spill_files = m_place.files;
}

} // namespace dftriage::queue::detail
