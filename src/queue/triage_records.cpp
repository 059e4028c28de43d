// Spill records of the triage (triage_records.hpp).

#include "triage_records.hpp"

#include "triage_detail.hpp"

namespace dftriage::queue::detail {

namespace {

using spill::put_i64;
using spill::put_string;
using spill::put_u64;
using spill::RecordReader;

std::size_t strings_bytes(const std::vector<std::string>& list)
{
  std::size_t n = alloc_bytes(list.capacity() * sizeof(std::string));
  for (const auto& s : list) {
    n += heap_bytes(s);
  }
  return n;
}

void put_strings(std::string& out, const std::vector<std::string>& list)
{
  put_u64(out, list.size());
  for (const auto& s : list) {
    put_string(out, s);
  }
}

void take_strings(RecordReader& in, std::vector<std::string>& list)
{
  list.resize(in.u64());
  for (auto& s : list) {
    in.string(s);
  }
}

void put_alert(std::string& out, const QueuedAlert& a)
{
  put_string(out, a.id);
  put_string(out, a.alert_type);
  put_string(out, a.display_name);
  put_u64(out, static_cast<std::uint64_t>(a.severity));
  put_string(out, a.status);
  put_string(out, a.start_time);
  put_u64(out, a.time ? 1 : 0);
  put_i64(out, a.time.value_or(0));
  put_u64(out, a.simulated ? 1 : 0);
  put_u64(out, static_cast<std::uint64_t>(a.family));
  put_string(out, a.playbook);
  put_string(out, a.resource_id);
  put_string(out, a.subscription_id);
  put_string(out, a.file);
  put_u64(out, a.index);
  put_u64(out, a.copies);
}

void take_alert(RecordReader& in, QueuedAlert& a)
{
  in.string(a.id);
  in.string(a.alert_type);
  in.string(a.display_name);
  a.severity = static_cast<alert::Severity>(in.u64());
  in.string(a.status);
  in.string(a.start_time);
  const bool timed = in.u64() != 0;
  const std::int64_t time = in.i64();
  a.time = timed ? std::optional<std::int64_t>(time) : std::nullopt;
  a.simulated = in.u64() != 0;
  a.family = static_cast<alert::Family>(in.u64());
  in.string(a.playbook);
  in.string(a.resource_id);
  in.string(a.subscription_id);
  in.string(a.file);
  a.index = in.u64();
  a.copies = static_cast<std::uint32_t>(in.u64());
}

} // namespace

void encode_row(const Table& table, const Row& r, std::string_view key, std::uint64_t seq,
                std::string& out)
{
  const auto& pool = table.pool;
  put_string(out, key);
  put_u64(out, seq);
  put_string(out, r.id);
  put_i64(out, r.time);
  put_u64(out, r.index);
  for (const auto handle : {r.alert_type, r.display_name, r.status, r.resource, r.subscription,
                            r.playbook, r.file, r.anchor}) {
    put_string(out, pool.at(handle));
  }
  put_u64(out, r.keys_count);
  for (std::uint32_t k = r.keys_begin; k < r.keys_begin + r.keys_count; ++k) {
    put_u64(out, table.keys[k].name);
    put_string(out, pool.at(table.keys[k].value));
  }
  put_u64(out, r.copies);
  put_u64(out, static_cast<std::uint64_t>(r.severity));
  put_u64(out, static_cast<std::uint64_t>(r.family));
  put_u64(out, r.simulated ? 1 : 0);
}

void add_row(Table& table, const RowRecord& record)
{
  auto& pool = table.pool;
  Row r;
  r.id = record.id;
  r.time = record.time;
  r.index = record.index;
  r.alert_type = pool.intern(record.alert_type);
  r.display_name = pool.intern(record.display_name);
  r.status = pool.intern(record.status);
  r.resource = pool.intern(record.resource);
  r.subscription = pool.intern(record.subscription);
  r.playbook = pool.intern(record.playbook);
  r.file = pool.intern(record.file);
  r.anchor = pool.intern(record.anchor);
  r.keys_begin = static_cast<std::uint32_t>(table.keys.size());
  for (const auto& [name, value] : record.keys) {
    table.keys.push_back({name, pool.intern(value)});
  }
  r.keys_count = static_cast<std::uint16_t>(record.keys.size());
  r.copies = record.copies;
  r.severity = record.severity;
  r.family = record.family;
  r.simulated = record.simulated;
  table.rows.push_back(std::move(r));
}

void RowsById::combine(RowRecord& kept, RowRecord&& later)
{
  kept.copies += later.copies;
  if (progress(later.status) > progress(kept.status)) {
    kept.status = std::move(later.status);
  }
}

// The same layout as encode_row.
void RowsById::encode(const RowRecord& r, std::string& out)
{
  put_string(out, r.key);
  put_u64(out, r.seq);
  put_string(out, r.id);
  put_i64(out, r.time);
  put_u64(out, r.index);
  for (const auto* s : {&r.alert_type, &r.display_name, &r.status, &r.resource, &r.subscription,
                        &r.playbook, &r.file, &r.anchor}) {
    put_string(out, *s);
  }
  put_u64(out, r.keys.size());
  for (const auto& [name, value] : r.keys) {
    put_u64(out, name);
    put_string(out, value);
  }
  put_u64(out, r.copies);
  put_u64(out, static_cast<std::uint64_t>(r.severity));
  put_u64(out, static_cast<std::uint64_t>(r.family));
  put_u64(out, r.simulated ? 1 : 0);
}

void RowsById::decode(std::string_view record, RowRecord& r)
{
  RecordReader in(record);
  in.string(r.key);
  r.seq = in.u64();
  in.string(r.id);
  r.time = in.i64();
  r.index = in.u64();
  for (auto* s : {&r.alert_type, &r.display_name, &r.status, &r.resource, &r.subscription,
                  &r.playbook, &r.file, &r.anchor}) {
    in.string(*s);
  }
  r.keys.resize(in.u64());
  for (auto& [name, value] : r.keys) {
    name = static_cast<std::uint32_t>(in.u64());
    in.string(value);
  }
  r.copies = static_cast<std::uint32_t>(in.u64());
  r.severity = static_cast<alert::Severity>(in.u64());
  r.family = static_cast<alert::Family>(in.u64());
  r.simulated = in.u64() != 0;
}

std::size_t RowsById::bytes(const RowRecord& r)
{
  std::size_t n = alloc_bytes(r.keys.capacity() * sizeof(r.keys.front()));
  for (const auto* s : {&r.key, &r.id, &r.alert_type, &r.display_name, &r.status, &r.resource,
                        &r.subscription, &r.playbook, &r.file, &r.anchor}) {
    n += heap_bytes(*s);
  }
  for (const auto& key : r.keys) {
    n += heap_bytes(key.second);
  }
  return n;
}

bool RowsByGroup::less(const RowRecord& a, const RowRecord& b)
{
  if (const int c = a.anchor.compare(b.anchor); c != 0) {
    return c < 0;
  }
  if (a.time != b.time) {
    return earlier_time(a.time, b.time);
  }
  // The key is the lower-case ID, except for an alert without one.
  const int c = (a.id.empty() ? std::string_view() : std::string_view(a.key))
                    .compare(b.id.empty() ? std::string_view() : std::string_view(b.key));
  return c != 0 ? c < 0 : a.seq < b.seq;
}

void IncidentsByRank::encode(const IncidentRecord& r, std::string& out)
{
  const auto& inc = r.incident;
  put_u64(out, r.seq);
  put_string(out, inc.id);
  put_u64(out, static_cast<std::uint64_t>(inc.family));
  put_u64(out, static_cast<std::uint64_t>(inc.severity));
  put_string(out, inc.status);
  put_u64(out, inc.simulated ? 1 : 0);
  put_string(out, inc.playbook);
  put_string(out, inc.subscription_id);
  put_string(out, inc.first_seen);
  put_string(out, inc.last_seen);
  put_strings(out, inc.resources);
  put_strings(out, inc.group_by);
  put_strings(out, inc.link_by);
  put_u64(out, inc.ties.size());
  for (const auto& t : inc.ties) {
    put_string(out, t.key);
    put_string(out, t.value);
    put_u64(out, t.alerts);
  }
  put_u64(out, inc.alerts.size());
  for (const auto& a : inc.alerts) {
    put_alert(out, a);
  }
  put_u64(out, inc.duplicates);
}

void IncidentsByRank::decode(std::string_view record, IncidentRecord& r)
{
  RecordReader in(record);
  auto& inc = r.incident;
  r.seq = in.u64();
  in.string(inc.id);
  inc.rank = 0;
  inc.family = static_cast<alert::Family>(in.u64());
  inc.severity = static_cast<alert::Severity>(in.u64());
  in.string(inc.status);
  inc.simulated = in.u64() != 0;
  in.string(inc.playbook);
  in.string(inc.subscription_id);
  in.string(inc.first_seen);
  in.string(inc.last_seen);
  take_strings(in, inc.resources);
  take_strings(in, inc.group_by);
  take_strings(in, inc.link_by);
  inc.ties.resize(in.u64());
  for (auto& t : inc.ties) {
    in.string(t.key);
    in.string(t.value);
    t.alerts = in.u64();
  }
  inc.alerts.resize(in.u64());
  for (auto& a : inc.alerts) {
    take_alert(in, a);
  }
  inc.duplicates = in.u64();
}

std::size_t IncidentsByRank::bytes(const IncidentRecord& r)
{
  const auto& inc = r.incident;
  std::size_t n = heap_bytes(inc.id) + heap_bytes(inc.status) + heap_bytes(inc.playbook) +
                  heap_bytes(inc.subscription_id) + heap_bytes(inc.first_seen) +
                  heap_bytes(inc.last_seen) + strings_bytes(inc.resources) +
                  strings_bytes(inc.group_by) + strings_bytes(inc.link_by) +
                  alloc_bytes(inc.ties.capacity() * sizeof(Tie)) +
                  alloc_bytes(inc.alerts.capacity() * sizeof(QueuedAlert));
  for (const auto& t : inc.ties) {
    n += heap_bytes(t.key) + heap_bytes(t.value);
  }
  for (const auto& a : inc.alerts) {
    for (const auto* s : {&a.id, &a.alert_type, &a.display_name, &a.status, &a.start_time,
                          &a.playbook, &a.resource_id, &a.subscription_id, &a.file}) {
      n += heap_bytes(*s);
    }
  }
  return n;
}

} // namespace dftriage::queue::detail
