// `dftriage match FILE…`: which playbook each alert gets, and why.

#include "dftriage/engine/match.hpp"

#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/terminal.hpp"
#include "inputs.hpp"
#include "library_options.hpp"

namespace dftriage::cli {

namespace {

struct MatchOptions
{
  std::vector<std::string> files;
  std::string output;
  std::string format;
  std::vector<std::string> playbook_dirs;
};

ExitStatus run_match(const MatchOptions& options)
{
  const auto format = choose_output_format(
      options.output, {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson});
  const auto library = load_library_or_throw(options.playbook_dirs);
  Writer writer(stdout);
  JsonStream json(writer, format);
  const std::size_t errors = for_each_alert(
      options.files, read_options_for(options.format), [&](alert::Alert& alert, bool live) {
        const auto match = engine::match_alert(alert, library);
        if (format == OutputFormat::text) {
          writer.write(terminal::sanitize(alert.source.file) + " #" +
                       std::to_string(alert.source.index) + "  " +
                       terminal::sanitize(alert.alert_type) + "  ->  " + match.playbook_id() +
                       "  (" + terminal::sanitize(match.reason) + ")\n");
        } else {
          json.add(engine::to_json(alert, match));
        }
        if (live) {
          writer.flush();
        }
      });
  json.finish();
  writer.flush();
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_match(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<MatchOptions>();
  auto* sub = app.add_subcommand("match", "Show which playbook each alert gets, and why");
  sub->add_option("FILE", options->files, "Alert files; - for standard input")->required();
  sub->add_option("-o,--output", options->output, "Output format: text, json, ndjson");
  sub->add_option("--format", options->format, "Force the alert shape (see show --help)");
  sub->add_option("--playbooks", options->playbook_dirs,
                  "Also load the playbooks of this directory");
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_match(*options); }; });
}

} // namespace dftriage::cli
