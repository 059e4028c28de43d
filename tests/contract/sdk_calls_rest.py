"""Defender for Cloud (alerts: list, get, dismiss and activate; the VM's management-ports
assessment), the activity log (azure-mgmt-monitor) and resources and tags
(azure-mgmt-resource)."""

import datetime

from azure.mgmt.monitor import MonitorManagementClient
from azure.mgmt.resource import ResourceManagementClient
from azure.mgmt.security import SecurityCenter

from sdk_context import VAULT, VAULT_GROUP, VM, VM_GROUP, expect

MANAGEMENT_PORTS = "Management ports should be closed on your virtual machines"


def assessment(ctx, expected, why):
    """The management-ports assessment of the VM is `expected` (Healthy or Unhealthy)."""
    security = ctx.client(SecurityCenter)
    vm_id = ctx.group_id(VM_GROUP) + "/providers/Microsoft.Compute/virtualMachines/" + VM

    def status(items):
        return [a.status.code for a in items if a.display_name == MANAGEMENT_PORTS]

    ctx.call("security assessments.list (the VM, %s)" % why,
             lambda: list(security.assessments.list(vm_id)),
             lambda items: expect(status(items) == [expected],
                                  "management ports %s, Azure reports %s" % (status(items),
                                                                             expected)))


def alerts(ctx):
    security = ctx.client(SecurityCenter)
    found = ctx.call("security alerts.list",
                     lambda: list(security.alerts.list()),
                     lambda items: expect(len(items) == 2, "%d alerts" % len(items)))
    vault_alert = next((a for a in found or [] if "/resourceGroups/%s/" % VAULT_GROUP in a.id),
                       None)
    if vault_alert is None:
        return
    location = vault_alert.id.split("/locations/")[1].split("/")[0]
    name = vault_alert.name

    def get():
        return security.alerts.get_resource_group_level(VAULT_GROUP, location, name)

    ctx.call("security alerts.get_resource_group_level", get,
             lambda a: expect(a.status == "Active" and a.alert_type, "alert %s" % a))
    ctx.call("security alerts.update_resource_group_level_state_to_dismiss",
             lambda: security.alerts.update_resource_group_level_state_to_dismiss(
                 VAULT_GROUP, location, name),
             lambda _: expect(get().status == "Dismissed", "status %s" % get().status))
    ctx.call("security alerts.update_resource_group_level_state_to_activate (undo)",
             lambda: security.alerts.update_resource_group_level_state_to_activate(
                 VAULT_GROUP, location, name),
             lambda _: expect(get().status == "Active", "status %s" % get().status))
    sub_alert = next((a for a in found if "/resourceGroups/" not in a.id), None)
    if sub_alert is not None:
        sub_location = sub_alert.id.split("/locations/")[1].split("/")[0]
        ctx.call("security alerts.get_subscription_level",
                 lambda: security.alerts.get_subscription_level(sub_location, sub_alert.name),
                 lambda a: expect(a.name == sub_alert.name, "alert %s" % a))


def activity_log(ctx):
    monitor = ctx.client(MonitorManagementClient)
    since = (datetime.datetime.utcnow() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = "eventTimestamp ge '%s' and resourceGroupName eq '%s'" % (since, VAULT_GROUP)

    def vault_writes(events):
        writes = [e for e in events
                  if e.operation_name.value.lower() == "microsoft.keyvault/vaults/write"]
        expect(len(writes) >= 3, "%d vault writes" % len(writes))
        expect(all(e.resource_group_name.lower() == VAULT_GROUP for e in events),
               "events of other groups")

    ctx.call("monitor activity_logs.list (the vault's group, a day)",
             lambda: list(monitor.activity_logs.list(filter=query)), vault_writes)


def resources(ctx):
    client = ctx.client(ResourceManagementClient)
    vault_id = ctx.group_id(VAULT_GROUP) + "/providers/Microsoft.KeyVault/vaults/" + VAULT

    def listed(items):
        ids = [r.id for r in items]
        expect(vault_id in ids, "the vault is not listed as %s" % vault_id)
        expect(all(r.created_time for r in items), "createdTime missing")

    ctx.call("resource resources.list ($expand=createdTime,changedTime)",
             lambda: list(client.resources.list(expand="createdTime,changedTime")), listed)
    ctx.call("resource resources.get_by_id (the vault)",
             lambda: client.resources.get_by_id(vault_id, "2022-07-01"),
             lambda r: expect(r.id == vault_id and r.type == "Microsoft.KeyVault/vaults",
                              "resource %s %s" % (r.id, r.type)))
    ctx.call("resource tags.get_at_scope (the vault)",
             lambda: client.tags.get_at_scope(vault_id),
             lambda t: expect(t.properties.tags.get("owner"), "tags %s" % t.properties.tags))
    ctx.call("resource resource_groups.list",
             lambda: sorted(g.name for g in client.resource_groups.list()),
             lambda names: expect(VAULT_GROUP in names and VM_GROUP in names, "groups %s" % names))


def run(ctx):
    alerts(ctx)
    activity_log(ctx)
    resources(ctx)
