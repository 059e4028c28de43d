#include "run_outcome.hpp"

#include "dftriage/util/terminal.hpp"

namespace dftriage::cli {

RunStatus status_of(const engine::Plan& plan, const std::vector<StepOutcome>& outcomes,
                    bool stopped, playbook::Lang lang)
{
  RunStatus status;
  bool failed = false;
  bool refused = false;
  bool not_permitted = false;
  for (const auto& o : outcomes) {
    const std::string id = plan.steps[o.step_index].step->id;
    if (o.outcome == "failed" || o.outcome == "rolled-back" ||
        o.outcome == "skipped-after-failure") {
      failed = true;
    } else if (o.outcome == "refused") {
      refused = true;
    } else if (o.outcome == "not-permitted") {
      not_permitted = true;
    } else if (o.outcome == "awaiting-confirmation") {
      status.needs.push_back(id +
                             tr(lang, ": a change awaiting confirmation", "：一项待确认的更改"));
    } else if (o.outcome == "open") {
      status.needs.push_back(
          id + tr(lang, ": a task for a person to check off", "：一项需要人工完成并确认的任务"));
    }
  }
  if (stopped) {
    status.needs.push_back(
        tr(lang, "the walk stopped before the end of the playbook", "流程在剧本结束前停止"));
  }
  if (failed) {
    status.word = "failed";
    status.exit = ExitStatus::azure_failure;
  } else if (refused) {
    status.word = "refused";
    status.exit = ExitStatus::refused;
  } else if (not_permitted) {
    status.word = "not-permitted";
    status.exit = ExitStatus::not_permitted;
  } else if (!status.needs.empty()) {
    status.word = "needs-human";
    status.exit = ExitStatus::needs_human;
  } else {
    status.word = "completed";
  }
  return status;
}

std::string interrupted_message(const std::string& dir, const std::string& resume_command,
                                playbook::Lang lang)
{
  return lang == playbook::Lang::zh_cn ? "\ndftriage: 已按 Ctrl-C 停止。案例保存在 " + dir +
                                             "；继续请运行：\n  " + resume_command + "\n"
                                       : "\ndftriage: stopped by Ctrl-C. The case is kept in " +
                                             dir + "; resume with:\n  " + resume_command + "\n";
}

std::string case_end_message(const std::string& dir, const std::string& word,
                             const std::string& resume_command, playbook::Lang lang)
{
  const std::string resume_hint =
      word == "completed" ? "" : tr(lang, "; resume: ", "；继续：") + resume_command;
  return tr(lang,
            "dftriage: case " + dir + ": " + word + " (report: dftriage report " + dir +
                "; undo: dftriage undo " + dir + resume_hint + ")",
            "dftriage: 案例 " + dir + "：" + status_word(word, lang) + "（报告：dftriage report " +
                dir + "；撤销：dftriage undo " + dir + resume_hint + "）");
}

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
  if (word == "not-permitted") {
    return "无权执行（not-permitted）";
  }
  return word == "failed" ? "失败（failed）" : word;
}

std::string open_questions_message(std::size_t count, const std::string& case_dir,
                                   const std::string& step, playbook::Lang lang, bool before_case)
{
  const std::string n = std::to_string(count);
  const std::string dir = terminal::sanitize(case_dir);
  std::string out = "dftriage: ";
  if (!case_dir.empty()) {
    out += tr(lang, "case ", "案例 ") + dir + ": ";
  }
  if (!step.empty()) {
    return out + tr(lang,
                    n + " question(s) need an answer before step " + step +
                        ": resume with --case " + dir + " --answers FILE or --set id=value",
                    "步骤 " + step + " 之前还有 " + n + " 个问题需要回答：用 --case " + dir +
                        " 加 --answers FILE 或 --set id=value 继续");
  }
  if (!case_dir.empty()) {
    return out + tr(lang,
                    n +
                        " question(s) need an answer: give them with --answers FILE or --set "
                        "id=value (dftriage run --case " +
                        dir + " ...)",
                    n +
                        " 个问题需要回答：用 --answers FILE 或 --set id=value 给出（dftriage run "
                        "--case " +
                        dir + " ...）");
  }
  if (before_case) {
    return out + tr(lang,
                    n + " question(s) need an answer before a case is opened: give them with "
                        "--answers FILE or --set id=value",
                    "打开案例之前还有 " + n +
                        " 个问题需要回答：用 --answers FILE 或 --set id=value 给出");
  }
  return out + tr(lang,
                  n + " question(s) need an answer: give them with --answers FILE or --set "
                      "id=value",
                  n + " 个问题需要回答：用 --answers FILE 或 --set id=value 给出");
}

nlohmann::ordered_json results_from_case(const journal::CaseFolder& folder,
                                         const exec::CaseState& state)
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

} // namespace dftriage::cli
