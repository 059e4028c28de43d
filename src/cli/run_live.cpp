// `dftriage run FILE --lab` and `dftriage run FILE` (live), and `run --case DIR` to
// resume: the walk carried out through the executor, with a case folder and journal.

#include "answers.hpp"
#include "case_connection.hpp"
#include "case_dir.hpp"
#include "connection.hpp"
#include "dftriage/alert/reader.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/walk.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"
#include "incident_input.hpp"
#include "inputs.hpp"
#include "library_options.hpp"
#include "preflight_text.hpp"
#include "progress.hpp"
#include "prompt.hpp"
#include "request_text.hpp"
#include "responders.hpp"
#include "run_options.hpp"
#include "run_outcome.hpp"
#include "run_preflight.hpp"
#include "walk_session.hpp"

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>
#include <utility>

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

StepOutcome outcome_of(std::size_t index, const exec::StepResult& result)
{
  return {index, std::string(exec::to_string(result.outcome)), result.message};
}

} // namespace

ExitStatus run_live(const RunOptions& options, playbook::Lang lang_given, bool interactive,
                    OutputFormat format)
{
  playbook::Lang lang = lang_given;
  const auto library = load_library_or_throw(options.playbook_dirs);
  // The case: resume one, or open a new one for one alert or one incident of alerts.
  const bool resume =
      !options.case_dir.empty() && std::ifstream(options.case_dir + "/journal.jsonl").good();
  auto folder = resume
                    ? journal::CaseFolder::open_existing(options.case_dir, journal::Access::write)
                    : std::optional<journal::CaseFolder>();
  if (folder) {
    say_set_aside(*folder, lang == playbook::Lang::zh_cn);
  }
  if (resume && !options.files.empty()) {
    std::fprintf(stderr, "dftriage: resuming %s: its own alert.json is used, not %s\n",
                 options.case_dir.c_str(), options.files.front().c_str());
  }
  RunAlerts run_alerts =
      resume ? case_alerts(folder->read_file("alert.json"), folder->read_file("journal.jsonl"))
             : alerts_for_run(options, options.alert_text, library);
  const std::string& alert_text = run_alerts.text;
  const std::string& incident_id = run_alerts.incident_id;
  const auto& alerts = run_alerts.alerts;
  const alert::Alert& the_alert = alerts.front();
  const std::vector<const alert::Alert*> incident = run_alerts.incident();

  const auto given = collect_given(options.answers_file, options.sets);
  check_answer_ids(given, library, options.answers_file);
  const auto match = engine::match_alert(the_alert, library);
  const playbook::Playbook playbook =
      match.playbook ? *match.playbook : engine::generic_playbook(the_alert);
  const auto mine = answers_for(given.answers, playbook);
  // The walk's plan: the alert's, or the incident's (each change once, every alert closed).
  const std::vector<const alert::Alert*> planned_alerts =
      incident.empty() ? std::vector<const alert::Alert*>{&the_alert} : incident;
  const auto make_plan = [&](const engine::Answers& answers, const azure::Cloud& cloud,
                             const nlohmann::ordered_json& results) {
    return engine::build_incident_plan(planned_alerts, incident_id, match, playbook, answers, cloud,
                                       results);
  };
  // The case's scope: the alert's subscription, those the case was opened with, and any
  // --subscription added now (journaled on case.resumed).
  std::vector<std::string> subscriptions;
  auto add_subscription = [&](const std::string& sub) {
    const std::string id =
        text::to_lower(sub.rfind("/subscriptions/", 0) == 0 ? sub.substr(15) : sub);
    if (!id.empty() &&
        std::find(subscriptions.begin(), subscriptions.end(), id) == subscriptions.end()) {
      subscriptions.push_back(id);
    }
  };
  for (const auto* a : planned_alerts) {
    add_subscription(a->subscription_id);
  }
  if (resume) {
    const std::string journal_text = folder->read_file("journal.jsonl");
    const auto first = nlohmann::ordered_json::parse(
        journal_text.substr(0, journal_text.find('\n')), nullptr, false);
    if (first.is_object() && first.value("event", "") == journal::event::case_opened &&
        first.contains("subscriptions") && first["subscriptions"].is_array()) {
      for (const auto& sub : first["subscriptions"]) {
        if (sub.is_string()) {
          add_subscription(sub.get<std::string>());
        }
      }
    }
  }
  const std::size_t case_scope = subscriptions.size();
  for (const auto& s : options.subscriptions) {
    add_subscription(s);
  }
  if (subscriptions.empty()) {
    throw UsageError("the alert names no subscription: say which one the case may change with "
                     "--subscription ID");
  }
  // Given answers are checked before a case is opened or anything is sent: a bad value
  // names its question and why (build_plan throws), and so does one a step would refuse
  // or that would take a step outside the case's subscriptions.
  {
    const auto offline = make_plan(mine, azure::public_cloud(), nlohmann::ordered_json::object());
    for (const auto& [id, value] : mine) {
      const auto origin = given.origin.find(id);
      const std::string where =
          (origin != given.origin.end() && origin->second == "file" ? options.answers_file + ": "
                                                                    : std::string("--set ")) +
          id + ": ";
      if (const auto why = engine::refusal_for_answer(offline, id); !why.empty()) {
        throw UsageError(where + why);
      }
      if (const auto why = answer_problem(offline, id, subscriptions); !why.empty()) {
        throw Error(where + why,
                    ExitStatus::refused); // out of the case's scope: refused, nothing sent
      }
    }
  }

  // A new case's folder is made with its first entry (below): a run that stops before
  // it (no credential, open questions, a refused plan) leaves no folder behind.
  const std::string new_dir =
      resume || !options.case_dir.empty()
          ? options.case_dir
          : journal::default_case_dir(incident_id.empty() ? the_alert.id : incident_id,
                                      std::chrono::system_clock::now());
  if (!resume) {
    journal::CaseFolder::check_new(new_dir);
  }
  std::optional<journal::Journal> opened_journal;
  if (resume) {
    opened_journal.emplace(folder->journal_path());
  }
  auto state = exec::CaseState::replay(resume ? opened_journal->entries()
                                              : std::vector<nlohmann::ordered_json>());
  if (resume && options.lang.empty()) {
    // The case keeps the language it was opened in unless --lang says otherwise.
    lang = playbook::lang_from_string(state.opened().value("lang", "en")).value_or(lang);
  }
  set_progress_chinese(lang == playbook::Lang::zh_cn); // the waits speak the walk's language
  if (resume && !state.opened().is_null() &&
      state.opened().value("playbook", "") != match.playbook_id()) {
    throw Error("the case was opened with playbook " + state.opened().value("playbook", "") +
                    ", which no longer matches; resume with the same --playbooks",
                ExitStatus::usage);
  }
  const auto say_case = [&] {
    if (!interactive && options.quiet) {
      return; // -q: the folder is in the JSON record (`case`), or in the text summary
    }
    std::fprintf(interactive ? stdout : stderr, "%s\n",
                 paint(std::string(resume ? tr(lang, "Resuming case ", "继续案例 ")
                                          : tr(lang, "Case ", "案例 ")) +
                           sanitize(folder->dir()),
                       Colour::bold, interactive && terminal::use_colour(stdout))
                     .c_str());
    std::fflush(stdout);
  };
  if (resume) {
    say_case(); // before the first request (connecting asks for a token)
  }

  const auto owned =
      resume        ? connect_for_case(folder->dir(), opened_journal->entries(),
                                       {options.lab, options.switch_cloud, options.cloud, {}})
      : options.lab ? connect_lab_for_alert(alert_text, options.training_lab,
                                            options.training.is_null() ? 1 : 0, options.lab_access)
                    : connect_cloud(options.cloud);
  Connection& connection = *owned;
  if (resume) {
    opened_journal->set_principal(connection.principal());
  }

  // Answers: those kept in the case, then --answers and --set on top. Kept answers a
  // stricter check now refuses are dropped (asked again, or reported as open).
  engine::Answers kept;
  for (const auto& [id, value] : state.answers()) {
    if (!value.is_null()) { // null: an optional answer cleared with -
      kept[id] = value;
    }
  }
  auto answers_now = [&] {
    engine::Answers all = kept;
    for (const auto& [id, value] : mine) {
      all[id] = value;
    }
    return all;
  };
  nlohmann::ordered_json results =
      resume ? results_from_case(*folder, state) : nlohmann::ordered_json::object();
  auto plan = [&] {
    while (true) {
      try {
        return make_plan(answers_now(), connection.cloud, results);
      } catch (const UsageError& e) {
        const std::string message = e.what();
        const auto bad = std::find_if(kept.begin(), kept.end(), [&](const auto& k) {
          return message.rfind("answer " + k.first + ":", 0) == 0 && mine.count(k.first) == 0;
        });
        if (bad == kept.end()) {
          throw;
        }
        std::fprintf(
            stderr,
            "dftriage: the case's answer to %s is no longer accepted (%s); it is asked again\n",
            bad->first.c_str(), sanitize(message).c_str());
        kept.erase(bad);
      }
    }
  }();
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
                                     return q.input->default_value &&
                                            q.input->default_value->reference.rfind("results.",
                                                                                    0) == 0;
                                   }),
                    questions.end());
    const auto open = engine::open_questions_json(plan, questions, lang);
    if (!open.empty()) {
      std::printf("%s\n", open.dump(2).c_str());
      if (!folder) {
        std::fprintf(stderr, "%s\n",
                     open_questions_message(open.size(), "", "", lang, true).c_str());
        return ExitStatus::needs_human;
      }
      std::fprintf(stderr, "%s\n",
                   open_questions_message(open.size(), folder->dir(), "", lang).c_str());
      return ExitStatus::needs_human;
    }
  }
  // What the principal may do, before the first request that changes or reads anything.
  const auto gate = preflight_gate(plan, connection, options.preflight, interactive, format, lang);
  if (gate.stop) {
    return ExitStatus::not_permitted; // no case: nothing was done
  }
  if (!folder) {
    // The case's first entry is next: now it has something worth keeping.
    folder = journal::CaseFolder::create(new_dir);
    folder->write_file("alert.json", alert_text);
    if (!options.training_lab.empty()) {
      folder->write_file(k_training_lab_seed, options.training_lab);
    }
    opened_journal.emplace(folder->journal_path());
    opened_journal->set_principal(connection.principal());
    say_case();
  }
  journal::Journal& journal = *opened_journal;
  journal.set_after_entry(journal_test_hook());
  if (state.opened().is_null()) {
    nlohmann::ordered_json opened{{"event", journal::event::case_opened},
                                  {"alertId", the_alert.id},
                                  {"alertType", the_alert.alert_type},
                                  {"resource", the_alert.resource_id},
                                  {"alertSha256", journal::sha256_hex(alert_text)},
                                  {"playbook", match.playbook_id()},
                                  {"playbookVersion", playbook.version},
                                  {"lang", lang == playbook::Lang::zh_cn ? "zh-CN" : "en"},
                                  {"subscriptions", subscriptions},
                                  {"dftriage", k_version}};
    if (!incident_id.empty()) {
      opened["incident"] = incident_record(incident_id, incident);
    }
    opened.update(connection_record(connection));
    if (!options.training.is_null()) {
      opened["training"] = options.training;
      if (!options.training_lab.empty()) {
        opened["training"]["labSha256"] = journal::sha256_hex(options.training_lab);
        opened["lab"]["seeds"] = {k_training_lab_seed,
                                  "alert.json"}; // connect_lab_for_alert's order
      }
    }
    state.apply(journal.append(std::move(opened)));
  } else {
    nlohmann::ordered_json resumed{{"event", journal::event::case_resumed},
                                   {"mode", connection.mode}};
    if (subscriptions.size() > case_scope) {
      resumed["addedSubscriptions"] = std::vector<std::string>(
          subscriptions.begin() + static_cast<std::ptrdiff_t>(case_scope), subscriptions.end());
    }
    journal.append(std::move(resumed));
  }
  if (gate.result) {
    journal.append(preflight_entry(*gate.result, options.preflight.allow_missing));
  }
  // Who gave each answer: typed at the prompt, --answers (file), --set, the default, or
  // a default taken from a read. A typed answer equal to the default is still typed.
  std::set<std::string> typed;
  std::map<std::string, std::string> recorded_how;
  for (const auto& e : journal.entries()) {
    if (e.value("event", "") == journal::event::question_answered) {
      recorded_how[e.value("question", "")] = e.value("source", "");
    }
  }
  // Records the answers to the questions asked at the steps up to `index` (the walk has
  // reached them), as the walk goes on.
  auto record_answers = [&](const engine::Plan& p, std::size_t index) {
    std::set<std::string> asked;
    for (std::size_t i = 0; i <= index && i < p.steps.size(); ++i) {
      asked.insert(p.steps[i].step->ask.begin(), p.steps[i].step->ask.end());
    }
    for (const auto& a : p.answers) {
      if (a.source == "none" || asked.count(a.id) == 0) {
        continue;
      }
      std::string how = a.source; // default, read
      if (typed.count(a.id) > 0) {
        how = "typed";
      } else if (const auto origin = given.origin.find(a.id);
                 mine.count(a.id) > 0 && origin != given.origin.end()) {
        how = origin->second; // file, set
      }
      const auto known = state.answers().find(a.id);
      if (known != state.answers().end() && known->second == a.value &&
          (how != "typed" || recorded_how[a.id] == "typed")) {
        continue;
      }
      recorded_how[a.id] = how;
      state.apply(journal.append({{"event", journal::event::question_answered},
                                  {"question", a.id},
                                  {"value", a.value},
                                  {"source", how}}));
    }
  };
  folder->write_file("plan.json", plan.to_json(lang).dump(2) + "\n");

  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  const std::string reason = options.reason.empty()
                                 ? "confirmed with --yes by " + journal::current_operator().user
                                 : options.reason;
  const std::string resume_command = options.resume_command.empty()
                                         ? "dftriage run --case " + folder->dir()
                                         : options.resume_command;
  std::vector<StepOutcome> outcomes;
  bool stopped = false;
  try {
    if (interactive) {
      Prompter prompter(STDIN_FILENO, stdout);
      TerminalResponder responder(prompter, options.yes, options.yes_irreversible, reason, colour,
                                  lang);
      exec::Executor executor(*folder, journal, *connection.client, connection.cloud, responder,
                              run_settings(connection, subscriptions, gate));
      responder.undoable = [&] {
        std::vector<std::string> out;
        const auto& changes = executor.state().changes();
        for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
          const auto* r = executor.state().step(*it);
          if (r != nullptr && r->undo_status != "done" && r->reversibility != "inspection") {
            out.push_back(r->id + " (" + r->action +
                          (r->reversibility == "irreversible"
                               ? tr(lang, "; cannot be undone", "；无法撤销")
                               : "") +
                          ")");
          }
        }
        return out;
      };
      prompter.say("(" + connection.mode + ": " + sanitize(connection.cloud.resource_manager) +
                   ")\n");
      WalkSettings settings;
      settings.lang = lang;
      settings.dry_run = false;
      settings.colour = colour;
      settings.yes = options.yes;
      settings.results = &results;
      settings.case_dir = folder->dir();
      settings.subscriptions = subscriptions;
      settings.step_notice = [&](const std::string& step) {
        return gate.result ? not_permitted_notice(*gate.result, step, lang) : std::string();
      };
      settings.incident = incident;
      settings.incident_id = incident_id;
      settings.typed_before = kept;
      for (const auto& [id, value] : state.answers()) {
        if (value.is_null() && mine.count(id) == 0) {
          settings.cleared_before.insert(id);
        }
      }
      for (const auto& [id, value] : mine) {
        settings.typed_before.erase(id);
      }
      // A typed answer is journaled at once: q, Ctrl-C or a lost terminal right after it
      // must not lose it.
      settings.answered = [&](const std::string& id, const nlohmann::ordered_json& value) {
        typed.insert(id);
        recorded_how[id] = "typed";
        state.apply(journal.append({{"event", journal::event::question_answered},
                                    {"question", id},
                                    {"value", value},
                                    {"source", "typed"}}));
      };
      settings.earlier = [&](const std::string& id) -> std::string {
        const auto* r = executor.state().step(id);
        if (r == nullptr || r->undo_status == "done") {
          return {}; // never done, or done and undone since: open again
        }
        if (r->status == "done") {
          return r->checked == "not-applicable" ? "not-applicable" : "done";
        }
        return r->status == "no-op" ? "no-op" : "";
      };
      settings.execute = [&](const engine::Plan& p, std::size_t index) {
        record_answers(p, index);
        const auto result = executor.run_step(p, index);
        if (!result.result.is_null()) {
          results[p.steps[index].step->id] = result.result;
        }
        using exec::Outcome;
        if (result.outcome == Outcome::no_op || result.outcome == Outcome::refused ||
            result.outcome == Outcome::failed || result.outcome == Outcome::skipped_after_failure) {
          const bool bad = result.outcome != Outcome::no_op;
          prompter.say(
              "  " +
              paint(outcome_word(std::string(exec::to_string(result.outcome)), lang) +
                        (result.message.empty()
                             ? ""
                             : tr(lang, ": ", "：") + sanitize(message_word(result.message, lang))),
                    bad ? Colour::red : Colour::green, colour) +
              "\n");
        } else if (result.outcome == Outcome::done && p.steps[index].action != nullptr) {
          prompter.say("  " + paint(outcome_word("done", lang), Colour::green, colour) + "\n");
        }
        return outcome_of(index, result);
      };
      settings.check_manual = [&](const engine::Plan& p, std::size_t index,
                                  const ManualCheck& check) {
        record_answers(p, index);
        return outcome_of(index, executor.check_manual(p, index, check.checked, check.note));
      };
      WalkSession session(the_alert, match, playbook, mine, connection.cloud, prompter, settings);
      const std::string walked = session.run();
      outcomes = session.outcomes();
      if (!outcomes.empty()) {
        record_answers(
            session.plan(),
            std::max_element(outcomes.begin(), outcomes.end(), [](const auto& x, const auto& y) {
              return x.step_index < y.step_index;
            })->step_index);
      }
      stopped = walked != "completed";
      // Changes an undo at a failure prompt reverted are shown as such.
      for (auto& o : outcomes) {
        const auto* r = executor.state().step(session.plan().steps[o.step_index].step->id);
        if (r != nullptr && r->undo_status == "done" && o.outcome != "rolled-back") {
          o.outcome = "undone";
        }
      }
      prompter.say("\n" + tr(lang, "Summary:", "小结：") + "\n" +
                   run_summary(session.plan(), outcomes, lang, colour));
    } else {
      UnattendedResponder responder(options.yes, options.yes_irreversible, reason, nullptr);
      exec::Executor executor(*folder, journal, *connection.client, connection.cloud, responder,
                              run_settings(connection, subscriptions, gate));
      // Walk the visited steps in order, planning again after each read so that later
      // defaults can use what it found ({{results...}}).
      std::size_t next = 0;
      while (true) {
        const auto visited = engine::visited_steps(plan);
        const auto it =
            std::find_if(visited.begin(), visited.end(), [&](std::size_t i) { return i >= next; });
        if (it == visited.end()) {
          break;
        }
        const std::size_t index = *it;
        next = index + 1;
        record_answers(plan, index);
        if (plan.steps[index].status == "needs-answer") {
          // A read did not settle a question (its result lacked the field): ask for it.
          const auto open = engine::open_questions_json(plan, engine::open_questions(plan), lang);
          std::printf("%s\n", open.dump(2).c_str());
          std::fprintf(
              stderr, "%s\n",
              open_questions_message(open.size(), folder->dir(), plan.steps[index].step->id, lang)
                  .c_str());
          return ExitStatus::needs_human;
        }
        auto result = executor.run_step(plan, index);
        if (!result.result.is_null()) {
          results[plan.steps[index].step->id] = result.result;
          plan = make_plan(answers_now(), connection.cloud, results);
        }
        auto outcome = outcome_of(index, result);
        if (result.outcome == exec::Outcome::declined) {
          outcome.outcome = "awaiting-confirmation";
          outcome.message =
              exec::is_irreversible(plan.steps[index])
                  ? "not carried out: it cannot be undone; confirm with --yes --yes-irreversible"
                  : "not carried out: confirm with --yes";
        }
        outcomes.push_back(std::move(outcome));
        if (result.outcome == exec::Outcome::failed && plan.steps[index].action != nullptr &&
            plan.steps[index].action->mutating) {
          break; // fail closed: nothing after a failed change
        }
      }
    }
  } catch (const Interrupted&) {
    journal.append({{"event", journal::event::case_interrupted}});
    std::fprintf(stderr, "%s", interrupted_message(folder->dir(), resume_command, lang).c_str());
    return ExitStatus::interrupted;
  }
  const auto status = status_of(plan, outcomes, stopped, lang);
  if (status.word == "completed") {
    journal.append({{"event", journal::event::case_closed}, {"outcome", "completed"}});
  }

  if (!interactive) {
    Writer writer(stdout);
    if (!options.training.is_null()) {
      // A training run's result is its scorecard (train start prints it).
    } else if (format == OutputFormat::text) {
      writer.write(paint(incident_id.empty()
                             ? sanitize(the_alert.alert_type)
                             : incident_id + " (" + std::to_string(incident.size()) +
                                   tr(lang, " alerts)", " 条告警)"),
                         Colour::bold, colour) +
                   tr(lang, "  ->  playbook ", "  ->  剧本 ") + match.playbook_id() + " (" +
                   connection.mode + ")\n");
      writer.write(tr(lang, "Case ", "案例 ") + folder->dir() + "\n\n" +
                   tr(lang, "Summary:", "小结：") + "\n" +
                   run_summary(plan, outcomes, lang, colour));
      writer.write("\n" + tr(lang, "Status: ", "状态：") + status_word(status.word, lang) + "\n");
      for (const auto& n : status.needs) {
        writer.write("  - " + n + "\n");
      }
    } else {
      auto record = run_record(plan, outcomes, status.word, false, lang);
      record["case"] = folder->dir();
      record["mode"] = connection.mode;
      record["needs"] = status.needs;
      JsonStream json(writer, format);
      json.add(record);
      json.finish();
    }
    writer.flush();
  } else if (!status.needs.empty() || status.word != "completed") {
    std::printf("\n%s%s\n", tr(lang, "Status: ", "状态：").c_str(),
                status_word(status.word, lang).c_str());
    for (const auto& n : status.needs) {
      std::printf("  - %s\n", n.c_str());
    }
  }
  std::fprintf(stderr, "%s\n",
               case_end_message(folder->dir(), status.word, resume_command, lang).c_str());
  return status.exit;
}

} // namespace dftriage::cli
