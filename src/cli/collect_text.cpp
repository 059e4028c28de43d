#include "collect_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "walk_text.hpp"

#include <map>

namespace dftriage::cli {

std::string collect_status_word(const std::string& status, playbook::Lang lang)
{
  if (lang != playbook::Lang::zh_cn) {
    return status;
  }
  static const std::pair<const char*, const char*> k_collect_words[] = {
      {"collected", "已收集"}, {"failed", "读取失败"},    {"skipped", "已跳过"},
      {"busy", "案例被占用"},  {"interrupted", "已中断"}, {"refused", "已拒绝"},
      {"error", "出错"},
  };
  for (const auto& [en, zh] : k_collect_words) {
    if (status == en) {
      return std::string(zh) + "（" + status + "）";
    }
  }
  return status;
}

std::string collect_summary_text(const std::vector<CaseCollected>& done, std::size_t total,
                                 const CollectFigures& figures, std::chrono::milliseconds elapsed,
                                 playbook::Lang lang)
{
  const bool zh = lang == playbook::Lang::zh_cn;
  std::map<std::string, std::size_t> by_status;
  for (const auto& c : done) {
    ++by_status[c.status];
  }
  std::string statuses;
  for (const auto& [status, n] : by_status) {
    statuses += statuses.empty() ? "" : tr(lang, ", ", "、");
    statuses += zh ? collect_status_word(status, lang) + std::to_string(n) + " 个"
                   : std::to_string(n) + " " + status;
  }
  const std::string seconds = std::to_string((elapsed.count() + 500) / 1000);
  const std::string requests = std::to_string(figures.requests);
  const std::string waits = std::to_string(figures.waits);
  const std::string throttled = std::to_string(figures.throttled);
  if (zh) {
    return "collect：事件 " + std::to_string(done.size()) + "/" + std::to_string(total) +
           (statuses.empty() ? "" : "，其中" + statuses) + "；请求 " + requests + " 次，限流等待 " +
           waits + " 次，429 共 " + throttled + " 次；用时 " + seconds + " 秒";
  }
  return "collect: " + std::to_string(done.size()) + " of " + std::to_string(total) + " incidents" +
         (statuses.empty() ? "" : " (" + statuses + ")") + "; " + requests + " requests, " + waits +
         " throttled waits, " + throttled + " x 429; " + seconds + " s";
}

std::string collect_ended_text(const CaseCollected& c, playbook::Lang lang)
{
  const std::string reads = std::to_string(c.reads);
  const std::string failed = std::to_string(c.failed);
  const std::string message =
      c.message.empty() ? "" : tr(lang, ": ", "：") + terminal::sanitize(c.message);
  if (lang == playbook::Lang::zh_cn) {
    return c.incident + "：" + collect_status_word(c.status, lang) + "，读取 " + reads +
           " 项，失败 " + failed + " 项" + message;
  }
  return c.incident + ": " + c.status + " (" + reads + " reads, " + failed + " failed)" + message;
}

std::string collect_problem_text(const CaseCollected& c, playbook::Lang lang)
{
  return "dftriage: " + c.incident + tr(lang, ": ", "：") + collect_status_word(c.status, lang) +
         tr(lang, ": ", "：") + terminal::sanitize(c.message);
}

std::string collect_interrupted_text(playbook::Lang lang)
{
  return tr(lang, "dftriage: interrupted: run the same collect again to go on where it stopped",
            "dftriage: 已按 Ctrl-C 中断：再次运行同一条 collect 命令，即可从停下的地方继续");
}

std::string collect_left_out_text(const std::string& incident, const std::string& file,
                                  playbook::Lang lang)
{
  const std::string name = terminal::sanitize(file);
  return tr(lang,
            "dftriage: " + incident + ": not collected: " + name +
                " could not all be read, so the incident may lack alerts",
            "dftriage: " + incident + "：未收集：" + name + " 未能完整读取，该事件可能缺少告警");
}

std::string collect_line_text(const CaseCollected& c, playbook::Lang lang)
{
  const std::string dir = c.dir.empty() ? "-" : terminal::sanitize(c.dir);
  const std::string reads = std::to_string(c.reads);
  const std::string failed = std::to_string(c.failed);
  if (lang == playbook::Lang::zh_cn) {
    return c.incident + "  " + dir + "  读取 " + reads + " 项，失败 " + failed + " 项  " +
           collect_status_word(c.status, lang) + "\n";
  }
  return c.incident + "  " + dir + "  " + reads + (c.reads == 1 ? " read, " : " reads, ") + failed +
         " failed  " + c.status + "\n";
}

} // namespace dftriage::cli
