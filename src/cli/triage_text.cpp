#include "triage_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"
#include "walk_text.hpp"

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

Colour severity_colour(alert::Severity s)
{
  switch (s) {
  case alert::Severity::high:
    return Colour::red;
  case alert::Severity::medium:
    return Colour::yellow;
  default:
    return Colour::none;
  }
}

// "same resource", "同一 resource": what every alert of the incident shares.
std::string grouped_text(const queue::Incident& inc, std::int64_t window_s, playbook::Lang lang)
{
  if (inc.alerts.size() == 1) {
    return tr(lang, "a single alert", "单条告警");
  }
  std::string out = tr(lang, "same ", "相同的 ") + text::join(inc.group_by, " + ");
  if (!inc.ties.empty()) {
    out += tr(lang, "; tied by ", "；关联依据 ");
    for (std::size_t i = 0; i < inc.ties.size() && i < 4; ++i) {
      const auto& t = inc.ties[i];
      out += (i == 0 ? "" : tr(lang, ", ", "，")) + t.key + " " + sanitize(t.value) +
             tr(lang, " (", "（") + std::to_string(t.alerts) + tr(lang, " alerts)", " 条告警）");
    }
    if (inc.ties.size() > 4) {
      out += tr(lang, ", …", "，…");
    }
  }
  out += tr(lang, "; each within ", "；相邻告警间隔不超过 ") + window_text(window_s) +
         tr(lang, " of the one before", "");
  return out;
}

// "18 kB", "3 MB": a size of spill files, as --memory takes one.
std::string spill_size(std::uint64_t bytes)
{
  return bytes >= (std::uint64_t{1} << 20U) ? std::to_string(bytes >> 20U) + " MB"
                                            : std::to_string((bytes + 1023) >> 10U) + " kB";
}

} // namespace

std::vector<std::string> triage_columns(playbook::Lang lang)
{
  if (lang == playbook::Lang::zh_cn) {
    return {"排名", "事件", "严重性", "状态", "类别", "告警数", "最近出现", "资源", "模拟"};
  }
  return {"RANK",   "INCIDENT",  "SEVERITY", "STATUS",   "FAMILY",
          "ALERTS", "LAST SEEN", "RESOURCE", "SIMULATED"};
}

std::vector<std::string> triage_row(const queue::Incident& inc, bool tsv, playbook::Lang lang)
{
  std::string resource = inc.resources.empty() ? "" : inc.resources.front();
  if (const auto slash = resource.rfind('/'); slash != std::string::npos) {
    resource = resource.substr(slash + 1);
  }
  if (inc.resources.size() > 1) {
    resource += " +" + std::to_string(inc.resources.size() - 1);
  }
  std::string simulated = inc.simulated ? tr(lang, "yes", "是") : tr(lang, "no", "否");
  if (tsv) {
    simulated = inc.simulated ? "true" : "false"; // as -o json has it
  }
  return {std::to_string(inc.rank),
          inc.id,
          std::string(alert::to_string(inc.severity)),
          inc.status,
          std::string(alert::to_string(inc.family)),
          std::to_string(inc.alerts.size()),
          inc.last_seen,
          resource,
          simulated};
}

std::string spill_text(std::uint64_t budget_bytes, const queue::TriageCounts& counts,
                       playbook::Lang lang)
{
  const std::string budget = spill_size(budget_bytes);
  const std::string written = spill_size(counts.spilled_bytes);
  const std::string files = std::to_string(counts.spill_files);
  if (lang == playbook::Lang::zh_cn) {
    return "triage：队列超出了内存预算 " + budget + "（--memory），已将 " + written + " 写入 " +
           files + " 个临时文件排序";
  }
  return "triage: the queue outgrew its memory budget of " + budget + " (--memory): " + written +
         " written to " + files + " spill files";
}

std::string window_text(std::int64_t seconds)
{
  if (seconds % 86400 == 0 && seconds >= std::int64_t{7} * 86400) {
    return std::to_string(seconds / 86400) + "d";
  }
  if (seconds % 3600 == 0) {
    return std::to_string(seconds / 3600) + "h";
  }
  if (seconds % 60 == 0) {
    return std::to_string(seconds / 60) + "m";
  }
  return std::to_string(seconds) + "s";
}

std::string incident_text(const queue::Incident& inc, std::int64_t window_s, playbook::Lang lang,
                          bool colour)
{
  std::string out = paint("#" + std::to_string(inc.rank) + " " + inc.id, Colour::bold, colour);
  out += "  " +
         paint(std::string(alert::to_string(inc.severity)), severity_colour(inc.severity), colour);
  out += "  " + sanitize(inc.status.empty() ? "-" : inc.status);
  out += "  " + std::string(alert::to_string(inc.family));
  out += "  " + std::to_string(inc.alerts.size()) + tr(lang, " alert(s)", " 条告警");
  if (inc.simulated) {
    out += paint(tr(lang, "  simulated", "  模拟告警"), Colour::dim, colour);
  }
  out += "\n";
  const std::string label_seen = tr(lang, "    seen:      ", "    时间：     ");
  if (!inc.first_seen.empty()) {
    out += label_seen + inc.first_seen +
           (inc.last_seen != inc.first_seen ? " .. " + inc.last_seen : std::string()) + "\n";
  }
  for (std::size_t i = 0; i < inc.resources.size() && i < 5; ++i) {
    out += (i == 0 ? tr(lang, "    resource:  ", "    资源：     ") : std::string(15, ' ')) +
           sanitize(inc.resources[i]) + "\n";
  }
  if (inc.resources.size() > 5) {
    out += std::string(15, ' ') + "+" + std::to_string(inc.resources.size() - 5) + "\n";
  }
  out += tr(lang, "    playbook:  ", "    剧本：     ") + inc.playbook + "\n";
  const std::string grouped =
      wrap(grouped_text(inc, window_s, lang), text_width() - 11, std::string(15, ' '));
  out += tr(lang, "    grouped:   ", "    分组：     ") + grouped.substr(15);
  if (out.back() != '\n') {
    out += "\n";
  }
  if (inc.duplicates > 0) {
    out += tr(lang, "    dropped:   ", "    已去重：   ") + std::to_string(inc.duplicates) +
           tr(lang, " duplicate copies", " 份重复副本") + "\n";
  }
  constexpr std::size_t k_shown = 10;
  for (std::size_t i = 0; i < inc.alerts.size() && i < k_shown; ++i) {
    const auto& a = inc.alerts[i];
    out += "      " + (a.time ? time::from_unix_seconds(*a.time) : std::string("-")) + "  " +
           std::string(alert::to_string(a.severity)) + "  " + sanitize(a.alert_type) + "  " +
           sanitize(a.id) + "\n";
  }
  if (inc.alerts.size() > k_shown) {
    out += "      " + tr(lang, "… and ", "… 另有 ") + std::to_string(inc.alerts.size() - k_shown) +
           tr(lang, " more (-o json lists all)", " 条（-o json 列出全部）") + "\n";
  }
  return out + "\n";
}

std::string triage_summary(const queue::TriageCounts& counts, std::size_t incidents,
                           playbook::Lang lang)
{
  std::string out =
      std::to_string(counts.read) + tr(lang, " alert(s) read, ", " 条告警已读取，") +
      std::to_string(counts.duplicates) + tr(lang, " duplicate(s) dropped, ", " 条重复已去除，") +
      std::to_string(counts.filtered) + tr(lang, " left out by filters: ", " 条被筛选排除：") +
      std::to_string(incidents) + tr(lang, " incident(s)", " 个事件");
  if (counts.other_shards > 0) {
    out += tr(lang, " (", "（") + std::to_string(counts.other_shards) +
           tr(lang, " in other shards)", " 个属于其他分片）");
  }
  return out;
}

} // namespace dftriage::cli
