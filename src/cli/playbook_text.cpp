#include "playbook_text.hpp"

#include "dftriage/azure/actions.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::cli {

std::string playbook_text(const playbook::Playbook& p, playbook::Lang lang, bool colour)
{
  using terminal::Colour;
  using terminal::paint;
  using terminal::sanitize;
  const bool zh = lang == playbook::Lang::zh_cn;
  std::string out = paint(sanitize(p.id) + " " + sanitize(p.version), Colour::bold, colour) + "  " +
                    sanitize(p.title.in(lang)) + "\n";
  out += std::string(zh ? "  审阅日期 " : "  reviewed ") + sanitize(p.last_reviewed) +
         (zh ? "；来源 " : "; from ") + sanitize(p.source) + "\n";
  std::string match;
  if (!p.match.alert_types.empty()) {
    match += "alertTypes " + text::join(p.match.alert_types, " ");
  }
  if (!p.match.families.empty()) {
    match +=
        std::string(match.empty() ? "" : "; ") + "families " + text::join(p.match.families, " ");
  }
  if (!p.match.resource_types.empty()) {
    match += std::string(match.empty() ? "" : "; ") + "resourceTypes " +
             text::join(p.match.resource_types, " ");
  }
  out += std::string(zh ? "  匹配 " : "  matches ") + sanitize(match) + "\n";

  out += "\n" + paint(zh ? "问题" : "Questions", Colour::bold, colour) + "\n";
  for (const auto& input : p.inputs) {
    std::string kind(playbook::to_string(input.type));
    if (!input.choices.empty()) {
      kind += " " + text::join(input.choices, "|");
    }
    if (input.optional) {
      kind += zh ? "，可不答" : ", optional";
    }
    out += "  " + paint(sanitize(input.id), Colour::cyan, colour) + " (" + sanitize(kind) + ")  " +
           sanitize(input.prompt.in(lang)) + "\n";
  }

  for (const auto phase : playbook::k_phases) {
    const auto& steps = p.steps(phase);
    out += "\n" + paint(std::string(playbook::to_string(phase)), Colour::bold, colour) + "\n";
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto& step = steps[i];
      std::string what;
      if (step.action) {
        what = step.action->name;
        if (const auto* spec = azure::find_action(step.action->name)) {
          what += ", " + std::string(azure::to_string(spec->reversibility));
        }
      } else {
        what = zh ? "人工" : "manual";
      }
      out += "  " + std::to_string(i + 1) + "/" + std::to_string(steps.size()) + " " +
             paint(sanitize(step.id), Colour::cyan, colour) + "  " + sanitize(step.title.in(lang)) +
             "  [" + sanitize(what) + "]\n";
      if (!step.ask.empty()) {
        out +=
            std::string(zh ? "      询问 " : "      asks ") + sanitize(text::join(step.ask)) + "\n";
      }
      if (step.when) {
        out += std::string(zh ? "      有条件执行" : "      runs only under a condition") + "\n";
      }
    }
  }
  return out;
}

} // namespace dftriage::cli
