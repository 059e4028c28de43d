// `dftriage match FILE…`: which playbook each alert gets, and why.

#include "dftriage/engine/match.hpp"

#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/terminal.hpp"
#include "inputs.hpp"
#include "library_options.hpp"
#include "output_option.hpp"

namespace dftriage::cli {

namespace {

struct MatchOptions
{
  std::vector<std::string> files;
  OutputChoice output;
  std::string format;
  std::vector<std::string> playbook_dirs;
};

const std::vector<std::string> k_match_columns = {"FILE", "#", "ALERT TYPE", "PLAYBOOK", "REASON"};

ExitStatus run_match(const MatchOptions& options)
{
  const auto format = options.output.resolve();
  const auto library = load_library_or_throw(options.playbook_dirs);
  Writer writer(stdout);
  ListOutput list(writer, format, k_match_columns);
  const std::size_t errors = for_each_alert(
      options.files, read_options_for(options.format), [&](alert::Alert& alert, bool live) {
        const auto match = engine::match_alert(alert, library);
        if (format == OutputFormat::text) {
          writer.write(terminal::sanitize(alert.source.file) + " #" +
                       std::to_string(alert.source.index) + "  " +
                       terminal::sanitize(alert.alert_type) + "  ->  " + match.playbook_id() +
                       "  (" + terminal::sanitize(match.reason) + ")\n");
        } else if (list.rows()) {
          list.add_row({alert.source.file, std::to_string(alert.source.index), alert.alert_type,
                        match.playbook_id(), match.reason});
        } else {
          list.add(engine::to_json(alert, match));
        }
        if (live) {
          writer.flush();
        }
      });
  list.finish();
  writer.flush();
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_match(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<MatchOptions>();
  auto* sub = &command;
  sub->add_option("FILE", options->files, "Alert files; - for standard input")
      ->required()
      ->type_name("FILE");
  add_output_option(*sub, options->output,
                    {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson,
                     OutputFormat::table, OutputFormat::tsv});
  add_shape_option(*sub, options->format);
  add_playbooks_option(*sub, options->playbook_dirs);
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_match(*options); }; });
}

} // namespace dftriage::cli
