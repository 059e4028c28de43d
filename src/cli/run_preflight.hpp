#pragma once

// The permission preflight at the start of `run`: what it checks, what it says, and when
// the run stops before its first request.

#include "connection.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/exec/preflight.hpp"

#include <CLI/CLI.hpp>
#include <map>
#include <optional>
#include <string>

namespace dftriage::cli {

struct PreflightChoice
{
  bool check = true;          // --preflight (the default), --no-preflight
  bool allow_missing = false; // --allow-missing-permissions
};

// Adds --preflight/--no-preflight and --allow-missing-permissions to `command`.
void add_preflight_options(CLI::App& command, PreflightChoice& choice);

struct PreflightGate
{
  std::optional<exec::PreflightResult> result; // nullopt: skipped
  bool stop = false; // a change is not permitted and --allow-missing-permissions was not given
  // The steps the executor records as not-permitted without attempting them, with why: reads
  // the principal may not make, and with --allow-missing-permissions changes too.
  std::map<std::string, std::string> not_permitted;
};

// Runs the preflight of `plan` on `connection` when `choice.check`, and says what it found:
// at a terminal on stdout (only what is not granted, or one line when all is), otherwise on
// stderr, and when the run stops, the result on stdout as `format` asks (json: an array of
// one preflight, as `dftriage preflight -o json`). `alert_id` and `playbook_id`, when given,
// name what a plan without its alert (apply's plan file) is for.
PreflightGate preflight_gate(const engine::Plan& plan, Connection& connection,
                             const PreflightChoice& choice, bool interactive, OutputFormat format,
                             playbook::Lang lang, const std::string& alert_id = "",
                             const std::string& playbook_id = "");

// The executor's settings for a run on `connection`: the case's `subscriptions`, and the
// steps the gate says not to attempt.
exec::ExecSettings run_settings(Connection& connection, std::vector<std::string> subscriptions,
                                const PreflightGate& gate,
                                std::map<std::string, nlohmann::ordered_json> captured = {});

// The journal entry that records a preflight: {event: "preflight", principal, summary,
// allowMissing, checks}.
nlohmann::ordered_json preflight_entry(const exec::PreflightResult& result, bool allow_missing);

} // namespace dftriage::cli
