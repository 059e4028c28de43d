#pragma once

// Test support for the end-to-end walks: a terminal's environment, the case journal as
// JSON, and a small playbook a run can complete unattended.

#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dftriage::test::walk {

inline const std::map<std::string, std::string> k_terminal{
    {"NO_COLOR", "1"}, {"TERM", "xterm"}, {"DFTRIAGE_CLOUD", ""}};

inline std::vector<nlohmann::json> journal_of(const std::string& case_dir)
{
  std::vector<nlohmann::json> out;
  std::ifstream in(case_dir + "/journal.jsonl");
  for (std::string line; std::getline(in, line);) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

// Counts the journal's entries of `event` for `step` (and `kind`, when given).
inline std::size_t count_of(const std::vector<nlohmann::json>& journal, const std::string& event,
                            const std::string& step, const std::string& kind = "")
{
  return static_cast<std::size_t>(
      std::count_if(journal.begin(), journal.end(), [&](const nlohmann::json& e) {
        return e.value("event", "") == event && e.value("step", "") == step &&
               (kind.empty() || e.value("kind", "") == kind);
      }));
}

// A playbook of one read and one reversible change, so that an unattended run can be
// completed (the shipped ones hold tasks only a person can check off).
inline const char* k_small_playbook = R"({
  "id": "keyvault", "title": {"en": "Small"}, "version": "9.0.0", "lastReviewed": "2026-12-01",
  "match": {"alertTypes": ["KV_*"]},
  "inputs": [{"id": "vault", "type": "text", "default": "{{alert.resourceId}}", "prompt": {"en": "Vault"}},
             {"id": "ranges", "type": "cidr-list", "default": ["198.51.100.0/24"], "prompt": {"en": "Ranges"}}],
  "phases": {
    "contact": [{"id": "read-vault", "title": {"en": "Read"}, "guidance": {"en": "Read it."},
                 "action": {"name": "keyvault.get", "params": {"vault": "{{alert.resourceId}}"}}}],
    "mitigate": [{"id": "firewall", "title": {"en": "Firewall"}, "guidance": {"en": "On."}, "ask": ["vault", "ranges"],
                  "action": {"name": "keyvault.firewall.enable",
                             "params": {"vault": "{{answers.vault}}", "allowedIps": "{{answers.ranges}}"}}}]
  }})";

// Returns a folder for --playbooks holding k_small_playbook.
inline std::string small_playbooks(const TempDir& dir)
{
  const std::string playbooks = dir / "playbooks";
  std::filesystem::create_directories(playbooks);
  std::ofstream(playbooks + "/keyvault.json") << k_small_playbook;
  return playbooks;
}

// Carries the small playbook out to the end on an in-process lab (--yes) in `case_dir`,
// in the walk language `lang`.
inline void complete_lab_case(const std::string& playbooks, const std::string& case_dir,
                              const std::string& lang = "en")
{
  REQUIRE(run_process({k_bin, "run", k_kv_alert, "--playbooks", playbooks, "--lab", "--yes",
                       "--case", case_dir, "--lang", lang},
                      {}, {{"DFTRIAGE_CLOUD", ""}})
              .exit_code == 0);
}

} // namespace dftriage::test::walk
