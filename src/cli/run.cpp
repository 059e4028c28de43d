// `dftriage run FILE --dry-run`: the guided walk through each alert's playbook.

#include "answers.hpp"
#include "case_dir.hpp"
#include "command.hpp"
#include "connection.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "incident_input.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "prompt.hpp"
#include "run_options.hpp"
#include "run_outcome.hpp"
#include "walk_session.hpp"

#include <algorithm>
#include <memory>
#include <unistd.h>

namespace dftriage::cli {

namespace {

// One alert with the playbook it walks (the generic one is built per alert).
struct Case
{
  std::unique_ptr<alert::Alert> alert;
  engine::MatchResult match;
  std::unique_ptr<playbook::Playbook> playbook;
  engine::Answers answers;
  // --incident: the incident's alerts (alert is a copy of the first) and its ID.
  std::vector<const alert::Alert*> incident;
  std::string incident_id;

  engine::Plan plan(const azure::Cloud& cloud) const
  {
    return engine::build_incident_plan(
        incident.empty() ? std::vector<const alert::Alert*>{alert.get()} : incident, incident_id,
        match, *playbook, answers, cloud);
  }
};

std::string unattended_text(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                            playbook::Lang lang, bool colour, bool dry_run)
{
  std::string out;
  for (const auto& o : outcomes) {
    out += "\n" + step_heading(plan, o.step_index, lang, colour);
    out += step_details(plan.steps[o.step_index], lang, colour, dry_run);
    if (o.outcome == "awaiting-confirmation") {
      out += terminal::paint(tr(lang,
                                "  Awaiting confirmation: not carried out (use --yes to confirm).",
                                "  待确认：未执行（用 --yes 确认）。"),
                             terminal::Colour::yellow, colour) +
             "\n";
    }
  }
  return out;
}

ExitStatus run_run(const RunOptions& options)
{
  if (options.dry_run && (options.lab || !options.case_dir.empty())) {
    throw UsageError(
        "--dry-run sends nothing and keeps no case: drop --lab and --case, or drop --dry-run");
  }
  if (!options.scenario.empty() || !options.seed.empty()) {
    if (!options.dry_run || options.scenario.empty() || !options.files.empty()) {
      throw UsageError("--scenario walks a training scenario with --dry-run and no alert FILE "
                       "(--seed with it); on the lab: dftriage train start SCENARIO");
    }
    return run_training_dry_run(options);
  }
  if (options.files.empty() && (options.dry_run || options.case_dir.empty())) {
    throw UsageError("run needs an alert FILE (or --case DIR to resume a case)");
  }
  const std::optional<playbook::Lang> lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const bool reads_stdin = std::find(options.files.begin(), options.files.end(),
                                     std::string("-")) != options.files.end();
  const bool interactive = !options.non_interactive && !reads_stdin &&
                           ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  const auto format = interactive ? OutputFormat::text : options.output.resolve();
  if (interactive && !options.output.requested.empty() && options.output.requested != "text") {
    throw UsageError("-o " + options.output.requested +
                     " needs --non-interactive (the interactive walk is text)");
  }
  // One "now" for every plan this walk makes (see time::PinnedNow).
  const time::PinnedNow pinned;
  if (!options.dry_run) {
    return run_live(options, *lang, interactive, format);
  }
  const auto library = load_library_or_throw(options.playbook_dirs);
  const auto given = collect_given(options.answers_file, options.sets);
  check_answer_ids(given, library, options.answers_file);
  const auto& answers = given.answers;
  const azure::Cloud cloud =
      selected_cloud(options.cloud).cloud; // the URLs of the chosen cloud; nothing is sent

  std::vector<Case> cases;
  const auto add_case = [&](const alert::Alert& a) {
    Case c;
    c.alert = std::make_unique<alert::Alert>(a);
    c.match = engine::match_alert(*c.alert, library);
    c.playbook = std::make_unique<playbook::Playbook>(
        c.match.playbook ? *c.match.playbook : engine::generic_playbook(*c.alert));
    c.answers = answers_for(answers, *c.playbook);
    cases.push_back(std::move(c));
  };
  std::size_t errors = 0;
  IncidentAlerts incident; // --incident: one walk for its alerts
  if (!options.incident.empty()) {
    incident = pick_incident(read_alerts_whole(options.files, options.format), options.incident,
                             options.window, library, text::join(options.files, ", "));
    add_case(incident.alerts.front());
    cases.back().incident = incident.pointers();
    cases.back().incident_id = incident.id;
  } else {
    errors = for_each_alert(options.files, read_options_for(options.format),
                            [&](alert::Alert& a, bool) { add_case(a); });
  }
  if (errors > 0 && cases.empty()) {
    return ExitStatus::input_rejected;
  }
  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  Writer writer(stdout);

  if (interactive) {
    Prompter prompter(STDIN_FILENO, stdout);
    bool refused = false;
    bool stopped = false;
    for (const auto& c : cases) {
      WalkSettings settings;
      settings.lang = *lang;
      settings.dry_run = true;
      settings.incident = c.incident;
      settings.incident_id = c.incident_id;
      settings.colour = colour;
      settings.yes = options.yes;
      WalkSession session(*c.alert, c.match, *c.playbook, c.answers, cloud, prompter, settings);
      const std::string status = session.run();
      prompter.say("\n" + tr(*lang, "Summary:", "小结：") + "\n" +
                   run_summary(session.plan(), session.outcomes(), *lang, colour));
      refused = refused || status == "refused";
      if (status == "stopped") {
        stopped = true;
        break;
      }
    }
    return errors > 0 || refused ? ExitStatus::input_rejected
           : stopped             ? ExitStatus::needs_human
                                 : ExitStatus::success;
  }

  // Unattended: every question must have an answer before anything is walked.
  std::vector<engine::Plan> plans;
  auto open = nlohmann::ordered_json::array();
  for (const auto& c : cases) {
    plans.push_back(c.plan(cloud));
    // A given answer that a step's checks refuse is an error before anything else.
    for (const auto& [id, value] : c.answers) {
      if (const auto why = engine::refusal_for_answer(plans.back(), id); !why.empty()) {
        const auto origin = given.origin.find(id);
        std::string where = origin != given.origin.end() && origin->second == "file"
                                ? options.answers_file + ": "
                                : std::string("--set ");
        throw UsageError(where.append(id).append(": ").append(why));
      }
    }
    for (auto& q :
         engine::open_questions_json(plans.back(), engine::open_questions(plans.back()), *lang)) {
      open.push_back(std::move(q));
    }
  }
  if (!open.empty()) {
    writer.write(open.dump(2) + "\n");
    writer.flush();
    std::fprintf(stderr, "%s\n", open_questions_message(open.size(), "", "", *lang).c_str());
    return ExitStatus::needs_human;
  }
  JsonStream json(writer, format);
  bool refused = false;
  for (const auto& plan : plans) {
    const auto outcomes = walk_unattended(plan, options.yes, options.yes_irreversible);
    const bool step_refused =
        std::any_of(outcomes.begin(), outcomes.end(),
                    [](const StepOutcome& o) { return o.outcome == "refused"; });
    // A dry run completes once every step was shown; a refused step is refused.
    const std::string status = plan.refused() || step_refused ? "refused" : "completed";
    refused = refused || plan.refused() || step_refused;
    if (format == OutputFormat::text) {
      writer.write(terminal::paint(plan.incident.empty()
                                       ? terminal::sanitize(plan.alert->alert_type)
                                       : plan.incident_id + " (" +
                                             std::to_string(plan.incident.size()) + " alerts)",
                                   terminal::Colour::bold, colour) +
                   "  ->  playbook " + plan.match.playbook_id() +
                   (options.dry_run ? " (dry run: nothing is sent)" : "") + "\n");
      for (const auto& m : plan.missing) {
        writer.write(
            terminal::paint("  refused: " + terminal::sanitize(m), terminal::Colour::red, colour) +
            "\n");
      }
      writer.write(unattended_text(plan, outcomes, *lang, colour, options.dry_run));
      writer.write("\n" + tr(*lang, "Summary:", "小结：") + "\n" +
                   run_summary(plan, outcomes, *lang, colour) + "\n");
    } else {
      json.add(run_record(plan, outcomes, status, options.dry_run, *lang));
    }
  }
  json.finish();
  writer.flush();
  return errors > 0 ? ExitStatus::input_rejected
         : refused  ? ExitStatus::refused
                    : ExitStatus::success;
}

} // namespace

std::vector<StepOutcome> walk_unattended(const engine::Plan& plan, bool yes, bool yes_irreversible)
{
  std::vector<StepOutcome> outcomes;
  for (const auto index : engine::visited_steps(plan)) {
    const auto& step = plan.steps[index];
    std::string outcome = "shown";
    std::string message;
    if (step.status == "refused") {
      outcome = "refused";
      message = step.note;
    } else if (is_mutating(step)) {
      // As a real run: --yes confirms what can be undone, --yes-irreversible the rest.
      outcome = yes && (yes_irreversible || !exec::is_irreversible(step)) ? "confirmed"
                                                                          : "awaiting-confirmation";
    } else if (engine::is_checklist(*step.step)) {
      outcome = "open"; // a manual step: only a person checks it off, in a real run
      message = "a person checks this off at a terminal";
    }
    outcomes.push_back({index, outcome, message});
  }
  return outcomes;
}

void add_run(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<RunOptions>();
  auto* sub = &command;
  add_walk_inputs(*sub, *options, "Alert file; - for standard input (implies --non-interactive)",
                  "Language of the walk (default en; a resumed case keeps its own)");
  sub->add_flag("--dry-run", options->dry_run,
                "Show the requests each step would send; send nothing, keep no case");
  sub->add_flag(
      "--lab", options->lab,
      "Start a simulated tenant seeded from the alert on 127.0.0.1 and act on it (training)");
  add_lab_access_options(*sub, options->lab_access);
  add_preflight_options(*sub, options->preflight);
  sub->add_option("--scenario", options->scenario,
                  "With --dry-run: walk this training scenario's alert and score the decisions "
                  "(as train start SCENARIO --dry-run)")
      ->type_name("ID");
  sub->add_option("--seed", options->seed, "With --scenario: which variant of it")->type_name("N");
  sub->add_option("--case", options->case_dir,
                  "Case folder (default cases/<alert>-<time>); an existing one is resumed (last: "
                  "the newest case)")
      ->type_name("DIR");
  sub->add_option(
      "--subscription", options->subscriptions,
      "Also allow changes in this subscription (the alert's is always allowed; repeatable)");
  sub->add_flag("--switch-cloud", options->switch_cloud,
                "Resume a case on the cloud chosen now (--cloud, DFTRIAGE_CLOUD) although it was "
                "opened on another");
  sub->add_option("--reason", options->reason,
                  "The reason journaled for changes confirmed with --yes")
      ->type_name("TEXT");
  sub->add_flag("-y,--yes", options->yes, "Confirm every change that can be undone without asking");
  sub->add_flag("--yes-irreversible", options->yes_irreversible,
                "Also confirm changes that cannot be undone (deletes, reimage, password reset, run "
                "commands); "
                "without it they wait for a person");
  sub->add_flag(
      "--non-interactive", options->non_interactive,
      "Never prompt: answers or defaults decide; unanswered questions exit 5 with a JSON list");
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->quiet = invocation.global.quiet;
      options->cloud = invocation.global.cloud;
      if (!options->dry_run) {
        options->case_dir = resolve_case_dir(options->case_dir, invocation.global.quiet);
      }
      return run_run(*options);
    };
  });
}

} // namespace dftriage::cli
