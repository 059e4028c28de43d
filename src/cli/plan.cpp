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

std::string plan_text(const nlohmann::ordered_json& plan, bool colour)
{
  using terminal::Colour;
  using terminal::paint;
  using terminal::sanitize;
  auto str = [](const nlohmann::ordered_json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  std::string out = paint(sanitize(str(plan["alertType"])), Colour::bold, colour) +
                    "  ->  playbook " + str(plan["playbook"]) + "  (" +
                    sanitize(str(plan["reason"])) + ")\n";
  for (const auto& m : plan["missing"]) {
    out += paint("  refused: " + sanitize(str(m)), Colour::red, colour) + "\n";
  }
  for (const auto& a : plan["answers"]) {
    out += "  ? " + sanitize(str(a["question"])) + " = " + sanitize(a["value"].dump()) + " (" +
           str(a["source"]) + ")\n";
  }
  for (const auto& phase : plan["phases"]) {
    for (const auto& step : phase["steps"]) {
      const std::string status = str(step["status"]);
      const Colour c = status == "planned"        ? Colour::green
                       : status == "refused"      ? Colour::red
                       : status == "needs-answer" ? Colour::yellow
                                                  : Colour::dim;
      out += "\n" +
             paint("[" + str(phase["phase"]) + " " + str(step["position"]) + "] ", Colour::cyan,
                   colour) +
             sanitize(str(step["title"])) + "  " + paint(status, c, colour) + "\n";
      if (!step["note"].is_null()) {
        out += "    " + sanitize(str(step["note"])) + "\n";
      }
      if (status != "planned") {
        continue;
      }
      out += "    " + sanitize(str(step["guidance"])) + "\n";
      if (step["action"].is_null()) {
        continue;
      }
      const auto& action = step["action"];
      if (action.contains("caution")) {
        out += "    " + paint(sanitize(str(action["caution"])), Colour::yellow, colour) + "\n";
      }
      for (const auto* list : {&action["preImage"], &action["requests"]}) {
        for (const auto& r : *list) {
          out += "    " +
                 paint(str(r["method"]) + " " + sanitize(str(r["url"])), Colour::bold, colour);
          out += "  [" + str(r["purpose"]) +
                 (r["mutating"].get<bool>() ? ", mutating, " + str(r["reversibility"]) : "") +
                 ", needs " + str(r["permission"]) + "]\n";
          if (!r["body"].is_null()) {
            out += "      " + sanitize(r["body"].dump()) + "\n";
          }
        }
      }
    }
  }
  return out;
}

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
