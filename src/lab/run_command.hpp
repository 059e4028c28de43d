#pragma once

// What a lab VM "prints" for a run command: plausible output for the scripts the action
// catalogue and the playbooks send (antimalware scan, installed software, processes,
// Defender for Endpoint's mdatp scans on Linux, echo), in the RunCommandResult shape of
// each OS.

#include "router.hpp"
#include "util.hpp"

#include <string>
#include <vector>

namespace dftriage::lab {

// Returns the RunCommandResult {value: [{code, level, displayStatus, message}]} of
// `script` run by `command_id` on a VM of `os` ("Windows": StdOut and StdErr entries;
// "Linux": one entry with [stdout]/[stderr] sections). Output keeps its last 4096 bytes,
// as the service does. `now` dates the processes listed.
// `outputs` (VmRuntime::outputs) replaces the output of the kinds of script it names.
Json run_command_result(const std::string& os, const std::string& command_id,
                        const std::vector<std::string>& script, Clock::time_point now,
                        const Json& outputs = Json::object());

// The kinds of script a scenario may give a VM's output for (VmRuntime::outputs).
const std::vector<std::string>& run_command_kinds();

// Returns the RunCommandResult of a script that ran on a VM of `os` but could not report
// back (its NSG denies HTTPS to Azure): the entries, each with an empty message.
Json run_command_unreported(const std::string& os);

} // namespace dftriage::lab
