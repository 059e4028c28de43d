#pragma once

// The incident record of a case, built from its folder alone (alert.json, plan.json,
// journal, evidence): alert summary, indicators, the owner found, durations, timeline,
// answers with who gave them, decisions with reasons, actions with status and Azure
// request IDs, what was declined and undone (by whom, why), evidence, and open
// follow-ups. One model (`case_report`), two renderers (JSON as is, `report_markdown`).

#include "dftriage/alert/alert.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::exec {

// Gives each of `alerts` the status its incident's case recorded in `opened` (the case's
// case.opened entry): the one triage showed, the furthest along of the alert's copies,
// where alert.json keeps the copy as it was received. Alerts it does not name, and cases
// opened before statuses were recorded, keep theirs.
void apply_recorded_statuses(std::vector<alert::Alert>& alerts,
                             const nlohmann::ordered_json& opened);

// Returns the report as JSON:
//   {case, alert{...}, incident (null, or {id, severity, alerts[{...}]}: the alerts an
//    incident's case was opened for, oldest first, alert being the first; severity the highest
//    of theirs), playbook, playbookVersion (null when none was chosen), mode, cloud, lang (the
//    record's: `lang`, else the case's, else "en"), caseLang (the walk's, null for an older
//    case), opened,
//    lastEntry, closed, resumeCommand, undoCommand, journal{entries, chainIntact, lastHash, ...},
//    outcome, durations{toFirstContainment{step, at, seconds}, total{seconds, until}} (null members
//    when not known), operators[{user, principal}], owner{found, value, tag, step, evidence |
//    tagsRead}, indicators{ips, principals, domains, resources}, timeline[...], answers[{time,
//    question, value, source, by}], decisions[...] (changes confirmed), actions[...],
//    checklist[...] (manual steps checked or open), declined[...], undone[...],
//    evidence[...], followUps[{kind, step, action, detail}]}
// where every `by` is {user, principal}. Never empty-handed: a step left open,
// awaiting, declined, failed or refused, and a manual step of the plan never reached,
// is a follow-up. Throws Error when the folder is not a case (no journal).
nlohmann::ordered_json case_report(const journal::CaseFolder& folder,
                                   std::optional<playbook::Lang> lang = std::nullopt);

// Renders `report` (from case_report) as Markdown for a ticket, every label in `lang`.
// Identifiers, paths, resource IDs, commands and values go in code spans; prose from the
// alert or Azure is escaped only where Markdown would read it, so a hostile alert can
// add no heading, link, image, HTML or table cell.
std::string report_markdown(const nlohmann::ordered_json& report, playbook::Lang lang);

// Returns `raw` as one inline Markdown code span: newlines and tabs become spaces,
// other control and bidirectional characters are removed, invalid UTF-8 becomes
// U+FFFD, and the fence is one backtick longer than the longest run of backticks inside
// (padded with a space when the value starts or ends with one). `in_table` escapes `|`
// as GitHub tables require. Returns "" for a value that is empty after cleaning.
std::string markdown_code(std::string_view raw, bool in_table = false);

// Returns `raw` as inline Markdown prose: cleaned as markdown_code does, trimmed, white
// space runs joined, and escaped only where Markdown gives a character meaning: `\`
// before punctuation, `` ` ``, `<`, `*`, `~`, `[`, `]` before `(`/`[`/`:`, `_` at a word
// boundary, `&` starting an entity, a leading `#`, `>`, `+`/`-` or `1.`, and `|` when
// `in_table`. Words that a renderer would turn into links or mentions (containing "://",
// "www." or "@") are put in code spans.
std::string markdown_text(std::string_view raw, bool in_table = false);

// Returns milliseconds from `from` to `to` (RFC 3339 / ISO-8601 UTC times, as the
// journal writes them), or nullopt when either is not such a time.
std::optional<long long> milliseconds_between(std::string_view from, std::string_view to);

} // namespace dftriage::exec
