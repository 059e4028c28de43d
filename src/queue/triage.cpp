// The alert queue (triage.hpp): Triage::add keeps each distinct alert as a compact row;
// Triage::finish links, summarises and ranks them in memory, or, once the rows outgrew
// the memory budget, through spill files (triage_spill.cpp). Why so: triage.hpp.

#include "dftriage/queue/triage.hpp"

#include "dftriage/engine/match.hpp"
#include "dftriage/util/sha256.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "triage_detail.hpp"
#include "triage_spill.hpp"
#include "triage_table.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace dftriage::queue {

namespace {

using alert::Alert;
using detail::k_no_time;
using detail::progress;
using detail::Row;

constexpr char k_sep = '\x1f';
// What a node of a string-keyed hash table takes: a link, the key, a value, the hash.
constexpr std::size_t k_entry_bytes =
    detail::alloc_bytes(sizeof(void*) + sizeof(std::string) + 8 + sizeof(std::size_t));

} // namespace

struct Triage::State
{
  const engine::Library& library;
  TriageOptions options;
  detail::Table table;
  std::unordered_map<std::string, std::uint32_t> by_id; // lower-case ID → row
  std::unordered_map<std::string, const playbook::Playbook*> matches;
  std::size_t bytes = 0;                // held by by_id, matches and the rows' IDs, about
  std::unique_ptr<detail::Spill> spill; // once the rows outgrew the budget

  // About the memory the rows take, in bytes.
  std::size_t memory() const
  {
    return bytes + table.bytes() + (by_id.bucket_count() + matches.bucket_count()) * sizeof(void*);
  }

  // Writes the rows out as one run and starts afresh.
  void spill_rows()
  {
    if (!spill) {
      spill = std::make_unique<detail::Spill>(options);
    }
    if (!table.rows.empty()) {
      spill->write_rows(table, by_id);
    }
    table = {};
    by_id = {};
    matches = {};
    bytes = 0;
  }
};

Triage::Triage(const engine::Library& library, TriageOptions options)
    : m_state(std::make_unique<State>(State{library, std::move(options), {}, {}, {}, 0, {}}))
{
}

Triage::~Triage() = default;

void Triage::add(const Alert& a)
{
  auto& s = *m_state;
  auto& pool = s.table.pool;
  ++m_counts.read;
  auto id = text::to_lower(a.original_id.empty() ? a.id : a.original_id);
  if (id.empty()) {
    // An alert with no ID cannot be recognised again: it is its own.
    id = "#" + a.source.file + "#" + std::to_string(a.source.index);
  }
  if (const auto it = s.by_id.find(id); it != s.by_id.end()) {
    ++m_counts.duplicates;
    auto& kept = s.table.rows[it->second];
    ++kept.copies;
    if (progress(a.status) > progress(pool.at(kept.status))) {
      kept.status = pool.intern(a.status);
    }
    return;
  }
  // The playbook depends on the alert type, family and resource alone: matched once each.
  std::string match_key = a.base_alert_type;
  match_key += k_sep;
  match_key += alert::to_string(a.family);
  match_key += k_sep;
  match_key += a.resource_id;
  auto cached = s.matches.find(match_key);
  if (cached == s.matches.end()) {
    s.bytes += detail::heap_bytes(match_key) + k_entry_bytes;
    cached =
        s.matches.emplace(std::move(match_key), engine::match_alert(a, s.library).playbook).first;
  }
  const playbook::Playbook* matched = cached->second;
  const std::string playbook_id = matched != nullptr ? matched->id : "generic";
  const auto& rule =
      matched != nullptr && matched->incident ? *matched->incident : detail::default_rule();
  Row r;
  r.id = a.original_id.empty() ? a.id : a.original_id; // Defender's name in every shape
  r.time = time::to_unix_seconds(a.start_time).value_or(k_no_time);
  r.index = a.source.index;
  r.alert_type = pool.intern(a.alert_type);
  r.display_name = pool.intern(a.display_name);
  r.status = pool.intern(a.status);
  r.resource = pool.intern(a.resource_id);
  r.subscription = pool.intern(text::to_lower(a.subscription_id));
  r.playbook = pool.intern(playbook_id);
  r.file = pool.intern(a.source.file);
  r.severity = a.severity;
  r.family = a.family;
  r.simulated = a.simulated;
  std::string anchor = playbook_id + k_sep + (a.simulated ? "s" : "r");
  bool anchored = true;
  for (const auto& key : rule.group_by) {
    const auto values = detail::key_values(a, key);
    anchored = anchored && !values.empty(); // missing a value its incident shares: alone
    anchor += k_sep;
    anchor += values.empty() ? "" : values.front();
  }
  if (!anchored) {
    anchor += k_sep + std::string("#") + id;
  }
  r.anchor = pool.intern(anchor);
  auto& keys = s.table.keys;
  r.keys_begin = static_cast<std::uint32_t>(keys.size());
  const auto add_keys = [&](const std::string& key) {
    const auto name = static_cast<std::uint32_t>(detail::key_index(key));
    for (const auto& v : detail::key_values(a, key)) {
      keys.push_back({name, pool.intern(v)});
    }
  };
  for (const auto& key : rule.link_by) {
    add_keys(key);
  }
  if (keys.size() == r.keys_begin) {
    add_keys("alertType");
  }
  r.keys_count = static_cast<std::uint16_t>(
      std::min<std::size_t>(keys.size() - r.keys_begin, std::numeric_limits<std::uint16_t>::max()));
  s.bytes += detail::heap_bytes(id) + k_entry_bytes + detail::heap_bytes(r.id);
  s.by_id.emplace(std::move(id), static_cast<std::uint32_t>(s.table.rows.size()));
  s.table.rows.push_back(std::move(r));
  if (s.memory() > s.options.memory_budget_bytes) {
    s.spill_rows();
  }
}

void Triage::finish(const std::function<void(Incident&&)>& on_incident)
{
  auto& s = *m_state;
  if (s.spill) {
    s.spill_rows();
    s.spill->finish(s.library, m_counts, on_incident);
    s.spill.reset();
    return;
  }
  const auto& rows = s.table.rows;
  std::vector<std::uint32_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  s.by_id = {}; // duplicates are settled: the largest table goes first
  s.matches = {};
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& ra = rows[a];
    const auto& rb = rows[b];
    if (ra.time != rb.time) {
      return detail::earlier_time(ra.time, rb.time);
    }
    const int c = text::to_lower(ra.id).compare(text::to_lower(rb.id));
    return c != 0 ? c < 0 : a < b; // rows are numbered in the order they were first read
  });
  // An incident before its alerts are written out: what ranks it, and its rows.
  struct Group
  {
    Incident head;                   // without alerts
    std::vector<std::uint32_t> rows; // oldest first
  };
  std::vector<Group> incidents;
  {
    auto members = detail::link_rows(s.table, order, s.options.window_s);
    order = {};
    incidents.reserve(members.size());
    for (auto& m : members) {
      if (!detail::group_passes(s.table, m, s.options)) {
        m_counts.filtered += m.size();
        continue;
      }
      incidents.push_back({detail::summarise(m, s.table, s.library), std::move(m)});
    }
  }
  std::sort(incidents.begin(), incidents.end(), [](const Group& a, const Group& b) {
    if (detail::ranks_before(a.head, b.head)) {
      return true;
    }
    return !detail::ranks_before(b.head, a.head) && a.rows.front() < b.rows.front();
  });
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    auto& g = incidents[i];
    g.head.rank = i + 1;
    if (shard_of(g.head.subscription_id, s.options.shards) != s.options.shard) {
      ++m_counts.other_shards;
      continue;
    }
    g.head.alerts.reserve(g.rows.size());
    for (const auto row : g.rows) {
      g.head.alerts.push_back(detail::queued(rows[row], s.table.pool));
    }
    on_incident(std::move(g.head));
    g = {};
  }
}

std::vector<Incident> Triage::finish()
{
  std::vector<Incident> out;
  finish([&](Incident&& incident) { out.push_back(std::move(incident)); });
  return out;
}

std::size_t shard_of(std::string_view subscription_id, std::size_t shards)
{
  if (shards <= 1) {
    return 1;
  }
  const auto digest = sha256_hex(text::to_lower(subscription_id));
  const std::uint64_t h = std::stoull(digest.substr(0, 15), nullptr, 16);
  return static_cast<std::size_t>(h % shards) + 1;
}

std::optional<std::int64_t> parse_window(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  std::int64_t unit = 1;
  switch (text.back()) {
  case 's':
    text.remove_suffix(1);
    break;
  case 'm':
    unit = 60;
    text.remove_suffix(1);
    break;
  case 'h':
    unit = 3600;
    text.remove_suffix(1);
    break;
  case 'd':
    unit = 86400;
    text.remove_suffix(1);
    break;
  default:
    break;
  }
  constexpr std::int64_t k_max = std::int64_t{10} * 366 * 86400; // ten years
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const std::int64_t value = std::stoll(std::string(text)) * unit;
  if (value > k_max) {
    return std::nullopt;
  }
  return value;
}

} // namespace dftriage::queue
