// The queue profile of the generator (see gen_queue.hpp).

#include "gen_queue.hpp"

#include "gen_random.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace dftriage::bench {

namespace {

constexpr std::int64_t k_queue_epoch = 1717200000; // 2024-06-01T00:00:00Z
constexpr std::int64_t k_episode_gap_s = 60;       // an episode begins about every minute
constexpr std::int64_t k_open_for_s = std::int64_t{24} * 3600; // triage's default --window
constexpr std::uint64_t k_queue_subscriptions = 12;            // "several subscriptions"
constexpr std::uint64_t k_vaults_per_subscription = 5;
constexpr std::uint64_t k_machines_per_subscription = 3;
constexpr std::uint64_t k_estate_stream = 0xe57a7e00ULL;  // Rng seed offsets: the estate,
constexpr std::uint64_t k_episode_stream = 0xe915d000ULL; // the episodes
constexpr std::uint64_t k_copy_stream = 0xc0b1e500ULL;    // and the copies
constexpr std::array<OutputShape, 3> k_copy_shapes = {OutputShape::arm, OutputShape::azcli,
                                                      OutputShape::export_};

// Returns the status one step further on, as a later export would show it.
std::string advanced(const std::string& status, Rng& rng)
{
  if (status == "Active") {
    return rng.chance(50) ? "InProgress" : "Resolved";
  }
  return status == "InProgress" ? "Resolved" : status;
}

// Returns a status as a busy queue has them: mostly still active.
std::string queue_status(Rng& rng)
{
  const std::uint64_t draw = rng.below(100);
  if (draw < 80) {
    return "Active";
  }
  if (draw < 90) {
    return "InProgress";
  }
  return draw < 95 ? "Resolved" : "Dismissed";
}

} // namespace

struct QueueGenerator::State
{
  // A vault or machine of the estate.
  struct Site
  {
    std::string subscription;
    std::string resource_group;
    std::string name;
  };

  // An alert waiting for its time to be written.
  struct Pending
  {
    std::int64_t due = 0;    // when it is written: its start, or later for a copy
    std::uint64_t seq = 0;   // ties broken in the order they were planned
    std::uint64_t index = 0; // make_alert's index
    AlertPins pins;
    OutputShape shape = OutputShape::arm;
    bool copy = false;
  };

  // Orders the pending alerts earliest first in a std::priority_queue.
  struct LaterFirst
  {
    bool operator()(const Pending& a, const Pending& b) const
    {
      return a.due != b.due ? a.due > b.due : a.seq > b.seq;
    }
  };

  std::uint64_t seed = 0;
  QueueSettings settings;
  std::vector<std::string> subscriptions;
  std::vector<Site> vaults;
  std::vector<Site> machines;
  std::array<std::vector<const AlertKind*>, 3> kinds; // by Family
  std::uint64_t next_episode = 0;
  std::uint64_t next_index = 0;
  std::uint64_t next_seq = 0;
  std::priority_queue<Pending, std::vector<Pending>, LaterFirst> pending;
  std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> open_until;

  // Plans `pins` to be written at `due` as a new alert.
  void plan(std::int64_t due, AlertPins pins)
  {
    const std::uint64_t index = next_index++;
    pending.push(
        Pending{due, next_seq++, index, std::move(pins), choose_shape(seed, index), false});
  }
};

QueueGenerator::QueueGenerator(std::uint64_t seed, QueueSettings settings)
    : m_state(std::make_unique<State>())
{
  auto& s = *m_state;
  s.seed = seed;
  s.settings = settings;
  static const std::vector<std::string> k_teams = {"payments", "crm",      "billing", "hr",
                                                   "identity", "platform", "data"};
  for (std::uint64_t i = 0; i < k_queue_subscriptions; ++i) {
    Rng rng(seed + k_estate_stream, i);
    const std::string subscription = rng.guid();
    s.subscriptions.push_back(subscription);
    for (std::uint64_t v = 0; v < k_vaults_per_subscription; ++v) {
      const std::string team = rng.pick(k_teams);
      s.vaults.push_back(
          {subscription, "rg-" + team + "-" + std::to_string(i), "kv-" + team + "-" + rng.hex(4)});
    }
    for (std::uint64_t m = 0; m < k_machines_per_subscription; ++m) {
      const std::string team = rng.pick(k_teams);
      s.machines.push_back({subscription, "rg-" + team + "-" + std::to_string(i),
                            "vm-" + team + "-" + rng.decimal(2)});
    }
  }
  for (const auto& kind : alert_kinds()) {
    s.kinds[static_cast<std::size_t>(kind.family)].push_back(&kind);
  }
}

QueueGenerator::~QueueGenerator() = default;

void QueueGenerator::begin_episode()
{
  auto& s = *m_state;
  const std::uint64_t episode = s.next_episode++;
  Rng rng(s.seed + k_episode_stream, episode);
  const std::int64_t start = k_queue_epoch + static_cast<std::int64_t>(episode) * k_episode_gap_s +
                             static_cast<std::int64_t>(rng.below(k_episode_gap_s));
  const std::uint64_t size = s.settings.incident_size;
  const std::uint64_t draw = rng.below(100);
  const Family family = draw < 50   ? Family::key_vault
                        : draw < 75 ? Family::dns
                                    : Family::resource_manager;
  AlertPins pins;
  pins.simulated = rng.chance(1);
  // The caller of the whole episode; a DNS alert has none, so there it changes nothing.
  pins.object_id = rng.guid();
  pins.attacker_ip = rng.public_ipv4();
  pins.user_principal = "";
  if (rng.chance(70)) {
    pins.user_principal = "u" + rng.hex(6);
    *pins.user_principal += "@contoso.com";
  }
  std::uint64_t count = 1;
  std::int64_t spacing_min = 0;
  std::int64_t spacing_max = 0;
  bool roaming = false; // the caller's address changes during the burst
  switch (family) {
  case Family::key_vault: {
    const auto& vault = rng.pick(s.vaults);
    pins.subscription = vault.subscription;
    pins.resource_group = vault.resource_group;
    pins.resource_name = vault.name;
    count = rng.between(1, 2 * size - 1);
    spacing_min = 20;
    spacing_max = 600;
    roaming = rng.chance(30);
    break;
  }
  case Family::dns: {
    const auto& machine = rng.pick(s.machines);
    pins.subscription = machine.subscription;
    pins.resource_group = machine.resource_group;
    pins.resource_name = machine.name;
    pins.domain_name = rng.hex(rng.between(6, 14));
    pins.domain_name += ".xyz";
    count = rng.between(2, 2 * size);
    spacing_min = 3600;
    spacing_max = 3900;
    break;
  }
  case Family::resource_manager:
    pins.subscription = rng.pick(s.subscriptions);
    count = rng.between(1, size);
    spacing_min = 60;
    spacing_max = 1800;
    break;
  }
  const auto& kinds = s.kinds[static_cast<std::size_t>(family)];
  std::int64_t at = start;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (i > 0) {
      at += static_cast<std::int64_t>(rng.between(static_cast<std::uint64_t>(spacing_min),
                                                  static_cast<std::uint64_t>(spacing_max)));
      if (roaming && rng.chance(40)) {
        pins.attacker_ip = rng.public_ipv4();
      }
    }
    AlertPins alert_pins = pins;
    alert_pins.kind = kinds[static_cast<std::size_t>(rng.below(kinds.size()))];
    alert_pins.start = at;
    alert_pins.duration = static_cast<std::int64_t>(rng.between(60, 900));
    alert_pins.status = queue_status(rng);
    s.plan(at, std::move(alert_pins));
  }
  while (!s.open_until.empty() && s.open_until.top() < start) {
    s.open_until.pop();
  }
  s.open_until.push(at + k_open_for_s);
  ++m_stats.episodes;
  m_stats.peak_open = std::max<std::uint64_t>(m_stats.peak_open, s.open_until.size());
}

QueueDocument QueueGenerator::next()
{
  auto& s = *m_state;
  // No episode begun later has an alert before its earliest start, so the first pending
  // alert due before that is the next in time.
  while (s.pending.empty() ||
         s.pending.top().due >=
             k_queue_epoch + static_cast<std::int64_t>(s.next_episode) * k_episode_gap_s) {
    begin_episode();
  }
  State::Pending due = s.pending.top();
  s.pending.pop();
  QueueDocument doc;
  doc.alert = make_alert(s.seed, due.index, due.pins);
  doc.shape = due.shape;
  doc.copy = due.copy;
  if (due.copy) {
    ++m_stats.copies;
    return doc;
  }
  ++m_stats.distinct;
  Rng rng(s.seed + k_copy_stream, due.index);
  if (rng.below(100) < s.settings.duplicates_percent) {
    State::Pending copy = due;
    copy.copy = true;
    copy.seq = s.next_seq++;
    copy.due = due.due + static_cast<std::int64_t>(rng.between(600, std::uint64_t{6} * 3600));
    do {
      copy.shape = k_copy_shapes[static_cast<std::size_t>(rng.below(k_copy_shapes.size()))];
    } while (copy.shape == due.shape);
    if (rng.chance(30)) {
      copy.pins.status = advanced(copy.pins.status, rng);
    }
    s.pending.push(std::move(copy));
  }
  return doc;
}

} // namespace dftriage::bench
