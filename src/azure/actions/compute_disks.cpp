// Evidence and recovery on VMs: disk snapshots, keeping the OS disk across a reimage.

#include "families.hpp"

namespace dftriage::azure::actions {

void add_compute_disks(std::vector<ActionSpec>& /*out*/) {}

} // namespace dftriage::azure::actions
