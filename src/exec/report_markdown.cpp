// The incident record as Markdown for a ticket, in English or Chinese. Everything from
// the alert, Azure or a person goes through markdown_code (identifiers, paths,
// commands, values) or markdown_text (prose).

#include "dftriage/exec/report.hpp"

#include <map>

namespace dftriage::exec {

namespace {

using json = nlohmann::ordered_json;

std::string str(const json& j, const char* key)
{
  if (!j.is_object()) {
    return {};
  }
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Labels
{
  const char* title;
  // Summary
  const char* case_;
  const char* playbook;
  const char* playbook_word;  // inside a sentence
  const char* not_chosen;
  const char* opened;
  const char* last_entry;
  const char* state;
  const char* closed;
  const char* still_open;
  const char* first_containment;
  const char* no_containment;
  const char* total_time;
  const char* owner;
  const char* owner_not_found;
  const char* owner_tag;      // "tag %s, read by %s"
  const char* owner_no_tags;  // no step read the resource's tags
  const char* operators;
  const char* journal;
  const char* chain_intact;
  const char* chain_broken;
  const char* entries;
  const char* last_hash;
  const char* line;
  // Alert
  const char* alert;
  const char* alert_fields[12];
  // Indicators
  const char* indicators;
  const char* kind;
  const char* value;
  const char* details;
  const char* from;
  const char* ip;
  const char* principal;
  const char* domain;
  const char* resource;
  const char* object_id;
  const char* application;
  const char* upn;
  const char* display_name;
  const char* threat;
  const char* from_alert;
  std::map<std::string, const char*> roles;
  // Sections and columns
  const char* timeline;
  const char* answers;
  const char* question;
  const char* answer;
  const char* source;
  std::map<std::string, const char*> sources;
  const char* confirmed;
  const char* step;
  const char* action;
  const char* reason;
  const char* by;
  const char* time;
  const char* checklist;
  const char* checked;
  const char* note;
  const char* actions;
  const char* status;
  const char* undo;
  const char* request_ids;
  const char* change;
  const char* read;
  std::map<std::string, const char*> statuses;
  const char* declined;
  const char* undone;
  const char* result;
  const char* evidence;
  const char* pre_image;
  const char* follow_ups;
  const char* none;
  std::map<std::string, const char*> events;
  std::map<std::string, const char*> follow;
  const char* hours;
  const char* minutes;
  const char* seconds;
  const char* unit_sep;  // between "2h" and "03m"
  const char* sep;    // between a label and its value
  const char* comma;  // between items
  const char* open_paren;
  const char* close_paren;
};

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
  "Actions", "Status", "Undo", "Request IDs", "change", "read",
  {{"done", "done"}, {"no-op", "already in place"}, {"declined", "declined"}, {"refused", "refused"},
   {"failed", "failed"}, {"entered", "not finished"}, {"open", "open"}, {"not-applicable", "not applicable"},
   {"started", "started, not finished"}, {"irreversible", "cannot be undone"}},
  "Declined changes", "Undone", "Result", "Evidence", "pre-image", "Open follow-ups", "None.",
  {{"case.opened", "Case opened (%1)"}, {"case.resumed", "Case resumed (%1)"}, {"case.closed", "Case closed: %1"},
   {"step.done", "%s: done"}, {"step.checked", "%s: checked off: %1"}, {"step.no-op", "%s: already in place"},
   {"step.refused", "%s: refused"}, {"step.failed", "%s: failed"}, {"step.declined", "%s: change declined"},
   {"step.open", "%s: left open"}, {"step.left", "%s: left unfinished"}, {"confirmation", "%s: change confirmed"},
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
   {"unfinished", "The walk did not reach its end: resume with %c."}},
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
  "执行的操作", "状态", "撤销", "请求 ID", "更改", "只读",
  {{"done", "已完成"}, {"no-op", "已是目标状态"}, {"declined", "已拒绝"}, {"refused", "被拒绝执行"},
   {"failed", "失败"}, {"entered", "未完成"}, {"open", "待办"}, {"not-applicable", "不适用"},
   {"started", "已开始，未完成"}, {"irreversible", "无法撤销"}},
  "已拒绝的更改", "已撤销", "结果", "证据", "更改前状态", "待跟进事项", "无。",
  {{"case.opened", "案例开始（%1）"}, {"case.resumed", "案例继续（%1）"}, {"case.closed", "案例关闭：%1"},
   {"step.done", "%s：已完成"}, {"step.checked", "%s：已勾选：%1"}, {"step.no-op", "%s：已是目标状态"},
   {"step.refused", "%s：被拒绝执行"}, {"step.failed", "%s：失败"}, {"step.declined", "%s：更改被拒绝"},
   {"step.open", "%s：待办"}, {"step.left", "%s：中途离开"}, {"confirmation", "%s：更改已确认"},
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
   {"unfinished", "处置流程没有走完：请用 %c 继续。"}},
  "小时", "分", "秒", "", "：", "，", "（", "）"};

const char* lookup(const std::map<std::string, const char*>& map, const std::string& key)
{
  const auto it = map.find(key);
  return it != map.end() ? it->second : nullptr;
}

// Replaces each of `keys` ("%s", "%1", ...) in `pattern` by its value.
std::string fill(const std::string& pattern, const std::vector<std::pair<std::string, std::string>>& values)
{
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    bool replaced = false;
    for (const auto& [key, value] : values) {
      if (pattern.compare(i, key.size(), key) == 0) {
        out += value;
        i += key.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += pattern[i];
    }
  }
  return out;
}

class Renderer
{
public:
  Renderer(const json& report, const Labels& l) : m_report(report), m_l(l) {}

  std::string render()
  {
    summary();
    alert();
    indicators();
    timeline();
    answers();
    confirmed();
    checklist();
    actions();
    declined();
    undone();
    evidence();
    follow_ups();
    return m_out;
  }

private:
  // A value as a code span ("—" when empty); JSON values other than strings as JSON.
  static std::string code(const json& v, bool in_table = false)
  {
    std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
    if (v.is_string() && s.empty()) {
      s = "\"\"";
    }
    const std::string span = markdown_code(s, in_table);
    return span.empty() ? "—" : span;
  }
  static std::string text(const std::string& s, bool in_table = false)
  {
    const std::string t = markdown_text(s, in_table);
    return t.empty() ? "—" : t;
  }
  std::string status(const std::string& s) const
  {
    const char* label = lookup(m_l.statuses, s);
    return label != nullptr ? label : markdown_text(s);
  }
  std::string duration(long long seconds) const
  {
    const long long h = seconds / 3600;
    const long long m = seconds % 3600 / 60;
    const long long s = seconds % 60;
    const auto two = [](long long n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    if (h > 0) {
      return std::to_string(h) + m_l.hours + m_l.unit_sep + two(m) + m_l.minutes + m_l.unit_sep + two(s) + m_l.seconds;
    }
    if (m > 0) {
      return std::to_string(m) + m_l.minutes + m_l.unit_sep + two(s) + m_l.seconds;
    }
    return std::to_string(s) + m_l.seconds;
  }
  // Who: the user; their credential's principal is listed once, under Operators.
  static std::string by(const json& who, bool in_table) { return code(str(who, "user"), in_table); }
  void item(const char* label, const std::string& value)
  {
    m_out += std::string("- **") + label + "**" + m_l.sep + value + "\n";
  }
  void heading(const char* title) { m_out += std::string("\n## ") + title + "\n\n"; }
  void table(std::initializer_list<const char*> columns)
  {
    std::string head = "|";
    std::string rule = "|";
    for (const char* c : columns) {
      head += std::string(" ") + c + " |";
      rule += "---|";
    }
    m_out += head + "\n" + rule + "\n";
  }
  void row(std::initializer_list<std::string> cells)
  {
    m_out += "|";
    for (const auto& c : cells) {
      m_out += " " + c + " |";
    }
    m_out += "\n";
  }
  void none() { m_out += std::string(m_l.none) + "\n"; }

  void summary();
  void alert();
  void indicators();
  void timeline();
  void answers();
  void confirmed();
  void checklist();
  void actions();
  void declined();
  void undone();
  void evidence();
  void follow_ups();

  const json& m_report;
  const Labels& m_l;
  std::string m_out;
};

void Renderer::summary()
{
  const auto& a = m_report["alert"];
  m_out = "# " + std::string(m_l.title) + m_l.sep + code(str(a, "type")) + "\n\n";
  item(m_l.case_, code(str(m_report, "case")));
  if (str(m_report, "playbook").empty()) {
    item(m_l.playbook, m_l.not_chosen);
  } else {
    std::string p = code(str(m_report, "playbook"));
    if (!str(m_report, "playbookVersion").empty()) {
      p += " " + text(str(m_report, "playbookVersion"));
    }
    if (!str(m_report, "mode").empty()) {
      p += m_l.open_paren + text(str(m_report, "mode")) + m_l.close_paren;
    }
    item(m_l.playbook, p);
  }
  item(m_l.opened, text(str(m_report, "opened")));
  item(m_l.last_entry, text(str(m_report, "lastEntry")));
  item(m_l.state, m_report.value("closed", false)
                    ? std::string(m_l.closed) + (str(m_report, "outcome").empty() ? "" : m_l.sep + text(str(m_report, "outcome")))
                    : std::string(m_l.still_open));
  const auto& d = m_report["durations"];
  const auto& fc = d["toFirstContainment"];
  item(m_l.first_containment, fc.is_object() ? duration(fc.value("seconds", 0LL)) + m_l.open_paren + code(str(fc, "step"))
                                                    + m_l.close_paren
                                              : std::string(m_l.no_containment));
  item(m_l.total_time, d["total"].is_object() ? duration(d["total"].value("seconds", 0LL)) : "—");
  const auto& o = m_report["owner"];
  if (o.value("found", false)) {
    item(m_l.owner, code(o["value"]) + m_l.open_paren
                      + fill(m_l.owner_tag, {{"%1", code(str(o, "tag"))}, {"%2", code(str(o, "step"))}})
                      + m_l.close_paren);
  } else {
    item(m_l.owner, std::string(m_l.owner_not_found)
                      + (o.value("tagsRead", json::array()).empty() ? m_l.open_paren + std::string(m_l.owner_no_tags)
                                                                          + m_l.close_paren
                                                                    : ""));
  }
  std::string ops;
  for (const auto& op : m_report["operators"]) {
    ops += (ops.empty() ? "" : m_l.comma) + by(op, false);
    if (!str(op, "principal").empty()) {
      ops += m_l.open_paren + text(str(op, "principal")) + m_l.close_paren;
    }
  }
  item(m_l.operators, ops.empty() ? "—" : ops);
  const auto& j = m_report["journal"];
  std::string journal = j.value("chainIntact", false) ? m_l.chain_intact : std::string("**") + m_l.chain_broken + "**";
  journal += m_l.comma + std::to_string(j.value("entries", 0)) + " " + m_l.entries;
  if (j.contains("breaksAt")) {
    journal += m_l.comma + std::string(m_l.line) + " " + std::to_string(j.value("breaksAt", 0)) + m_l.sep
               + text(str(j, "problem"));
  }
  journal += m_l.comma + std::string(m_l.last_hash) + " " + code(str(j, "lastHash"));
  item(m_l.journal, journal);
}

void Renderer::alert()
{
  heading(m_l.alert);
  const auto& a = m_report["alert"];
  const char* keys[] = {"id", "type", "displayName", "severity", "status", "resource", "subscription",
                        "compromisedEntity", "startTime", "endTime", "uri", "description"};
  const bool as_code[] = {true, true, false, false, false, true, true, true, false, false, true, false};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    const std::string v = str(a, keys[i]);
    if (!v.empty()) {
      item(m_l.alert_fields[i], as_code[i] ? code(v) : text(v));
    }
  }
}

void Renderer::indicators()
{
  heading(m_l.indicators);
  const auto& ind = m_report["indicators"];
  const auto from = [&](const json& item) {
    std::string out;
    for (const auto& f : item.value("from", json::array())) {
      out += (out.empty() ? "" : m_l.comma) + (f == "alert" ? std::string(m_l.from_alert) : code(f, true));
    }
    return out.empty() ? "—" : out;
  };
  bool any = false;
  const auto start = [&] {
    if (!any) {
      table({m_l.kind, m_l.value, m_l.details, m_l.from});
      any = true;
    }
  };
  for (const auto& ip : ind.value("ips", json::array())) {
    start();
    std::vector<std::string> details;
    const auto& rep = ip.value("reputation", json::object());
    const auto& loc = rep.value("location", json::object());
    std::string where;
    for (const char* key : {"city", "state", "countryName", "countryCode", "organization", "carrier", "asn"}) {
      if (loc.contains(key)) {
        const std::string v = loc[key].is_string() ? loc[key].get<std::string>() : loc[key].dump();
        where += (where.empty() ? "" : m_l.comma) + text(std::string(key) == "asn" ? "AS" + v : v, true);
      }
    }
    if (!where.empty()) {
      details.push_back(where);
    }
    for (const auto& t : rep.value("threatIntelligence", json::array())) {
      std::string threat;
      for (const char* key : {"threatName", "threatType", "providerName", "confidence"}) {
        if (t.contains(key)) {
          threat += (threat.empty() ? "" : m_l.comma)
                    + text(t[key].is_string() ? t[key].get<std::string>() : t[key].dump(), true);
        }
      }
      details.push_back(std::string(m_l.threat) + m_l.sep + threat);
    }
    for (const auto& n : rep.value("notes", json::array())) {
      details.push_back(text(n.is_string() ? n.get<std::string>() : n.dump(), true));
    }
    std::string d;
    for (const auto& x : details) {
      d += (d.empty() ? "" : "; ") + x;
    }
    row({m_l.ip, code(ip["address"], true), d.empty() ? "—" : d, from(ip)});
  }
  for (const auto& p : ind.value("principals", json::array())) {
    start();
    const char* main_key = p.contains("upn") ? "upn" : p.contains("objectId") ? "objectId" : p.contains("appId") ? "appId" : "name";
    std::string d;
    const std::pair<const char*, const char*> parts[] = {
      {"upn", m_l.upn}, {"objectId", m_l.object_id}, {"appId", m_l.application}, {"displayName", m_l.display_name}};
    for (const auto& [key, label] : parts) {
      if (p.contains(key) && std::string(key) != main_key) {
        d += (d.empty() ? "" : m_l.comma) + std::string(label) + " "
             + (std::string(key) == "displayName" ? text(str(p, key), true) : code(p[key], true));
      }
    }
    row({m_l.principal, code(p.value(main_key, json("")), true), d.empty() ? "—" : d, from(p)});
  }
  for (const auto& dom : ind.value("domains", json::array())) {
    start();
    row({m_l.domain, code(dom["name"], true), "—", from(dom)});
  }
  for (const auto& r : ind.value("resources", json::array())) {
    start();
    const char* role = lookup(m_l.roles, str(r, "role"));
    std::string d = role != nullptr ? role : "—";
    if (r.contains("name")) {
      d += m_l.comma + code(r["name"], true);
    }
    row({m_l.resource, code(r["id"], true), d, from(r)});
  }
  if (!any) {
    none();
  }
}

void Renderer::timeline()
{
  heading(m_l.timeline);
  for (const auto& t : m_report["timeline"]) {
    const std::string event = str(t, "event");
    std::string key = event;
    std::string one;
    if (event == "case.opened") {
      one = text(str(t, "mode"));
      if (!str(t, "playbook").empty()) {
        one += m_l.comma + std::string(m_l.playbook_word) + " " + code(str(t, "playbook")) + " "
               + text(str(t, "playbookVersion"));
      }
    } else if (event == "case.resumed") {
      one = text(str(t, "mode"));
    } else if (event == "case.closed") {
      one = text(str(t, "outcome"));
    } else if (event == "step.done" && !str(t, "checked").empty() && str(t, "checked") != "notice"
               && str(t, "checked") != "answered") {
      key = "step.checked";
      one = status(str(t, "checked"));
    } else if (event == "undo.requested") {
      for (const auto& s : t.value("steps", json::array())) {
        one += (one.empty() ? "" : m_l.comma) + code(s);
      }
    }
    const char* pattern = lookup(m_l.events, key);
    std::string line = fill(pattern != nullptr ? pattern : event, {{"%s", code(str(t, "step"))}, {"%1", one}});
    for (const char* detail : {"reason", "why", "note"}) {
      if (!str(t, detail).empty()) {
        line += m_l.sep + text(str(t, detail));
      }
    }
    m_out += "- " + text(str(t, "time")) + " — " + line + " — " + by(t["by"], false) + "\n";
  }
}

void Renderer::answers()
{
  heading(m_l.answers);
  if (m_report["answers"].empty()) {
    none();
    return;
  }
  table({m_l.question, m_l.answer, m_l.source, m_l.by, m_l.time});
  for (const auto& a : m_report["answers"]) {
    const char* source = lookup(m_l.sources, str(a, "source"));
    row({code(str(a, "question"), true), code(a["value"], true),
         source != nullptr ? source : text(str(a, "source"), true), by(a["by"], true), text(str(a, "time"), true)});
  }
}

void Renderer::confirmed()
{
  heading(m_l.confirmed);
  if (m_report["decisions"].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.reason, m_l.by, m_l.time});
  for (const auto& d : m_report["decisions"]) {
    row({code(str(d, "step"), true), code(str(d, "action"), true), text(str(d, "reason"), true), by(d["by"], true),
         text(str(d, "time"), true)});
  }
}

void Renderer::checklist()
{
  if (m_report.value("checklist", json::array()).empty()) {
    return;
  }
  heading(m_l.checklist);
  table({m_l.step, m_l.checked, m_l.note, m_l.by, m_l.time});
  for (const auto& c : m_report["checklist"]) {
    row({code(str(c, "step"), true), status(str(c, "status")), text(str(c, "note"), true), by(c["by"], true),
         text(str(c, "time"), true)});
  }
}

void Renderer::actions()
{
  heading(m_l.actions);
  if (m_report["actions"].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.status, m_l.undo, m_l.request_ids});
  for (const auto& act : m_report["actions"]) {
    std::string ids;
    for (const auto& id : act["requestIds"]) {
      ids += (ids.empty() ? "" : " ") + code(id, true);
    }
    std::string status_cell = status(str(act, "status"));
    if (!str(act, "message").empty()) {
      status_cell += m_l.sep + text(str(act, "message"), true);
    }
    row({code(str(act, "step"), true),
         code(str(act, "action"), true) + m_l.open_paren + (act.value("mutating", false) ? m_l.change : m_l.read)
           + m_l.close_paren,
         status_cell, str(act, "undo").empty() ? "—" : status(str(act, "undo")), ids.empty() ? "—" : ids});
  }
}

void Renderer::declined()
{
  heading(m_l.declined);
  if (m_report["declined"].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.reason, m_l.by, m_l.time});
  for (const auto& d : m_report["declined"]) {
    row({code(str(d, "step"), true), code(str(d, "action"), true), text(str(d, "reason"), true), by(d["by"], true),
         text(str(d, "time"), true)});
  }
}

void Renderer::undone()
{
  heading(m_l.undone);
  if (m_report["undone"].empty()) {
    none();
    return;
  }
  table({m_l.step, m_l.action, m_l.result, m_l.reason, m_l.by, m_l.time});
  for (const auto& u : m_report["undone"]) {
    std::string result = status(str(u, "status") == "no-op" ? "done" : str(u, "status"));
    if (!str(u, "why").empty()) {
      result += m_l.sep + text(str(u, "why"), true);
    }
    row({code(str(u, "step"), true), code(str(u, "action"), true), result, text(str(u, "reason"), true),
         by(u["by"], true), text(str(u, "time"), true)});
  }
}

void Renderer::evidence()
{
  heading(m_l.evidence);
  if (m_report["evidence"].empty()) {
    none();
    return;
  }
  for (const auto& e : m_report["evidence"]) {
    m_out += "- " + code(str(e, "file")) + " — " + code(str(e, "step"));
    if (str(e, "kind") == "pre-image") {
      m_out += m_l.comma + std::string(m_l.pre_image) + " " + code(str(e, "sha256"));
    }
    m_out += "\n";
  }
}

void Renderer::follow_ups()
{
  heading(m_l.follow_ups);
  if (m_report["followUps"].empty()) {
    none();
    return;
  }
  for (const auto& f : m_report["followUps"]) {
    std::string subject = code(str(f, "step"));
    if (!str(f, "action").empty()) {
      subject += m_l.open_paren + code(str(f, "action")) + m_l.close_paren;
    }
    const char* pattern = lookup(m_l.follow, str(f, "kind"));
    const std::string detail = str(f, "detail").empty() ? "" : m_l.open_paren + text(str(f, "detail")) + m_l.close_paren;
    const std::string line = fill(pattern != nullptr ? pattern : "%s%d",
                                  {{"%s", subject}, {"%d", detail}, {"%c", code(str(m_report, "resumeCommand"))},
                                   {"%u", code(str(m_report, "undoCommand"))}});
    m_out += "- [ ] " + line + "\n";
  }
}

} // namespace

std::string report_markdown(const json& report, playbook::Lang lang)
{
  return Renderer(report, lang == playbook::Lang::zh_cn ? k_zh : k_en).render();
}

} // namespace dftriage::exec
