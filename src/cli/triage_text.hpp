#pragma once

// Internal to src/cli: the queue as people read it (`triage -o text`).

#include "dftriage/playbook/playbook.hpp"
#include "dftriage/queue/triage.hpp"

#include <string>

namespace dftriage::cli {

// One incident: rank, ID, severity, status, family, the alerts' span, its resources, the
// playbook, why its alerts were grouped, and each alert. Alert text is sanitized.
std::string incident_text(const queue::Incident& incident, std::int64_t window_s,
                          playbook::Lang lang, bool colour);

// "12 alerts read, 3 duplicates dropped, 0 left out by filters: 5 incidents".
std::string triage_summary(const queue::TriageCounts& counts, std::size_t incidents,
                           playbook::Lang lang);

// "24h", "90m", "3600s": a window as --window takes it.
std::string window_text(std::int64_t seconds);

} // namespace dftriage::cli
