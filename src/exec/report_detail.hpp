#pragma once

// Internal to src/exec: the parts of the incident record found in the alert and the
// evidence (indicators, the owner), kept out of report.cpp's assembly of the journal.

#include "dftriage/alert/alert.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::exec::detail {

// One evidence file of the case as saved: {method, url, status, requestId, body} for a
// read, [{status, body}, ...] for a pre-image.
struct EvidenceFile
{
  std::string step;
  std::string path; // "evidence/003-owner-tags.json"
  nlohmann::ordered_json content;
};

// Returns {ips[], principals[], domains[], resources[]}: what the alert names (its
// model, and the reputation its raw entities carry for an IP), the principals the
// evidence's directory reads describe, and the addresses and principals in its
// audit-log rows. Each item says where it came from ("from": "alert" and/or evidence
// paths).
nlohmann::ordered_json find_indicators(const alert::Alert* alert,
                                       const nlohmann::ordered_json& raw_alert,
                                       const std::vector<EvidenceFile>& evidence);

// Returns {found: true, value, tag, step, evidence} for the first owner-like tag (Owner,
// then *owner*, Contact, Team) on `resource_id` in what the evidence read of it (the
// Tags API or the resource itself), else {found: false, tagsRead: [paths]}.
nlohmann::ordered_json find_owner(const std::string& resource_id,
                                  const std::vector<EvidenceFile>& evidence);

// Every label of the Markdown record in one language. Patterns take "%s" (the step),
// "%1" (a value), "%d" (a detail in parentheses), "%c" (the resume command) and "%u"
// (the undo command).
struct Labels
{
  const char* title;
  // Summary
  const char* case_;
  const char* playbook;
  const char* playbook_word; // inside a sentence
  const char* not_chosen;
  const char* opened;
  const char* last_entry;
  const char* state;
  const char* closed;
  const char* still_open;
  const char* first_containment;
  const char* no_containment;
  const char* total_time;
  const char* owner;
  const char* owner_not_found;
  const char* owner_tag;     // "tag %s, read by %s"
  const char* owner_no_tags; // no step read the resource's tags
  const char* operators;
  const char* journal;
  const char* chain_intact;
  const char* chain_broken;
  const char* entries;
  const char* last_hash;
  const char* line;
  // Alert
  const char* alert;
  const char* alert_fields[12];
  const char* incident; // an incident's case: its alerts
  // Indicators
  const char* indicators;
  const char* kind;
  const char* value;
  const char* details;
  const char* from;
  const char* ip;
  const char* principal;
  const char* domain;
  const char* resource;
  const char* object_id;
  const char* application;
  const char* upn;
  const char* display_name;
  const char* threat;
  const char* from_alert;
  std::map<std::string, const char*> roles;
  // Sections and columns
  const char* timeline;
  const char* answers;
  const char* question;
  const char* answer;
  const char* source;
  std::map<std::string, const char*> sources;
  const char* confirmed;
  const char* step;
  const char* action;
  const char* reason;
  const char* by;
  const char* time;
  const char* checklist;
  const char* checked;
  const char* note;
  const char* actions;
  const char* status;
  const char* undo;
  const char* request_ids;
  const char* change;
  const char* read;
  const char* inspection; // a script that only reads a VM
  std::map<std::string, const char*> statuses;
  const char* declined;
  const char* undone;
  const char* result;
  const char* evidence;
  const char* pre_image;
  const char* follow_ups;
  const char* none;
  std::map<std::string, const char*> events;
  std::map<std::string, const char*> follow;
  const char* hours;
  const char* minutes;
  const char* seconds;
  const char* unit_sep; // between "2h" and "03m"
  const char* sep;      // between a label and its value
  const char* comma;    // between items
  const char* open_paren;
  const char* close_paren;
  // The title of an incident's case: "%1 alerts" (the count), and for one alert.
  const char* incident_alerts;
  const char* incident_one_alert;
};

// Returns the labels in `lang`.
const Labels& labels(playbook::Lang lang);

} // namespace dftriage::exec::detail
