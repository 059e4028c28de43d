#pragma once

#include "dftriage/util/diagnostic.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dftriage::playbook {

enum class Lang { en, zh_cn };
// Returns the Lang named "en" or "zh-CN", or nullopt.
std::optional<Lang> lang_from_string(std::string_view name);

// Guidance text in English and, optionally, Chinese (zh-CN falls back to English).
struct Text
{
  std::string en;
  std::string zh_cn;
  const std::string& in(Lang lang) const
  {
    return lang == Lang::zh_cn && !zh_cn.empty() ? zh_cn : en;
  }
};

enum class Phase { contact, mitigate, assess, act };
inline constexpr std::array<Phase, 4> k_phases = {Phase::contact, Phase::mitigate, Phase::assess,
                                                  Phase::act};
std::string_view to_string(Phase phase);
std::optional<Phase> phase_from_string(std::string_view name);

enum class InputType { yes_no, choice, text, cidr_list, principal, list };
std::string_view to_string(InputType type);

// A value in a playbook: a JSON literal, or a whole-value reference to the alert or an
// answer written "{{alert.entities.ips[*].address}}" / "{{answers.allowed_ranges}}".
// References are never spliced into text: they are typed values.
struct Value
{
  nlohmann::ordered_json literal; // when reference is empty and items is empty
  std::string reference;          // "alert.resourceId", "answers.x"; "" for a literal
  // A list whose items are values, some of them references: it resolves to the items'
  // values in order, a list value flattened into it, an absent or empty one left out
  // (a VM's OS disk and its data disks as one list of disks).
  std::vector<Value> items;

  // The references this value reads: its own, or its items'.
  std::vector<std::string> references() const
  {
    std::vector<std::string> out;
    if (!reference.empty()) {
      out.push_back(reference);
    }
    for (const auto& item : items) {
      for (auto& r : item.references()) {
        out.push_back(std::move(r));
      }
    }
    return out;
  }
};

// Where a question's candidates come from: the items of a list a read answered, each
// offered by number with its value and what tells them apart (the scope of a role
// assignment: the vault's own, or inherited from above).
struct Candidates
{
  std::string list;               // a results reference: "results.caller-access.value"
  std::string value;              // the path of an item's value: "id"
  std::vector<std::string> label; // paths of what is shown beside it: "properties.scope"
};

// A question the playbook asks, with its default.
struct Input
{
  std::string id;
  InputType type = InputType::text;
  std::vector<std::string> choices; // for choice
  // For choice: other spellings of a choice, taken as it (a read's "#microsoft.graph.user"
  // as "User"), so a default can come from what Azure calls it.
  std::vector<std::pair<std::string, std::string>> aliases;
  std::optional<Value> default_value;
  // For text: candidates offered by number (an answer "2" is the second one's value).
  std::optional<Candidates> candidates;
  // May be left without an answer: the steps that need it are then skipped. A question
  // that is neither optional nor defaulted stops a non-interactive walk (needs-human).
  bool optional = false;
  Text prompt;
  Text help;
};

// A condition on the alert and the answers.
struct Condition
{
  enum class Kind {
    all,
    any,
    negate,
    answer_equals,
    answer_in,
    alert_exists,
    alert_equals,
    alert_matches
  };
  Kind kind = Kind::all;
  std::vector<Condition> children; // all, any, negate (one child)
  std::string subject;             // input id or alert path
  nlohmann::ordered_json operand;  // value, list of values, or glob pattern
};

struct ActionCall
{
  std::string name; // an action of the catalogue
  std::vector<std::pair<std::string, Value>> params;
};

// Something a step shows from its action's result when the walk has run it, so that the
// responder sees what the guidance asks them to note or judge. Paths are result paths as
// in {{results.<step>.<path>}}: "properties.tags.Owner", "value[0].id", "value[*].name".
// A step without an action shows the normalised alert instead, before its questions:
// paths as in {{alert.<path>}} ("entities.ips[*].address").
struct Show
{
  enum class Kind {
    value, // the value at `path`
    list,  // the first `max` items of the array at `path`, each by its `fields`, and the count
    table, // the first `max` rows of the Log Analytics table at `path`, its `fields` columns
    lines, // the first `max` lines of the text (or texts) at `path`
  };
  Kind kind = Kind::value;
  std::string path;
  // list: paths into each item (none: the item itself); table: column names (none: all).
  std::vector<std::string> fields;
  std::size_t max = 0; // list, table, lines: at least 1 (the reader fills in the default)
  Text label;
};

struct Step
{
  std::string id;
  Text title;
  Text guidance;
  std::optional<Condition> when; // the step applies only when this holds
  std::vector<std::string> ask;  // input ids asked at this step
  std::optional<ActionCall> action;
  std::string go_to; // after the step: "<phase>" or "<phase>/<step id>"; "" to go on
  bool stop = false; // after the step: the walk ends here
  Text stop_reason;
  std::vector<Show> shows; // what the walk shows of the action's result (no action: of the alert)
  // Which alert of an incident the step acts for: 0, the incident's first alert (and the
  // only one outside an incident). Never read from a playbook file: an incident's plan
  // repeats a step for another alert as "<id>@<n>" with n its position (plan.hpp).
  std::size_t alert = 0;
};

struct Requirement
{
  std::string field;         // an alert path that must be present and non-empty
  std::string resource_type; // when set, the field must be a resource ID of this type
  Text message;              // why it is needed
};

struct MatchRule
{
  std::vector<std::string> alert_types;    // glob patterns on baseAlertType, "KV_*"
  std::vector<std::string> families;       // alert families
  std::vector<std::string> resource_types; // resource types of the attacked resource
};

// How the triage queue groups this playbook's alerts into incidents (the playbook's
// "incident" member): alerts of the playbook whose `group_by` values are all equal and
// that share any one `link_by` value, each within the window of the one before, are one
// incident. Key names are those of k_incident_keys.
struct IncidentRule
{
  std::vector<std::string> group_by; // e.g. {"resource"}
  std::vector<std::string> link_by;  // e.g. {"callerObjectId", "callerIp"}
};

// The alert values an IncidentRule may name, in the order documented in playbooks/README.md.
const std::vector<std::string>& incident_keys();

struct Playbook
{
  std::string id;
  Text title;
  std::string version;
  std::string last_reviewed;
  MatchRule match;
  std::vector<Requirement>
  requires;
  std::vector<Input> inputs;
  std::array<std::vector<Step>, 4> phases; // indexed by Phase
  std::optional<IncidentRule> incident;    // nullopt: grouped by resource and alert type
  std::string source;                      // where it was loaded from

  const Input* find_input(std::string_view input_id) const;
  const std::vector<Step>& steps(Phase phase) const { return phases[static_cast<int>(phase)]; }
};

struct LoadResult
{
  std::optional<Playbook> playbook; // set when there is no error
  // Problems, each at a JSON pointer ("/phases/1/steps/3/action") or, for a syntax
  // error, at a line and column.
  std::vector<Diagnostic> issues;
};

// What the loader needs to know of the action catalogue (injected, so that this layer
// depends on no Azure code): the parameters of an action, or nullopt when unknown.
struct ActionInfo
{
  std::vector<std::string> params;
  std::vector<std::string> required;
  // True for an action that changes something (reversible or irreversible): a step that
  // takes it may not declare "shows", which are for reads and inspections.
  bool changes = false;
};
struct ActionDirectory
{
  std::function<std::optional<ActionInfo>(std::string_view name)> find;
  std::vector<std::string> names; // for "did you mean"
};

// Loads a playbook from its JSON text, in three stages: read (reject unknown keys and
// wrong types), resolve (inputs, steps, forward goto targets and actions must exist;
// action parameters must be known and the required ones given; "shows" only on a step
// whose action reads), compile (the Playbook). Never throws for bad content: every
// problem is a Diagnostic in `issues`.
LoadResult load_playbook(std::string_view text, std::string_view source,
                         const ActionDirectory& actions);

// Returns true when `name` matches the glob `pattern` ('*' any run, '?' one character),
// ignoring ASCII case.
bool glob_match(std::string_view pattern, std::string_view name);

} // namespace dftriage::playbook
