// `dftriage train list | brief | start | score`: training scenarios walked on an
// in-process lab built from the scenario, and scored against its rubric.
#include "answers.hpp"
#include "case_connection.hpp"
#include "case_dir.hpp"
#include "command.hpp"
#include "dftriage/alert/reader.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/azure/azure_error.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/training/score.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/time.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "output_option.hpp"
#include "prompt.hpp"
#include "run_options.hpp"
#include "train_scorecard.hpp"
#include "walk_session.hpp"
#include "walk_text.hpp"

#include <cstdio>
#include <deque>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace dftriage::cli {
namespace {

using Json = nlohmann::ordered_json;
using terminal::sanitize;

struct TrainOptions
{
  std::vector<std::string> scenario_dirs; // --scenarios DIR
  std::string lang;
  OutputChoice output;
};

struct StartOptions : TrainOptions
{
  std::string scenario;
  std::string trainee;
  std::string case_dir;
  std::string answers_file;
  std::vector<std::string> sets;
  bool yes = false;
  bool yes_irreversible = false;
  bool non_interactive = false;
  bool hints = false;
  bool dry_run = false;
  std::string seed; // --seed N ("" : a random one when the scenario has variants)
};

struct ScoreOptions : TrainOptions
{
  std::vector<std::string> dirs;
};

// The scenarios, each problem on stderr; throws InputError when any is an error.
std::vector<training::Scenario> load_scenarios_or_throw(const std::vector<std::string>& dirs)
{
  std::vector<Diagnostic> issues;
  auto all = training::load_scenarios(dirs, issues);
  bool failed = false;
  for (const auto& issue : issues) {
    std::fprintf(stderr, "%s\n", sanitize(issue.to_string()).c_str());
    failed = failed || issue.is_error();
  }
  if (failed) {
    throw InputError("some training scenarios are invalid; see above");
  }
  return all;
}

// The seed --seed gives ("" : none).
std::optional<std::uint64_t> seed_option(const std::string& given)
{
  if (given.empty()) {
    return std::nullopt;
  }
  if (given.size() > 19 || given.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--seed " + text::quote(given) + ": expected a whole number 0 or more");
  }
  return std::stoull(given);
}

// A seed for a scenario started without --seed: a variant the trainee cannot predict
// (said, so that it can be given again); 0 for a scenario of one variant.
std::uint64_t random_seed(const training::Scenario& s)
{
  return s.variant_count > 1 ? std::random_device{}() % 10000 : 0;
}

// The seed a training case was started with (its case.opened entry; 0 before seeds).
std::uint64_t recorded_seed(const Json& opened)
{
  const auto seed = opened.value("training", Json::object()).value("seed", Json(0));
  return seed.is_number_unsigned() ? seed.get<std::uint64_t>() : 0;
}

// The variant line of a scenario with more than one ("" for one).
std::string variant_line(const training::Scenario& s, playbook::Lang lang)
{
  if (s.variant_count < 2) {
    return "";
  }
  const std::string seed = std::to_string(s.seed);
  return lang == playbook::Lang::zh_cn
             ? "变体 " + std::to_string(s.variant + 1) + "/" + std::to_string(s.variant_count) +
                   "（种子 " + seed + "：加 --seed " + seed + " 可再次得到同一变体）\n"
             : "Variant " + std::to_string(s.variant + 1) + " of " +
                   std::to_string(s.variant_count) + " (seed " + seed + ": --seed " + seed +
                   " gives it again)\n";
}

// The case's journal, its hash chain verified (a damaged one is refused: its score
// would vouch for nothing). Reading takes no lock and writes nothing.
std::vector<Json> journal_entries(const std::string& dir)
{
  const auto folder = journal::CaseFolder::open_existing(dir, journal::Access::read);
  return journal::Journal(folder.journal_path()).entries();
}

// Scores the case in `dir`: its journal, and its lab rebuilt (the case's seeds with its
// changes replayed) for the rubric's reads.
// `lang` (when not null) receives the language the case was walked in.
training::Scorecard score_dir(const std::vector<training::Scenario>& all, const std::string& dir,
                              std::deque<training::Scenario>& seeded,
                              playbook::Lang* lang = nullptr)
{
  const auto entries = journal_entries(dir);
  const Json opened = entries.empty() ? Json::object() : entries.front();
  if (lang != nullptr) {
    *lang = playbook::lang_from_string(opened.value("lang", "en")).value_or(*lang);
  }
  const auto& training = opened.value("training", Json());
  if (!training.is_object()) {
    throw Error(dir + ": not a training case (it was not started with dftriage train start)",
                ExitStatus::usage);
  }
  // The variant the case was walked in (its seed), kept in `seeded` for the scorecard.
  const auto& scenario = seeded.emplace_back(training::with_seed(
      training::find_scenario(all, training.value("scenario", "")), recorded_seed(opened)));
  std::unique_ptr<Connection> connection;
  const training::LabReader lab = [&](const std::string& name,
                                      const Json& params) -> std::optional<Json> {
    if (!connection) {
      connection = connect_for_case(dir, entries, {true, false, "", {}});
    }
    const auto* spec = azure::find_action(name);
    if (spec == nullptr || spec->mutating) {
      throw InputError(scenario.source + ": " + name + " is not a read action of the catalogue");
    }
    const auto built = spec->build(azure::check_args(*spec, params), connection->cloud);
    const auto& request = built.requests.at(0);
    try {
      auto response = connection->client->send(request);
      const bool paged =
          response.body.is_object() && response.body.contains("value") &&
          (response.body.contains("nextLink") || response.body.contains("@odata.nextLink"));
      if (paged) { // every page: an item on a later one is as present as one on the first
        return Json{{"value", connection->client->list(request)}};
      }
      return response.body;
    } catch (const azure::AzureError& e) {
      if (e.http_status() == 404) {
        return Json(); // deleted, or never there: the judge sees nothing at its path
      }
      throw;
    }
  };
  auto card = training::score_case(scenario, entries, lab);
  card.case_dir = dir;
  return card;
}

void print_card(const training::Scorecard& card, OutputFormat format, playbook::Lang lang)
{
  if (format == OutputFormat::json) {
    std::printf("%s\n", scorecard_json(card, lang).dump(2).c_str());
  } else if (format == OutputFormat::md) {
    std::printf("%s", scorecard_markdown(card, lang).c_str());
  } else {
    std::printf("%s", scorecard_text(card, lang, terminal::use_colour(stdout)).c_str());
  }
}

ExitStatus run_list(const TrainOptions& options)
{
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto all = load_scenarios_or_throw(options.scenario_dirs);
  if (format == OutputFormat::json) {
    auto out = Json::array();
    for (const auto& s : all) {
      out.push_back({{"id", s.id},
                     {"family", s.family},
                     {"difficulty", s.difficulty},
                     {"title", s.title.in(lang)},
                     {"fullMarks", s.full_marks()},
                     {"source", s.source}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return ExitStatus::success;
  }
  // The kind (a false positive, a trap) is left out: knowing it is half the exercise.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(all.size());
  for (const auto& s : all) {
    rows.push_back({s.id, s.family, s.difficulty, sanitize(s.title.in(lang))});
  }
  std::printf("%s",
              render_rows({"SCENARIO", "FAMILY", "DIFFICULTY", "TITLE"}, rows,
                          format == OutputFormat::tsv ? OutputFormat::tsv : OutputFormat::table)
                  .c_str());
  return ExitStatus::success;
}

ExitStatus run_brief(const StartOptions& options)
{
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto all = load_scenarios_or_throw(options.scenario_dirs);
  const auto& found = training::find_scenario(all, options.scenario);
  const auto seed = seed_option(options.seed);
  const auto s = training::with_seed(found, seed ? *seed : random_seed(found));
  const bool colour = terminal::use_colour(stdout);
  std::printf("%s\n", terminal::paint(s.id + " — " + sanitize(s.title.in(lang)),
                                      terminal::Colour::bold, colour)
                          .c_str());
  std::printf("%s%s · %s%s · %s%d\n\n", tr(lang, "family ", "类别 ").c_str(), s.family.c_str(),
              tr(lang, "difficulty ", "难度 ").c_str(), s.difficulty.c_str(),
              tr(lang, "points ", "总分 ").c_str(), s.full_marks());
  std::printf("%s%s\n\n", variant_line(s, lang).c_str(), sanitize(s.summary.in(lang)).c_str());
  std::printf("%s dftriage train start %s%s%s --trainee NAME\n",
              tr(lang, "Start it:", "开始：").c_str(), s.id.c_str(),
              s.variant_count > 1 ? (" --seed " + std::to_string(s.seed)).c_str() : "",
              lang == playbook::Lang::zh_cn ? " --lang zh-CN" : "");
  return ExitStatus::success;
}

// A dry run of a scenario: the plan its answers give, as if every planned step were
// carried out (the changes with --yes), scored on the decisions alone. Rubric items that
// read the lab's state are reported as needing the lab.
// The journal a dry run would have written: the answers of `plan` and what became of
// each step walked (`outcomes`), for the rubric's journal judges.
std::vector<Json> dry_run_entries(const training::Scenario& s, const engine::Plan& plan,
                                  const std::vector<StepOutcome>& outcomes)
{
  std::vector<Json> entries{{{"event", journal::event::case_opened},
                             {"training", {{"scenario", s.id}, {"dryRun", true}}}}};
  for (const auto& a : plan.answers) {
    if (a.source != "none") {
      entries.push_back(
          {{"event", journal::event::question_answered}, {"question", a.id}, {"value", a.value}});
    }
  }
  for (const auto& o : outcomes) {
    const auto& step = plan.steps.at(o.step_index);
    const bool mutating = step.action != nullptr && step.action->mutating;
    entries.push_back({{"event", journal::event::step_entered},
                       {"step", step.step->id},
                       {"phase", std::string(playbook::to_string(step.phase))},
                       {"mutating", mutating}});
    // In a dry run a read is "shown" (what it would read) and a change "confirmed".
    if (o.outcome == "done" || o.outcome == "shown" || o.outcome == "confirmed" ||
        o.outcome == "no-op") {
      entries.push_back({{"event", journal::event::step_done}, {"step", step.step->id}});
    } else if (o.outcome == "declined") {
      entries.push_back({{"event", journal::event::step_declined}, {"step", step.step->id}});
    }
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    entries[i]["seq"] = i + 1;
  }
  return entries;
}

// A dry run of a scenario: walked at a terminal (nothing sent), or unattended from
// --answers/--set with the changes --yes confirms; scored on the decisions alone. Rubric
// items that read the lab's state are reported as needing the lab.
ExitStatus run_dry(const training::Scenario& s, const StartOptions& options, playbook::Lang lang)
{
  const std::string text = s.alert.dump();
  auto parsed = alert::parse_alerts(text, s.source + "#/alert", read_options_for(""));
  if (parsed.alerts.size() != 1) {
    throw InputError(s.source + ": /alert: expected exactly one alert");
  }
  const auto& the_alert = parsed.alerts.front();
  const auto library = load_library_or_throw({});
  const auto match = engine::match_alert(the_alert, library);
  const playbook::Playbook playbook =
      match.playbook ? *match.playbook : engine::generic_playbook(the_alert);
  const auto answers =
      answers_for(collect_given(options.answers_file, options.sets).answers, playbook);
  const bool interactive =
      !options.non_interactive && ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  std::vector<Json> entries;
  if (interactive) {
    Prompter prompter(STDIN_FILENO, stdout);
    WalkSettings settings;
    settings.lang = lang;
    settings.dry_run = true;
    settings.colour = terminal::use_colour(stdout);
    settings.yes = options.yes;
    WalkSession session(the_alert, match, playbook, answers, azure::public_cloud(), prompter,
                        settings);
    const std::string status = session.run();
    if (status == "stopped") {
      return ExitStatus::needs_human; // q: nothing to score
    }
    entries = dry_run_entries(s, session.plan(), session.outcomes());
    if (status == "completed") {
      entries.push_back({{"event", journal::event::case_closed}, {"seq", entries.size() + 1}});
    }
    std::printf("\n");
  } else {
    const auto plan =
        engine::build_plan(the_alert, match, playbook, answers, azure::public_cloud());
    const auto outcomes = walk_unattended(plan, options.yes, options.yes_irreversible);
    entries = dry_run_entries(s, plan, outcomes);
    entries.push_back({{"event", journal::event::case_closed}, {"seq", entries.size() + 1}});
  }
  auto card = training::score_case(s, entries, nullptr);
  card.case_dir = tr(lang, "(dry run: no case)", "（演练：没有案例）");
  card.trainee = options.trainee;
  print_card(card, options.output.resolve(), lang);
  return ExitStatus::success;
}

// With --hints: what the rubric looks for, before the walk, on `out`.
void print_hints(const training::Scenario& s, playbook::Lang lang, FILE* out)
{
  std::fprintf(out, "%s\n", tr(lang, "Hints:", "提示：").c_str());
  for (const auto& item : s.rubric) {
    if (!item.harmful) {
      const auto& hint = item.hint.in(lang);
      std::fprintf(out, "  - %s\n", sanitize(hint.empty() ? item.title.in(lang) : hint).c_str());
    }
  }
  std::fprintf(out, "\n");
}

ExitStatus run_start(const StartOptions& options)
{
  const time::PinnedNow pinned; // one "now" for every plan of the walk
  auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto all = load_scenarios_or_throw(options.scenario_dirs);
  const auto& found = training::find_scenario(all, options.scenario);
  auto seed = seed_option(options.seed);
  if (options.dry_run && !options.case_dir.empty()) {
    throw UsageError("--dry-run sends nothing and keeps no case: drop --case");
  }
  const std::string case_dir =
      options.case_dir.empty()
          ? journal::default_case_dir("train-" + found.id, std::chrono::system_clock::now())
          : options.case_dir;
  // A training case of this scenario stopped half-way (q, Ctrl-C) resumes, in its own
  // language unless --lang says otherwise; anything else already there is not touched.
  if (!options.dry_run && std::ifstream(case_dir + "/journal.jsonl").good()) {
    const auto entries = journal_entries(case_dir);
    const Json opened = entries.empty() ? Json::object() : entries.front();
    if (opened.value("training", Json::object()).value("scenario", "") != found.id) {
      throw UsageError(case_dir + ": already holds a case that is not a training case of " +
                       found.id);
    }
    if (options.lang.empty()) {
      lang = playbook::lang_from_string(opened.value("lang", "en")).value_or(lang);
    }
    // It resumes in the variant it was started in.
    const std::uint64_t own = recorded_seed(opened);
    if (seed && *seed != own) {
      throw UsageError(case_dir + ": this case was started with --seed " + std::to_string(own) +
                       "; resume it without --seed");
    }
    seed = own;
  }
  if (!seed) {
    seed = random_seed(found);
  }
  const auto s = training::with_seed(found, *seed);
  // What the trainee knows before the walk; stdout carries only the scorecard when it is
  // JSON or Markdown.
  FILE* before = options.output.resolve() == OutputFormat::text ? stdout : stderr;
  std::fprintf(before, "%s\n%s\n\n",
               terminal::paint(s.id + " — " + sanitize(s.title.in(lang)), terminal::Colour::bold,
                               before == stdout && terminal::use_colour(stdout))
                   .c_str(),
               (variant_line(s, lang) + sanitize(s.summary.in(lang))).c_str());
  if (options.hints) {
    print_hints(s, lang, before);
  }
  std::fflush(before);
  if (options.dry_run) {
    return run_dry(s, options, lang);
  }
  RunOptions run;
  run.lab = true;
  run.lang = options.lang;
  run.answers_file = options.answers_file;
  run.sets = options.sets;
  run.yes = options.yes;
  run.yes_irreversible = options.yes_irreversible;
  run.non_interactive = options.non_interactive;
  run.output.requested = "text";
  run.case_dir = case_dir;
  run.alert_text = s.alert.dump(2) + "\n"; // the alert the trainee works from
  run.resume_command = "dftriage train start " + s.id + " --case " + run.case_dir;
  run.training_lab = s.lab.is_null() ? "" : s.lab.dump(2) + "\n";
  run.training = {{"scenario", s.id}, {"version", s.version}, {"seed", Json(s.seed)}};
  if (!options.trainee.empty()) {
    run.training["trainee"] = options.trainee;
  }
  const bool interactive =
      !options.non_interactive && ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  const ExitStatus walked = run_live(run, lang, interactive, OutputFormat::text);
  if (!std::ifstream(run.case_dir + "/journal.jsonl").good() || walked == ExitStatus::interrupted) {
    return walked; // stopped before the case was opened, or by Ctrl-C: nothing to score yet
  }
  const auto format = options.output.resolve();
  if (format == OutputFormat::text) {
    std::printf("\n");
  }
  std::deque<training::Scenario> seeded;
  print_card(score_dir(all, run.case_dir, seeded), format, lang);
  return walked;
}

ExitStatus run_score(const ScoreOptions& options, bool quiet)
{
  auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  const auto format = options.output.resolve();
  const auto all = load_scenarios_or_throw(options.scenario_dirs);
  std::vector<training::Scorecard> cards;
  std::deque<training::Scenario> seeded; // the scenarios the cards point into
  for (const auto& d : options.dirs) {
    // One case speaks its own language unless --lang says otherwise, as report does.
    const bool own = options.lang.empty() && options.dirs.size() == 1;
    cards.push_back(score_dir(all, resolve_case_dir(d, quiet), seeded, own ? &lang : nullptr));
  }
  if (cards.size() == 1 && format != OutputFormat::table) {
    print_card(cards.front(), format, lang);
  } else if (format == OutputFormat::json) {
    auto out = Json::array();
    for (const auto& c : cards) {
      out.push_back(scorecard_json(c, lang));
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%s", scorecards_table(cards, format == OutputFormat::md).c_str());
  }
  return ExitStatus::success;
}

void add_common(CLI::App& sub, TrainOptions& options)
{
  sub.add_option("--scenarios", options.scenario_dirs,
                 "Also load the scenarios of this directory (repeatable)")
      ->type_name("DIR");
  sub.add_option("--lang", options.lang,
                 "Language (default en; a case's scorecard: the case's own)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
}

void add_seed(CLI::App& sub, StartOptions& options)
{
  sub.add_option("--seed", options.seed,
                 "Which variant of the scenario (its attacker's address, its names): the same "
                 "seed gives the same one (default: a random one, shown)")
      ->type_name("N");
}

} // namespace

ExitStatus run_training_dry_run(const RunOptions& options)
{
  StartOptions start;
  start.scenario = options.scenario;
  start.seed = options.seed;
  start.lang = options.lang;
  start.answers_file = options.answers_file;
  start.sets = options.sets;
  start.yes = options.yes;
  start.yes_irreversible = options.yes_irreversible;
  start.non_interactive = options.non_interactive;
  start.dry_run = true;
  start.output = options.output;
  const auto format = start.output.resolve();
  if (format != OutputFormat::text && format != OutputFormat::json) {
    throw UsageError("--scenario: the scorecard is -o text or json (train start: md too)");
  }
  return run_start(start);
}

void add_train(CLI::App& command, Invocation& invocation)
{
  command.require_subcommand(1);
  using F = OutputFormat;
  auto list_options = std::make_shared<TrainOptions>();
  auto* list = command.add_subcommand("list", "List the training scenarios");
  add_common(*list, *list_options);
  add_output_option(*list, list_options->output, {F::text, F::json, F::table, F::tsv});
  list->callback([list_options, &invocation] {
    invocation.action = [list_options] { return run_list(*list_options); };
  });

  auto brief_options = std::make_shared<StartOptions>();
  auto* brief =
      command.add_subcommand("brief", "What a scenario's trainee is told before starting");
  brief->add_option("SCENARIO", brief_options->scenario, "A scenario ID (train list)")
      ->required()
      ->type_name("ID");
  add_seed(*brief, *brief_options);
  add_common(*brief, *brief_options);
  brief->callback([brief_options, &invocation] {
    invocation.action = [brief_options] { return run_brief(*brief_options); };
  });

  auto start_options = std::make_shared<StartOptions>();
  auto* start = command.add_subcommand(
      "start", "Walk a scenario on a lab built from it, then show the scorecard");
  start->add_option("SCENARIO", start_options->scenario, "A scenario ID (train list)")
      ->required()
      ->type_name("ID");
  start->add_option("--trainee", start_options->trainee, "The trainee's name, kept in the case");
  start
      ->add_option("--case", start_options->case_dir,
                   "Case folder (default cases/train-<scenario>-<time>)")
      ->type_name("DIR");
  start
      ->add_option("--answers", start_options->answers_file,
                   "JSON file of answers: {\"question id\": value}")
      ->type_name("FILE");
  start->add_option("--set", start_options->sets, "Answer one question (repeatable)")
      ->type_name("ID=VALUE");
  start->add_flag("-y,--yes", start_options->yes, "Confirm the changes that can be undone");
  start->add_flag("--yes-irreversible", start_options->yes_irreversible,
                  "With --yes, also the changes that cannot be undone");
  start->add_flag("--non-interactive", start_options->non_interactive,
                  "Ask nothing: answers from --answers/--set and defaults");
  start->add_flag("--hints", start_options->hints, "Say what the rubric looks for before the walk");
  start->add_flag("--dry-run", start_options->dry_run,
                  "No lab, nothing sent: score the decisions of --answers/--set alone (the items "
                  "that need the lab's state say so)");
  add_seed(*start, *start_options);
  add_common(*start, *start_options);
  add_output_option(*start, start_options->output, {F::text, F::md, F::json});
  start->callback([start_options, &invocation] {
    invocation.action = [start_options] { return run_start(*start_options); };
  });

  auto score_options = std::make_shared<ScoreOptions>();
  auto* score = command.add_subcommand(
      "score", "Score training cases: one gives its scorecard, several the instructor's table");
  score->add_option("DIR", score_options->dirs, "Training case folders (last: the newest case)")
      ->required()
      ->type_name("DIR");
  add_common(*score, *score_options);
  add_output_option(*score, score_options->output, {F::text, F::md, F::json, F::table});
  score->callback([score_options, &invocation] {
    invocation.action = [score_options, &invocation] {
      return run_score(*score_options, invocation.global.quiet);
    };
  });
}

} // namespace dftriage::cli
