// `dftriage collect FILE…|-`: the read-only steps of every incident of the queue (of this
// shard), several incidents at once, within a read budget per subscription, each into a
// case that `run --case DIR` continues. Rerun with the same arguments, it goes on where a
// Ctrl-C or a crash left it, without reading again what its cases hold.

#include "collect.hpp"

#include "case_connection.hpp"
#include "collect_case.hpp"
#include "collect_pace.hpp"
#include "collect_progress.hpp"
#include "collect_queue.hpp"
#include "collect_text.hpp"
#include "connection.hpp"
#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "output_option.hpp"

#include <algorithm>
#include <atomic>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t k_most_jobs = 64;

struct CollectOptions
{
  std::vector<std::string> files;
  OutputChoice output;
  std::string format;
  std::vector<std::string> playbook_dirs;
  QueueFilters filters;
  std::string lang;
  std::string cases = journal::k_case_root;
  std::string jobs = "4";
  std::string read_budget = k_default_read_budget;
  bool lab = false;
  LabAccess lab_access;
  std::string cloud; // the global --cloud
  bool quiet = false;
};

std::size_t jobs_of(const std::string& text)
{
  const bool digits = !text.empty() && text.size() <= 3 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  const std::size_t n = digits ? std::stoul(text) : 0;
  if (n < 1 || n > k_most_jobs) {
    throw UsageError("--jobs: expected a number of incidents at once from 1 to " +
                     std::to_string(k_most_jobs) + ", got " + text::quote(text));
  }
  return n;
}

// Workers log from several threads at once: the logger gets a sink with a lock (the same
// pattern and level as the one the CLI set up).
void log_from_threads()
{
  const auto level = spdlog::default_logger()->level();
  auto logger = std::make_shared<spdlog::logger>("dftriage",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("dftriage: %l: %v");
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

// One worker's own connection to the cloud: a transport (its connections kept) and a client.
struct CollectWorker
{
  std::unique_ptr<azure::HttpTransport> transport;
  std::unique_ptr<azure::Client> client;
};

Json record_of(const CaseCollected& c)
{
  return {{"incident", c.incident}, {"case", c.dir.empty() ? Json() : Json(c.dir)},
          {"alerts", c.alerts},     {"reads", c.reads},
          {"failed", c.failed},     {"status", c.status}};
}

// The exit status of the whole collection: the most pressing of its incidents'.
ExitStatus worst(ExitStatus a, ExitStatus b)
{
  static const std::vector<ExitStatus> k_order = {
      ExitStatus::interrupted, ExitStatus::azure_failure, ExitStatus::case_problem,
      ExitStatus::usage,       ExitStatus::case_busy,     ExitStatus::input_rejected,
      ExitStatus::failure,     ExitStatus::success};
  const auto rank = [](ExitStatus s) {
    const auto it = std::find(k_order.begin(), k_order.end(), s);
    return it == k_order.end() ? std::size_t{6} : static_cast<std::size_t>(it - k_order.begin());
  };
  return rank(a) <= rank(b) ? a : b;
}

ExitStatus run_collect(const CollectOptions& options)
{
  // Every option is checked before anything is read or sent.
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto triage_options = queue_options(options.filters);
  const std::size_t jobs = jobs_of(options.jobs);
  const auto budget = parse_read_budget_option(options.read_budget);
  log_from_threads();
  const auto library = load_library_or_throw(options.playbook_dirs);
  const SpooledInputs inputs(options.files);
  auto queue = read_collect_queue(inputs.paths(), options.format, library, triage_options);
  for (const auto& [incident, file] : queue.left_out) {
    std::fprintf(stderr, "%s\n", collect_left_out_text(incident, file, lang).c_str());
  }
  ExitStatus status = queue.problems > 0 || !queue.left_out.empty() ? ExitStatus::input_rejected
                                                                    : ExitStatus::success;
  std::vector<CaseCollected> done;
  const std::size_t total = queue.incidents.size();
  Writer writer(stdout);
  JsonStream json(writer, format);
  if (total == 0) {
    json.finish();
    writer.flush();
    if (!options.quiet) {
      std::fprintf(stderr, "dftriage: %s\n", collect_summary_text(done, 0, {}, {}, lang).c_str());
    }
    return status;
  }

  const auto owned = options.lab ? connect_lab(inputs.paths(), 1, options.lab_access)
                                 : connect_cloud(options.cloud);
  Connection& connection = *owned;
  CollectContext context;
  context.library = &library;
  context.cloud = &connection.cloud;
  context.connection = connection_record(connection);
  context.mode = connection.mode;
  context.principal = connection.principal();
  context.cases_root = options.cases;
  context.lang = lang;
  set_progress_chinese(lang == playbook::Lang::zh_cn); // the waits (-v) speak --lang too

  // One pacer for every worker: the budget is the subscription's, whoever reads.
  auto pacer = std::make_shared<azure::ReadPacer>(pacer_options_for(budget));
  const auto gate = needs_gate(budget) ? std::make_unique<BudgetGate>(budget) : nullptr;
  ThrottleCounters counters;
  SharedCredential credential(*connection.credential);
  azure::ClientOptions client_options;
  client_options.pacer = pacer;
  client_options.wait_observer = [](const azure::Wait& wait) {
    if (!wait.ended) {
      spdlog::info("{}", describe_wait(wait, wait.duration));
    }
  };
  std::vector<CollectWorker> workers(std::min(jobs, total));
  for (auto& w : workers) {
    azure::TransportOptions transport_options;
    transport_options.ca_bundle = connection.cloud.ca_bundle;
    w.transport = std::make_unique<ThrottleAbsorber>(azure::make_curl_transport(transport_options),
                                                     *pacer, gate.get(), counters);
    w.client = std::make_unique<azure::Client>(connection.cloud, &credential, *w.transport,
                                               client_options);
  }
  const auto figures = [&] {
    const auto seen = pacer->snapshot().total;
    return CollectFigures{seen.sent, seen.throttled,
                          seen.waits + (gate ? gate->waits() : 0) + counters.waits.load()};
  };
  CollectProgress progress(total, figures, stderr_progress_options(), lang);
  std::mutex done_lock;
  std::atomic<std::size_t> next{0};
  const auto work = [&](CollectWorker& worker) {
    for (;;) {
      if (signals::interrupted()) {
        return; // Ctrl-C: no incident is started any more
      }
      const std::size_t i = next++;
      if (i >= total) {
        return;
      }
      auto result = collect_case(queue.incidents[i], context, *worker.client);
      spdlog::info("{}", collect_ended_text(result, lang));
      if (result.status != "collected" && result.status != "skipped" &&
          result.status != "interrupted") {
        progress.say(stderr, collect_problem_text(result, lang) + "\n");
      }
      const std::lock_guard<std::mutex> hold(done_lock);
      std::string out;
      if (format == OutputFormat::text) {
        out = collect_line_text(result, lang);
      } else if (format == OutputFormat::ndjson) {
        out = record_of(result).dump() + "\n";
      }
      progress.incident_done(stdout, out);
      done.push_back(std::move(result));
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& w : workers) {
    threads.emplace_back(work, std::ref(w));
  }
  for (auto& t : threads) {
    t.join();
  }
  progress.finish();

  std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });
  for (const auto& c : done) {
    status = worst(status, c.exit);
    if (format == OutputFormat::json) {
      json.add(record_of(c));
    }
  }
  json.finish();
  writer.flush();
  if (signals::interrupted()) {
    status = ExitStatus::interrupted;
  }
  if (!options.quiet) {
    std::fprintf(stderr, "dftriage: %s\n",
                 collect_summary_text(done, total, figures(), progress.elapsed(), lang).c_str());
    if (status == ExitStatus::interrupted) {
      std::fprintf(stderr, "%s\n", collect_interrupted_text(lang).c_str());
    }
  }
  return status;
}

} // namespace

void add_collect(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<CollectOptions>();
  auto* sub = &command;
  sub->add_option("FILE", options->files,
                  "Alert files (any export shape, JSON or NDJSON); - for standard input")
      ->required()
      ->type_name("FILE");
  add_output_option(*sub, options->output,
                    {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson});
  add_shape_option(*sub, options->format);
  add_playbooks_option(*sub, options->playbook_dirs);
  sub->add_option("--cases", options->cases,
                  "Folder of the cases, one per incident named after it (default cases)")
      ->type_name("DIR");
  sub->add_option("--jobs", options->jobs, "Incidents collected at once (default 4)")
      ->type_name("N");
  sub->add_option("--read-budget", options->read_budget,
                  std::string("Reads per subscription at most (N/h, N/m or N/s; default ") +
                      k_default_read_budget + ", ARM's 12000/h less a tenth)")
      ->type_name("N/h|N/m|N/s");
  sub->add_flag("--lab", options->lab,
                "Start a simulated tenant seeded from the alerts on 127.0.0.1 and read from it");
  add_lab_access_options(*sub, options->lab_access);
  add_queue_filter_options(*sub, options->filters);
  sub->add_option("--lang", options->lang,
                  "Language of the cases and of what collect says on stderr (default en)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->cloud = invocation.global.cloud;
      options->quiet = invocation.global.quiet;
      return run_collect(*options);
    };
  });
}

} // namespace dftriage::cli
