"""Compute: the VM (get with its instance view), Run Command (a result, and Azure's 409
while one is in progress), evidence snapshots of its disks, keeping the OS disk, VMAccess,
restart and reimage, and the snapshot's deletion (undo)."""

from azure.core.exceptions import ResourceNotFoundError
from azure.core.rest import HttpRequest
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute.models import (CreationData, OSDisk, RunCommandInput, Snapshot,
                                       StorageProfile, VirtualMachineExtension,
                                       VirtualMachineUpdate)

from sdk_context import VM, VM_GROUP, expect

SNAPSHOT = VM + "-osdisk-evidence"


def _statuses(vm):
    return [s.code for s in (vm.instance_view.statuses if vm.instance_view else [])]


def _run(compute, script, **kwargs):
    return compute.virtual_machines.begin_run_command(
        VM_GROUP, VM, RunCommandInput(command_id="RunShellScript", script=script), **kwargs)


def _message(result):
    return " ".join(v.message or "" for v in result.value)


def vm_and_run_command(ctx, compute):
    vm_id = ctx.group_id(VM_GROUP) + "/providers/Microsoft.Compute/virtualMachines/" + VM

    def vm_ok(vm):
        expect(vm.id == vm_id, "id %r" % vm.id)
        expect("PowerState/running" in _statuses(vm), "statuses %s" % _statuses(vm))
        expect(vm.storage_profile.os_disk.managed_disk.id, "no managed OS disk")

    vm = ctx.call("compute virtual_machines.get (instanceView)",
                  lambda: compute.virtual_machines.get(VM_GROUP, VM, expand="instanceView"), vm_ok)
    ctx.call("compute virtual_machines.begin_run_command",
             lambda: _run(compute, ["echo dftriage-sdk-test"]).result(),
             lambda r: expect("dftriage-sdk-test" in _message(r), "output %r" % _message(r)))
    # Sent, its operation polled once (InProgress) and left: the VM is still busy.
    seen = {}
    first = ctx.call("compute virtual_machines.begin_run_command (polled once)",
                     lambda: _run(compute, ["sleep 30"], polling=False,
                                  raw_response_hook=lambda r: seen.setdefault("r", r)))
    if first is not None and "r" in seen:
        url = seen["r"].http_response.headers.get("Azure-AsyncOperation", "")
        ctx.call("compute run command operation status (Azure-AsyncOperation)",
                 lambda: compute._client.send_request(HttpRequest("GET", url)).json(),
                 lambda op: expect(op.get("status") == "InProgress", "operation %s" % op))
        # Azure answers 409 Conflict "Run command extension execution is in progress."
        ctx.refused("compute virtual_machines.begin_run_command while one is in progress",
                    lambda: _run(compute, ["echo second"]), 409, "Conflict")
    return vm


def disks(ctx, compute, vm):
    os_disk = vm.storage_profile.os_disk
    disk_name = os_disk.managed_disk.id.rsplit("/", 1)[1]
    ctx.call("compute disks.get (the OS disk)", lambda: compute.disks.get(VM_GROUP, disk_name),
             lambda d: expect(d.managed_by == vm.id and d.disk_state == "Attached",
                              "managedBy %s diskState %s" % (d.managed_by, d.disk_state)))
    copy = Snapshot(location=vm.location, tags={"dftriage": "evidence"},
                    creation_data=CreationData(create_option="Copy",
                                               source_resource_id=os_disk.managed_disk.id))
    ctx.call("compute snapshots.begin_create_or_update (copy of the OS disk)",
             lambda: compute.snapshots.begin_create_or_update(VM_GROUP, SNAPSHOT, copy).result(),
             lambda s: expect(s.provisioning_state == "Succeeded" and
                              s.creation_data.source_resource_id.lower() ==
                              os_disk.managed_disk.id.lower() and s.tags == {"dftriage": "evidence"},
                              "snapshot %s" % s))
    ctx.call("compute snapshots.get", lambda: compute.snapshots.get(VM_GROUP, SNAPSHOT),
             lambda s: expect(s.disk_size_gb and s.time_created, "snapshot %s" % s))
    ctx.call("compute snapshots.list_by_resource_group",
             lambda: [s.name for s in compute.snapshots.list_by_resource_group(VM_GROUP)],
             lambda names: expect(names == [SNAPSHOT], "snapshots %s" % names))
    keep = VirtualMachineUpdate(storage_profile=StorageProfile(
        os_disk=OSDisk(create_option=os_disk.create_option, delete_option="Detach")))
    ctx.call("compute virtual_machines.begin_update (keep the OS disk)",
             lambda: compute.virtual_machines.begin_update(VM_GROUP, VM, keep).result(),
             lambda v: expect(v.storage_profile.os_disk.delete_option == "Detach",
                              "deleteOption %s" % v.storage_profile.os_disk.delete_option))
    return disk_name


def lifecycle(ctx, compute, vm, old_disk):
    access = VirtualMachineExtension(
        location=vm.location, publisher="Microsoft.OSTCExtensions",
        type_properties_type="VMAccessForLinux", type_handler_version="1.5",
        auto_upgrade_minor_version=True,
        protected_settings={"username": "azureuser", "password": "Sdk-Test-Only-1!"})
    ctx.call("compute virtual_machine_extensions.begin_create_or_update (VMAccess)",
             lambda: compute.virtual_machine_extensions.begin_create_or_update(
                 VM_GROUP, VM, "enablevmaccess", access).result(),
             lambda e: expect(e.provisioning_state == "Succeeded" and not e.protected_settings,
                              "extension %s" % e))
    ctx.call("compute virtual_machines.begin_restart",
             lambda: compute.virtual_machines.begin_restart(VM_GROUP, VM).result())
    ctx.call("compute virtual_machines.begin_run_command after the restart",
             lambda: _run(compute, ["echo after-restart"]).result(),
             lambda r: expect("after-restart" in _message(r), "output %r" % _message(r)))
    ctx.call("compute virtual_machines.begin_reimage",
             lambda: compute.virtual_machines.begin_reimage(VM_GROUP, VM).result(),
             lambda _: expect(compute.virtual_machines.get(VM_GROUP, VM).storage_profile
                              .os_disk.name != old_disk, "the OS disk was not replaced"))
    ctx.call("compute disks.get (the old OS disk, kept)",
             lambda: compute.disks.get(VM_GROUP, old_disk),
             lambda d: expect(d.managed_by is None and d.disk_state == "Unattached",
                              "managedBy %s diskState %s" % (d.managed_by, d.disk_state)))
    ctx.call("compute snapshots.begin_delete (undo)",
             lambda: compute.snapshots.begin_delete(VM_GROUP, SNAPSHOT).result(),
             lambda _: expect(_gone(compute), "the snapshot is still there"))


def _gone(compute):
    try:
        compute.snapshots.get(VM_GROUP, SNAPSHOT)
    except ResourceNotFoundError:
        return True
    return False


def run(ctx):
    compute = ctx.client(ComputeManagementClient)
    vm = vm_and_run_command(ctx, compute)
    if vm is None:
        return
    old_disk = disks(ctx, compute, vm)
    lifecycle(ctx, compute, vm, old_disk)
