#pragma once

// Training scenarios (training/*.json, built into the binary; `--scenarios DIR` adds
// more): an alert, what the lab holds beyond it, what really happened, and the rubric a
// trainee's case is scored against. training/README.md describes the format.

#include "dftriage/playbook/playbook.hpp"
#include "dftriage/util/diagnostic.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::training {

// How a rubric item is judged from a case: its journal, its answers, and (for `read`)
// the lab's final state read through a catalogue action.
struct Judge
{
  enum class Kind {
    all,    // every child holds
    any,    // one child holds
    negate, // the one child does not hold
    step,   // step `subject` reached the status `operand` ("done", "declined", "entered",
            // "undone": done and then undone)
    before, // step `subject` was done before step `other` was (or `other` never was)
    answer, // the answer to question `subject` equals `operand` (or is one of `in`)
    read    // the read action `subject` with `params`, at result `path`, holds `operand`
  };
  Kind kind = Kind::all;
  std::vector<Judge> children;
  std::string subject;
  std::string other;
  nlohmann::ordered_json operand; // for read: {"equals": v} | {"contains": v} | {"exists": b}
  nlohmann::ordered_json in;      // answer: the values any of which holds
  nlohmann::ordered_json params;  // read: the action's parameters
  std::string path;               // read: a result path ("properties.networkAcls.defaultAction")
};

// One decision that matters.
struct RubricItem
{
  std::string id;
  int points = 0;       // earned when the judge holds; a harmful item loses them instead
  bool harmful = false; // the judge says the harm was done
  playbook::Text title;
  playbook::Text why;
  playbook::Text hint; // shown before the walk with `train start --hints` ("" : none)
  Judge judge;
};

struct Scenario
{
  std::string id;
  std::string version;
  std::string family;     // keyvault, dns, resourcemanager
  std::string difficulty; // basic, intermediate, advanced
  std::string kind;       // true-positive, false-positive, trap
  playbook::Text title;
  playbook::Text summary;       // what the trainee is told before starting
  playbook::Text briefing;      // what really happened: shown only with the scorecard
  nlohmann::ordered_json alert; // the alert document, in any export shape show reads
  nlohmann::ordered_json lab;   // the lab's state beyond the alert (a lab scenario), or null
  std::vector<RubricItem> rubric;
  std::string source; // the file it came from ("builtin:NAME" for the shipped ones)
  std::string text;   // the file's text, to read again with another seed
  // The scenario's variants (/variants: the values of its {{variant.NAME}} placeholders,
  // so that a trainee cannot learn one by heart): how many, the one read, and the seed
  // that chose it (seed % variant_count).
  std::size_t variant_count = 1;
  std::size_t variant = 0;
  std::uint64_t seed = 0;

  // The most points a response can earn (the non-harmful items).
  int full_marks() const;
};

// Reads a scenario from `text`, in the variant `seed` selects; problems go to `issues`
// as diagnostics at JSON pointers. Returns the scenario when there was no error.
std::optional<Scenario> read_scenario(std::string_view text, const std::string& source,
                                      std::vector<Diagnostic>& issues, std::uint64_t seed = 0);

// Returns `scenario` read again in the variant `seed` selects (throws InputError if that
// variant does not read).
Scenario with_seed(const Scenario& scenario, std::uint64_t seed);

// The shipped scenarios and those of `dirs` (each *.json), sorted by id; a scenario of a
// directory replaces a shipped one of the same id. Problems go to `issues` (a scenario
// with an error is left out). Throws InputError when a directory cannot be read.
std::vector<Scenario> load_scenarios(const std::vector<std::string>& dirs,
                                     std::vector<Diagnostic>& issues);

// Returns the scenario `id` of `all`, or throws UsageError with a "did you mean".
const Scenario& find_scenario(const std::vector<Scenario>& all, const std::string& id);

// The shipped scenario files: (file name, text).
const std::vector<std::pair<std::string, std::string>>& builtin_scenarios();

} // namespace dftriage::training
