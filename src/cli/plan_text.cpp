// A plan as text for a person: each step with its status, guidance and requests.

#include "plan_text.hpp"

#include "dftriage/exec/messages.hpp"
#include "dftriage/util/terminal.hpp"
#include "plan_requests.hpp"
#include "walk_text.hpp"

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;

// A step's status in the plan ("planned", "skipped", ...) in `lang`.
std::string plan_status_word(const std::string& status, playbook::Lang lang)
{
  return plan_word(status, lang,
                   {{"planned", "已计划"},
                    {"skipped", "跳过"},
                    {"refused", "拒绝执行"},
                    {"needs-answer", "待回答"},
                    {"not-reached", "不会执行到"}});
}

// Where an answer came from ("default", "given", ...) in `lang`.
std::string answer_source_word(const std::string& source, playbook::Lang lang)
{
  return plan_word(
      source, lang,
      {{"given", "已给出"}, {"default", "剧本默认值"}, {"read", "读取结果"}, {"none", "未回答"}});
}

// "[mitigate 2/7]" with the phase named in `lang`.
std::string plan_step_place(const Json& step, playbook::Lang lang)
{
  const auto str = [](const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  const auto phase = playbook::phase_from_string(str(step["phase"]));
  return "[" + (phase ? phase_word(*phase, lang) : str(step["phase"])) + " " +
         str(step["position"]) + "] ";
}

} // namespace

std::string plan_text(const nlohmann::ordered_json& plan, bool colour)
{
  PlanTextOptions options;
  options.colour = colour;
  return plan_text(plan, options);
}

std::string plan_text(const nlohmann::ordered_json& plan, const PlanTextOptions& options)
{
  const bool colour = options.colour;
  const auto lang = options.lang;
  using terminal::Colour;
  using terminal::paint;
  using terminal::sanitize;
  auto str = [](const nlohmann::ordered_json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  const std::string reason = options.reason.empty() ? str(plan["reason"]) : options.reason;
  std::string out = paint(sanitize(str(plan["alertType"])), Colour::bold, colour) +
                    tr(lang, "  ->  playbook ", "  ->  剧本 ") + str(plan["playbook"]) +
                    tr(lang, "  (", "（") + sanitize(reason) + tr(lang, ")", "）") + "\n";
  if (const auto incident = plan.find("incident"); incident != plan.end()) {
    // One walk for the incident's alerts: which they are, as the steps name them.
    out += tr(lang, "  incident ", "  事件 ") + sanitize(str((*incident)["id"])) +
           tr(lang, ": ", "：") + std::to_string((*incident)["alerts"].size()) +
           tr(lang, " alerts", " 条告警") + "\n";
    std::size_t n = 0;
    for (const auto& a : (*incident)["alerts"]) {
      out += "    " + std::to_string(++n) + ". " + sanitize(str(a["startTime"])) + "  " +
             sanitize(str(a["alertType"])) + "  " + sanitize(str(a["status"])) + "\n";
    }
  }
  for (const auto& m : plan["missing"]) {
    out += paint(tr(lang, "  refused: ", "  拒绝执行：") + sanitize(str(m)), Colour::red, colour) +
           "\n";
  }
  for (const auto& a : plan["answers"]) {
    out += "  ? " + sanitize(str(a["question"])) + " = " + sanitize(a["value"].dump()) +
           tr(lang, " (", "（") + answer_source_word(str(a["source"]), lang) + tr(lang, ")", "）") +
           "\n";
  }
  out += plan_token_text(plan, options);
  for (const auto& step : plan["steps"]) {
    const std::string status = str(step["status"]);
    const Colour c = status == "planned"        ? Colour::green
                     : status == "refused"      ? Colour::red
                     : status == "needs-answer" ? Colour::yellow
                                                : Colour::dim;
    out += "\n" + paint(plan_step_place(step, lang), Colour::cyan, colour) +
           sanitize(str(step["title"])) + "  " + paint(plan_status_word(status, lang), c, colour) +
           "\n";
    if (!step["note"].is_null()) {
      out += "    " + sanitize(exec::message_in(str(step["note"]), lang)) + "\n";
    }
    if (status != "planned") {
      continue;
    }
    out += "    " + sanitize(str(step["guidance"])) + "\n";
    if (step["action"].is_null()) {
      continue;
    }
    const auto& action = step["action"];
    if (action.contains("caution")) {
      out += "    " + paint(sanitize(str(action["caution"])), Colour::yellow, colour) + "\n";
    }
    out += plan_requests_text(step, options);
  }
  return out;
}

} // namespace dftriage::cli
