#include "dftriage/queue/triage.hpp"

#include "dftriage/engine/match.hpp"
#include "dftriage/util/sha256.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "triage_detail.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace dftriage::queue {

namespace detail {

constexpr std::int64_t k_no_time = std::numeric_limits<std::int64_t>::min();

// Each distinct string once: a queue repeats its vaults, callers, alert types and files.
// Looking up a string already held allocates nothing.
class Pool
{
public:
  std::uint32_t intern(std::string_view s)
  {
    if (const auto it = m_index.find(s); it != m_index.end()) {
      return it->second;
    }
    const auto handle = static_cast<std::uint32_t>(m_strings.size());
    m_strings.emplace_back(s); // a deque: the views into it stay valid
    m_index.emplace(m_strings.back(), handle);
    return handle;
  }
  const std::string& at(std::uint32_t i) const { return m_strings[i]; }

private:
  std::deque<std::string> m_strings;
  std::unordered_map<std::string_view, std::uint32_t> m_index;
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
  std::uint32_t keys_begin = 0; // into State::keys
  std::uint32_t copies = 1;
  std::uint16_t keys_count = 0;
  alert::Severity severity = alert::Severity::unknown;
  alert::Family family = alert::Family::other;
  bool simulated = false;
};

struct Key
{
  std::uint32_t name = 0;  // index in playbook::incident_keys()
  std::uint32_t value = 0; // Pool handle
};

} // namespace detail

namespace {

using detail::k_no_time;
using detail::Key;
using detail::Pool;
using detail::Row;

using alert::Alert;
using detail::activity;
using detail::progress;

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

constexpr char k_sep = '\x1f';

} // namespace

struct Triage::State
{
  const engine::Library& library;
  TriageOptions options;
  detail::Pool pool;
  std::vector<detail::Row> rows;
  std::vector<detail::Key> keys;
  std::unordered_map<std::string, std::uint32_t> by_id; // lower-case ID → row
  std::unordered_map<std::string, const playbook::Playbook*> matches;
};

Triage::Triage(const engine::Library& library, TriageOptions options)
    : m_state(std::make_unique<State>(State{library, std::move(options), {}, {}, {}, {}, {}}))
{
}

Triage::~Triage() = default;

void Triage::add(const Alert& a)
{
  auto& s = *m_state;
  ++m_counts.read;
  auto id = text::to_lower(a.original_id.empty() ? a.id : a.original_id);
  if (id.empty()) {
    // An alert with no ID cannot be recognised again: it is its own.
    id = "#" + a.source.file + "#" + std::to_string(a.source.index);
  }
  if (const auto it = s.by_id.find(id); it != s.by_id.end()) {
    ++m_counts.duplicates;
    auto& kept = s.rows[it->second];
    ++kept.copies;
    if (progress(a.status) > progress(s.pool.at(kept.status))) {
      kept.status = s.pool.intern(a.status);
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
  r.alert_type = s.pool.intern(a.alert_type);
  r.display_name = s.pool.intern(a.display_name);
  r.status = s.pool.intern(a.status);
  r.resource = s.pool.intern(a.resource_id);
  r.subscription = s.pool.intern(text::to_lower(a.subscription_id));
  r.playbook = s.pool.intern(playbook_id);
  r.file = s.pool.intern(a.source.file);
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
  r.anchor = s.pool.intern(anchor);
  r.keys_begin = static_cast<std::uint32_t>(s.keys.size());
  const auto add_keys = [&](const std::string& key) {
    const auto name = static_cast<std::uint32_t>(detail::key_index(key));
    for (const auto& v : detail::key_values(a, key)) {
      s.keys.push_back({name, s.pool.intern(v)});
    }
  };
  for (const auto& key : rule.link_by) {
    add_keys(key);
  }
  if (s.keys.size() == r.keys_begin) {
    add_keys("alertType");
  }
  r.keys_count = static_cast<std::uint16_t>(std::min<std::size_t>(
      s.keys.size() - r.keys_begin, std::numeric_limits<std::uint16_t>::max()));
  s.by_id.emplace(std::move(id), static_cast<std::uint32_t>(s.rows.size()));
  s.rows.push_back(std::move(r));
}

namespace {

bool passes(const Row& r, const Pool& pool, const TriageOptions& o)
{
  if (o.since && (r.time == k_no_time || r.time < *o.since)) {
    return false;
  }
  if (!o.statuses.empty() && std::find(o.statuses.begin(), o.statuses.end(),
                                       text::to_lower(pool.at(r.status))) == o.statuses.end()) {
    return false;
  }
  if (!o.families.empty() &&
      std::find(o.families.begin(), o.families.end(), r.family) == o.families.end()) {
    return false;
  }
  return o.subscriptions.empty() || std::find(o.subscriptions.begin(), o.subscriptions.end(),
                                              pool.at(r.subscription)) != o.subscriptions.end();
}

// Earlier in time first; an alert without a readable time after every timed one.
bool earlier(const Row& a, const Row& b)
{
  if ((a.time == k_no_time) != (b.time == k_no_time)) {
    return b.time == k_no_time;
  }
  if (a.time != b.time) {
    return a.time < b.time;
  }
  return text::to_lower(a.id) < text::to_lower(b.id);
}

// An incident before its alerts are written out: what ranks it, and its rows.
struct Group
{
  Incident head;                   // without alerts
  std::vector<std::uint32_t> rows; // oldest first
};

// What summarise reads of the triage.
struct Tables
{
  const engine::Library& library;
  const Pool& pool;
  const std::vector<Row>& rows;
  const std::vector<Key>& keys;
};

Group summarise(std::vector<std::uint32_t> members, const Tables& s)
{
  Group g;
  g.rows = std::move(members);
  auto& inc = g.head;
  const auto& first = s.rows[g.rows.front()];
  inc.id = "INC-" + sha256_hex(text::to_lower(first.id)).substr(0, 12);
  inc.family = first.family;
  inc.playbook = s.pool.at(first.playbook);
  inc.subscription_id = s.pool.at(first.subscription);
  const auto* playbook = s.library.find(inc.playbook);
  const auto& rule =
      playbook != nullptr && playbook->incident ? *playbook->incident : detail::default_rule();
  inc.group_by = rule.group_by;
  inc.link_by = rule.link_by;
  inc.simulated = true;
  int most_active = std::numeric_limits<int>::max();
  std::vector<Tie> counted;
  for (const auto i : g.rows) {
    const auto& r = s.rows[i];
    inc.severity = std::min(inc.severity, r.severity);
    const auto& status = s.pool.at(r.status);
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
    const auto& resource = s.pool.at(r.resource);
    if (!resource.empty() &&
        std::find(inc.resources.begin(), inc.resources.end(), resource) == inc.resources.end()) {
      inc.resources.push_back(resource);
    }
    for (std::uint32_t k = r.keys_begin; k < r.keys_begin + r.keys_count; ++k) {
      const auto& name = playbook::incident_keys()[s.keys[k].name];
      const auto& value = s.pool.at(s.keys[k].value);
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
  return g;
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

} // namespace

void Triage::finish(const std::function<void(Incident&&)>& on_incident)
{
  auto& s = *m_state;
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < s.rows.size(); ++i) {
    if (passes(s.rows[i], s.pool, s.options)) {
      order.push_back(i);
    } else {
      ++m_counts.filtered;
    }
  }
  s.by_id = {}; // duplicates are settled: the largest table goes first
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return earlier(s.rows[a], s.rows[b]); });
  UnionFind groups(s.rows.size());
  struct Seen
  {
    std::uint32_t row;
    std::int64_t time;
  };
  // The last alert that carried each (anchor, value), per key name: linking to it, not
  // to every earlier one, is enough, since the rows come in time order.
  std::vector<std::unordered_map<std::uint64_t, Seen>> last(playbook::incident_keys().size());
  for (const auto i : order) {
    const auto& r = s.rows[i];
    for (std::uint32_t k = r.keys_begin; k < r.keys_begin + r.keys_count; ++k) {
      const std::uint64_t slot = (std::uint64_t{r.anchor} << 32U) | s.keys[k].value;
      const auto [it, fresh] = last[s.keys[k].name].try_emplace(slot, Seen{i, r.time});
      if (!fresh) {
        // An alert without a time is linked by its keys alone.
        if (r.time == k_no_time || it->second.time == k_no_time ||
            r.time - it->second.time <= s.options.window_s) {
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
  std::vector<Group> incidents;
  incidents.reserve(members.size());
  for (auto& m : members) {
    incidents.push_back(summarise(std::move(m), Tables{s.library, s.pool, s.rows, s.keys}));
  }
  members = {};
  std::sort(incidents.begin(), incidents.end(),
            [](const Group& a, const Group& b) { return ranks_before(a.head, b.head); });
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    auto& g = incidents[i];
    g.head.rank = i + 1;
    if (shard_of(g.head.subscription_id, s.options.shards) != s.options.shard) {
      ++m_counts.other_shards;
      continue;
    }
    g.head.alerts.reserve(g.rows.size());
    for (const auto row : g.rows) {
      g.head.alerts.push_back(queued(s.rows[row], s.pool));
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
