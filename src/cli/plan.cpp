// `dftriage plan FILE…`: the resolved walk and the exact REST requests, sending nothing.

#include "dftriage/engine/plan.hpp"

#include "answers.hpp"
#include "command.hpp"
#include "connection.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/messages.hpp"
#include "dftriage/exec/plan_file.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "incident_input.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "plan_text.hpp"
#include "walk_inputs.hpp"
#include "walk_text.hpp"

namespace dftriage::cli {

namespace {

struct PlanOptions : WalkInputs
{
  bool capture = false;
  bool full_bodies = false; // text: each change's whole body besides what it changes
  bool curl = false;        // text: each request as the curl command that sends it
};

ExitStatus run_plan(const PlanOptions& options)
{
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto library = load_library_or_throw(options.playbook_dirs);
  const auto given = collect_given(options.answers_file, options.sets);
  check_answer_ids(given, library, options.answers_file);
  const auto& answers = given.answers;
  // --capture: record each target's current state so that apply can see drift.
  const auto connection = options.capture ? connect_cloud(options.cloud) : nullptr;
  // Without --capture nothing is sent; the URLs are still those of the chosen cloud.
  const azure::Cloud cloud = connection ? connection->cloud : selected_cloud(options.cloud).cloud;
  Writer writer(stdout);
  JsonStream json(writer, format);
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  std::size_t refused = 0;
  std::size_t count = 0;
  // One alert's plan, or an incident's (--incident: its alerts walked as one).
  const auto emit = [&](const std::vector<const alert::Alert*>& alerts,
                        const std::string& incident_id, bool live) {
    const alert::Alert& alert = *alerts.front();
    const auto match = engine::match_alert(alert, library);
    const auto playbook = match.playbook ? *match.playbook : engine::generic_playbook(alert);
    const auto plan = engine::build_incident_plan(alerts, incident_id, match, playbook,
                                                  answers_for(answers, playbook),
                                                  connection ? connection->cloud : cloud);
    auto plan_json = plan.to_json(lang);
    std::map<std::string, azure::PreImage> read; // --capture: what the targets hold
    if (connection) {
      exec::capture_targets(plan_json, *connection->client, &read);
    }
    plan_json = exec::seal(std::move(plan_json));
    bool bad = plan.refused();
    for (const auto& s : plan.steps) {
      if (s.status == "refused" && engine::is_visited(s)) {
        // The exit status says a plan was refused; stderr says which step and why,
        // whatever the output format.
        std::fprintf(stderr, "dftriage: %s: %s %s %s%s\n", terminal::sanitize(alert.id).c_str(),
                     tr(lang, "step", "步骤").c_str(), s.step->id.c_str(),
                     tr(lang, "refused: ", "拒绝执行：").c_str(),
                     terminal::sanitize(exec::message_in(s.note, lang)).c_str());
      }
      bad = bad || s.status == "refused";
    }
    refused += bad ? 1 : 0;
    if (format == OutputFormat::text) {
      writer.write(count++ == 0 ? "" : "\n");
      PlanTextOptions text;
      text.colour = colour;
      text.lang = lang;
      text.reason = lang == playbook::Lang::zh_cn ? match.reason_zh : match.reason;
      text.full_bodies = options.full_bodies;
      text.curl = options.curl;
      text.cloud = &cloud;
      text.captured = connection ? &read : nullptr;
      writer.write(plan_text(plan_json, text));
    } else {
      json.add(plan_json);
    }
    if (live) {
      writer.flush();
    }
  };
  std::size_t errors = 0;
  if (!options.incident.empty()) {
    const auto incident =
        pick_incident(read_alerts_whole(options.files, options.format), options.incident,
                      options.window, library, text::join(options.files, ", "));
    emit(incident.pointers(), incident.id, true);
  } else {
    errors = for_each_alert(options.files, read_options_for(options.format),
                            [&](alert::Alert& alert, bool live) { emit({&alert}, "", live); });
  }
  json.finish();
  writer.flush();
  return errors + refused > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_plan(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<PlanOptions>();
  auto* sub = &command;
  add_walk_inputs(*sub, *options, "Alert files; - for standard input",
                  "Language of the guidance (default en)");
  sub->get_option("FILE")->required();
  sub->add_flag(
      "--capture", options->capture,
      "Read each change's target now (GETs only) and record its state, so apply can refuse drift");
  sub->add_flag("--full-bodies", options->full_bodies,
                "Text: show each change's whole body, not only what it changes");
  sub->add_flag("--curl", options->curl,
                "Text: show each request as the curl command that sends it (and where its token "
                "comes from)");
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->cloud = invocation.global.cloud;
      return run_plan(*options);
    };
  });
}

} // namespace dftriage::cli
