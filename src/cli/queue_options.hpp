#pragma once

// Internal to src/cli: the options that choose and group the queue's alerts, shared by
// `dftriage triage` and `dftriage collect` so both read them alike.

#include "dftriage/queue/triage.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace dftriage::cli {

// The queue's filters and grouping, as typed.
struct QueueFilters
{
  std::string window = "24h";
  std::string since;
  std::vector<std::string> statuses;
  std::vector<std::string> families;
  std::vector<std::string> subscriptions;
  std::string shard;
  std::string memory; // the rows' memory budget ("64M"); empty: the default
};

// Returns the triage options `filters` say. Throws UsageError naming the option and
// quoting the value.
queue::TriageOptions queue_options(const QueueFilters& filters);

// Adds --window, --since, --status, --family, --subscription, --shard and --memory,
// read into `filters`.
void add_queue_filter_options(CLI::App& command, QueueFilters& filters);

} // namespace dftriage::cli
