// `dftriage show FILE…`: parse alerts from any supported export and print them.

#include "command.hpp"
#include "dftriage/cli/alert_text.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/terminal.hpp"
#include "inputs.hpp"
#include "output_option.hpp"

#include <spdlog/spdlog.h>

namespace dftriage::cli {

namespace {

struct ShowOptions
{
  std::vector<std::string> files;
  OutputChoice output;
  std::string format;
};

const std::vector<std::string> k_alert_columns = {"TIME",       "SEVERITY", "FAMILY",
                                                  "ALERT TYPE", "RESOURCE", "ALERT ID"};

// One alert as a row of `show -o table|tsv`.
std::vector<std::string> row_of(const alert::Alert& a)
{
  const auto slash = a.resource_id.rfind('/');
  return {a.start_time,
          std::string(alert::to_string(a.severity)),
          std::string(alert::to_string(a.family)),
          a.alert_type,
          slash == std::string::npos ? a.resource_id : a.resource_id.substr(slash + 1),
          a.id};
}

ExitStatus run_show(const ShowOptions& options)
{
  const auto format = options.output.resolve();
  const auto read_options = read_options_for(options.format);
  Writer writer(stdout);
  ListOutput list(writer, format, k_alert_columns);
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t count = 0;
  std::string line;
  const std::size_t errors =
      for_each_alert(options.files, read_options, [&](alert::Alert& alert, bool live) {
        if (format == OutputFormat::text) {
          writer.write(count == 0 ? "" : "\n");
          writer.write(render_alert_text(alert, colour));
        } else if (list.rows()) {
          list.add_row(row_of(alert));
        } else if (format == OutputFormat::ndjson) {
          line.clear();
          alert::append_json(alert, line); // the hot path: no JSON tree per alert
          line += '\n';
          writer.write(line);
        } else {
          list.add(alert::to_json(alert));
        }
        ++count;
        if (live) {
          writer.flush();
        }
      });
  list.finish();
  writer.flush();
  spdlog::info("{} alert(s) shown, {} problem(s)", count, errors);
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_show(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<ShowOptions>();
  auto* sub = &command;
  sub->add_option("FILE", options->files, "Alert files (JSON, NDJSON); - for standard input")
      ->required()
      ->type_name("FILE");
  add_output_option(*sub, options->output,
                    {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson,
                     OutputFormat::table, OutputFormat::tsv});
  add_shape_option(*sub, options->format);
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_show(*options); }; });
}

} // namespace dftriage::cli
