// `dftriage triage FILE…|-`: the alert queue — duplicates dropped, alerts grouped into
// incidents by their playbook's incident rule, incidents ranked.

#include "dftriage/queue/triage.hpp"

#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "output_option.hpp"
#include "triage_text.hpp"

#include <spdlog/spdlog.h>

namespace dftriage::cli {

namespace {

struct TriageCliOptions
{
  std::vector<std::string> files;
  OutputChoice output;
  std::string format;
  std::vector<std::string> playbook_dirs;
  std::string window = "24h";
  std::string since;
  std::vector<std::string> statuses;
  std::vector<std::string> families;
  std::vector<std::string> subscriptions;
  std::string shard;
  std::string lang;
};

const std::vector<std::string> k_triage_columns = {"RANK",   "INCIDENT", "SEVERITY",  "STATUS",
                                                   "FAMILY", "ALERTS",   "LAST SEEN", "RESOURCE"};

std::vector<std::string> split_list(const std::vector<std::string>& values)
{
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::size_t start = 0;
    while (start <= v.size()) {
      const auto comma = std::min(v.find(',', start), v.size());
      const auto item = text::trim(std::string_view(v).substr(start, comma - start));
      if (!item.empty()) {
        out.push_back(text::to_lower(item));
      }
      start = comma + 1;
    }
  }
  return out;
}

// "K/N" → {K, N} with 1 <= K <= N; throws UsageError.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text)
{
  const auto slash = text.find('/');
  const auto number = [](std::string_view digits) -> std::size_t {
    if (digits.empty() || digits.size() > 6 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return 0;
    }
    return static_cast<std::size_t>(std::stoul(std::string(digits)));
  };
  const std::size_t k = slash == std::string::npos ? 0 : number(text.substr(0, slash));
  const std::size_t n = slash == std::string::npos ? 0 : number(text.substr(slash + 1));
  if (k < 1 || n < 1 || k > n) {
    throw UsageError("--shard: expected K/N with 1 <= K <= N (this machine's share of N), got " +
                     text::quote(text));
  }
  return {k, n};
}

queue::TriageOptions triage_options(const TriageCliOptions& o)
{
  queue::TriageOptions out;
  const auto window = queue::parse_window(o.window);
  if (!window || *window <= 0) {
    throw UsageError("--window: expected a duration such as 24h, 90m, 7d or 3600s, got " +
                     text::quote(o.window));
  }
  out.window_s = *window;
  if (!o.since.empty()) {
    if (const auto ago = queue::parse_window(o.since)) {
      out.since = time::now_unix_seconds() - *ago;
    } else if (const auto at = time::to_unix_seconds(o.since)) {
      out.since = *at;
    } else {
      throw UsageError("--since: expected a time (2026-11-27T08:00:00Z) or a duration back "
                       "from now (24h, 7d), got " +
                       text::quote(o.since));
    }
  }
  static const std::vector<std::string> k_statuses = {"active", "inprogress", "resolved",
                                                      "dismissed"};
  for (auto s : split_list(o.statuses)) {
    s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
    if (std::find(k_statuses.begin(), k_statuses.end(), s) == k_statuses.end()) {
      throw UsageError("--status: unknown status " + text::quote(s) + "; expected " +
                       text::join(k_statuses));
    }
    out.statuses.push_back(s);
  }
  for (const auto& f : split_list(o.families)) {
    const std::vector<std::pair<std::string, alert::Family>> known = {
        {"keyvault", alert::Family::keyvault},
        {"dns", alert::Family::dns},
        {"resource-manager", alert::Family::resourcemanager},
        {"other", alert::Family::other}};
    const auto it =
        std::find_if(known.begin(), known.end(), [&](const auto& k) { return k.first == f; });
    if (it == known.end()) {
      throw UsageError("--family: unknown family " + text::quote(f) +
                       "; expected keyvault, dns, resource-manager or other");
    }
    out.families.push_back(it->second);
  }
  out.subscriptions = split_list(o.subscriptions);
  if (!o.shard.empty()) {
    const auto [k, n] = parse_shard(o.shard);
    out.shard = k;
    out.shards = n;
  }
  return out;
}

std::vector<std::string> row_of(const queue::Incident& inc)
{
  std::string resource = inc.resources.empty() ? "" : inc.resources.front();
  if (const auto slash = resource.rfind('/'); slash != std::string::npos) {
    resource = resource.substr(slash + 1);
  }
  if (inc.resources.size() > 1) {
    resource += " +" + std::to_string(inc.resources.size() - 1);
  }
  return {std::to_string(inc.rank),
          inc.id,
          std::string(alert::to_string(inc.severity)),
          inc.status,
          std::string(alert::to_string(inc.family)),
          std::to_string(inc.alerts.size()),
          inc.last_seen,
          resource};
}

ExitStatus run_triage(const TriageCliOptions& options)
{
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto triage_opts = triage_options(options);
  const auto library = load_library_or_throw(options.playbook_dirs);
  queue::Triage triage(library, triage_opts);
  const std::size_t errors =
      for_each_alert(options.files, read_options_for(options.format),
                     [&](alert::Alert& alert, bool /*live*/) { triage.add(alert); });
  Writer writer(stdout);
  ListOutput list(writer, format, k_triage_columns);
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t incidents = 0;
  std::string line;
  // One incident at a time, in rank order: a large queue is never all held as incidents.
  // JSON is written straight from the incident, the bytes its JSON tree would dump to.
  triage.finish([&](queue::Incident&& inc) {
    ++incidents;
    if (format == OutputFormat::text) {
      writer.write(incident_text(inc, triage_opts.window_s, lang, colour));
    } else if (list.rows()) {
      list.add_row(row_of(inc));
    } else if (format == OutputFormat::ndjson) {
      line.clear();
      queue::append_json(inc, triage_opts.window_s, line);
      line += '\n';
      writer.write(line);
    } else {
      line = incidents == 1 ? "[\n  " : ",\n  "; // as JsonStream frames its elements
      queue::append_json(inc, triage_opts.window_s, line, 2, 1);
      writer.write(line);
    }
  });
  if (format == OutputFormat::json) {
    writer.write(incidents == 0 ? "[]\n" : "\n]\n");
  } else {
    list.finish();
  }
  if (const auto& counts = triage.counts(); counts.spilled_bytes > 0) {
    spdlog::info("triage: the queue outgrew its memory budget of {} MB: {:.1f} MB written to {} "
                 "spill files",
                 triage_opts.memory_budget_bytes >> 20U,
                 static_cast<double>(counts.spilled_bytes) / 1e6, counts.spill_files);
  }
  const std::string summary = triage_summary(triage.counts(), incidents, lang);
  if (format == OutputFormat::text) {
    writer.write(summary + "\n");
  }
  writer.flush();
  spdlog::info("{}", summary);
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_triage(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<TriageCliOptions>();
  auto* sub = &command;
  sub->add_option("FILE", options->files,
                  "Alert files (any export shape, JSON or NDJSON); - "
                  "for standard input")
      ->required()
      ->type_name("FILE");
  add_output_option(*sub, options->output,
                    {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson,
                     OutputFormat::table, OutputFormat::tsv});
  add_shape_option(*sub, options->format);
  add_playbooks_option(*sub, options->playbook_dirs);
  sub->add_option("--window", options->window,
                  "Alerts of one incident are each within this of the one before (default 24h)")
      ->type_name("DURATION");
  sub->add_option("--since", options->since,
                  "Only alerts that started at or after this time, or this long ago (7d)")
      ->type_name("TIME|DURATION");
  sub->add_option("--status", options->statuses,
                  "Only alerts of these statuses (active, inprogress, resolved, dismissed; "
                  "comma-separated or repeated)")
      ->type_name("STATUS");
  sub->add_option("--family", options->families,
                  "Only alerts of these families (keyvault, dns, resource-manager, other)")
      ->type_name("FAMILY");
  sub->add_option("--subscription", options->subscriptions, "Only alerts of these subscription IDs")
      ->type_name("ID");
  sub->add_option("--shard", options->shard,
                  "This machine's share of the incidents: shard K of N, split by subscription")
      ->type_name("K/N");
  sub->add_option("--lang", options->lang, "Language of the text (default en)")
      ->type_name("en|zh-CN");
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_triage(*options); }; });
}

} // namespace dftriage::cli
