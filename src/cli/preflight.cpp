// `dftriage preflight FILE…`: what the signed-in principal may do of what each alert's plan
// asks for, before anything is changed.

#include "dftriage/exec/preflight.hpp"

#include "answers.hpp"
#include "command.hpp"
#include "connection.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "output_option.hpp"
#include "preflight_text.hpp"
#include "walk_inputs.hpp"

namespace dftriage::cli {

namespace {

struct PreflightOptions : WalkInputs
{
  bool all = false; // text: granted checks too
  bool lab = false;
  LabAccess lab_access;
};

ExitStatus run_preflight(const PreflightOptions& options)
{
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto library = load_library_or_throw(options.playbook_dirs);
  const auto given = collect_given(options.answers_file, options.sets);
  check_answer_ids(given, library, options.answers_file);
  if (options.lab && (options.files.empty() || std::find(options.files.begin(), options.files.end(),
                                                         "-") != options.files.end())) {
    throw UsageError("preflight --lab seeds the lab from the alert files: give them as files, "
                     "not standard input");
  }
  const auto connection = options.lab ? connect_lab(options.files, 1, options.lab_access)
                                      : connect_cloud(options.cloud);
  exec::Preflight preflight(*connection->client, *connection->credential, connection->cloud);
  Writer writer(stdout);
  ListOutput list(writer, format, preflight_columns());
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t missing = 0;
  std::size_t count = 0;
  const std::size_t errors = for_each_alert(
      options.files, read_options_for(options.format), [&](alert::Alert& alert, bool live) {
        const auto match = engine::match_alert(alert, library);
        const auto playbook = match.playbook ? *match.playbook : engine::generic_playbook(alert);
        const auto plan = engine::build_plan(
            alert, match, playbook, answers_for(given.answers, playbook), connection->cloud);
        const auto result = preflight.check(plan);
        missing += result.any_missing() ? 1 : 0;
        if (format == OutputFormat::text) {
          writer.write((count++ == 0 ? "" : "\n") +
                       preflight_text(result, lang, colour, options.all));
        } else if (list.rows()) {
          for (auto& row : preflight_rows(result)) {
            list.add_row(std::move(row));
          }
        } else {
          list.add(result.to_json());
        }
        if (live) {
          writer.flush();
        }
      });
  list.finish();
  writer.flush();
  if (errors > 0) {
    return ExitStatus::input_rejected;
  }
  return missing > 0 ? ExitStatus::not_permitted : ExitStatus::success;
}

} // namespace

void add_lab_access_options(CLI::App& command, LabAccess& access)
{
  command
      .add_option("--lab-role", access.roles,
                  "With --lab: the lab's principal holds only this built-in role at the "
                  "subscription (repeatable), as lab serve --role")
      ->type_name("ROLE");
  command
      .add_option("--lab-deny", access.deny,
                  "With --lab: take this operation from the lab's principal (an RBAC action, "
                  "secrets/list, or a Graph permission; repeatable), as lab serve --deny")
      ->type_name("OPERATION");
}

void add_preflight(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<PreflightOptions>();
  auto* sub = &command;
  sub->add_option("FILE", options->files, "Alert files; - for standard input")
      ->type_name("FILE")
      ->required();
  add_output_option(*sub, options->output,
                    {OutputFormat::text, OutputFormat::table, OutputFormat::tsv, OutputFormat::json,
                     OutputFormat::ndjson});
  add_shape_option(*sub, options->format);
  add_playbooks_option(*sub, options->playbook_dirs);
  sub->add_option("--answers", options->answers_file,
                  "JSON file of answers: {\"question id\": value} (decides which branches are "
                  "checked as certain)")
      ->type_name("FILE");
  sub->add_option("--set", options->sets, "Answer one question (repeatable)")
      ->type_name("ID=VALUE");
  sub->add_option("--lang", options->lang, "Language of the text (default en)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
  sub->add_flag("--all", options->all, "Text: list the granted permissions too");
  sub->add_flag("--lab", options->lab,
                "Check against a simulated tenant seeded from the alerts on 127.0.0.1");
  add_lab_access_options(*sub, options->lab_access);
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->cloud = invocation.global.cloud;
      return run_preflight(*options);
    };
  });
}

} // namespace dftriage::cli
