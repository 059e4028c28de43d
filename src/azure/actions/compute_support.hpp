#pragma once

// Internal to the compute action files (compute.cpp, compute_disks.cpp,
// compute_inspect.cpp): the permissions and parameters they share, so that every VM
// action names them the same way. compute.cpp defines the functions.

#include "families.hpp"

namespace dftriage::azure::actions {

// The permission that reads a VM (the pre-image of every change to one).
inline constexpr const char* k_vm_read = "Microsoft.Compute/virtualMachines/read";
// The permission of every run command (scripts and inspections).
inline constexpr const char* k_run_command = "Microsoft.Compute/virtualMachines/runCommand/action";

// Returns the `vm` parameter: the virtual machine's resource ID.
ParamSpec vm_param();
// Returns the `os` parameter: "Windows" or "Linux", which picks the script's language.
ParamSpec os_param();

} // namespace dftriage::azure::actions
