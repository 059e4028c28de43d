// `dftriage apply plan.json [--yes]`: carries out exactly a reviewed plan. Refuses a plan
// that was edited after it was made (its digest), one whose requests are not what the
// catalogue builds for it today (another cloud, a changed catalogue), and any change
// whose target differs from the state captured with `plan --capture`.

#include "case_connection.hpp"
#include "command.hpp"
#include "connection.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/exec/plan_file.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/json_error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "lang_option.hpp"
#include "output_option.hpp"
#include "prompt.hpp"
#include "run_preflight.hpp"
#include "walk_text.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace dftriage::cli {

namespace {

struct ApplyOptions
{
  std::string file;
  bool yes = false;
  bool yes_irreversible = false;
  std::string case_dir;
  std::vector<std::string> subscriptions;
  std::string reason;
  bool allow_uncaptured = false;
  std::string cloud; // the global --cloud
  std::string lang;  // of the questions at a terminal and of the case (undo speaks it)
  OutputChoice output;
  PreflightChoice preflight; // --no-preflight, --allow-missing-permissions
};

// What apply prints on stdout: a line per step (text), or at the end the run record
// (json: docs/OUTPUT.md), each step as the plan file shows it with what became of it.
class ApplyOutput
{
public:
  ApplyOutput(OutputFormat format, const nlohmann::ordered_json& doc)
      : m_json(format == OutputFormat::json)
  {
    m_record["alertId"] = doc.value("alertId", "");
    m_record["alertType"] = doc.value("alertType", "");
    m_record["playbook"] = doc.value("playbook", "");
    m_record["dryRun"] = false;
    m_record["status"] = "";
    m_record["steps"] = nlohmann::ordered_json::array();
    m_record["awaitingConfirmation"] = nlohmann::ordered_json::array();
  }
  bool json() const { return m_json; }
  void step(const nlohmann::ordered_json& planned, const std::string& outcome,
            const std::string& message)
  {
    if (!m_json) {
      std::printf("  %-22s %s%s\n", outcome.c_str(),
                  terminal::sanitize(planned.value("id", "")).c_str(),
                  message.empty() ? "" : ("  " + terminal::sanitize(message)).c_str());
      return;
    }
    auto step = planned;
    step["outcome"] = outcome;
    step["message"] =
        message.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(message);
    if (outcome == "awaiting-confirmation") {
      m_record["awaitingConfirmation"].push_back(planned.value("phase", "") + "/" +
                                                 planned.value("id", ""));
    }
    m_record["steps"].push_back(std::move(step));
  }
  // Writes the record (json) with the case's status, folder and mode ("" : no case).
  void finish(const std::string& status, const std::string& case_dir, const std::string& mode)
  {
    if (!m_json) {
      return;
    }
    m_record["status"] = status;
    if (!case_dir.empty()) {
      m_record["case"] = case_dir;
      m_record["mode"] = mode;
    }
    write_json_document(stdout, m_record);
  }

private:
  bool m_json;
  nlohmann::ordered_json m_record;
};

class ApplyResponder : public exec::Responder
{
public:
  ApplyResponder(bool yes, bool yes_irreversible, std::string reason, FILE* out = stdout)
      : m_yes(yes)
      , m_yes_irreversible(yes_irreversible)
      , m_reason(std::move(reason))
      , m_out(out)
  {
  }
  // Returns true when the change `step` is confirmed by --yes (and --yes-irreversible).
  bool allows(const engine::PlannedStep& step) const
  {
    return exec::is_irreversible(step) ? m_yes && m_yes_irreversible : m_yes;
  }
  std::optional<std::string> confirm(const engine::PlannedStep& step, const std::string&) override
  {
    return allows(step) ? std::optional<std::string>(m_reason) : std::nullopt;
  }
  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string&) override
  {
    return exec::FailureChoice::stop;
  }
  void show(const std::string& text) override
  {
    std::fprintf(m_out, "%s\n", terminal::sanitize(text).c_str());
  }
  void show_secret_once(const std::string& label, const std::string&) override
  {
    std::fprintf(stderr, "dftriage: %s set a generated value; apply does not show it\n",
                 label.c_str());
  }

private:
  bool m_yes;
  bool m_yes_irreversible;
  std::string m_reason;
  FILE* m_out; // stdout, or stderr when stdout carries JSON
};

// The requests of a plan step's action as the plan file shows them (what was reviewed).
nlohmann::ordered_json reviewed_requests(const nlohmann::ordered_json& action)
{
  auto out = nlohmann::ordered_json::array();
  for (const char* list : {"preImage", "requests"}) {
    for (const auto& r : action.value(list, nlohmann::ordered_json::array())) {
      out.push_back({{"method", r.value("method", "")},
                     {"url", r.value("url", "")},
                     {"body", r.value("body", nlohmann::ordered_json())}});
    }
  }
  return out;
}

nlohmann::ordered_json built_requests(const azure::ActionRequests& built)
{
  auto out = nlohmann::ordered_json::array();
  for (const auto* list : {&built.pre_image, &built.requests}) {
    for (const auto& r : *list) {
      out.push_back({{"method", r.method},
                     {"url", r.url},
                     {"body", r.body ? *r.body : nlohmann::ordered_json()}});
    }
  }
  return out;
}

// What a person at a terminal decided about a plan's changes.
struct Decision
{
  bool yes = false;              // carry out the changes that can be undone
  bool yes_irreversible = false; // and those that cannot
  std::string reason;
};

// Without --yes at a terminal, lists the plan's changes on `human` and asks whether to
// carry them out (those that cannot be undone separately, default no), then why. Returns
// nullopt when the person says no to all (or ends input).
std::optional<Decision> ask_at_terminal(const engine::Plan& plan, const ApplyOptions& options,
                                        playbook::Lang lang, FILE* human)
{
  const auto tr = [lang](const std::string& en, const std::string& zh) {
    return cli::tr(lang, en, zh);
  };
  const auto yes = [](const std::optional<std::string>& line) {
    return line && (*line == "y" || *line == "yes" || *line == "是");
  };
  std::size_t reversible = 0;
  std::size_t irreversible = 0;
  std::fprintf(human, "%s\n",
               tr("Changes in " + terminal::sanitize(options.file) + ", in order:",
                  terminal::sanitize(options.file) + " 中的更改（按顺序）：")
                   .c_str());
  for (const auto& step : plan.steps) {
    if (!step.action->mutating) {
      continue;
    }
    const bool once = exec::is_irreversible(step);
    ++(once ? irreversible : reversible);
    std::fprintf(human, "  %s: %s%s%s%s\n", terminal::sanitize(step.step->id).c_str(),
                 terminal::sanitize(step.step->title.en).c_str(), tr(" (", "（").c_str(),
                 step.action->name.c_str(),
                 (once ? tr(", cannot be undone)", "，无法撤销）") : tr(")", "）")).c_str());
  }
  Prompter prompter(STDIN_FILENO, human);
  Decision decision;
  if (reversible > 0) {
    decision.yes = yes(prompter.ask(tr(
        "Carry out the " + std::to_string(reversible) + " change(s) that can be undone? [y/N] > ",
        "执行其中 " + std::to_string(reversible) + " 项可以撤销的更改吗？ [y]是 / [N]否 > ")));
  }
  if (irreversible > 0 && (decision.yes || reversible == 0)) {
    decision.yes_irreversible = options.yes_irreversible ||
                                yes(prompter.ask(tr("Also the " + std::to_string(irreversible) +
                                                        " that cannot be undone? [y/N] > ",
                                                    "同时执行 " + std::to_string(irreversible) +
                                                        " 项无法撤销的更改吗？ [y]是 / [N]否 > ")));
    decision.yes = decision.yes || decision.yes_irreversible;
  }
  if (!decision.yes) {
    return std::nullopt;
  }
  decision.reason = std::string(text::trim(options.reason));
  while (decision.reason.empty()) {
    const auto typed = prompter.ask(tr("Reason, for the case record > ", "理由（记入案例） > "));
    if (!typed) {
      return std::nullopt;
    }
    decision.reason = std::string(text::trim(*typed));
  }
  return decision;
}

ExitStatus run_apply(const ApplyOptions& options)
{
  const auto format = options.output.resolve();
  const auto lang = lang_option(options.lang).value_or(playbook::Lang::en);
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    throw InputError(options.file + ": cannot read the file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception&) {
    Diagnostic problem = json_error_diagnostic(text.str(), options.file);
    problem.message = "not a plan file: " + problem.message;
    throw InputError(problem.to_string());
  }
  if (doc.is_array() && doc.size() == 1) {
    doc = doc[0];
  }
  if (!doc.is_object()) {
    throw InputError(options.file +
                     ": apply takes one plan (one alert); split the file with jq '.[N]'");
  }
  if (const auto problem = exec::check_seal(doc); !problem.empty()) {
    std::fprintf(stderr, "dftriage: %s: refused: %s\n", options.file.c_str(), problem.c_str());
    return ExitStatus::refused;
  }
  if (!doc.value("missing", nlohmann::ordered_json::array()).empty()) {
    throw InputError(options.file +
                     ": the plan was refused when it was made (the alert lacks what it needs)");
  }

  const std::string dir = options.case_dir.empty()
                              ? journal::default_case_dir(doc.value("alertId", "plan"),
                                                          std::chrono::system_clock::now())
                              : options.case_dir;
  journal::CaseFolder::check_new(dir); // the case is made once there is something to keep
  const auto connection = connect_cloud(options.cloud);
  // Rebuild each step from its action and checked parameters: the requests must be
  // exactly those reviewed.
  std::vector<std::unique_ptr<playbook::Step>> steps_owned;
  engine::Plan plan;
  std::vector<nlohmann::ordered_json> planned_json; // each step of `plan` as the file has it
  std::map<std::string, nlohmann::ordered_json> captured;
  bool uncaptured = false;
  if (doc.contains("phases") && !doc.contains("steps")) {
    throw InputError(options.file +
                     ": a plan written by an earlier dftriage (steps grouped under phases); "
                     "plan again with this version");
  }
  for (const auto& s : doc.value("steps", nlohmann::ordered_json::array())) {
    const auto& action = s.value("action", nlohmann::ordered_json());
    const std::string id = s.value("id", "");
    const std::string status = s.value("status", "");
    if (status == "needs-answer") {
      throw InputError(options.file + ": step " + id +
                       " has an unanswered question; plan again with the answer");
    }
    if (status != "planned" || !action.is_object()) {
      continue;
    }
    const auto* spec = azure::find_action(action.value("name", ""));
    if (spec == nullptr) {
      throw InputError(options.file + ": step " + id + ": unknown action " +
                       text::quote(action.value("name", "")));
    }
    auto step = std::make_unique<playbook::Step>();
    step->id = id;
    step->title.en = s.value("title", "");
    engine::PlannedStep planned;
    planned.phase =
        playbook::phase_from_string(s.value("phase", "")).value_or(playbook::Phase::act);
    planned.step = step.get();
    planned.status = "planned";
    planned.action = spec;
    planned.params = action.value("params", nlohmann::ordered_json::object());
    planned.requests = spec->build(azure::check_args(*spec, planned.params), connection->cloud);
    if (built_requests(planned.requests) != reviewed_requests(action)) {
      std::fprintf(stderr,
                   "dftriage: %s: refused: step %s does not build the requests the plan shows "
                   "(planned for "
                   "another cloud, or the action changed since); plan again\n",
                   options.file.c_str(), id.c_str());
      return ExitStatus::refused;
    }
    if (spec->mutating) {
      if (action.contains("captured")) {
        captured[id] = action["captured"];
      } else {
        uncaptured = true;
      }
    }
    plan.steps.push_back(std::move(planned));
    steps_owned.push_back(std::move(step));
    planned_json.push_back(s);
  }
  if (uncaptured && !options.allow_uncaptured) {
    std::fprintf(stderr,
                 "dftriage: %s: refused: the plan did not capture its targets' state, so drift "
                 "cannot be checked; "
                 "make it with plan --capture (or pass --allow-uncaptured)\n",
                 options.file.c_str());
    return ExitStatus::refused;
  }

  std::vector<std::string> subscriptions;
  if (!doc.value("subscription", "").empty()) {
    subscriptions.push_back(text::to_lower(doc.value("subscription", "")));
  }
  for (const auto& s : options.subscriptions) {
    subscriptions.push_back(text::to_lower(s.rfind("/subscriptions/", 0) == 0 ? s.substr(15) : s));
  }
  ApplyOutput output(format, doc);
  FILE* human = output.json() ? stderr : stdout; // what is said to a person
  bool yes = options.yes;
  bool yes_irreversible = options.yes_irreversible;
  std::string reason = options.reason;
  const bool any_change =
      std::any_of(plan.steps.begin(), plan.steps.end(),
                  [](const engine::PlannedStep& step) { return step.action->mutating; });
  bool declined = false; // by the person at the terminal, who saw the list
  if (!yes && any_change && ::isatty(STDIN_FILENO) != 0 && ::isatty(::fileno(human)) != 0) {
    const auto decision = ask_at_terminal(plan, options, lang, human);
    if (decision) {
      yes = decision->yes;
      yes_irreversible = decision->yes_irreversible;
      reason = decision->reason;
    } else {
      declined = true;
      std::fprintf(human, "%s\n",
                   tr(lang, "Nothing was carried out.", "没有执行任何更改。").c_str());
    }
  }
  const ApplyResponder confirmed(yes, yes_irreversible, {});
  const auto changes = [&](bool only_confirmed) {
    return std::any_of(plan.steps.begin(), plan.steps.end(), [&](const engine::PlannedStep& step) {
      return step.action->mutating && (!only_confirmed || confirmed.allows(step));
    });
  };
  if (changes(false) && !changes(true)) {
    // No change may be carried out: a preview, which keeps nothing and opens no case.
    for (std::size_t i = 0; i < plan.steps.size() && (output.json() || !declined); ++i) {
      output.step(planned_json[i],
                  plan.steps[i].action->mutating ? "awaiting-confirmation" : "not-run", "");
    }
    output.finish("needs-human", "", "");
    std::fprintf(stderr,
                 "dftriage: %s: needs-human (changes await --yes%s): nothing was sent and no case "
                 "was opened\n",
                 options.file.c_str(), yes ? " --yes-irreversible" : "");
    return ExitStatus::needs_human;
  }
  // What the principal may do of the plan, before its first request.
  const auto gate = preflight_gate(plan, *connection, options.preflight, false,
                                   output.json() ? OutputFormat::json : OutputFormat::text, lang,
                                   doc.value("alertId", ""), doc.value("playbook", ""));
  if (gate.stop) {
    return ExitStatus::not_permitted; // no case: nothing was done
  }
  auto folder = journal::CaseFolder::create(dir);
  folder.write_file("plan.json", text.str());
  const std::string alert_text =
      nlohmann::ordered_json{{"alertId", doc.value("alertId", "")},
                             {"alertType", doc.value("alertType", "")},
                             {"note", "applied from a plan; the alert itself was not given"}}
          .dump(2) +
      "\n";
  folder.write_file("alert.json", alert_text);
  journal::Journal journal(folder.journal_path());
  journal.set_principal(connection->principal());
  journal.set_after_entry(journal_test_hook());
  nlohmann::ordered_json opened{{"event", journal::event::case_opened},
                                {"alertId", doc.value("alertId", "")},
                                {"alertType", doc.value("alertType", "")},
                                {"alertSha256", journal::sha256_hex(alert_text)},
                                {"playbook", doc.value("playbook", "")},
                                {"playbookVersion", doc.value("playbookVersion", "")},
                                {"subscriptions", subscriptions},
                                {"plan", doc.value("digest", "")},
                                {"lang", lang == playbook::Lang::zh_cn ? "zh-CN" : "en"}};
  opened.update(connection_record(*connection)); // mode, cloud: where an undo must act
  journal.append(std::move(opened));
  if (gate.result) {
    journal.append(preflight_entry(*gate.result, options.preflight.allow_missing));
  }
  if (reason.empty()) {
    reason = "applied reviewed plan " + doc.value("digest", "");
  }
  ApplyResponder responder(yes, yes_irreversible, reason, human);
  exec::Executor executor(folder, journal, *connection->client, connection->cloud, responder,
                          run_settings(*connection, subscriptions, gate, captured));
  bool failed = false;
  bool not_permitted = false;
  bool refused = false;
  bool awaiting = false;
  bool stopped = false;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (stopped) {
      output.step(planned_json[i], "not-run", "not attempted after the refused or failed change");
      continue;
    }
    const auto result = executor.run_step(plan, i);
    using exec::Outcome;
    const std::string word = result.outcome == Outcome::declined
                                 ? "awaiting-confirmation"
                                 : std::string(exec::to_string(result.outcome));
    output.step(planned_json[i], word, result.message);
    awaiting = awaiting || result.outcome == Outcome::declined;
    failed = failed || result.outcome == Outcome::failed;
    refused = refused || result.outcome == Outcome::refused;
    not_permitted = not_permitted || result.outcome == Outcome::not_permitted;
    // Fail closed: nothing after a refused or failed change.
    stopped = plan.steps[i].action->mutating &&
              (result.outcome == Outcome::failed || result.outcome == Outcome::refused);
  }
  // The case's status and the exit status say the same: failed (4), refused (6: drift or
  // scope), not-permitted (9: steps left out for want of a permission), needs-human (5:
  // changes await --yes), completed (0).
  const std::string status = failed          ? "failed"
                             : refused       ? "refused"
                             : not_permitted ? "not-permitted"
                             : awaiting      ? "needs-human"
                                             : "completed";
  if (status == "completed") {
    journal.append({{"event", journal::event::case_closed}, {"outcome", "completed"}});
  }
  output.finish(status, folder.dir(), connection->mode);
  std::fprintf(stderr, "dftriage: case %s: %s%s\n", folder.dir().c_str(), status.c_str(),
               failed || refused ? " (nothing after the refused or failed change was done)"
               : awaiting        ? " (changes await --yes)"
                                 : "");
  return failed          ? ExitStatus::azure_failure
         : refused       ? ExitStatus::refused
         : not_permitted ? ExitStatus::not_permitted
         : awaiting      ? ExitStatus::needs_human
                         : ExitStatus::success;
}

} // namespace

void add_apply(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<ApplyOptions>();
  auto* sub = &command;
  sub->add_option("PLAN", options->file, "A plan written by dftriage plan -o json (one alert)")
      ->required();
  add_output_option(*sub, options->output, {OutputFormat::text, OutputFormat::json});
  sub->add_flag(
      "-y,--yes", options->yes,
      "Carry out the changes that can be undone (without it: asked at a terminal, else listed as "
      "awaiting)");
  sub->add_flag("--yes-irreversible", options->yes_irreversible,
                "With --yes, also the changes that cannot be undone");
  sub->add_option("--case", options->case_dir, "Case folder (default cases/<alert>-<time>)");
  sub->add_option("--subscription", options->subscriptions,
                  "Also allow changes in this subscription");
  sub->add_option("--reason", options->reason, "The reason journaled for the changes");
  sub->add_option("--lang", options->lang,
                  "Language of the questions at a terminal and of the case (default en)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
  sub->add_flag("--allow-uncaptured", options->allow_uncaptured,
                "Apply a plan made without --capture (no drift check)");
  add_preflight_options(*sub, options->preflight);
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->cloud = invocation.global.cloud;
      return run_apply(*options);
    };
  });
}

} // namespace dftriage::cli
