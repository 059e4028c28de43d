#include "queue_options.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>
#include <optional>

namespace dftriage::cli {

namespace {

// The words of repeated or comma-separated values, lower case.
std::vector<std::string> listed_words(const std::vector<std::string>& values)
{
  std::vector<std::string> out;
  for (const auto& value : values) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = std::min(rest.find(','), rest.size());
      const auto word = text::trim(rest.substr(0, comma));
      if (!word.empty()) {
        out.push_back(text::to_lower(word));
      }
      rest = rest.substr(std::min(comma + 1, rest.size()));
    }
  }
  return out;
}

// A count of up to six digits; 0 when `digits` is not one.
std::size_t small_number(std::string_view digits)
{
  if (digits.empty() || digits.size() > 6 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return 0;
  }
  return static_cast<std::size_t>(std::stoul(std::string(digits)));
}

// "64M", "1G", "512k" or "1048576" (bytes) → bytes; nullopt when it is none of these.
std::optional<std::size_t> parse_size(std::string_view text)
{
  unsigned shift = 0;
  if (!text.empty()) {
    switch (text.back()) {
    case 'k':
    case 'K':
      shift = 10;
      break;
    case 'm':
    case 'M':
      shift = 20;
      break;
    case 'g':
    case 'G':
      shift = 30;
      break;
    default:
      break;
    }
  }
  const auto digits = shift == 0 ? text : text.substr(0, text.size() - 1);
  if (digits.empty() || digits.size() > 12 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto value = static_cast<std::size_t>(std::stoull(std::string(digits)));
  if (shift > 0 && value > (std::size_t{1} << (63U - shift))) {
    return std::nullopt;
  }
  return value << shift;
}

void read_statuses(const QueueFilters& filters, queue::TriageOptions& out)
{
  static const std::vector<std::string> k_statuses = {"active", "inprogress", "resolved",
                                                      "dismissed"};
  for (auto status : listed_words(filters.statuses)) {
    status.erase(std::remove(status.begin(), status.end(), '-'), status.end());
    if (std::find(k_statuses.begin(), k_statuses.end(), status) == k_statuses.end()) {
      throw UsageError("--status: unknown status " + text::quote(status) + "; expected " +
                       text::join(k_statuses));
    }
    out.statuses.push_back(status);
  }
}

void read_families(const QueueFilters& filters, queue::TriageOptions& out)
{
  for (const auto& word : listed_words(filters.families)) {
    bool known = false;
    for (const auto family : {alert::Family::keyvault, alert::Family::dns,
                              alert::Family::resourcemanager, alert::Family::other}) {
      if (alert::to_string(family) == word) {
        out.families.push_back(family);
        known = true;
      }
    }
    if (!known) {
      throw UsageError("--family: unknown family " + text::quote(word) +
                       "; expected keyvault, dns, resource-manager or other");
    }
  }
}

} // namespace

queue::TriageOptions queue_options(const QueueFilters& filters)
{
  queue::TriageOptions out;
  const auto window = queue::parse_window(filters.window);
  if (!window || *window <= 0) {
    throw UsageError("--window: expected a duration such as 24h, 90m, 7d or 3600s, got " +
                     text::quote(filters.window));
  }
  out.window_s = *window;
  if (!filters.since.empty()) {
    if (const auto ago = queue::parse_window(filters.since)) {
      out.since = time::now_unix_seconds() - *ago;
    } else if (const auto at = time::to_unix_seconds(filters.since)) {
      out.since = *at;
    } else {
      throw UsageError("--since: expected a time (2026-11-27T08:00:00Z) or a duration back "
                       "from now (24h, 7d), got " +
                       text::quote(filters.since));
    }
  }
  read_statuses(filters, out);
  read_families(filters, out);
  for (auto id : listed_words(filters.subscriptions)) {
    // As a subscription's ID or its ARM ID (/subscriptions/<id>), the way az prints both.
    if (id.rfind("/subscriptions/", 0) == 0) {
      id = id.substr(15);
    }
    while (!id.empty() && id.back() == '/') {
      id.pop_back();
    }
    if (!text::is_guid(id)) {
      throw UsageError("--subscription: expected a subscription ID such as "
                       "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13, got " +
                       text::quote(id));
    }
    out.subscriptions.push_back(id);
  }
  if (!filters.shard.empty()) {
    const auto slash = filters.shard.find('/');
    const auto k = slash == std::string::npos ? 0 : small_number(filters.shard.substr(0, slash));
    const auto n = slash == std::string::npos ? 0 : small_number(filters.shard.substr(slash + 1));
    if (k < 1 || n < 1 || k > n) {
      throw UsageError("--shard: expected K/N with 1 <= K <= N (this machine's share of N), got " +
                       text::quote(filters.shard));
    }
    out.shard = k;
    out.shards = n;
  }
  if (!filters.memory.empty()) {
    const auto bytes = parse_size(filters.memory);
    if (!bytes || *bytes < 1024) {
      throw UsageError("--memory: expected a size from 1k up, in bytes or with k, M or G "
                       "(64M, 1G), got " +
                       text::quote(filters.memory));
    }
    out.memory_budget_bytes = *bytes;
  }
  return out;
}

void add_queue_filter_options(CLI::App& command, QueueFilters& filters)
{
  command
      .add_option("--window", filters.window,
                  "Alerts of one incident are each within this of the one before (default 24h)")
      ->type_name("DURATION");
  command
      .add_option(
          "--since", filters.since,
          "Only incidents with an alert that started at or after this time, or this long ago (7d)")
      ->type_name("TIME|DURATION");
  command
      .add_option("--status", filters.statuses,
                  "Only incidents with an alert of these statuses (active, inprogress, resolved, "
                  "dismissed; comma-separated or repeated)")
      ->type_name("STATUS");
  command
      .add_option("--family", filters.families,
                  "Only incidents of these families (keyvault, dns, resource-manager, other)")
      ->type_name("FAMILY");
  command
      .add_option("--subscription", filters.subscriptions,
                  "Only incidents with an alert in these subscriptions (IDs)")
      ->type_name("ID");
  command
      .add_option("--shard", filters.shard,
                  "This machine's share of the incidents: shard K of N, split by subscription")
      ->type_name("K/N");
  command
      .add_option("--memory", filters.memory,
                  "Memory for the queue's rows (bytes, or with k, M or G); past it they are sorted "
                  "through temporary files in $TMPDIR (default 32M)")
      ->type_name("SIZE");
}

} // namespace dftriage::cli
