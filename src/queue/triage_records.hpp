#pragma once

// Internal to src/queue: what the spilled triage (triage_spill.cpp) writes to spill files,
// and the orders it sorts them in (Traits for spill.hpp): a distinct alert by its ID, then
// by its group and time, and an incident by rank.

#include "spill.hpp"
#include "triage_table.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dftriage::queue::detail {

// A Row with its strings in it, where its duplicates are found and when it was read.
struct RowRecord
{
  std::string key;       // lower-case ID, or "#file#index" without one: what copies share
  std::uint64_t seq = 0; // the order distinct alerts were first read in
  std::string id;
  std::int64_t time = k_no_time;
  std::uint64_t index = 0;
  std::string alert_type;
  std::string display_name;
  std::string status;
  std::string resource;
  std::string subscription;
  std::string playbook;
  std::string file;
  std::string anchor;
  std::vector<std::pair<std::uint32_t, std::string>> keys; // Key::name, value
  std::uint32_t copies = 1;
  alert::Severity severity = alert::Severity::unknown;
  alert::Family family = alert::Family::other;
  bool simulated = false;
};

// Appends row `r` of `table` to `out` as RowsById::encode would the record of it, with
// `key` and `seq`.
void encode_row(const Table& table, const Row& r, std::string_view key, std::uint64_t seq,
                std::string& out);

// Appends `record` to `table` as a row.
void add_row(Table& table, const RowRecord& record);

// Rows by ID: copies of one alert meet, the first read kept, as Triage::add keeps it.
struct RowsById
{
  static constexpr bool k_combines = true;
  static bool less(const RowRecord& a, const RowRecord& b) { return a.key < b.key; }
  static bool same(const RowRecord& a, const RowRecord& b) { return a.key == b.key; }
  // Counts the copy, and keeps the status that has come furthest (the earlier on a tie).
  static void combine(RowRecord& kept, RowRecord&& later);
  static void encode(const RowRecord& r, std::string& out);
  static void decode(std::string_view record, RowRecord& r);
  static std::size_t bytes(const RowRecord& r);
};

// Rows by group (anchor), then in time order as the in-memory triage sorts them.
struct RowsByGroup : RowsById
{
  static constexpr bool k_combines = false;
  static bool less(const RowRecord& a, const RowRecord& b);
};

// An incident with its alerts (none when it belongs to another shard), and the reading
// order of its first alert, which settles ties of rank.
struct IncidentRecord
{
  Incident incident;
  std::uint64_t seq = 0;
};

// Incidents in rank order.
struct IncidentsByRank
{
  static constexpr bool k_combines = false;
  static bool less(const IncidentRecord& a, const IncidentRecord& b)
  {
    if (ranks_before(a.incident, b.incident)) {
      return true;
    }
    return !ranks_before(b.incident, a.incident) && a.seq < b.seq;
  }
  static void encode(const IncidentRecord& r, std::string& out);
  static void decode(std::string_view record, IncidentRecord& r);
  static std::size_t bytes(const IncidentRecord& r);
};

} // namespace dftriage::queue::detail
