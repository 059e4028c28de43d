#include "dftriage/queue/triage.hpp"

#include "dftriage/engine/match.hpp"
#include "dftriage/util/sha256.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace dftriage::queue {

namespace {

using alert::Alert;

std::string lower(std::string_view s)
{
  return text::to_lower(s);
}

// How far an alert has come: Defender moves a status forward (Active → InProgress →
// Resolved or Dismissed), so of two copies of one alert the later status is the newer.
int progress(std::string_view status)
{
  if (text::iequals(status, "Active")) {
    return 1;
  }
  if (text::iequals(status, "InProgress")) {
    return 2;
  }
  if (text::iequals(status, "Resolved") || text::iequals(status, "Dismissed")) {
    return 3;
  }
  return 0; // absent or unknown: says the least
}

// Ranking: the more active the earlier (an unknown status is taken as active).
int activity(std::string_view status)
{
  switch (progress(status)) {
  case 0:
  case 1:
    return 0;
  case 2:
    return 1;
  default:
    return 2;
  }
}

const playbook::IncidentRule& default_rule()
{
  static const playbook::IncidentRule rule{{"resource"}, {"alertType"}};
  return rule;
}

void add_value(std::vector<std::string>& out, std::string_view value)
{
  if (value.empty()) {
    return;
  }
  auto v = lower(value);
  if (std::find(out.begin(), out.end(), v) == out.end()) {
    out.push_back(std::move(v));
  }
}

// The values an alert has for incident key `key`, lower case, without duplicates.
std::vector<std::string> key_values(const Alert& a, std::string_view key)
{
  std::vector<std::string> out;
  if (key == "resource") {
    add_value(out, a.resource_id);
  } else if (key == "subscription") {
    add_value(out, a.subscription_id);
  } else if (key == "resourceGroup") {
    if (!a.resource_group.empty()) {
      add_value(out, a.subscription_id + "/" + a.resource_group);
    }
  } else if (key == "host") {
    for (const auto& h : a.entities.hosts) {
      add_value(out, h.resource_id.empty() ? h.name : h.resource_id);
    }
    if (out.empty() && a.resource_id.find("/providers/") != std::string::npos) {
      add_value(out, a.resource_id);
    }
  } else if (key == "domain") {
    for (const auto& d : a.entities.domains) {
      add_value(out, d);
    }
  } else if (key == "callerIp") {
    for (const auto& ip : a.entities.ips) {
      if (ip.valid) {
        add_value(out, ip.address);
      }
    }
  } else if (key == "callerObjectId") {
    for (const auto& account : a.entities.accounts) {
      add_value(out, account.object_id);
    }
  } else if (key == "account") {
    for (const auto& account : a.entities.accounts) {
      add_value(out, !account.upn.empty()         ? account.upn
                     : !account.object_id.empty() ? account.object_id
                                                  : account.name);
    }
  } else if (key == "alertType") {
    add_value(out, a.base_alert_type);
  }
  return out;
}

struct Rule
{
  std::string playbook;
  const playbook::IncidentRule* rule = nullptr;
};

class UnionFind
{
public:
  explicit UnionFind(std::size_t n)
      : m_parent(n)
  {
    std::iota(m_parent.begin(), m_parent.end(), std::size_t{0});
  }
  std::size_t find(std::size_t i)
  {
    while (m_parent[i] != i) {
      m_parent[i] = m_parent[m_parent[i]];
      i = m_parent[i];
    }
    return i;
  }
  void unite(std::size_t a, std::size_t b)
  {
    a = find(a);
    b = find(b);
    if (a != b) {
      m_parent[std::max(a, b)] = std::min(a, b);
    }
  }

private:
  std::vector<std::size_t> m_parent;
};

constexpr char k_sep = '\x1f';

} // namespace

struct Triage::State
{
  const engine::Library& library;
  TriageOptions options;
  std::vector<QueuedAlert> alerts;
  std::vector<std::string> anchors; // per alert: what group_by makes equal
  std::unordered_map<std::string, std::size_t> by_id;
};

Triage::Triage(const engine::Library& library, TriageOptions options)
    : m_state(std::make_unique<State>(State{library, std::move(options), {}, {}, {}}))
{
}

Triage::~Triage() = default;

void Triage::add(const Alert& a)
{
  auto& s = *m_state;
  ++m_counts.read;
  auto id = lower(a.id);
  if (id.empty()) {
    // An alert with no ID cannot be recognised again: it is its own.
    id = "#" + a.source.file + "#" + std::to_string(a.source.index);
  }
  if (const auto it = s.by_id.find(id); it != s.by_id.end()) {
    ++m_counts.duplicates;
    auto& kept = s.alerts[it->second];
    ++kept.copies;
    if (progress(a.status) > progress(kept.status)) {
      kept.status = a.status;
    }
    return;
  }
  const auto match = engine::match_alert(a, s.library);
  const auto& rule = match.playbook != nullptr && match.playbook->incident
                         ? *match.playbook->incident
                         : default_rule();
  QueuedAlert q;
  q.id = a.id;
  q.alert_type = a.alert_type;
  q.display_name = a.display_name;
  q.severity = a.severity;
  q.status = a.status;
  q.start_time = a.start_time;
  q.time = time::to_unix_seconds(a.start_time);
  q.simulated = a.simulated;
  q.family = a.family;
  q.playbook = match.playbook_id();
  q.resource_id = a.resource_id;
  q.subscription_id = lower(a.subscription_id);
  q.file = a.source.file;
  q.index = a.source.index;
  std::string anchor = q.playbook + k_sep + (a.simulated ? "s" : "r");
  bool anchored = true;
  for (const auto& key : rule.group_by) {
    const auto values = key_values(a, key);
    if (values.empty()) {
      anchored = false; // missing a value the incident's alerts must share: alone
    }
    anchor += k_sep;
    anchor += values.empty() ? "" : values.front();
  }
  if (!anchored) {
    anchor += k_sep + std::string("#") + id;
  }
  for (const auto& key : rule.link_by) {
    for (auto& v : key_values(a, key)) {
      q.keys.emplace_back(key, std::move(v));
    }
  }
  if (q.keys.empty()) {
    for (auto& v : key_values(a, "alertType")) {
      q.keys.emplace_back("alertType", std::move(v));
    }
  }
  s.by_id.emplace(std::move(id), s.alerts.size());
  s.alerts.push_back(std::move(q));
  s.anchors.push_back(std::move(anchor));
}

namespace {

bool passes(const QueuedAlert& a, const TriageOptions& o)
{
  if (o.since && (!a.time || *a.time < *o.since)) {
    return false;
  }
  if (!o.statuses.empty() &&
      std::find(o.statuses.begin(), o.statuses.end(), lower(a.status)) == o.statuses.end()) {
    return false;
  }
  if (!o.families.empty() &&
      std::find(o.families.begin(), o.families.end(), a.family) == o.families.end()) {
    return false;
  }
  return o.subscriptions.empty() || std::find(o.subscriptions.begin(), o.subscriptions.end(),
                                              a.subscription_id) != o.subscriptions.end();
}

// Earlier in time first; an alert without a readable time after every timed one.
bool earlier(const QueuedAlert& a, const QueuedAlert& b)
{
  if (a.time.has_value() != b.time.has_value()) {
    return a.time.has_value();
  }
  if (a.time && *a.time != *b.time) {
    return *a.time < *b.time;
  }
  return lower(a.id) < lower(b.id);
}

Incident make_incident(std::vector<QueuedAlert> alerts, const playbook::IncidentRule& rule)
{
  Incident inc;
  std::sort(alerts.begin(), alerts.end(), earlier);
  const auto& first = alerts.front();
  inc.id = "INC-" + sha256_hex(lower(first.id)).substr(0, 12);
  inc.family = first.family;
  inc.playbook = first.playbook;
  inc.subscription_id = first.subscription_id;
  inc.group_by = rule.group_by;
  inc.link_by = rule.link_by;
  inc.simulated = true;
  inc.severity = alert::Severity::unknown;
  int most_active = std::numeric_limits<int>::max();
  std::vector<Tie> counted;
  for (const auto& a : alerts) {
    inc.severity = std::min(inc.severity, a.severity);
    if (activity(a.status) < most_active) {
      most_active = activity(a.status);
      inc.status = a.status;
    }
    inc.simulated = inc.simulated && a.simulated;
    inc.duplicates += a.copies - 1;
    if (a.time) {
      if (inc.first_seen.empty()) {
        inc.first_seen = time::from_unix_seconds(*a.time);
      }
      inc.last_seen = time::from_unix_seconds(*a.time);
    }
    if (!a.resource_id.empty() && std::find(inc.resources.begin(), inc.resources.end(),
                                            a.resource_id) == inc.resources.end()) {
      inc.resources.push_back(a.resource_id);
    }
    for (const auto& entry : a.keys) {
      auto it = std::find_if(counted.begin(), counted.end(), [&](const Tie& t) {
        return t.key == entry.first && t.value == entry.second;
      });
      if (it == counted.end()) {
        counted.push_back({entry.first, entry.second, 1});
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
  inc.alerts = std::move(alerts);
  return inc;
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

std::vector<Incident> Triage::finish()
{
  auto& s = *m_state;
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < s.alerts.size(); ++i) {
    if (passes(s.alerts[i], s.options)) {
      order.push_back(i);
    } else {
      ++m_counts.filtered;
    }
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return earlier(s.alerts[a], s.alerts[b]); });
  UnionFind groups(s.alerts.size());
  struct Seen
  {
    std::size_t alert;
    std::optional<std::int64_t> time;
  };
  std::unordered_map<std::string, Seen> last;
  for (const auto i : order) {
    const auto& a = s.alerts[i];
    for (const auto& [key, value] : a.keys) {
      std::string k = s.anchors[i];
      k += k_sep;
      k += key;
      k += k_sep;
      k += value;
      const auto it = last.find(k);
      if (it != last.end()) {
        const auto& seen = it->second;
        // An alert without a time is linked by its keys alone.
        if (!a.time || !seen.time || *a.time - *seen.time <= s.options.window_s) {
          groups.unite(i, seen.alert);
        }
        it->second = {i, a.time};
      } else {
        last.emplace(std::move(k), Seen{i, a.time});
      }
    }
  }
  std::unordered_map<std::size_t, std::vector<QueuedAlert>> members;
  std::vector<std::size_t> roots;
  for (const auto i : order) {
    const auto root = groups.find(i);
    auto& list = members[root];
    if (list.empty()) {
      roots.push_back(root);
    }
    list.push_back(std::move(s.alerts[i]));
  }
  std::vector<Incident> incidents;
  incidents.reserve(roots.size());
  for (const auto root : roots) {
    const auto& playbook_id = members[root].front().playbook;
    const auto* playbook = s.library.find(playbook_id);
    const auto& rule =
        playbook != nullptr && playbook->incident ? *playbook->incident : default_rule();
    incidents.push_back(make_incident(std::move(members[root]), rule));
  }
  std::sort(incidents.begin(), incidents.end(), ranks_before);
  std::vector<Incident> out;
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    incidents[i].rank = i + 1;
    if (shard_of(incidents[i].subscription_id, s.options.shards) == s.options.shard) {
      out.push_back(std::move(incidents[i]));
    } else {
      ++m_counts.other_shards;
    }
  }
  return out;
}

std::size_t shard_of(std::string_view subscription_id, std::size_t shards)
{
  if (shards <= 1) {
    return 1;
  }
  const auto digest = sha256_hex(lower(subscription_id));
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
  constexpr std::int64_t k_max = 10LL * 366 * 86400; // ten years
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
