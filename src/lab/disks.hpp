#pragma once

// Managed disks and snapshots (Microsoft.Compute, the Disk RP) in the shapes Azure returns
// them, and an OS disk's life beside its VM: made with it, replaced by a reimage, and on a
// reimage or a delete of the VM kept unattached (deleteOption Detach) or deleted (Delete).

#include "router.hpp"
#include "state.hpp"

#include <string>

namespace dftriage::lab {

// Returns the managed disk (not stored) that `vm`'s storageProfile.osDisk names, made from
// the VM's image and attached to it.
Json make_os_disk(State& state, const Json& vm);

// Stores `vm`'s OS disk unless it is stored already, ephemeral or not a managed disk.
void ensure_os_disk(State& state, const Json& vm);

// Gives `vm` a new OS disk from its image, as a reimage does. The old disk stays as an
// unattached disk when its deleteOption is Detach and is deleted otherwise; an ephemeral
// OS disk is reset in place.
void reimage_os_disk(State& state, Json& vm);

// Does to `vm`'s OS disk what deleting the VM does: detaches it (deleteOption Detach, the
// API's default) or deletes it (Delete, what the portal sets and the lab's VMs carry).
void release_os_disk(State& state, const Json& vm);

// Adds the routes of disks (GET, DELETE, lists) and snapshots (PUT, GET, DELETE, lists).
void add_disk_routes(Router& router, State& state);

} // namespace dftriage::lab
