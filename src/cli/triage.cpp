// `dftriage triage FILE…|-`: the alert queue — duplicates dropped, alerts grouped into
// incidents by their playbook's incident rule, incidents ranked.

#include "dftriage/queue/triage.hpp"

#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/error.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "output_option.hpp"
#include "queue_options.hpp"
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
  QueueFilters filters;
  std::string lang;
};

ExitStatus run_triage(const TriageCliOptions& options)
{
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto triage_opts = queue_options(options.filters);
  const auto library = load_library_or_throw(options.playbook_dirs);
  queue::Triage triage(library, triage_opts);
  const std::size_t errors =
      for_each_alert(options.files, read_options_for(options.format),
                     [&](alert::Alert& alert, bool /*live*/) { triage.add(alert); });
  Writer writer(stdout);
  ListOutput list(writer, format, triage_columns(lang));
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
      list.add_row(triage_row(inc, format == OutputFormat::tsv, lang));
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
    spdlog::info("{}", spill_text(triage_opts.memory_budget_bytes, counts, lang));
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
  add_queue_filter_options(*sub, options->filters);
  sub->add_option("--lang", options->lang,
                  "Language of the text and the table's header (default en)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_triage(*options); }; });
}

} // namespace dftriage::cli
