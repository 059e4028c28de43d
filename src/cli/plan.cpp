// `dftriage plan FILE…`: the resolved walk and the exact REST requests, sending nothing.

#include "dftriage/engine/plan.hpp"

#include "answers.hpp"
#include "command.hpp"
#include "connection.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/plan_file.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "plan_text.hpp"

namespace dftriage::cli {

namespace {

struct PlanOptions
{
  std::vector<std::string> files;
  std::string output;
  std::string format;
  std::vector<std::string> playbook_dirs;
  std::string answers_file;
  std::vector<std::string> sets;
  std::string lang = "en";
  bool capture = false;
};

ExitStatus run_plan(const PlanOptions& options)
{
  const auto format = choose_output_format(
      options.output, {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson});
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto library = load_library_or_throw(options.playbook_dirs);
  const auto given = collect_given(options.answers_file, options.sets);
  check_answer_ids(given, library, options.answers_file);
  const auto& answers = given.answers;
  // --capture: record each target's current state so that apply can see drift.
  const auto connection = options.capture ? connect_cloud() : nullptr;
  // Without --capture nothing is sent; the URLs are still those of the chosen cloud.
  const azure::Cloud cloud = connection ? connection->cloud : selected_cloud().cloud;
  Writer writer(stdout);
  JsonStream json(writer, format);
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t refused = 0;
  std::size_t count = 0;
  const std::size_t errors = for_each_alert(
      options.files, read_options_for(options.format), [&](alert::Alert& alert, bool live) {
        const auto match = engine::match_alert(alert, library);
        const auto playbook = match.playbook ? *match.playbook : engine::generic_playbook(alert);
        const auto plan = engine::build_plan(alert, match, playbook, answers_for(answers, playbook),
                                             connection ? connection->cloud : cloud);
        auto plan_json = plan.to_json(lang);
        if (connection) {
          exec::capture_targets(plan_json, *connection->client);
        }
        plan_json = exec::seal(std::move(plan_json));
        bool bad = plan.refused();
        for (const auto& s : plan.steps) {
          if (s.status == "refused" && engine::is_visited(s)) {
            // The exit status says a plan was refused; stderr says which step and why,
            // whatever the output format.
            std::fprintf(stderr, "dftriage: %s: step %s refused: %s\n",
                         terminal::sanitize(alert.id).c_str(), s.step->id.c_str(),
                         terminal::sanitize(s.note).c_str());
          }
          bad = bad || s.status == "refused";
        }
        refused += bad ? 1 : 0;
        if (format == OutputFormat::text) {
          writer.write(count++ == 0 ? "" : "\n");
          writer.write(plan_text(plan_json, colour));
        } else {
          json.add(plan_json);
        }
        if (live) {
          writer.flush();
        }
      });
  json.finish();
  writer.flush();
  return errors + refused > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_plan(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<PlanOptions>();
  auto* sub = app.add_subcommand(
      "plan", "Resolve each alert's playbook into steps and exact REST requests (sends nothing)");
  sub->add_option("FILE", options->files, "Alert files; - for standard input")->required();
  sub->add_option("-o,--output", options->output, "Output format: text, json, ndjson");
  sub->add_option("--format", options->format, "Force the alert shape (see show --help)");
  sub->add_option("--playbooks", options->playbook_dirs,
                  "Also load the playbooks of this directory");
  sub->add_option("--answers", options->answers_file,
                  "JSON file of answers: {\"question id\": value}");
  sub->add_option("--set", options->sets, "Answer one question: --set id=value (repeatable)");
  sub->add_option("--lang", options->lang, "Guidance language: en or zh-CN");
  sub->add_flag(
      "--capture", options->capture,
      "Read each change's target now (GETs only) and record its state, so apply can refuse drift");
  sub->callback(
      [options, &invocation] { invocation.action = [options] { return run_plan(*options); }; });
}

} // namespace dftriage::cli
