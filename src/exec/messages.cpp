#include "dftriage/exec/messages.hpp"

#include <string_view>
#include <vector>

namespace dftriage::exec {

namespace {

// One known message: `en` with a {} for each value it carries, `zh` naming them {1}, {2},
// ... (Chinese puts them in a different order at times).
struct Known
{
  std::string_view en;
  std::string_view zh;
  bool last_is_message = false; // its last value is a message of ours too
};

constexpr Known k_known[] = {
    // The executor: outcomes of a step.
    {"already in place: nothing to change", "已经就位：无需更改"},
    {"found in place when re-checked after an interrupted run", "中断后重新检查，发现已经就位"},
    {"sent before the run was interrupted and found in place on resume: this case's change",
     "运行中断前已发出，继续时发现已经生效：这是本案例所做的更改"},
    {"already done in this case", "本案例中已完成"},
    {"already no-op in this case", "本案例中此前已是目标状态"},
    {"a question it needs has no answer", "它需要的问题还没有回答"},
    {"a manual step: a person checks it off at a terminal (dftriage run --case DIR)",
     "人工任务：需要有人在终端上确认完成（dftriage run --case DIR）"},
    {"not done yet: {}", "尚未完成：{1}"},
    {"not done yet", "尚未完成"},
    {"not applicable", "不适用"},
    {"sent before the run was interrupted and its outcome cannot be read back; check by hand, then "
     "run the step "
     "again (interactive retry)",
     "这项更改在运行中断前已发出，无法读回它的结果；请人工检查，然后再次执行该步骤（交互式重试）"},
    {"it would touch subscription {}, outside this case's scope ({}); widen it with --subscription "
     "if that is intended",
     "它会涉及订阅 {1}，超出本案例的范围（{2}）；如确有需要，请用 --subscription 扩大范围"},
    {"parameter {} names subscription {}, outside this case's scope ({}); widen it with "
     "--subscription if that is "
     "intended",
     "参数 {1} 指向订阅 {2}，超出本案例的范围（{3}）；如确有需要，请用 --subscription 扩大范围"},
    {"its target changed since the plan was made: {}; plan again and review the new plan",
     "制定计划后目标已发生变化：{1}；请重新制定计划并审阅"},
    {"not carried out: it cannot be undone; confirm with --yes --yes-irreversible",
     "未执行：此更改无法撤销；需用 --yes --yes-irreversible 确认"},
    {"not carried out: confirm with --yes", "未执行：需用 --yes 确认"},
    {"not carried out: reads that assess the incident failed ({}); closing the alert now would "
     "hide what they were "
     "to find",
     "未执行：用于评估事件的读取步骤失败（{1}）；现在关闭告警会掩盖它们本应发现的内容"},
    // A refusal of the Key Vault firewall's parameters (keyvault.cpp, check_blocked).
    {"parameter blockedIps: {} is inside the allowed range {} (allowedIps): the firewall would let "
     "it in; narrow the range",
     "参数 blockedIps：{1} 落在允许的范围 "
     "{2}（allowedIps）之内，防火墙开启后仍会放行它；请缩小该范围"},
    // Who confirmed a change, and how.
    {"confirmed with --yes by {}", "由 {1} 以 --yes 确认"},
    {"undo confirmed with --yes by {}", "由 {1} 以 --yes 确认撤销"},
    {"applied reviewed plan {}", "按已审阅的计划 {1} 执行"},
    {"client {} in tenant {} ({})", "租户 {2} 中的客户端 {1}（{3}）", true},
    {"tenant {} ({})", "租户 {1}（{2}）", true},
    // The credential that answered (TokenCredential::description), inside the above.
    {"client secret (environment)", "环境变量中的客户端密码"},
    {"client secret (lab)", "实验环境的客户端密码"},
    {"client secret (cloud file {})", "云配置文件 {1} 中的客户端密码"},
    {"client certificate (environment)", "环境变量中的客户端证书"},
    {"managed identity (IMDS)", "IMDS 托管标识"},
    {"managed identity (App Service)", "App Service 托管标识"},
    {"workload identity", "工作负载标识"},
    // Why a step of a plan is not planned (engine::build_plan).
    {"the alert does not meet the playbook's requirements", "告警不满足剧本的前提条件"},
    {"the walk stopped at step {}", "流程在步骤 {1} 处结束"},
    {"step {} goes to {}", "步骤 {1} 转到 {2}"},
    {"its condition does not hold", "它的条件不成立"},
    {"needs an answer to {}", "需要先回答 {1}"},
    // Undo.
    {"an inspection changes nothing", "只读检查不做任何更改"},
    {"unknown action {}", "未知操作 {1}"},
    {"{} cannot be undone", "{1} 无法撤销"},
    {"no pre-image was captured for {}", "没有为 {1} 记录更改前的状态"},
    {"the pre-image {} was altered after it was captured", "更改前的状态文件 {1} 在记录后被改动过"},
    {"  {}: cannot be undone ({})", "  {1}：无法撤销（{2}）"},
    {"  {}: nothing to put back", "  {1}：没有需要恢复的内容"},
    {"  {}: undone", "  {1}：已撤销"},
    {"  {}: kept, it is evidence (undo --remove-evidence deletes it)",
     "  {1}：作为证据保留（undo --remove-evidence 才会删除）"},
    {"  {}: undo failed: {}", "  {1}：撤销失败：{2}"},
};

// Matches `message` against `pattern`; fills `values` with what each {} stands for.
bool matches(std::string_view message, std::string_view pattern,
             std::vector<std::string_view>& values)
{
  values.clear();
  std::vector<std::string_view> literals;
  for (std::size_t at = 0;;) {
    const std::size_t hole = pattern.find("{}", at);
    literals.push_back(
        pattern.substr(at, hole == std::string_view::npos ? std::string_view::npos : hole - at));
    if (hole == std::string_view::npos) {
      break;
    }
    at = hole + 2;
  }
  if (literals.size() == 1) {
    return message == pattern;
  }
  if (message.substr(0, literals.front().size()) != literals.front()) {
    return false;
  }
  std::size_t at = literals.front().size();
  for (std::size_t i = 1; i < literals.size(); ++i) {
    const bool last = i + 1 == literals.size();
    std::size_t found = 0;
    if (last) {
      if (message.size() < at + literals[i].size() ||
          message.substr(message.size() - literals[i].size()) != literals[i]) {
        return false;
      }
      found = message.size() - literals[i].size();
    } else {
      found = message.find(literals[i], at);
      if (found == std::string_view::npos) {
        return false;
      }
    }
    if (found == at) {
      return false; // a value is never empty
    }
    values.push_back(message.substr(at, found - at));
    at = found + literals[i].size();
  }
  return true;
}

std::string fill(std::string_view zh, const std::vector<std::string_view>& values)
{
  std::string out;
  for (std::size_t i = 0; i < zh.size(); ++i) {
    if (zh[i] == '{' && i + 2 < zh.size() && zh[i + 1] >= '1' && zh[i + 1] <= '9' &&
        zh[i + 2] == '}') {
      const auto n = static_cast<std::size_t>(zh[i + 1] - '1');
      out += n < values.size() ? std::string(values[n]) : std::string();
      i += 2;
    } else {
      out += zh[i];
    }
  }
  return out;
}

} // namespace

std::string message_in(const std::string& message, playbook::Lang lang)
{
  if (lang != playbook::Lang::zh_cn) {
    return message;
  }
  std::vector<std::string_view> values;
  for (const auto& known : k_known) {
    if (matches(message, known.en, values)) {
      if (!known.last_is_message) {
        return fill(known.zh, values);
      }
      const std::string last = message_in(std::string(values.back()), lang);
      values.back() = last;
      return fill(known.zh, values);
    }
  }
  return message;
}

} // namespace dftriage::exec
