#pragma once

// What a PATCH of a lab VM (VirtualMachineUpdate) may change: its tags and its OS disk's
// deleteOption (sent with the osDisk's createOption, which the spec requires and which
// cannot change), checked as Compute checks them. Other properties are refused with a 400
// that says the lab does not model them, rather than silently ignored.

#include "router.hpp"

namespace dftriage::lab {

// Applies `body` (a VirtualMachineUpdate) to `vm`. Throws ArmFault 400 InvalidParameter
// naming the field for a deleteOption other than Delete or Detach (any case), an osDisk
// without createOption, Detach on an ephemeral or unmanaged OS disk, and what the lab does
// not model; 409 PropertyChangeNotAllowed for another createOption; 400
// InvalidRequestContent when the body is not an object.
void apply_vm_update(Json& vm, const Json& body);

} // namespace dftriage::lab
