// Judging a case against a rubric. The journal says what was done and when; the lab,
// read through the catalogue's own read actions, says what state the trainee left.
#include "dftriage/training/score.hpp"

#include "dftriage/exec/case_state.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/json_path.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>
#include <map>

namespace dftriage::training {
namespace {

using Json = nlohmann::ordered_json;

// JSON values alike for judging: strings without regard to case (IDs and GUIDs come back
// in the case Azure stores), an object when it holds every member of `want` alike.
bool alike(const Json& have, const Json& want)
{
  if (have.is_string() && want.is_string()) {
    return text::to_lower(have.get<std::string>()) == text::to_lower(want.get<std::string>());
  }
  if (have.is_object() && want.is_object()) {
    return std::all_of(want.items().begin(), want.items().end(), [&](const auto& member) {
      return have.contains(member.key()) && alike(have[member.key()], member.value());
    });
  }
  if (have.is_array() && want.is_array()) {
    return have.size() == want.size() &&
           std::equal(have.begin(), have.end(), want.begin(),
                      [](const Json& a, const Json& b) { return alike(a, b); });
  }
  return have == want;
}

class CaseJudge
{
public:
  CaseJudge(const std::vector<Json>& entries, const LabReader& lab)
      : m_state(exec::CaseState::replay(entries))
      , m_lab(lab)
  {
    for (const auto& e : entries) {
      const std::string event = e.value("event", "");
      if (event == journal::event::step_done || event == journal::event::step_no_op) {
        m_first_done.emplace(e.value("step", ""), e.value("seq", std::uint64_t{0}));
      }
    }
  }

  // True or false; nullopt when it needs the lab and there is none.
  std::optional<bool> holds(const Judge& j)
  {
    switch (j.kind) {
    case Judge::Kind::all:
    case Judge::Kind::any: {
      bool unknown = false;
      for (const auto& c : j.children) {
        const auto v = holds(c);
        if (!v) {
          unknown = true;
        } else if (*v == (j.kind == Judge::Kind::any)) {
          return *v; // decided: one false for all, one true for any
        }
      }
      return unknown ? std::nullopt : std::optional<bool>(j.kind == Judge::Kind::all);
    }
    case Judge::Kind::negate: {
      const auto v = holds(j.children.at(0));
      return v ? std::optional<bool>(!*v) : std::nullopt;
    }
    case Judge::Kind::step:
      return step_is(j.subject, j.operand.get<std::string>());
    case Judge::Kind::before: {
      const auto a = m_first_done.find(j.subject);
      const auto b = m_first_done.find(j.other);
      return a != m_first_done.end() && (b == m_first_done.end() || a->second < b->second);
    }
    case Judge::Kind::answer: {
      const auto it = m_state.answers().find(j.subject);
      const Json given = it == m_state.answers().end() ? Json() : it->second;
      if (j.in.is_array()) {
        return std::any_of(j.in.begin(), j.in.end(),
                           [&](const Json& v) { return alike(given, v); });
      }
      return alike(given, j.operand);
    }
    case Judge::Kind::read:
      return read(j);
    }
    return false;
  }

  const exec::CaseState& state() const { return m_state; }

private:
  bool step_is(const std::string& id, const std::string& status) const
  {
    const auto* r = m_state.step(id);
    if (r == nullptr) {
      return false;
    }
    const bool done = r->status == "done" || r->status == "no-op";
    if (status == "entered") {
      return true;
    }
    if (status == "declined") {
      return r->status == "declined";
    }
    if (status == "undone") {
      return r->undo_status == "done";
    }
    return done && r->undo_status != "done"; // done, and still in effect
  }

  std::optional<bool> read(const Judge& j)
  {
    const std::string key = j.subject + " " + j.params.dump();
    auto cached = m_reads.find(key);
    if (cached == m_reads.end()) {
      cached = m_reads.emplace(key, m_lab ? m_lab(j.subject, j.params) : std::nullopt).first;
    }
    if (!cached->second) {
      return std::nullopt;
    }
    const auto path = json_path::parse(j.path);
    const Json value = path ? json_path::evaluate(*cached->second, *path) : Json();
    const auto first = j.operand.items().begin();
    const std::string& test = first.key();
    const Json& want = first.value(); // not a structured binding: lambdas capture it below
    if (test == "exists") {
      return value.is_null() != want.get<bool>();
    }
    if (test == "equals") {
      return alike(value, want);
    }
    // contains: an element of the array alike `want` (a string: equal to it)
    if (value.is_array()) {
      return std::any_of(value.begin(), value.end(), [&](const Json& v) { return alike(v, want); });
    }
    return alike(value, want);
  }

  exec::CaseState m_state;
  const LabReader& m_lab;
  std::map<std::string, std::uint64_t> m_first_done;
  std::map<std::string, std::optional<Json>> m_reads;
};

// Seconds from case.opened to the first change of the mitigate phase.
std::optional<std::int64_t> time_to_contain(const std::vector<Json>& entries)
{
  std::optional<std::int64_t> opened;
  std::map<std::string, bool> containing; // step -> a mitigate-phase change
  for (const auto& e : entries) {
    const std::string event = e.value("event", "");
    if (event == journal::event::case_opened) {
      opened = time::to_unix_seconds(e.value("time", ""));
    } else if (event == journal::event::step_entered) {
      containing[e.value("step", "")] =
          e.value("phase", "") == "mitigate" && e.value("mutating", false);
    } else if (event == journal::event::step_done && containing[e.value("step", "")] && opened) {
      if (const auto at = time::to_unix_seconds(e.value("time", ""))) {
        return *at - *opened;
      }
    }
  }
  return std::nullopt;
}

} // namespace

std::string_view to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::earned:
    return "earned";
  case Verdict::missed:
    return "missed";
  case Verdict::harmful:
    return "harmful";
  case Verdict::avoided:
    return "avoided";
  case Verdict::unjudged:
    return "needs-lab";
  }
  return "needs-lab";
}

int Scorecard::harmful_count() const
{
  return static_cast<int>(std::count_if(items.begin(), items.end(), [](const ItemScore& s) {
    return s.verdict == Verdict::harmful;
  }));
}

bool needs_lab(const Judge& judge)
{
  return judge.kind == Judge::Kind::read ||
         std::any_of(judge.children.begin(), judge.children.end(),
                     [](const Judge& c) { return needs_lab(c); });
}

Scorecard score_case(const Scenario& scenario, const std::vector<Json>& entries,
                     const LabReader& lab)
{
  CaseJudge judge(entries, lab);
  Scorecard card;
  card.scenario = &scenario;
  const auto& training = judge.state().opened().value("training", Json::object());
  card.trainee = training.value("trainee", "");
  card.completed = judge.state().closed();
  card.seconds_to_contain = time_to_contain(entries);
  int score = 0;
  for (const auto& item : scenario.rubric) {
    ItemScore s;
    s.item = &item;
    const auto held = judge.holds(item.judge);
    if (!held) {
      s.verdict = Verdict::unjudged;
    } else if (item.harmful) {
      s.verdict = *held ? Verdict::harmful : Verdict::avoided;
      s.points = *held ? -item.points : 0;
    } else {
      s.verdict = *held ? Verdict::earned : Verdict::missed;
      s.points = *held ? item.points : 0;
      card.full_marks += item.points;
    }
    score += s.points;
    card.items.push_back(s);
  }
  card.score = std::max(0, score);
  return card;
}

} // namespace dftriage::training
