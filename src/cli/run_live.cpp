// `dftriage run FILE --lab` and `dftriage run FILE` (live), and `run --case DIR` to
// resume: the walk carried out through the executor, with a case folder and journal.

#include "answers.hpp"
#include "dftriage/alert/reader.hpp"
#include "inputs.hpp"
#include "connection.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"
#include "library_options.hpp"
#include "prompt.hpp"
#include "request_text.hpp"
#include "run_options.hpp"
#include "walk_session.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

// Stands in for the responder off a terminal: --yes confirms with --reason; nothing
// else is ever confirmed; a failure stops the walk.
class UnattendedResponder : public exec::Responder
{
public:
  UnattendedResponder(bool yes, bool yes_irreversible, std::string reason, std::FILE* out)
    : m_yes(yes), m_yes_irreversible(yes_irreversible), m_reason(std::move(reason)), m_out(out)
  {
  }

  std::optional<std::string> confirm(const engine::PlannedStep& step, const std::string&) override
  {
    const bool allowed = exec::is_irreversible(step) ? m_yes && m_yes_irreversible : m_yes;
    return allowed ? std::optional<std::string>(m_reason) : std::nullopt;
  }
  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string&) override
  {
    return exec::FailureChoice::stop;
  }
  void show(const std::string& text) override
  {
    if (m_out != nullptr) {
      std::fprintf(m_out, "%s\n", text.c_str());
    }
  }
  void show_secret_once(const std::string& label, const std::string&) override
  {
    // Off a terminal there is nowhere safe to show it: it is not printed or kept.
    std::fprintf(stderr,
                 "dftriage: %s set a generated value that is shown only at a terminal; it was not printed or "
                 "kept. Reset it again interactively if someone needs it.\n",
                 label.c_str());
  }

private:
  bool m_yes;
  bool m_yes_irreversible;
  std::string m_reason;
  std::FILE* m_out;
};

// The responder at a terminal: shows each change, asks y/n and a reason for the journal,
// and after a failure offers retry, skip, roll back or stop.
class TerminalResponder : public exec::Responder
{
public:
  TerminalResponder(Prompter& prompter, bool yes, bool yes_irreversible, std::string reason, bool colour)
    : m_prompter(prompter), m_yes(yes), m_yes_irreversible(yes_irreversible), m_reason(std::move(reason)),
      m_colour(colour)
  {
  }

  std::optional<std::string> confirm(const engine::PlannedStep& step, const std::string& change) override
  {
    const bool irreversible = exec::is_irreversible(step);
    m_prompter.say("  " + paint("About to change Azure:", Colour::bold, m_colour) + "\n");
    for (const auto& line : text::split_lines(change)) {
      m_prompter.say("    " + sanitize(line) + "\n");
    }
    if (m_yes && (!irreversible || m_yes_irreversible)) {
      m_prompter.say(irreversible ? "  Confirmed by --yes-irreversible.\n" : "  Confirmed by --yes.\n");
      return m_reason;
    }
    if (irreversible) {
      // Asked for explicitly: the whole word, after saying what is at stake.
      m_prompter.say("  " + paint("This cannot be undone: dftriage undo will not bring it back.", Colour::red, m_colour)
                     + "\n");
    }
    while (true) {
      const auto line = m_prompter.ask(irreversible ? "  Type yes to carry it out, or no > "
                                                    : "  Carry out this change? [y]es / [n]o > ");
      if (!line) {
        throw Interrupted();
      }
      if (*line == "n" || *line == "no") {
        m_prompter.say(paint("  Declined: the change is not made.", Colour::yellow, m_colour) + "\n");
        return std::nullopt;
      }
      if (*line == "yes" || (*line == "y" && !irreversible)) {
        break;
      }
      m_prompter.say(irreversible ? "    Type yes or no.\n" : "    Type y or n.\n");
    }
    while (true) {
      const auto reason = m_prompter.ask("  Reason, for the case record > ");
      if (!reason) {
        throw Interrupted();
      }
      if (!reason->empty()) {
        return *reason;
      }
      m_prompter.say("    A reason is needed: say why this change is right (it goes into the journal).\n");
    }
  }

  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string& error) override
  {
    m_prompter.say(paint("  Failed: " + sanitize(error), Colour::red, m_colour) + "\n");
    while (true) {
      const auto line =
        m_prompter.ask("  [r]etry / [s]kip this step / roll [b]ack this case's changes / [q]uit > ");
      if (!line || *line == "q") {
        return exec::FailureChoice::stop;
      }
      if (*line == "r") {
        return exec::FailureChoice::retry;
      }
      if (*line == "s") {
        return exec::FailureChoice::skip;
      }
      if (*line == "b") {
        return exec::FailureChoice::rollback;
      }
    }
  }

  void show(const std::string& text) override { m_prompter.say(sanitize(text) + "\n"); }

  void show_secret_once(const std::string& label, const std::string& value) override
  {
    m_prompter.say("  " + paint(label + " set this generated value; it is shown once and kept nowhere:", Colour::bold,
                                m_colour)
                   + "\n    " + value + "\n");
  }

private:
  Prompter& m_prompter;
  bool m_yes;
  bool m_yes_irreversible;
  std::string m_reason;
  bool m_colour;
};

std::string read_all(const std::string& file)
{
  std::ostringstream s;
  if (file == "-") {
    s << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      throw InputError(file + ": cannot read the file");
    }
    s << in.rdbuf();
  }
  return s.str();
}

// Returns a short view of a read-only step's answer: the number of items of a list,
// or the top-level keys, never the whole body.
std::string result_summary(const nlohmann::ordered_json& body)
{
  if (body.is_object() && body.contains("value") && body["value"].is_array()) {
    return std::to_string(body["value"].size()) + " item(s)";
  }
  if (body.is_object() && body.contains("tables")) {
    std::size_t rows = 0;
    for (const auto& t : body["tables"]) {
      rows += t.value("rows", nlohmann::ordered_json::array()).size();
    }
    return std::to_string(rows) + " row(s)";
  }
  if (body.is_object() && body.contains("name")) {
    return "read " + text::quote(body["name"].is_string() ? body["name"].get<std::string>() : body["name"].dump());
  }
  return "read";
}

StepOutcome outcome_of(std::size_t index, const exec::StepResult& result)
{
  return {index, result.outcome, result.message};
}

} // namespace

ExitStatus run_live(const RunOptions& options, playbook::Lang lang, bool interactive, OutputFormat format)
{
  // The case: resume one, or open a new one for exactly one alert.
  const bool resume = !options.case_dir.empty()
                      && std::ifstream(options.case_dir + "/journal.jsonl").good();
  std::string alert_text;
  std::string source = "alert.json";
  if (resume) {
    if (!options.files.empty()) {
      std::fprintf(stderr, "dftriage: resuming %s: its own alert.json is used, not %s\n", options.case_dir.c_str(),
                   options.files.front().c_str());
    }
  } else {
    if (options.files.size() != 1) {
      throw UsageError("run carries out one alert per case: give one alert file (or --case DIR to resume)");
    }
    alert_text = read_all(options.files.front());
    source = options.files.front();
  }
  auto folder = resume ? journal::CaseFolder::open_existing(options.case_dir) : std::optional<journal::CaseFolder>();
  if (resume) {
    alert_text = folder->read_file("alert.json");
  }
  auto parsed = alert::parse_alerts(alert_text, source, read_options_for(options.format));
  for (const auto& d : parsed.diagnostics) {
    std::fprintf(stderr, "%s\n", sanitize(d.to_string()).c_str());
  }
  if (parsed.alerts.size() != 1) {
    throw InputError(source + ": holds " + std::to_string(parsed.alerts.size())
                     + " alerts; run takes exactly one (pick one with jq, e.g. jq '.[0]')");
  }
  const alert::Alert& the_alert = parsed.alerts.front();
  if (!resume) {
    const std::string dir = options.case_dir.empty()
                              ? journal::default_case_dir(the_alert.id, std::chrono::system_clock::now())
                              : options.case_dir;
    folder = journal::CaseFolder::create(dir);
    folder->write_file("alert.json", alert_text);
  }
  journal::Journal journal(folder->journal_path());
  auto state = exec::CaseState::replay(journal.entries());

  const auto library = load_library_or_throw(options.playbook_dirs);
  const auto match = engine::match_alert(the_alert, library);
  const playbook::Playbook playbook = match.playbook ? *match.playbook : engine::generic_playbook(the_alert);
  if (resume && !state.opened().is_null() && state.opened().value("playbook", "") != match.playbook_id()) {
    throw Error("the case was opened with playbook " + state.opened().value("playbook", "")
                + ", which no longer matches; resume with the same --playbooks");
  }
  engine::Answers answers;
  for (const auto& [id, value] : state.answers()) {
    answers[id] = value;
  }
  for (const auto& [id, value] : answers_for(collect_answers(options.answers_file, options.sets), playbook)) {
    answers[id] = value;
  }

  const auto owned = options.lab ? connect_lab({folder->dir() + "/alert.json"}) : connect_cloud();
  Connection& connection = *owned;
  journal.set_principal(connection.principal());
  std::vector<std::string> subscriptions;
  if (!the_alert.subscription_id.empty()) {
    subscriptions.push_back(text::to_lower(the_alert.subscription_id));
  }
  for (const auto& s : options.subscriptions) {
    subscriptions.push_back(text::to_lower(s.rfind("/subscriptions/", 0) == 0 ? s.substr(15) : s));
  }
  if (subscriptions.empty()) {
    throw UsageError("the alert names no subscription: say which one the case may change with --subscription ID");
  }

  auto plan = engine::build_plan(the_alert, match, playbook, answers, connection.cloud);
  if (plan.refused()) {
    for (const auto& m : plan.missing) {
      std::fprintf(stderr, "dftriage: refused: %s\n", sanitize(m).c_str());
    }
    return ExitStatus::input_rejected;
  }
  if (!interactive) {
    // Questions whose default comes from a read's result ({{results...}}) are settled
    // when that read has run; the rest must be answered before anything is sent.
    auto questions = engine::open_questions(plan);
    questions.erase(std::remove_if(questions.begin(), questions.end(),
                                   [](const engine::OpenQuestion& q) {
                                     return q.input->default_value
                                            && q.input->default_value->reference.rfind("results.", 0) == 0;
                                   }),
                    questions.end());
    const auto open = engine::open_questions_json(plan, questions, lang);
    if (!open.empty()) {
      std::printf("%s\n", open.dump(2).c_str());
      std::fprintf(stderr,
                   "dftriage: %zu question(s) need an answer: give them with --answers FILE or --set id=value\n",
                   open.size());
      return ExitStatus::needs_human;
    }
  }
  if (state.opened().is_null()) {
    state.apply(journal.append({{"event", "case.opened"},
                                {"alertId", the_alert.id},
                                {"alertType", the_alert.alert_type},
                                {"resource", the_alert.resource_id},
                                {"playbook", match.playbook_id()},
                                {"playbookVersion", playbook.version},
                                {"mode", connection.mode},
                                {"cloud", connection.cloud.name},
                                {"subscriptions", subscriptions},
                                {"dftriage", k_version}}));
  } else {
    journal.append({{"event", "case.resumed"}, {"mode", connection.mode}});
  }
  auto record_answers = [&](const engine::Plan& p) {
    for (const auto& a : p.answers) {
      const auto known = state.answers().find(a.id);
      if (a.source != "none" && (known == state.answers().end() || known->second != a.value)) {
        state.apply(journal.append(
          {{"event", "question.answered"}, {"question", a.id}, {"value", a.value}, {"source", a.source}}));
      }
    }
  };
  folder->write_file("plan.json", plan.to_json(lang).dump(2) + "\n");

  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  const std::string reason = options.reason.empty() ? "confirmed with --yes by " + journal::current_operator().user
                                                    : options.reason;
  std::vector<StepOutcome> outcomes;
  nlohmann::ordered_json results = nlohmann::ordered_json::object();
  bool failed = false;
  bool stopped = false;
  if (interactive) {
    Prompter prompter(STDIN_FILENO, stdout);
    TerminalResponder responder(prompter, options.yes, options.yes_irreversible, reason, colour);
    exec::Executor executor(*folder, journal, *connection.client, connection.cloud, responder, {subscriptions, {}});
    prompter.say(paint("Case " + folder->dir(), Colour::bold, colour) + " (" + connection.mode + ": "
                 + sanitize(connection.cloud.resource_manager) + ")\n");
    WalkSettings settings{lang, false, colour, options.yes, {}, &results, {}};
    settings.execute = [&](const engine::Plan& p, std::size_t index) {
      record_answers(p);
      const auto result = executor.run_step(p, index);
      if (!result.result.is_null()) {
        results[p.steps[index].step->id] = result.result;
      }
      if (result.outcome == "no-op" || result.outcome == "done-earlier" || result.outcome == "refused"
          || result.outcome == "failed") {
        prompter.say("  " + paint(result.outcome + (result.message.empty() ? "" : ": " + sanitize(result.message)),
                                  result.outcome == "failed" || result.outcome == "refused" ? Colour::red
                                                                                             : Colour::green,
                                  colour)
                     + "\n");
      } else if (!p.steps[index].requests.requests.empty() && result.outcome == "done") {
        prompter.say("  " + paint("done", Colour::green, colour)
                     + (result.result.is_null() ? "" : ": " + sanitize(result_summary(result.result))) + "\n");
      }
      return outcome_of(index, result);
    };
    WalkSession session(the_alert, match, playbook, answers, connection.cloud, prompter, settings);
    const std::string status = session.run();
    outcomes = session.outcomes();
    stopped = status != "completed";
    prompter.say("\nSummary:\n" + run_summary(session.plan(), outcomes, lang, colour));
  } else {
    UnattendedResponder responder(options.yes, options.yes_irreversible, reason, nullptr);
    exec::Executor executor(*folder, journal, *connection.client, connection.cloud, responder, {subscriptions, {}});
    // Walk the visited steps in order, planning again after each read so that later
    // defaults can use what it found ({{results...}}).
    std::size_t next = 0;
    while (true) {
      record_answers(plan);
      const auto visited = engine::visited_steps(plan);
      const auto it = std::find_if(visited.begin(), visited.end(), [&](std::size_t i) { return i >= next; });
      if (it == visited.end()) {
        break;
      }
      const std::size_t index = *it;
      next = index + 1;
      if (plan.steps[index].status == "needs-answer") {
        // A read did not settle a question (its result lacked the field): ask for it.
        const auto open = engine::open_questions_json(plan, engine::open_questions(plan), lang);
        std::printf("%s\n", open.dump(2).c_str());
        std::fprintf(stderr,
                     "dftriage: case %s: %zu question(s) need an answer before step %s: resume with --case %s "
                     "--answers FILE or --set id=value\n",
                     folder->dir().c_str(), open.size(), plan.steps[index].step->id.c_str(), folder->dir().c_str());
        return ExitStatus::needs_human;
      }
      auto result = executor.run_step(plan, index);
      if (!result.result.is_null()) {
        results[plan.steps[index].step->id] = result.result;
        plan = engine::build_plan(the_alert, match, playbook, answers, connection.cloud, results);
      }
      if (result.outcome == "declined") {
        result.outcome = "awaiting-confirmation";
        result.message = exec::is_irreversible(plan.steps[index])
                           ? "not carried out: it cannot be undone; confirm with --yes --yes-irreversible"
                           : "not carried out: confirm with --yes";
      }
      outcomes.push_back(outcome_of(index, result));
      if (result.outcome == "failed" && plan.steps[index].action != nullptr && plan.steps[index].action->mutating) {
        failed = true;  // fail closed: nothing after a failed change
        break;
      }
    }
  }
  const bool awaiting = std::any_of(outcomes.begin(), outcomes.end(), [](const StepOutcome& o) {
    return o.outcome == "awaiting-confirmation" || o.outcome == "declined";
  });
  failed = failed || std::any_of(outcomes.begin(), outcomes.end(), [](const StepOutcome& o) {
             return o.outcome == "failed";
           });
  const std::string status = failed ? "failed" : stopped ? "stopped" : awaiting ? "awaiting-confirmation" : "completed";
  if (status == "completed") {
    journal.append({{"event", "case.closed"}, {"outcome", "completed"}});
  }

  if (!interactive) {
    Writer writer(stdout);
    if (format == OutputFormat::text) {
      writer.write(paint(sanitize(the_alert.alert_type), Colour::bold, colour) + "  ->  playbook "
                   + match.playbook_id() + " (" + connection.mode + ")\n");
      writer.write("Case " + folder->dir() + "\n\nSummary:\n" + run_summary(plan, outcomes, lang, colour));
      writer.write("\nStatus: " + status + "\n");
    } else {
      auto record = run_record(plan, outcomes, status, false, lang);
      record["case"] = folder->dir();
      record["mode"] = connection.mode;
      JsonStream json(writer, format);
      json.add(std::move(record));
      json.finish();
    }
    writer.flush();
  }
  std::fprintf(stderr, "dftriage: case %s: %s (report: dftriage report %s; undo: dftriage undo %s)\n",
               folder->dir().c_str(), status.c_str(), folder->dir().c_str(), folder->dir().c_str());
  return failed ? ExitStatus::azure_failure : ExitStatus::success;
}

} // namespace dftriage::cli
