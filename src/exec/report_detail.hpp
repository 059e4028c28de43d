#pragma once

// Internal to src/exec: the parts of the incident record found in the alert and the
// evidence (indicators, the owner), kept out of report.cpp's assembly of the journal.

#include "dftriage/alert/alert.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dftriage::exec::detail {

// One evidence file of the case as saved: {method, url, status, requestId, body} for a
// read, [{status, body}, ...] for a pre-image.
struct EvidenceFile
{
  std::string step;
  std::string path;  // "evidence/003-owner-tags.json"
  nlohmann::ordered_json content;
};

// Returns {ips[], principals[], domains[], resources[]}: what the alert names (its
// model, and the reputation its raw entities carry for an IP) and the principals the
// evidence's directory reads describe. Each item says where it came from ("from":
// "alert" or an evidence path).
nlohmann::ordered_json find_indicators(const alert::Alert* alert, const nlohmann::ordered_json& raw_alert,
                                       const std::vector<EvidenceFile>& evidence);

// Returns {found: true, value, tag, step, evidence} for the first owner-like tag (Owner,
// then *owner*, Contact, Team) on `resource_id` in what the evidence read of it (the
// Tags API or the resource itself), else {found: false, tagsRead: [paths]}.
nlohmann::ordered_json find_owner(const std::string& resource_id, const std::vector<EvidenceFile>& evidence);

} // namespace dftriage::exec::detail
