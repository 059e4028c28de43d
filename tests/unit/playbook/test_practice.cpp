// The rules every shipped playbook follows (playbooks/README.md, "Rules for playbook
// authors"): one truth about reversibility, no destructive default picked by position,
// evidence before change, and review windows as long as the question.

#include "dftriage/azure/actions.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

using namespace dftriage;

namespace {

struct Flat
{
  playbook::Phase phase;
  const playbook::Step* step;
};

std::vector<Flat> flat(const playbook::Playbook& p)
{
  std::vector<Flat> out;
  for (const auto phase : playbook::k_phases) {
    for (const auto& s : p.steps(phase)) {
      out.push_back({phase, &s});
    }
  }
  return out;
}

const azure::ActionSpec* spec_of(const playbook::Step& s)
{
  return s.action ? azure::find_action(s.action->name) : nullptr;
}

bool mentions(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

// The input ids a condition tests for `equals: true`.
void required_true(const playbook::Condition& c, std::vector<std::string>& out)
{
  if (c.kind == playbook::Condition::Kind::answer_equals && c.operand == true) {
    out.push_back(c.subject);
  }
  if (c.kind != playbook::Condition::Kind::negate) {
    for (const auto& sub : c.children) {
      required_true(sub, out);
    }
  }
}

// Where the first step running `action` is, or npos.
std::size_t first_of(const std::vector<Flat>& steps, const std::string& action)
{
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].step->action && steps[i].step->action->name == action) {
      return i;
    }
  }
  return std::string::npos;
}

std::size_t index_of(const std::vector<Flat>& steps, const std::string& id)
{
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].step->id == id) {
      return i;
    }
  }
  return std::string::npos;
}

const engine::Library& shipped()
{
  static const engine::Library library = engine::load_library();
  return library;
}

} // namespace

TEST_CASE("titles, guidance and the catalogue agree on what cannot be undone, in both languages")
{
  REQUIRE(shipped().issues.empty());
  for (const auto& p : shipped().playbooks) {
    for (const auto& [phase, s] : flat(p)) {
      INFO(p.id << "/" << s->id);
      const auto* spec = spec_of(*s);
      const bool irreversible =
          spec != nullptr && spec->reversibility == azure::Reversibility::irreversible;
      CHECK(mentions(text::to_lower(s->title.en), "irreversible") == irreversible);
      CHECK(mentions(s->title.zh_cn, "不可逆") == irreversible);
      CHECK((s->guidance.en.rfind("IRREVERSIBLE", 0) == 0) == irreversible);
      CHECK((s->guidance.zh_cn.rfind("不可逆操作", 0) == 0) == irreversible);
      if (!irreversible) {
        continue;
      }
      // When a yes-no question lets it run, one of them says so and defaults to no.
      std::vector<std::string> gates;
      if (s->when) {
        required_true(*s->when, gates);
      }
      std::size_t yes_no = 0;
      std::size_t consent = 0;
      for (const auto& id : gates) {
        const auto* input = p.find_input(id);
        REQUIRE(input);
        if (input->type != playbook::InputType::yes_no) {
          continue;
        }
        ++yes_no;
        const bool says_so = mentions(text::to_lower(input->prompt.en), "irreversible");
        INFO("input " << id);
        CHECK(says_so == mentions(input->prompt.zh_cn, "不可逆"));
        if (says_so) {
          REQUIRE(input->default_value);
          CHECK(input->default_value->literal == false);
          ++consent;
        }
      }
      CHECK((yes_no == 0 || consent > 0));
    }
  }
}

TEST_CASE("no destructive step takes a default picked from a list by position")
{
  for (const auto& p : shipped().playbooks) {
    for (const auto& [phase, s] : flat(p)) {
      const auto* spec = spec_of(*s);
      if (spec == nullptr) {
        continue;
      }
      const bool destructive = spec->reversibility == azure::Reversibility::irreversible ||
                               mentions(spec->name, "delete") || mentions(spec->name, "remove");
      if (!destructive) {
        continue;
      }
      for (const auto& [name, value] : s->action->params) {
        for (const auto& ref : value.references()) {
          INFO(p.id << "/" << s->id << " " << name << " = {{" << ref << "}}");
          if (ref.rfind("answers.", 0) != 0) {
            continue;
          }
          const auto* input = p.find_input(ref.substr(8));
          REQUIRE(input);
          const std::string def = input->default_value ? input->default_value->reference : "";
          const bool positional = def.rfind("results.", 0) == 0 &&
                                  def.find('[') != std::string::npos &&
                                  def.find("[*]") == std::string::npos;
          CHECK_FALSE(positional);
        }
      }
    }
  }
}

TEST_CASE(
    "evidence comes before change: snapshots and volatile reads before scans, resets and rebuilds")
{
  for (const char* id : {"dns", "resource-manager"}) {
    const auto* p = shipped().find(id);
    REQUIRE(p);
    INFO(id);
    const auto steps = flat(*p);
    const auto snapshot = first_of(steps, "compute.vm.snapshot_disks");
    REQUIRE(snapshot != std::string::npos);
    for (const char* later :
         {"compute.vm.antimalware_scan", "compute.vm.run_command", "compute.vm.reimage",
          "compute.vm.reset_password", "compute.vm.restart", "compute.vm.keep_os_disk"}) {
      INFO(later);
      const auto at = first_of(steps, later);
      CHECK((at == std::string::npos || at > snapshot));
    }
    for (const char* volatile_read : {"compute.vm.list_processes", "compute.vm.list_connections",
                                      "compute.vm.list_logons", "compute.vm.list_persistence"}) {
      INFO(volatile_read);
      const auto at = first_of(steps, volatile_read);
      REQUIRE(at != std::string::npos);
      CHECK(at > snapshot);
      CHECK(at < first_of(steps, "compute.vm.antimalware_scan"));
      CHECK(at < first_of(steps, "compute.vm.run_command"));
    }
    // A rebuild only once the incident is assessed, and only keeping the old disk.
    const auto reimage = first_of(steps, "compute.vm.reimage");
    REQUIRE(reimage != std::string::npos);
    CHECK(steps[reimage].phase == playbook::Phase::act);
    CHECK(first_of(steps, "compute.vm.keep_os_disk") < reimage);
  }
  const auto* rm = shipped().find("resource-manager");
  const auto steps = flat(*rm);
  CHECK(index_of(steps, "account-activity") < index_of(steps, "delete-unfamiliar-account"));
  CHECK(first_of(steps, "automation.webhook.delete") <
        first_of(steps, "automation.runbook.delete"));
}

TEST_CASE("reviews read from well before the alert to now, and every audit table")
{
  for (const auto& p : shipped().playbooks) {
    for (const auto& [phase, s] : flat(p)) {
      if (!s->action) {
        continue;
      }
      const auto& name = s->action->name;
      if (name != "monitor.activity_log.list" && name != "keyvault.diagnostics.query") {
        continue;
      }
      INFO(p.id << "/" << s->id);
      std::map<std::string, std::string> refs;
      for (const auto& [param, value] : s->action->params) {
        refs[param] = value.reference;
      }
      for (const auto& [param, expected] :
           {std::pair<std::string, std::string>{"start", "{{alert.review.start}}"},
            {"end", "{{alert.review.end}}"}}) {
        REQUIRE(refs.count(param) == 1);
        REQUIRE(refs[param].rfind("answers.", 0) == 0);
        const auto* input = p.find_input(refs[param].substr(8));
        REQUIRE(input);
        REQUIRE(input->default_value);
        CHECK("{{" + input->default_value->reference + "}}" == expected);
      }
    }
  }
}

namespace {

// The inputs a condition reads.
void read_inputs(const playbook::Condition& c, std::vector<std::string>& out)
{
  if (c.kind == playbook::Condition::Kind::answer_equals ||
      c.kind == playbook::Condition::Kind::answer_in) {
    out.push_back(c.subject);
  }
  for (const auto& sub : c.children) {
    read_inputs(sub, out);
  }
}

} // namespace

TEST_CASE("every question a step's condition reads is asked at an earlier step, or one its answer "
          "does not skip")
{
  for (const auto& p : shipped().playbooks) {
    const auto steps = flat(p);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto* s = steps[i].step;
      if (!s->when) {
        continue;
      }
      std::vector<std::string> read;
      read_inputs(*s->when, read);
      for (const auto& id : read) {
        INFO(p.id << "/" << s->id << " reads " << id);
        bool asked = false;
        for (std::size_t j = 0; j <= i && !asked; ++j) {
          const auto* t = steps[j].step;
          if (std::find(t->ask.begin(), t->ask.end(), id) == t->ask.end()) {
            continue;
          }
          std::vector<std::string> gate;
          if (t->when) {
            read_inputs(*t->when, gate);
          }
          // A step skipped unless the question already has a given answer never asks it.
          asked = std::find(gate.begin(), gate.end(), id) == gate.end();
        }
        CHECK(asked);
      }
    }
  }
}
