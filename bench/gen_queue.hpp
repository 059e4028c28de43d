// The queue profile of the generator: alerts as a tenant's queue holds them, for the
// triage benchmark. A fixed estate (several subscriptions, a few key vaults and machines
// in each) is attacked in episodes: bursts of Key Vault alerts on one vault from one
// caller minutes apart, hourly DNS alerts from one machine about one domain, Resource
// Manager alerts from one caller in a subscription. Some alerts are written again later
// in another shape (REST, az CLI or continuous export), as overlapping exports repeat
// them. Documents come out in order of time, each episode's alerts interleaved with the
// others', and the same seed and settings always give the same documents.

#pragma once

#include "gen_model.hpp"
#include "gen_shapes.hpp"

#include <cstdint>
#include <memory>

namespace dftriage::bench {

// How the queue is drawn.
struct QueueSettings
{
  unsigned duplicates_percent = 10; // of the distinct alerts, written a second time
  unsigned incident_size = 4;       // mean alerts of a Key Vault burst (DNS: hours, + 1)
};

// One document of the queue: an alert and the shape it is written in.
struct QueueDocument
{
  SyntheticAlert alert;
  OutputShape shape = OutputShape::arm;
  bool copy = false; // an alert written before, now in another shape
};

// What the queue came to so far.
struct QueueStats
{
  std::uint64_t distinct = 0;  // alerts written for the first time
  std::uint64_t copies = 0;    // alerts written again
  std::uint64_t episodes = 0;  // episodes begun (each is meant as one incident)
  std::uint64_t peak_open = 0; // most episodes open at once: begun, and not 24 h past their last
};

class QueueGenerator
{
public:
  // Starts the queue of `seed`; `settings.incident_size` must be at least 1.
  QueueGenerator(std::uint64_t seed, QueueSettings settings);
  ~QueueGenerator();
  QueueGenerator(const QueueGenerator&) = delete;
  QueueGenerator& operator=(const QueueGenerator&) = delete;

  // Returns the next document, in order of time (a copy by when it is written again).
  QueueDocument next();

  // Returns the counts of the documents returned so far; `episodes` and `peak_open`
  // count every episode begun, including the last few whose alerts are still pending.
  const QueueStats& stats() const { return m_stats; }

private:
  struct State;
  std::unique_ptr<State> m_state;
  QueueStats m_stats;

  void begin_episode();
};

} // namespace dftriage::bench
