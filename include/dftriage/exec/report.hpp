#pragma once

// The incident record of a case, built from its folder alone (alert.json, journal,
// evidence): alert summary, timeline, decisions with reasons, actions with status and
// Azure request IDs, evidence, what was undone, and open follow-ups.

#include "dftriage/journal/case_folder.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace dftriage::exec {

// Returns the report as JSON: {case, alert{...}, journal{entries, ok}, timeline[...],
// decisions[...], actions[...], evidence[...], undone[...], followUps[...]}. Throws
// Error when the folder is not a case.
nlohmann::ordered_json case_report(const journal::CaseFolder& folder);

// Renders `report` as Markdown for a ticket, headings in `lang`. Every value from the
// alert or Azure is escaped so it cannot break the Markdown structure.
std::string report_markdown(const nlohmann::ordered_json& report, playbook::Lang lang);

} // namespace dftriage::exec
