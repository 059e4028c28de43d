// `dftriage run FILE --lab` and `dftriage run FILE` (live), and `run --case DIR` to
// resume: the walk carried out through the executor, with a case folder and journal.

#include "answers.hpp"
#include "case_connection.hpp"
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
#include <functional>
#include <utility>
#include <map>
#include <set>
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

// The responder at a terminal: shows each change, asks y/n (the whole word yes for one
// that cannot be undone) and a reason for the journal, and after a failure offers retry,
// skip, undo of the case's changes (shown, then confirmed again), back or stop. b and q
// leave the step through exec::StepLeft, as at every prompt of the walk.
class TerminalResponder : public exec::Responder
{
public:
  TerminalResponder(Prompter& prompter, bool yes, bool yes_irreversible, std::string reason, bool colour,
                    playbook::Lang lang)
    : m_prompter(prompter), m_yes(yes), m_yes_irreversible(yes_irreversible), m_reason(std::move(reason)),
      m_colour(colour), m_lang(lang)
  {
  }

  // Lists this case's changes that an undo would revert, newest first.
  std::function<std::vector<std::string>()> undoable;

  std::optional<std::string> confirm(const engine::PlannedStep& step, const std::string& change) override
  {
    const bool irreversible = exec::is_irreversible(step);
    const bool inspection = step.action != nullptr && step.action->reversibility == azure::Reversibility::inspection;
    m_prompter.say("  "
                   + paint(inspection ? tr("About to run a read-only script on the VM:", "即将在虚拟机上运行只读脚本：")
                                      : tr("About to change Azure:", "即将更改 Azure："),
                           Colour::bold, m_colour)
                   + "\n");
    for (const auto& line : text::split_lines(change)) {
      m_prompter.say("    " + sanitize(line) + "\n");
    }
    if (m_yes && (!irreversible || m_yes_irreversible)) {
      m_prompter.say(irreversible ? tr("  Confirmed by --yes-irreversible.\n", "  已由 --yes-irreversible 确认。\n")
                                  : tr("  Confirmed by --yes.\n", "  已由 --yes 确认。\n"));
      return m_reason;
    }
    if (irreversible) {
      // Asked for explicitly: the whole word, after saying what is at stake.
      m_prompter.say("  "
                     + paint(tr("This cannot be undone: dftriage undo will not bring it back.",
                                "此操作无法撤销：dftriage undo 也无法恢复。"),
                             Colour::red, m_colour)
                     + "\n");
    }
    const std::string keys = irreversible ? tr("  Type yes to carry it out · n: no · b · q · ? > ",
                                               "  输入 yes（或 是）执行 · n：不执行 · b · q · ? > ")
                                          : tr("  Carry out this change? [y]es / [n]o / b / q / ? > ",
                                               "  执行这项更改吗？ [y]是 / [n]否 / b / q / ? > ");
    while (true) {
      const auto line = m_prompter.ask(keys);
      if (!line || *line == "q") {
        throw exec::StepLeft(false);
      }
      if (*line == "b") {
        throw exec::StepLeft(true);
      }
      if (*line == "?") {
        m_prompter.say(tr("    y: make the change (you will be asked why) · n: do not make it; the walk goes on\n"
                          "    b: back one step; nothing is sent · q: stop; the case can be resumed\n",
                          "    y：执行更改（随后需要说明理由） · n：不执行，流程继续\n"
                          "    b：返回上一步，不发送任何请求 · q：停止，之后可继续本案例\n"));
        continue;
      }
      const std::string word = text::to_lower(*line);
      if (word == "n" || word == "no" || word == "否") {
        const auto why = m_prompter.ask(tr("  Why not? For the case record (Enter: no reason) > ",
                                           "  为什么不做？记入案例（回车：不填） > "));
        m_declined_reason = why ? *why : std::string();
        m_prompter.say(paint(tr("  Declined: the change is not made.", "  已否决：不做这项更改。"), Colour::yellow, m_colour)
                       + "\n");
        return std::nullopt;
      }
      if (word == "yes" || word == "是" || (word == "y" && !irreversible)) {
        break;
      }
      m_prompter.say(irreversible ? tr("    Type yes or n (b back, q stop).\n", "    请输入 yes 或 n（b 返回，q 停止）。\n")
                                  : tr("    Type y or n (b back, q stop).\n", "    请输入 y 或 n（b 返回，q 停止）。\n"));
    }
    while (true) {
      const auto reason = m_prompter.ask(tr("  Reason, for the case record (b back · q stop) > ",
                                            "  理由（记入案例；b 返回 · q 停止） > "));
      if (!reason || *reason == "q") {
        throw exec::StepLeft(false);
      }
      if (*reason == "b") {
        throw exec::StepLeft(true);
      }
      if (!reason->empty()) {
        return (*reason)[0] == '\\' ? reason->substr(1) : *reason;
      }
      m_prompter.say(tr("    A reason is needed: say why this change is right (it goes into the journal).\n",
                        "    需要理由：说明为什么应做这项更改（会写入日志）。\n"));
    }
  }

  exec::FailureChoice on_failure(const engine::PlannedStep&, const std::string& error) override
  {
    m_prompter.say(paint(tr("  Failed: ", "  失败：") + sanitize(error), Colour::red, m_colour) + "\n");
    while (true) {
      const auto line = m_prompter.ask(tr("  [r]etry / [s]kip this step / [u]ndo this case's changes / b / q / ? > ",
                                          "  [r]重试 / [s]跳过此步 / [u]撤销本案例的更改 / b / q / ? > "));
      if (!line || *line == "q") {
        return exec::FailureChoice::stop;
      }
      if (*line == "b") {
        throw exec::StepLeft(true);
      }
      if (*line == "r") {
        return exec::FailureChoice::retry;
      }
      if (*line == "s") {
        return exec::FailureChoice::skip;
      }
      if (*line == "u") {
        if (confirm_undo()) {
          return exec::FailureChoice::rollback;
        }
        continue;
      }
      if (*line == "?") {
        m_prompter.say(tr("    r: send the change again · s: leave this step undone and go on (it stays a failure)\n"
                          "    u: revert every change this case made so far (shown first, then asked again)\n"
                          "    b: back one step; nothing is sent · q: stop; resume later with --case\n",
                          "    r：重新发送这项更改 · s：跳过此步继续（仍记为失败）\n"
                          "    u：撤销本案例到目前为止的全部更改（先列出，再次确认）\n"
                          "    b：返回上一步，不发送任何请求 · q：停止，之后可用 --case 继续\n"));
        continue;
      }
      m_prompter.say(tr("    Type r, s, u, b or q (? help).\n", "    请输入 r、s、u、b 或 q（? 帮助）。\n"));
    }
  }

  void show(const std::string& text) override { m_prompter.say(sanitize(text) + "\n"); }

  std::string declined_reason() override { return std::exchange(m_declined_reason, {}); }

  void show_secret_once(const std::string& label, const std::string& value) override
  {
    m_prompter.say("  "
                   + paint(label + tr(" set this generated value; it is shown once and kept nowhere:",
                                      " 设置了以下生成的值；它只显示这一次，不会保存在任何地方："),
                           Colour::bold, m_colour)
                   + "\n    " + value + "\n");
  }

private:
  std::string tr(std::string_view en, std::string_view zh) const { return cli::tr(m_lang, en, zh); }

  // Shows what an undo would revert and asks again, with the whole word.
  bool confirm_undo()
  {
    const auto changes = undoable ? undoable() : std::vector<std::string>();
    if (changes.empty()) {
      m_prompter.say(tr("    This case has made no change that can be reverted.\n", "    本案例没有可以撤销的更改。\n"));
      return false;
    }
    m_prompter.say(tr("    These changes of this case would be reverted, newest first:\n",
                      "    将撤销本案例的以下更改（从最新的开始）：\n"));
    for (const auto& c : changes) {
      m_prompter.say("      " + sanitize(c) + "\n");
    }
    const auto line = m_prompter.ask(tr("    Type yes to revert them, or n > ", "    输入 yes（或 是）撤销它们，或 n > "));
    if (line && (*line == "yes" || *line == "是")) {
      return true;
    }
    m_prompter.say(tr("    Nothing was reverted.\n", "    未撤销任何更改。\n"));
    return false;
  }

  Prompter& m_prompter;
  bool m_yes;
  bool m_yes_irreversible;
  std::string m_reason;
  bool m_colour;
  playbook::Lang m_lang;
  std::string m_declined_reason;
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

StepOutcome outcome_of(std::size_t index, const exec::StepResult& result)
{
  return {index, result.outcome, result.message};
}

// The outcome of a run, in the words of the case's status and the exit status.
struct RunStatus
{
  std::string word;  // completed, needs-human, refused, failed
  std::vector<std::string> needs;  // what is left for a person, one line each
  ExitStatus exit = ExitStatus::success;
};

RunStatus status_of(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes, bool stopped,
                    playbook::Lang lang)
{
  RunStatus status;
  bool failed = false;
  bool refused = false;
  for (const auto& o : outcomes) {
    const std::string id = plan.steps[o.step_index].step->id;
    if (o.outcome == "failed" || o.outcome == "rolled-back" || o.outcome == "skipped-after-failure") {
      failed = true;
    } else if (o.outcome == "refused") {
      refused = true;
    } else if (o.outcome == "awaiting-confirmation") {
      status.needs.push_back(id + tr(lang, ": a change awaiting confirmation", "：一项待确认的更改"));
    } else if (o.outcome == "open") {
      status.needs.push_back(id + tr(lang, ": a task for a person to check off", "：一项需要人工完成并确认的任务"));
    }
  }
  if (stopped) {
    status.needs.push_back(tr(lang, "the walk stopped before the end of the playbook", "流程在剧本结束前停止"));
  }
  if (failed) {
    status.word = "failed";
    status.exit = ExitStatus::azure_failure;
  } else if (refused) {
    status.word = "refused";
    status.exit = ExitStatus::refused;
  } else if (!status.needs.empty()) {
    status.word = "needs-human";
    status.exit = ExitStatus::needs_human;
  } else {
    status.word = "completed";
  }
  return status;
}

// Returns a case status (completed, needs-human, refused, failed) for people: the word
// itself in English (scripts read it from -o json), with its meaning in Chinese.
std::string status_word(const std::string& word, playbook::Lang lang)
{
  if (lang != playbook::Lang::zh_cn) {
    return word;
  }
  if (word == "completed") {
    return "已完成（completed）";
  }
  if (word == "needs-human") {
    return "需要人工处理（needs-human）";
  }
  if (word == "refused") {
    return "已拒绝执行（refused）";
  }
  return word == "failed" ? "失败（failed）" : word;
}

// What earlier runs of the case read, by step ID (for {{results...}} defaults and to show
// again): each step's first saved evidence that is not a pre-image.
nlohmann::ordered_json results_from_case(const journal::CaseFolder& folder, const exec::CaseState& state)
{
  auto results = nlohmann::ordered_json::object();
  for (const auto& id : state.order()) {
    const auto* r = state.step(id);
    if (r == nullptr || (r->status != "done" && r->status != "no-op")) {
      continue;
    }
    // What the step saved since it was last entered (an earlier failed attempt's files
    // are not its result).
    for (std::size_t i = r->evidence_from; i < r->evidence.size(); ++i) {
      const auto& path = r->evidence[i];
      try {
        auto saved = nlohmann::ordered_json::parse(folder.read_file(path));
        if (saved.is_object() && saved.contains("body")) {
          results[id] = saved["body"];
        }
      } catch (const std::exception&) {
        // A damaged evidence file: the step is shown without its result (case verify says why).
      }
      break;
    }
  }
  return results;
}

} // namespace

ExitStatus run_live(const RunOptions& options, playbook::Lang lang_given, bool interactive, OutputFormat format)
{
  playbook::Lang lang = lang_given;
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

  const auto library = load_library_or_throw(options.playbook_dirs);
  const auto given = collect_given(options.answers_file, options.sets);
  check_answer_ids(given, library, options.answers_file);
  const auto match = engine::match_alert(the_alert, library);
  const playbook::Playbook playbook = match.playbook ? *match.playbook : engine::generic_playbook(the_alert);
  const auto mine = answers_for(given.answers, playbook);
  // The case's scope: the alert's subscription, those the case was opened with, and any
  // --subscription added now (journaled on case.resumed).
  std::vector<std::string> subscriptions;
  auto add_subscription = [&](const std::string& sub) {
    const std::string id = text::to_lower(sub.rfind("/subscriptions/", 0) == 0 ? sub.substr(15) : sub);
    if (!id.empty() && std::find(subscriptions.begin(), subscriptions.end(), id) == subscriptions.end()) {
      subscriptions.push_back(id);
    }
  };
  add_subscription(the_alert.subscription_id);
  if (resume) {
    const std::string journal_text = folder->read_file("journal.jsonl");
    const auto first = nlohmann::ordered_json::parse(journal_text.substr(0, journal_text.find('\n')), nullptr, false);
    if (first.is_object() && first.value("event", "") == "case.opened" && first.contains("subscriptions")
        && first["subscriptions"].is_array()) {
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
    throw UsageError("the alert names no subscription: say which one the case may change with --subscription ID");
  }
  // Given answers are checked before a case is opened or anything is sent: a bad value
  // names its question and why (build_plan throws), and so does one a step would refuse
  // or that would take a step outside the case's subscriptions.
  {
    const auto offline = engine::build_plan(the_alert, match, playbook, mine, azure::public_cloud());
    for (const auto& [id, value] : mine) {
      const auto origin = given.origin.find(id);
      const std::string where =
        (origin != given.origin.end() && origin->second == "file" ? options.answers_file + ": " : std::string("--set "))
        + id + ": ";
      if (const auto why = engine::refusal_for_answer(offline, id); !why.empty()) {
        throw UsageError(where + why);
      }
      if (const auto why = answer_problem(offline, id, subscriptions); !why.empty()) {
        throw Error(where + why, ExitStatus::refused);  // out of the case's scope: refused, nothing sent
      }
    }
  }

  if (!resume) {
    const std::string dir = options.case_dir.empty()
                              ? journal::default_case_dir(the_alert.id, std::chrono::system_clock::now())
                              : options.case_dir;
    folder = journal::CaseFolder::create(dir);
    folder->write_file("alert.json", alert_text);
  }
  journal::Journal journal(folder->journal_path());
  auto state = exec::CaseState::replay(journal.entries());
  if (resume && options.lang.empty()) {
    // The case keeps the language it was opened in unless --lang says otherwise.
    lang = playbook::lang_from_string(state.opened().value("lang", "en")).value_or(lang);
  }
  if (resume && !state.opened().is_null() && state.opened().value("playbook", "") != match.playbook_id()) {
    throw Error("the case was opened with playbook " + state.opened().value("playbook", "")
                + ", which no longer matches; resume with the same --playbooks");
  }
  // The case header comes before the first request (connecting asks for a token).
  std::fprintf(interactive ? stdout : stderr, "%s\n",
               paint(std::string(resume ? tr(lang, "Resuming case ", "继续案例 ") : tr(lang, "Case ", "案例 "))
                       + sanitize(folder->dir()),
                     Colour::bold, interactive && terminal::use_colour(stdout))
                 .c_str());
  std::fflush(stdout);

  const auto owned = resume ? connect_for_case(folder->dir(), journal.entries(), {options.lab, options.switch_cloud})
                     : options.lab ? connect_lab({folder->dir() + "/alert.json"})
                                   : connect_cloud();
  Connection& connection = *owned;
  journal.set_principal(connection.principal());

  // Answers: those kept in the case, then --answers and --set on top. Kept answers a
  // stricter check now refuses are dropped (asked again, or reported as open).
  engine::Answers kept;
  for (const auto& [id, value] : state.answers()) {
    if (!value.is_null()) {  // null: an optional answer cleared with -
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
  nlohmann::ordered_json results = resume ? results_from_case(*folder, state) : nlohmann::ordered_json::object();
  auto plan = [&] {
    while (true) {
      try {
        return engine::build_plan(the_alert, match, playbook, answers_now(), connection.cloud, results);
      } catch (const UsageError& e) {
        const std::string message = e.what();
        const auto bad = std::find_if(kept.begin(), kept.end(), [&](const auto& k) {
          return message.rfind("answer " + k.first + ":", 0) == 0 && mine.count(k.first) == 0;
        });
        if (bad == kept.end()) {
          throw;
        }
        std::fprintf(stderr, "dftriage: the case's answer to %s is no longer accepted (%s); it is asked again\n",
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
                                     return q.input->default_value
                                            && q.input->default_value->reference.rfind("results.", 0) == 0;
                                   }),
                    questions.end());
    const auto open = engine::open_questions_json(plan, questions, lang);
    if (!open.empty()) {
      std::printf("%s\n", open.dump(2).c_str());
      std::fprintf(stderr,
                   "dftriage: case %s: %zu question(s) need an answer: give them with --answers FILE or --set "
                   "id=value (dftriage run --case %s ...)\n",
                   folder->dir().c_str(), open.size(), folder->dir().c_str());
      return ExitStatus::needs_human;
    }
  }
  if (state.opened().is_null()) {
    nlohmann::ordered_json opened{{"event", "case.opened"},
                                  {"alertId", the_alert.id},
                                  {"alertType", the_alert.alert_type},
                                  {"resource", the_alert.resource_id},
                                  {"alertSha256", journal::sha256_hex(alert_text)},
                                  {"playbook", match.playbook_id()},
                                  {"playbookVersion", playbook.version},
                                  {"lang", lang == playbook::Lang::zh_cn ? "zh-CN" : "en"},
                                  {"subscriptions", subscriptions},
                                  {"dftriage", k_version}};
    opened.update(connection_record(connection));
    state.apply(journal.append(std::move(opened)));
  } else {
    nlohmann::ordered_json resumed{{"event", "case.resumed"}, {"mode", connection.mode}};
    if (subscriptions.size() > case_scope) {
      resumed["addedSubscriptions"] =
        std::vector<std::string>(subscriptions.begin() + static_cast<std::ptrdiff_t>(case_scope), subscriptions.end());
    }
    journal.append(std::move(resumed));
  }
  // Who gave each answer: typed at the prompt, --answers (file), --set, the default, or
  // a default taken from a read. A typed answer equal to the default is still typed.
  std::set<std::string> typed;
  std::map<std::string, std::string> recorded_how;
  for (const auto& e : journal.entries()) {
    if (e.value("event", "") == "question.answered") {
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
      std::string how = a.source;  // default, read
      if (typed.count(a.id) > 0) {
        how = "typed";
      } else if (const auto origin = given.origin.find(a.id); mine.count(a.id) > 0 && origin != given.origin.end()) {
        how = origin->second;  // file, set
      }
      const auto known = state.answers().find(a.id);
      if (known != state.answers().end() && known->second == a.value
          && (how != "typed" || recorded_how[a.id] == "typed")) {
        continue;
      }
      recorded_how[a.id] = how;
      state.apply(
        journal.append({{"event", "question.answered"}, {"question", a.id}, {"value", a.value}, {"source", how}}));
    }
  };
  folder->write_file("plan.json", plan.to_json(lang).dump(2) + "\n");

  const bool colour = format == OutputFormat::text && terminal::use_colour(stdout);
  const std::string reason = options.reason.empty() ? "confirmed with --yes by " + journal::current_operator().user
                                                    : options.reason;
  const std::string resume_command = "dftriage run --case " + folder->dir();
  std::vector<StepOutcome> outcomes;
  bool stopped = false;
  try {
    if (interactive) {
      Prompter prompter(STDIN_FILENO, stdout);
      TerminalResponder responder(prompter, options.yes, options.yes_irreversible, reason, colour, lang);
      exec::Executor executor(*folder, journal, *connection.client, connection.cloud, responder, {subscriptions, {}});
      responder.undoable = [&] {
        std::vector<std::string> out;
        const auto& changes = executor.state().changes();
        for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
          const auto* r = executor.state().step(*it);
          if (r != nullptr && r->undo_status != "done" && r->reversibility != "inspection") {
            out.push_back(r->id + " (" + r->action
                          + (r->reversibility == "irreversible" ? tr(lang, "; cannot be undone", "；无法撤销") : "")
                          + ")");
          }
        }
        return out;
      };
      prompter.say("(" + connection.mode + ": " + sanitize(connection.cloud.resource_manager) + ")\n");
      WalkSettings settings;
      settings.lang = lang;
      settings.dry_run = false;
      settings.colour = colour;
      settings.yes = options.yes;
      settings.results = &results;
      settings.case_dir = folder->dir();
      settings.subscriptions = subscriptions;
      settings.typed_before = kept;
      for (const auto& [id, value] : mine) {
        settings.typed_before.erase(id);
      }
      // A typed answer is journaled at once: q, Ctrl-C or a lost terminal right after it
      // must not lose it.
      settings.answered = [&](const std::string& id, const nlohmann::ordered_json& value) {
        typed.insert(id);
        recorded_how[id] = "typed";
        state.apply(
          journal.append({{"event", "question.answered"}, {"question", id}, {"value", value}, {"source", "typed"}}));
      };
      settings.earlier = [&](const std::string& id) -> std::string {
        const auto* r = executor.state().step(id);
        if (r == nullptr || r->undo_status == "done") {
          return {};  // never done, or done and undone since: open again
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
        if (result.outcome == "no-op" || result.outcome == "refused" || result.outcome == "failed"
            || result.outcome == "skipped-after-failure") {
          const bool bad = result.outcome != "no-op";
          prompter.say("  "
                       + paint(outcome_word(result.outcome, lang)
                                 + (result.message.empty() ? "" : tr(lang, ": ", "：")
                                                                     + sanitize(message_word(result.message, lang))),
                               bad ? Colour::red : Colour::green, colour)
                       + "\n");
        } else if (result.outcome == "done" && p.steps[index].action != nullptr) {
          prompter.say("  " + paint(outcome_word("done", lang), Colour::green, colour) + "\n");
        }
        return outcome_of(index, result);
      };
      settings.check_manual = [&](const engine::Plan& p, std::size_t index, const ManualCheck& check) {
        record_answers(p, index);
        return outcome_of(index, executor.check_manual(p, index, check.checked, check.note));
      };
      WalkSession session(the_alert, match, playbook, mine, connection.cloud, prompter, settings);
      const std::string walked = session.run();
      outcomes = session.outcomes();
      if (!outcomes.empty()) {
        record_answers(session.plan(), std::max_element(outcomes.begin(), outcomes.end(), [](const auto& x, const auto& y) {
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
      prompter.say("\n" + tr(lang, "Summary:", "小结：") + "\n" + run_summary(session.plan(), outcomes, lang, colour));
    } else {
      UnattendedResponder responder(options.yes, options.yes_irreversible, reason, nullptr);
      exec::Executor executor(*folder, journal, *connection.client, connection.cloud, responder, {subscriptions, {}});
      // Walk the visited steps in order, planning again after each read so that later
      // defaults can use what it found ({{results...}}).
      std::size_t next = 0;
      while (true) {
        const auto visited = engine::visited_steps(plan);
        const auto it = std::find_if(visited.begin(), visited.end(), [&](std::size_t i) { return i >= next; });
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
          std::fprintf(stderr,
                       "dftriage: case %s: %zu question(s) need an answer before step %s: resume with --case %s "
                       "--answers FILE or --set id=value\n",
                       folder->dir().c_str(), open.size(), plan.steps[index].step->id.c_str(), folder->dir().c_str());
          return ExitStatus::needs_human;
        }
        auto result = executor.run_step(plan, index);
        if (!result.result.is_null()) {
          results[plan.steps[index].step->id] = result.result;
          plan = engine::build_plan(the_alert, match, playbook, answers_now(), connection.cloud, results);
        }
        if (result.outcome == "declined") {
          result.outcome = "awaiting-confirmation";
          result.message = exec::is_irreversible(plan.steps[index])
                             ? "not carried out: it cannot be undone; confirm with --yes --yes-irreversible"
                             : "not carried out: confirm with --yes";
        }
        outcomes.push_back(outcome_of(index, result));
        if (result.outcome == "failed" && plan.steps[index].action != nullptr && plan.steps[index].action->mutating) {
          break;  // fail closed: nothing after a failed change
        }
      }
    }
  } catch (const Interrupted&) {
    journal.append({{"event", "case.interrupted"}});
    std::fprintf(stderr, "%s",
                 (lang == playbook::Lang::zh_cn
                    ? "\ndftriage: 已按 Ctrl-C 停止。案例保存在 " + folder->dir() + "；继续请运行：\n  " + resume_command + "\n"
                    : "\ndftriage: stopped by Ctrl-C. The case is kept in " + folder->dir() + "; resume with:\n  "
                        + resume_command + "\n")
                   .c_str());
    return ExitStatus::interrupted;
  }
  const auto status = status_of(plan, outcomes, stopped, lang);
  if (status.word == "completed") {
    journal.append({{"event", "case.closed"}, {"outcome", "completed"}});
  }

  if (!interactive) {
    Writer writer(stdout);
    if (format == OutputFormat::text) {
      writer.write(paint(sanitize(the_alert.alert_type), Colour::bold, colour) + "  ->  playbook "
                   + match.playbook_id() + " (" + connection.mode + ")\n");
      writer.write(tr(lang, "Case ", "案例 ") + folder->dir() + "\n\n" + tr(lang, "Summary:", "小结：") + "\n"
                   + run_summary(plan, outcomes, lang, colour));
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
      json.add(std::move(record));
      json.finish();
    }
    writer.flush();
  } else if (!status.needs.empty() || status.word != "completed") {
    std::printf("\n%s%s\n", tr(lang, "Status: ", "状态：").c_str(), status_word(status.word, lang).c_str());
    for (const auto& n : status.needs) {
      std::printf("  - %s\n", n.c_str());
    }
  }
  std::fprintf(stderr, "dftriage: case %s: %s (report: dftriage report %s; undo: dftriage undo %s%s)\n",
               folder->dir().c_str(), status.word.c_str(), folder->dir().c_str(), folder->dir().c_str(),
               status.word == "completed" ? "" : ("; resume: " + resume_command).c_str());
  return status.exit;
}

} // namespace dftriage::cli
