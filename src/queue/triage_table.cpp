// Rows into ranked incidents (triage_table.hpp).

#include "triage_table.hpp"

#include "dftriage/util/sha256.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "triage_detail.hpp"

#include <algorithm>
#include <numeric>

namespace dftriage::queue::detail {

namespace {

class UnionFind
{
public:
  explicit UnionFind(std::size_t n)
      : m_parent(n)
  {
    std::iota(m_parent.begin(), m_parent.end(), std::uint32_t{0});
  }
  std::uint32_t find(std::uint32_t i)
  {
    while (m_parent[i] != i) {
      m_parent[i] = m_parent[m_parent[i]];
      i = m_parent[i];
    }
    return i;
  }
  void unite(std::uint32_t a, std::uint32_t b)
  {
    a = find(a);
    b = find(b);
    if (a != b) {
      m_parent[std::max(a, b)] = std::min(a, b);
    }
  }

private:
  std::vector<std::uint32_t> m_parent;
};

} // namespace

std::uint32_t Pool::intern(std::string_view s)
{
  if (const auto it = m_index.find(s); it != m_index.end()) {
    return it->second;
  }
  const auto handle = static_cast<std::uint32_t>(m_strings.size());
  m_strings.emplace_back(s);
  m_index.emplace(m_strings.back(), handle);
  // The string in its deque, and a node of the index: a link, the view, the handle and
  // the hash.
  m_bytes += sizeof(std::string) + heap_bytes(m_strings.back()) +
             alloc_bytes(sizeof(void*) + sizeof(std::string_view) + 8 + sizeof(std::size_t));
  return handle;
}

bool group_passes(const Table& table, const std::vector<std::uint32_t>& members,
                  const TriageOptions& options)
{
  return std::any_of(members.begin(), members.end(), [&](std::uint32_t i) {
    const auto& r = table.rows[i];
    return passes(r.time, table.pool.at(r.status), r.family, table.pool.at(r.subscription),
                  options);
  });
}

bool passes(std::int64_t time, std::string_view status, alert::Family family,
            std::string_view subscription, const TriageOptions& o)
{
  if (o.since && (time == k_no_time || time < *o.since)) {
    return false;
  }
  if (!o.statuses.empty() &&
      std::find(o.statuses.begin(), o.statuses.end(), text::to_lower(status)) == o.statuses.end()) {
    return false;
  }
  if (!o.families.empty() &&
      std::find(o.families.begin(), o.families.end(), family) == o.families.end()) {
    return false;
  }
  return o.subscriptions.empty() || std::find(o.subscriptions.begin(), o.subscriptions.end(),
                                              subscription) != o.subscriptions.end();
}

bool earlier_time(std::int64_t a, std::int64_t b)
{
  if ((a == k_no_time) != (b == k_no_time)) {
    return b == k_no_time;
  }
  return a < b;
}

std::vector<std::vector<std::uint32_t>>
link_rows(const Table& table, const std::vector<std::uint32_t>& order, std::int64_t window_s)
{
  UnionFind groups(table.rows.size());
  struct Seen
  {
    std::uint32_t row;
    std::int64_t time;
  };
  // The last row that carried each (anchor, value), per key name: linking to it, not to
  // every earlier one, is enough, since the rows come in time order.
  std::vector<std::unordered_map<std::uint64_t, Seen>> last(playbook::incident_keys().size());
  for (const auto i : order) {
    const auto& r = table.rows[i];
    for (std::uint32_t k = r.keys_begin; k < r.keys_begin + r.keys_count; ++k) {
      const std::uint64_t slot = (std::uint64_t{r.anchor} << 32U) | table.keys[k].value;
      const auto [it, fresh] = last[table.keys[k].name].try_emplace(slot, Seen{i, r.time});
      if (!fresh) {
        // An alert without a time is linked by its keys alone.
        if (r.time == k_no_time || it->second.time == k_no_time ||
            r.time - it->second.time <= window_s) {
          groups.unite(i, it->second.row);
        }
        it->second = {i, r.time};
      }
    }
  }
  last = {};
  std::unordered_map<std::uint32_t, std::uint32_t> group_of_root;
  std::vector<std::vector<std::uint32_t>> members;
  for (const auto i : order) {
    const auto [it, fresh] =
        group_of_root.try_emplace(groups.find(i), static_cast<std::uint32_t>(members.size()));
    if (fresh) {
      members.emplace_back();
    }
    members[it->second].push_back(i);
  }
  return members;
}

Incident summarise(const std::vector<std::uint32_t>& members, const Table& table,
                   const engine::Library& library)
{
  Incident inc;
  const auto& pool = table.pool;
  const auto& first = table.rows[members.front()];
  inc.id = "INC-" + sha256_hex(text::to_lower(first.id)).substr(0, 12);
  inc.family = first.family;
  inc.playbook = pool.at(first.playbook);
  inc.subscription_id = pool.at(first.subscription);
  const auto* playbook = library.find(inc.playbook);
  const auto& rule =
      playbook != nullptr && playbook->incident ? *playbook->incident : default_rule();
  inc.group_by = rule.group_by;
  inc.link_by = rule.link_by;
  inc.simulated = true;
  int most_active = std::numeric_limits<int>::max();
  std::vector<Tie> counted;
  for (const auto i : members) {
    const auto& r = table.rows[i];
    inc.severity = std::min(inc.severity, r.severity);
    const auto& status = pool.at(r.status);
    if (activity(status) < most_active) {
      most_active = activity(status);
      inc.status = status;
    }
    inc.simulated = inc.simulated && r.simulated;
    inc.duplicates += r.copies - 1;
    if (r.time != k_no_time) {
      if (inc.first_seen.empty()) {
        inc.first_seen = time::from_unix_seconds(r.time);
      }
      inc.last_seen = time::from_unix_seconds(r.time);
    }
    const auto& resource = pool.at(r.resource);
    if (!resource.empty() &&
        std::find(inc.resources.begin(), inc.resources.end(), resource) == inc.resources.end()) {
      inc.resources.push_back(resource);
    }
    for (std::uint32_t k = r.keys_begin; k < r.keys_begin + r.keys_count; ++k) {
      const auto& name = playbook::incident_keys()[table.keys[k].name];
      const auto& value = pool.at(table.keys[k].value);
      auto it = std::find_if(counted.begin(), counted.end(),
                             [&](const Tie& t) { return t.key == name && t.value == value; });
      if (it == counted.end()) {
        counted.push_back({name, value, 1});
      } else {
        ++it->alerts;
      }
    }
  }
  for (auto& t : counted) {
    if (t.alerts >= 2) {
      inc.ties.push_back(std::move(t));
    }
  }
  std::sort(inc.resources.begin(), inc.resources.end());
  return inc;
}

QueuedAlert queued(const Row& r, const Pool& pool)
{
  QueuedAlert q;
  q.id = r.id;
  q.alert_type = pool.at(r.alert_type);
  q.display_name = pool.at(r.display_name);
  q.severity = r.severity;
  q.status = pool.at(r.status);
  if (r.time != k_no_time) {
    q.time = r.time;
    q.start_time = time::from_unix_seconds(r.time);
  }
  q.simulated = r.simulated;
  q.family = r.family;
  q.playbook = pool.at(r.playbook);
  q.resource_id = pool.at(r.resource);
  q.subscription_id = pool.at(r.subscription);
  q.file = pool.at(r.file);
  q.index = r.index;
  q.copies = r.copies;
  return q;
}

bool ranks_before(const Incident& a, const Incident& b)
{
  if (a.simulated != b.simulated) {
    return b.simulated; // sample alerts after every real one
  }
  if (a.severity != b.severity) {
    return a.severity < b.severity;
  }
  if (activity(a.status) != activity(b.status)) {
    return activity(a.status) < activity(b.status);
  }
  if (a.last_seen != b.last_seen) {
    return a.last_seen > b.last_seen; // most recent first ("" last)
  }
  if (a.family != b.family) {
    return a.family < b.family;
  }
  return a.id < b.id;
}

} // namespace dftriage::queue::detail
