// The incident record's labels in English and Chinese (zh-CN), written for each
// language rather than word for word.

#include "report_detail.hpp"

namespace dftriage::exec::detail {

namespace {

const Labels k_en{
  "Incident record",
  "Case", "Playbook", "playbook", "not chosen", "Opened", "Last entry", "State", "closed", "still open",
  "Time to first containment", "no containing change yet", "Total time", "Owner", "not found",
  "tag %1, read by %2", "no step read the resource's tags", "Operators", "Journal",
  "hash chain intact", "HASH CHAIN BROKEN", "entries", "last hash", "line",
  "Alert",
  {"ID", "Type", "Name", "Severity", "Status", "Resource", "Subscription", "Compromised entity", "Start", "End",
   "Link", "Description"},
  "Indicators", "Kind", "Value", "Details", "From", "IP address", "Principal", "Domain", "Resource", "object ID",
  "application", "UPN", "display name", "threat intelligence", "alert",
  {{"attacked", "attacked resource"}, {"host", "host"}, {"entity", "named in the alert"}},
  "Timeline", "Answers", "Question", "Answer", "Source",
  {{"typed", "typed at the prompt"}, {"file", "answers file (--answers)"}, {"set", "--set"},
   {"default", "playbook default"}, {"read", "default from a read"}, {"given", "given (older case)"}},
  "Changes confirmed", "Step", "Action", "Reason", "By", "Time",
  "Manual steps", "Checked", "Note",
  "Actions", "Status", "Undo", "Request IDs", "change", "read", "inspection, changes nothing",
  {{"done", "done"}, {"no-op", "already in place"}, {"declined", "declined"}, {"refused", "refused"},
   {"failed", "failed"}, {"entered", "not finished"}, {"open", "open"}, {"not-applicable", "not applicable"},
   {"started", "started, not finished"}, {"irreversible", "cannot be undone"}, {"completed", "completed"}},
  "Declined changes", "Undone", "Result", "Evidence", "pre-image", "Open follow-ups", "None.",
  {{"case.opened", "Case opened (%1)"}, {"case.resumed", "Case resumed (%1)"}, {"case.closed", "Case closed: %1"},
   {"step.done", "%s: done"}, {"step.checked", "%s: checked off: %1"}, {"step.no-op", "%s: already in place"},
   {"step.refused", "%s: refused"}, {"step.failed", "%s: failed"}, {"step.declined", "%s: change declined"},
   {"step.open", "%s: left open"}, {"step.left", "%s: left unfinished"}, {"confirmation", "%s: change confirmed"},
   {"assessment.waived", "%s: closing although these reads failed: %1"},
   {"undo.requested", "Undo requested for %1"}, {"undo.done", "%s: undone"},
   {"undo.no-op", "%s: nothing to put back"}, {"undo.failed", "%s: undo failed"},
   {"undo.irreversible", "%s: cannot be undone"}},
  {{"failed", "%s failed%d. Retry with %c, or undo the case with %u."},
   {"declined", "%s was declined%d: decide on it, then resume with %c."},
   {"refused", "%s was refused%d."},
   {"open", "%s: manual step still open%d: check it off with %c."},
   {"awaiting", "%s was not finished%d: decide on it, then resume with %c."},
   {"unanswered", "%s: a change was sent and its answer never arrived; %c checks its target before sending "
                  "anything again."},
   {"irreversible", "%s cannot be undone by dftriage: record it in the ticket."},
   {"undo-failed", "%s: the undo failed%d; run %u again once the cause is fixed."},
   {"undo-unfinished", "%s: the undo started and did not finish; run %u again."},
   {"not-reached", "%s: manual step not reached yet%d."},
   {"unfinished", "The case is not completed yet: resume with %c."}},
  "h", "m", "s", " ", ": ", ", ", " (", ")"};

const Labels k_zh{
  "事件记录",
  "案例", "剧本", "剧本", "未选择", "开始时间", "最后记录", "状态", "已关闭", "仍在进行",
  "首次遏制用时", "尚无遏制性更改", "总用时", "资源负责人", "未找到",
  "标签 %1，由 %2 读取", "没有步骤读取该资源的标签", "操作人员", "日志",
  "哈希链完整", "哈希链已损坏", "条记录", "最后哈希", "行",
  "告警",
  {"ID", "类型", "名称", "严重性", "状态", "资源", "订阅", "受影响实体", "开始", "结束", "链接", "描述"},
  "威胁指标", "类别", "值", "详情", "来源", "IP 地址", "主体", "域名", "资源", "对象 ID", "应用", "UPN",
  "显示名称", "威胁情报", "告警",
  {{"attacked", "受攻击的资源"}, {"host", "主机"}, {"entity", "告警中提到的资源"}},
  "时间线", "问题回答", "问题", "回答", "来源",
  {{"typed", "在提示处输入"}, {"file", "答案文件（--answers）"}, {"set", "命令行 --set"},
   {"default", "剧本默认值"}, {"read", "由读取结果得出的默认值"}, {"given", "已给出（旧案例）"}},
  "已确认的更改", "步骤", "操作", "理由", "操作人", "时间",
  "手动步骤", "勾选结果", "备注",
  "执行的操作", "状态", "撤销", "请求 ID", "更改", "只读", "只读检查，不做更改",
  {{"done", "已完成"}, {"no-op", "已是目标状态"}, {"declined", "已拒绝"}, {"refused", "被拒绝执行"},
   {"failed", "失败"}, {"entered", "未完成"}, {"open", "待办"}, {"not-applicable", "不适用"},
   {"started", "已开始，未完成"}, {"irreversible", "无法撤销"}, {"completed", "已完成"}},
  "已拒绝的更改", "已撤销", "结果", "证据", "更改前状态", "待跟进事项", "无。",
  {{"case.opened", "案例开始（%1）"}, {"case.resumed", "案例继续（%1）"}, {"case.closed", "案例关闭：%1"},
   {"step.done", "%s：已完成"}, {"step.checked", "%s：已勾选：%1"}, {"step.no-op", "%s：已是目标状态"},
   {"step.refused", "%s：被拒绝执行"}, {"step.failed", "%s：失败"}, {"step.declined", "%s：更改被拒绝"},
   {"step.open", "%s：待办"}, {"step.left", "%s：中途离开"}, {"confirmation", "%s：更改已确认"},
   {"assessment.waived", "%s：以下读取步骤失败，仍然关闭：%1"},
   {"undo.requested", "请求撤销 %1"}, {"undo.done", "%s：已撤销"}, {"undo.no-op", "%s：无需恢复"},
   {"undo.failed", "%s：撤销失败"}, {"undo.irreversible", "%s：无法撤销"}},
  {{"failed", "%s 执行失败%d。请用 %c 重试，或用 %u 撤销本案例的更改。"},
   {"declined", "%s 被拒绝%d：请做出决定，然后用 %c 继续。"},
   {"refused", "%s 被拒绝执行%d。"},
   {"open", "%s：手动步骤尚未完成%d：请用 %c 勾选。"},
   {"awaiting", "%s 没有完成%d：请做出决定，然后用 %c 继续。"},
   {"unanswered", "%s：更改已发出但未收到响应；%c 会先核对目标状态，再决定是否重新发送。"},
   {"irreversible", "%s 无法由 dftriage 撤销：请在工单中记录。"},
   {"undo-failed", "%s：撤销失败%d；排除原因后再运行 %u。"},
   {"undo-unfinished", "%s：撤销已开始但没有完成；请再运行 %u。"},
   {"not-reached", "%s：尚未进行到这个手动步骤%d。"},
   {"unfinished", "案例尚未完成：请用 %c 继续。"}},
  "小时", "分", "秒", "", "：", "，", "（", "）"};

} // namespace

const Labels& labels(playbook::Lang lang) { return lang == playbook::Lang::zh_cn ? k_zh : k_en; }

} // namespace dftriage::exec::detail
