#include "train_scorecard.hpp"

#include "dftriage/cli/output.hpp"
#include "dftriage/exec/report.hpp"
#include "dftriage/util/terminal.hpp"
#include "walk_text.hpp"

namespace dftriage::cli {
namespace {

using terminal::Colour;
using terminal::paint;
using training::Verdict;

std::string verdict_word(Verdict v, playbook::Lang lang)
{
  switch (v) {
  case Verdict::earned:
    return tr(lang, "right", "做对了");
  case Verdict::missed:
    return tr(lang, "missed", "遗漏");
  case Verdict::harmful:
    return tr(lang, "HARMFUL", "有害");
  case Verdict::avoided:
    return tr(lang, "avoided", "已避免");
  case Verdict::unjudged:
    return tr(lang, "needs the lab", "需要实验环境");
  }
  return "";
}

Colour verdict_colour(Verdict v)
{
  switch (v) {
  case Verdict::earned:
  case Verdict::avoided:
    return Colour::green;
  case Verdict::harmful:
    return Colour::red;
  case Verdict::missed:
    return Colour::yellow;
  case Verdict::unjudged:
    break;
  }
  return Colour::dim;
}

std::string points_text(const training::ItemScore& s)
{
  if (s.verdict == Verdict::unjudged) {
    return "?";
  }
  return (s.points > 0 ? "+" : "") + std::to_string(s.points);
}

// The lab's end state against the intended one: the decisions about its state that were
// missed (what is still exposed) and the harms done (what was broken), by item.
std::vector<const training::ItemScore*> still_exposed(const training::Scorecard& card)
{
  std::vector<const training::ItemScore*> out;
  for (const auto& s : card.items) {
    if (s.verdict == Verdict::missed && training::needs_lab(s.item->judge)) {
      out.push_back(&s);
    }
  }
  return out;
}

std::vector<const training::ItemScore*> broken(const training::Scorecard& card)
{
  std::vector<const training::ItemScore*> out;
  for (const auto& s : card.items) {
    if (s.verdict == Verdict::harmful) {
      out.push_back(&s);
    }
  }
  return out;
}

std::string walk_state(const training::Scorecard& card, playbook::Lang lang)
{
  return card.completed ? tr(lang, "walk completed", "流程已完成")
                        : tr(lang, "walk not completed", "流程未完成");
}

} // namespace

std::string duration_text(const std::optional<std::int64_t>& seconds)
{
  if (!seconds) {
    return "-";
  }
  const auto s = *seconds < 0 ? 0 : *seconds;
  return s >= 60 ? std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s"
                 : std::to_string(s) + " s";
}

std::string scorecard_text(const training::Scorecard& card, playbook::Lang lang, bool colour)
{
  const auto& scenario = *card.scenario;
  std::string out = paint(tr(lang, "Scorecard: ", "评分：") + scenario.id + " — " +
                              terminal::sanitize(scenario.title.in(lang)),
                          Colour::bold, colour) +
                    "\n";
  if (scenario.variant_count > 1) {
    out += tr(lang, "Variant ", "变体 ") + std::to_string(scenario.variant + 1) + "/" +
           std::to_string(scenario.variant_count) + tr(lang, " (seed ", "（种子 ") +
           std::to_string(scenario.seed) + tr(lang, ")", "）") + "\n";
  }
  out += tr(lang, "Trainee: ", "学员：") +
         (card.trainee.empty() ? "-" : terminal::sanitize(card.trainee)) + " · " +
         terminal::sanitize(card.case_dir) + " · " + walk_state(card, lang) + "\n";
  out += paint(tr(lang, "Score: ", "得分：") + std::to_string(card.score) + " / " +
                   std::to_string(card.full_marks),
               Colour::bold, colour) +
         "\n\n";
  for (const auto& s : card.items) {
    out += "  " + paint(points_text(s), verdict_colour(s.verdict), colour) + "\t" +
           paint(verdict_word(s.verdict, lang), verdict_colour(s.verdict), colour) + "  " +
           terminal::sanitize(s.item->title.in(lang)) + "\n";
    if (s.verdict != Verdict::earned && s.verdict != Verdict::avoided) {
      out += "      " + paint(terminal::sanitize(s.item->why.in(lang)), Colour::dim, colour) + "\n";
    }
  }
  out += "\n" + tr(lang, "Time to first containment: ", "首次遏制用时：") +
         duration_text(card.seconds_to_contain) + "\n";
  out += tr(lang, "Harmful actions: ", "有害操作：") + std::to_string(card.harmful_count()) + "\n";
  const auto exposed = still_exposed(card);
  const auto harmed = broken(card);
  if (!exposed.empty() || !harmed.empty()) {
    out += "\n" + paint(tr(lang, "The end state", "最终状态"), Colour::bold, colour) + "\n";
  }
  for (const auto* s : exposed) {
    out += "  " + tr(lang, "not in place: ", "未落实：") +
           terminal::sanitize(s->item->title.in(lang)) + "\n";
  }
  for (const auto* s : harmed) {
    out += "  " + tr(lang, "harm done: ", "造成的损害：") +
           terminal::sanitize(s->item->title.in(lang)) + "\n";
  }
  out += "\n" + paint(tr(lang, "What really happened", "事件真相"), Colour::bold, colour) + "\n";
  out += "  " + terminal::sanitize(scenario.briefing.in(lang)) + "\n";
  return out;
}

std::string scorecard_markdown(const training::Scorecard& card, playbook::Lang lang)
{
  const auto& scenario = *card.scenario;
  const auto cell = [](const std::string& s) { return exec::markdown_text(s, true); };
  std::string out = "# " + tr(lang, "Scorecard: ", "评分：") + scenario.id + " — " +
                    cell(scenario.title.in(lang)) + "\n\n";
  out += "- " + tr(lang, "Trainee: ", "学员：") +
         (card.trainee.empty() ? "-" : cell(card.trainee)) + "\n- " + tr(lang, "Case: ", "案例：") +
         cell(card.case_dir) + " (" + walk_state(card, lang) + ")\n- " +
         tr(lang, "Score: ", "得分：") + std::to_string(card.score) + " / " +
         std::to_string(card.full_marks) + "\n- " +
         tr(lang, "Time to first containment: ", "首次遏制用时：") +
         duration_text(card.seconds_to_contain) + "\n\n";
  out += tr(lang, "| Points | Verdict | Decision | Why it matters |\n",
            "| 分数 | 结论 | 决策 | 原因 |\n");
  out += "| --- | --- | --- | --- |\n";
  for (const auto& s : card.items) {
    out += "| " + points_text(s) + " | " + verdict_word(s.verdict, lang) + " | " +
           cell(s.item->title.in(lang)) + " | " + cell(s.item->why.in(lang)) + " |\n";
  }
  const auto exposed = still_exposed(card);
  const auto harmed = broken(card);
  if (!exposed.empty() || !harmed.empty()) {
    out += "\n## " + tr(lang, "The end state", "最终状态") + "\n\n";
    for (const auto* s : exposed) {
      out += "- " + tr(lang, "not in place: ", "未落实：") +
             exec::markdown_text(s->item->title.in(lang)) + "\n";
    }
    for (const auto* s : harmed) {
      out += "- " + tr(lang, "harm done: ", "造成的损害：") +
             exec::markdown_text(s->item->title.in(lang)) + "\n";
    }
  }
  out += "\n## " + tr(lang, "What really happened", "事件真相") + "\n\n" +
         exec::markdown_text(scenario.briefing.in(lang)) + "\n";
  return out;
}

nlohmann::ordered_json scorecard_json(const training::Scorecard& card, playbook::Lang lang)
{
  const auto ids = [](const std::vector<const training::ItemScore*>& scores) {
    auto out = nlohmann::ordered_json::array();
    for (const auto* s : scores) {
      out.push_back(s->item->id);
    }
    return out;
  };
  auto items = nlohmann::ordered_json::array();
  for (const auto& s : card.items) {
    items.push_back({{"id", s.item->id},
                     {"verdict", std::string(training::to_string(s.verdict))},
                     {"points", s.points},
                     {"of", s.item->points},
                     {"harmful", s.item->harmful},
                     {"title", s.item->title.in(lang)},
                     {"why", s.item->why.in(lang)}});
  }
  return {{"scenario", card.scenario->id},
          {"scenarioVersion", card.scenario->version},
          {"seed", card.scenario->seed},
          {"case", card.case_dir},
          {"trainee",
           card.trainee.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(card.trainee)},
          {"completed", card.completed},
          {"score", card.score},
          {"fullMarks", card.full_marks},
          {"secondsToContain", card.seconds_to_contain
                                   ? nlohmann::ordered_json(*card.seconds_to_contain)
                                   : nlohmann::ordered_json()},
          {"harmful", card.harmful_count()},
          {"stillExposed", ids(still_exposed(card))},
          {"broken", ids(broken(card))},
          {"items", items},
          {"briefing", card.scenario->briefing.in(lang)}};
}

std::string scorecards_table(const std::vector<training::Scorecard>& cards, bool markdown)
{
  std::vector<std::vector<std::string>> rows;
  rows.reserve(cards.size());
  for (const auto& c : cards) {
    rows.push_back({c.trainee.empty() ? "-" : terminal::sanitize(c.trainee), c.scenario->id,
                    std::to_string(c.score) + "/" + std::to_string(c.full_marks),
                    duration_text(c.seconds_to_contain), std::to_string(c.harmful_count()),
                    terminal::sanitize(c.case_dir)});
  }
  const std::vector<std::string> header{"TRAINEE",         "SCENARIO", "SCORE",
                                        "TIME TO CONTAIN", "HARMFUL",  "CASE"};
  if (!markdown) {
    return render_rows(header, rows, OutputFormat::table);
  }
  std::string out = "| Trainee | Scenario | Score | Time to contain | Harmful | Case |\n"
                    "| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : rows) {
    out += "|";
    for (const auto& cell : r) {
      out += " " + exec::markdown_text(cell, true) + " |";
    }
    out += "\n";
  }
  return out;
}

} // namespace dftriage::cli
