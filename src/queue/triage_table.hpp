#pragma once

// Internal to src/queue: the distinct alerts as the triage keeps them (Row, interned in a
// Pool, in a Table), and what turns rows into ranked incidents: the filters, the time
// order, the sweep that links rows, the incident summary and the rank order. The
// in-memory path (triage.cpp) and the spilled one (triage_spill.cpp) both use these, so
// they group and rank alike.

#include "dftriage/alert/alert.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/queue/triage.hpp"
#include "spill.hpp"

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dftriage::queue::detail {

constexpr std::int64_t k_no_time = std::numeric_limits<std::int64_t>::min();

using spill::alloc_bytes;
using spill::heap_bytes;

// Each distinct string once: a queue repeats its vaults, callers, alert types and files.
// Looking up a string already held allocates nothing.
class Pool
{
public:
  std::uint32_t intern(std::string_view s);
  const std::string& at(std::uint32_t i) const { return m_strings[i]; }
  // About the memory the pool holds, in bytes.
  std::size_t bytes() const { return m_bytes + m_index.bucket_count() * sizeof(void*); }

private:
  std::deque<std::string> m_strings; // a deque: the views into it stay valid
  std::unordered_map<std::string_view, std::uint32_t> m_index;
  std::size_t m_bytes = 0;
};

// One distinct alert, as little of it as the queue needs.
struct Row
{
  std::string id;
  std::int64_t time = k_no_time;
  std::uint64_t index = 0;
  std::uint32_t alert_type = 0; // Pool handles, as the rest
  std::uint32_t display_name = 0;
  std::uint32_t status = 0;
  std::uint32_t resource = 0;
  std::uint32_t subscription = 0;
  std::uint32_t playbook = 0;
  std::uint32_t file = 0;
  std::uint32_t anchor = 0;     // what the rule's groupBy makes equal
  std::uint32_t keys_begin = 0; // into Table::keys
  std::uint32_t copies = 1;
  std::uint16_t keys_count = 0;
  alert::Severity severity = alert::Severity::unknown;
  alert::Family family = alert::Family::other;
  bool simulated = false;
};

// A value of an incident key that a row carries.
struct Key
{
  std::uint32_t name = 0;  // index in playbook::incident_keys()
  std::uint32_t value = 0; // Pool handle
};

// Rows and keys in deques: growing never copies them, nor holds them twice, so the
// memory they take is what they hold.
struct Table
{
  Pool pool;
  std::deque<Row> rows;
  std::deque<Key> keys;

  // About the memory the table holds, in bytes.
  std::size_t bytes() const
  {
    return pool.bytes() + spill::deque_bytes<Row>(rows.size()) +
           spill::deque_bytes<Key>(keys.size());
  }
};

// Returns true when an alert of these merged values passes the options' filters.
bool passes(std::int64_t time, std::string_view status, alert::Family family,
            std::string_view subscription, const TriageOptions& options);

// Returns true when the incident of the rows `members` passes the options' filters: when
// one of its alerts does. An incident is kept or left out whole, so that its alerts, and
// so its ID, are those it has in the whole queue (run --incident finds it there).
bool group_passes(const Table& table, const std::vector<std::uint32_t>& members,
                  const TriageOptions& options);

// Returns true when an alert that started at `a` comes before one at `b` (which differ):
// earlier first, one without a readable time after every timed one. Alerts at the same
// time are in the order of their lower-case IDs, then of their first reading.
bool earlier_time(std::int64_t a, std::int64_t b);

// Links the rows `order` (in time order, earlier_time), each to the last row before it
// with the same anchor and a value of a key in common, when within `window_s` of it.
// Returns the incidents: each its rows in `order`'s order, in the order of their first.
std::vector<std::vector<std::uint32_t>>
link_rows(const Table& table, const std::vector<std::uint32_t>& order, std::int64_t window_s);

// Returns the incident of rows `members` (oldest first), without its alerts.
Incident summarise(const std::vector<std::uint32_t>& members, const Table& table,
                   const engine::Library& library);

// Returns row `r` as the queue shows it.
QueuedAlert queued(const Row& r, const Pool& pool);

// True when incident `a` ranks before `b`: real before sample, then by severity, activity,
// recency, family and ID. Incidents that tie are ordered by their first alert's reading.
bool ranks_before(const Incident& a, const Incident& b);

} // namespace dftriage::queue::detail
