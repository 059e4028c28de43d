#include "preflight_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "walk_text.hpp"

#include <algorithm>

namespace dftriage::cli {

namespace {

using exec::Grant;
using exec::PermissionCheck;
using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

std::string joined(const std::vector<std::string>& items, std::size_t at_most)
{
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < at_most; ++i) {
    out += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > at_most) {
    out += ", …";
  }
  return out;
}

std::string result_word(Grant grant, playbook::Lang lang)
{
  switch (grant) {
  case Grant::granted:
    return tr(lang, "granted", "已授予");
  case Grant::missing:
    return tr(lang, "missing", "缺少");
  case Grant::unknown:
    break;
  }
  return tr(lang, "unknown", "未知");
}

std::string who(const exec::PreflightPrincipal& p, playbook::Lang lang)
{
  std::string name = !p.upn.empty() ? p.upn : !p.app_id.empty() ? "client " + p.app_id : "";
  if (name.empty()) {
    name = tr(lang, "the signed-in principal", "当前登录的主体");
  }
  if (!p.object_id.empty()) {
    name += tr(lang, " (object ID ", "（对象 ID ") + p.object_id + tr(lang, ")", "）");
  }
  if (!p.description.empty()) {
    name += tr(lang, ", through ", "，凭据：") + p.description;
  }
  return sanitize(name);
}

std::string ask_for(const PermissionCheck& c, playbook::Lang lang)
{
  if (c.remedies.empty()) {
    return "";
  }
  if (c.via == "graph-token") {
    return tr(lang, "ask for the Graph permission ", "请申请 Graph 权限 ") + joined(c.remedies, 3);
  }
  if (c.via == "access-policy") {
    return tr(lang, "ask for an ", "请申请") + c.remedies.front();
  }
  std::string also;
  for (std::size_t i = 1; i < c.remedies.size() && i < 3; ++i) {
    also += (i == 1 ? "" : tr(lang, ", ", "、")) + c.remedies[i];
  }
  return tr(lang, "ask for the role ", "请申请角色 ") + c.remedies.front() +
         (also.empty()
              ? tr(lang, " (the only built-in role that grants it)", "（唯一授予此权限的内置角色）")
              : tr(lang, " (the narrowest built-in role that grants it; also ",
                   "（授予此权限的最小内置角色；也可：") +
                    also + tr(lang, ")", "）"));
}

} // namespace

std::string scope_label(const std::string& scope, playbook::Lang lang)
{
  const auto parts = text::split_path(scope);
  if (scope == "graph") {
    return "Microsoft Graph";
  }
  if (parts.size() == 2 && text::iequals(parts[0], "subscriptions")) {
    return tr(lang, "subscription ", "订阅 ") + parts[1];
  }
  if (parts.size() == 4 && text::iequals(parts[2], "resourceGroups")) {
    return tr(lang, "resource group ", "资源组 ") + parts[3];
  }
  if (parts.size() >= 8 && text::iequals(parts[4], "providers")) {
    std::string type = parts[parts.size() - 2];
    if (text::iequals(type, "vaults")) {
      type = tr(lang, "vault", "保管库");
    } else if (text::iequals(type, "virtualMachines")) {
      type = "VM";
    } else if (!type.empty() && type.back() == 's') {
      type.pop_back();
    }
    return type + " " + parts.back();
  }
  return scope;
}

std::string preflight_text(const exec::PreflightResult& result, playbook::Lang lang, bool colour,
                           bool all)
{
  std::string out = paint(tr(lang, "Permission preflight: ", "权限预检：") +
                              sanitize(result.alert_id) + " (" + sanitize(result.playbook) + ")",
                          Colour::bold, colour) +
                    "\n  " + tr(lang, "as ", "身份：") + who(result.principal, lang) + "\n";
  for (const auto& c : result.checks) {
    if (!all && c.grant == Grant::granted) {
      continue;
    }
    const Colour tint = c.grant == Grant::granted   ? Colour::green
                        : c.grant == Grant::missing ? Colour::red
                                                    : Colour::yellow;
    std::string line = "  " + paint(result_word(c.grant, lang), tint, colour) + "  " + c.step +
                       (c.change ? tr(lang, " [change]", " [变更]") : "") +
                       (c.resolved ? "" : tr(lang, " (if reached)", "（若走到）")) +
                       tr(lang, ": ", "：") + sanitize(c.permission) + tr(lang, " on ", " 于 ") +
                       sanitize(scope_label(c.scope, lang));
    if (c.grant == Grant::missing) {
      line += "\n      " + ask_for(c, lang);
    } else if (c.grant == Grant::unknown && !c.note.empty()) {
      line += "\n      " + sanitize(c.note);
    }
    out += line + "\n";
  }
  const auto blocked = result.not_permitted_steps();
  out += "  " + std::to_string(result.count(Grant::granted)) +
         tr(lang, " granted, ", " 项已授予，") + std::to_string(result.count(Grant::missing)) +
         tr(lang, " missing, ", " 项缺少，") + std::to_string(result.count(Grant::unknown)) +
         tr(lang, " unknown", " 项未知") + "\n";
  if (!blocked.empty()) {
    out += paint(tr(lang, "  Not permitted: ", "  无权执行：") + text::join(blocked), Colour::red,
                 colour) +
           "\n";
  }
  return out;
}

std::vector<std::string> preflight_columns()
{
  return {"ALERT", "STEP", "CHANGE", "PERMISSION", "SCOPE", "RESULT", "ROLES"};
}

std::vector<std::vector<std::string>> preflight_rows(const exec::PreflightResult& result)
{
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : result.checks) {
    rows.push_back({result.alert_id, c.step, c.change ? "change" : "read", c.permission, c.scope,
                    std::string(exec::to_string(c.grant)), text::join(c.remedies)});
  }
  return rows;
}

std::string not_permitted_notice(const exec::PreflightResult& result, const std::string& step,
                                 playbook::Lang lang)
{
  std::string out;
  for (const auto& c : result.checks) {
    if (c.step != step || c.grant != Grant::missing) {
      continue;
    }
    out += tr(lang, "Not permitted: ", "无权执行：") + sanitize(c.permission) +
           tr(lang, " on ", " 于 ") + sanitize(scope_label(c.scope, lang)) + tr(lang, "; ", "；") +
           ask_for(c, lang) + "\n";
  }
  return out;
}

} // namespace dftriage::cli
