#pragma once

// What the VM's volatile-evidence scripts print on the lab (compute.vm.list_connections,
// list_logons, list_persistence): the same intrusion k_processes in run_command.cpp
// shows, seen from the network, the sign-ins and the places malware restarts from.

#include <chrono>
#include <string>

namespace dftriage::lab {

std::string lab_connections(bool windows);
std::string lab_logons(bool windows, std::chrono::system_clock::time_point now);
std::string lab_persistence(bool windows);

} // namespace dftriage::lab
