#pragma once

// Internal to src/cli: the queue as people read it (`triage -o text`, `-o table`) and as
// cut and awk read it (`-o tsv`).

#include "dftriage/playbook/playbook.hpp"
#include "dftriage/queue/triage.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dftriage::cli {

// One incident: rank, ID, severity, status, family, the alerts' span, its resources, the
// playbook, why its alerts were grouped, and each alert. Alert text is sanitized.
std::string incident_text(const queue::Incident& incident, std::int64_t window_s,
                          playbook::Lang lang, bool colour);

// "12 alerts read, 3 duplicates dropped, 0 left out by filters: 5 incidents".
std::string triage_summary(const queue::TriageCounts& counts, std::size_t incidents,
                           playbook::Lang lang);

// The header of `triage -o table` in `lang`: rank, incident, severity, status, family,
// alerts, last seen, resource, simulated (tsv prints no header).
std::vector<std::string> triage_columns(playbook::Lang lang);

// One incident as a row under triage_columns: the first resource by its name ("+N" when
// there are more), and last whether every alert is a sample Defender made: "yes"/"no" in
// `lang` for a table, "true"/"false" for tsv (`tsv`). Columns only ever go at the end,
// so scripts that cut tsv by column number keep working.
std::vector<std::string> triage_row(const queue::Incident& incident, bool tsv, playbook::Lang lang);

// "the queue outgrew its memory budget of 1 kB (--memory): 18 kB written to 27 spill
// files", in `lang`.
std::string spill_text(std::uint64_t budget_bytes, const queue::TriageCounts& counts,
                       playbook::Lang lang);

// "24h", "90m", "3600s": a window as --window takes it.
std::string window_text(std::int64_t seconds);

} // namespace dftriage::cli
