// `dftriage show FILE…`: parse alerts from any supported export and print them.

#include "command.hpp"
#include "dftriage/cli/alert_text.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/terminal.hpp"
#include "inputs.hpp"

#include <spdlog/spdlog.h>

namespace dftriage::cli {

namespace {

struct ShowOptions
{
  std::vector<std::string> files;
  std::string output;
  std::string format;
};

ExitStatus run_show(const ShowOptions& options)
{
  const auto format = choose_output_format(
      options.output, {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson});
  const auto read_options = read_options_for(options.format);
  Writer writer(stdout);
  JsonStream json(writer, format);
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t count = 0;
  std::string line;
  const std::size_t errors =
      for_each_alert(options.files, read_options, [&](alert::Alert& alert, bool live) {
        if (format == OutputFormat::text) {
          writer.write(count == 0 ? "" : "\n");
          writer.write(render_alert_text(alert, colour));
        } else if (format == OutputFormat::ndjson) {
          line.clear();
          alert::append_json(alert, line); // the hot path: no JSON tree per alert
          line += '\n';
          writer.write(line);
        } else {
          json.add(alert::to_json(alert));
        }
        ++count;
        if (live) {
          writer.flush();
        }
      });
  json.finish();
  writer.flush();
  spdlog::info("{} alert(s) shown, {} problem(s)", count, errors);
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_show(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("show", "Parse alerts from any Defender export and print them");
  sub->add_option("FILE", options->files, "Alert files (JSON, NDJSON); - for standard input")
      ->required();
  sub->add_option("-o,--output", options->output,
                  "Output format: text, json, ndjson (default: text on a terminal, else json)");
  sub->add_option("--format", options->format,
                  "Read every document as this shape instead of detecting it: "
                  "arm, azcli, export, sentinel, graph, arg");
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_show(*options); }; });
}

} // namespace dftriage::cli
