"""Network: the isolation NSG (PUT as a long-running operation), its rules as a
sub-resource (list, get, PUT and DELETE as long-running operations, always the same state
as the NSG's embedded securityRules), the VM's NIC (get, attach and detach the NSG) and the
NSG's deletion, with the refusals Azure gives."""

from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.models import NetworkSecurityGroup, SecurityRule

from sdk_context import VM, VM_GROUP, expect

NSG = "nsg-isolate-" + VM
NIC = VM + "-nic"


def _rule(name, priority, direction, access, port, destination="*", protocol="Tcp"):
    return SecurityRule(name=name, priority=priority, direction=direction, access=access,
                        protocol=protocol, source_address_prefix="*", source_port_range="*",
                        destination_address_prefix=destination, destination_port_range=port)


def _embedded(net):
    nsg = net.network_security_groups.get(VM_GROUP, NSG)
    return sorted(r.name for r in nsg.security_rules or [])


def nsg_and_rules(ctx, net, location):
    rules = [_rule("allow-azurecloud-443-out", 100, "Outbound", "Allow", "443", "AzureCloud"),
             _rule("deny-all-in", 4000, "Inbound", "Deny", "*", protocol="*")]
    nsg_id = ctx.group_id(VM_GROUP) + "/providers/Microsoft.Network/networkSecurityGroups/" + NSG

    def created(nsg):
        expect(nsg.id == nsg_id, "id %r" % nsg.id)
        expect(nsg.provisioning_state == "Succeeded", "provisioningState %s" % nsg.provisioning_state)
        expect(sorted(r.name for r in nsg.security_rules) == sorted(r.name for r in rules),
               "rules %s" % [r.name for r in nsg.security_rules])
        expect(len(nsg.default_security_rules or []) == 6,
               "%d default rules" % len(nsg.default_security_rules or []))

    ctx.call("network network_security_groups.begin_create_or_update",
             lambda: net.network_security_groups.begin_create_or_update(
                 VM_GROUP, NSG, NetworkSecurityGroup(location=location, security_rules=rules,
                                                     tags={"dftriage": "isolation"})).result(),
             created)
    ctx.call("network network_security_groups.get",
             lambda: net.network_security_groups.get(VM_GROUP, NSG),
             lambda nsg: expect(nsg.tags == {"dftriage": "isolation"} and nsg.etag,
                                "tags %s etag %s" % (nsg.tags, nsg.etag)))
    ctx.call("network security_rules.list",
             lambda: list(net.security_rules.list(VM_GROUP, NSG)),
             lambda got: expect(sorted(r.name for r in got) == sorted(r.name for r in rules) and
                                all(r.id.startswith(nsg_id + "/securityRules/") for r in got),
                                "rules %s" % [r.id for r in got]))
    ctx.call("network security_rules.get",
             lambda: net.security_rules.get(VM_GROUP, NSG, "deny-all-in"),
             lambda r: expect(r.priority == 4000 and r.access == "Deny" and r.etag and
                              r.provisioning_state == "Succeeded", "rule %s" % r))
    analysts = _rule("allow-analysts-22-in", 200, "Inbound", "Allow", "22")
    analysts.source_address_prefix = "198.51.100.0/24"
    ctx.call("network security_rules.begin_create_or_update (new rule)",
             lambda: net.security_rules.begin_create_or_update(
                 VM_GROUP, NSG, analysts.name, analysts).result(),
             lambda r: expect(r.name == analysts.name and r.provisioning_state == "Succeeded" and
                              analysts.name in _embedded(net),
                              "rule %s; the NSG holds %s" % (r.name, _embedded(net))))
    analysts.priority = 210
    ctx.call("network security_rules.begin_create_or_update (update)",
             lambda: net.security_rules.begin_create_or_update(
                 VM_GROUP, NSG, analysts.name, analysts).result(),
             lambda r: expect(r.priority == 210 and
                              net.security_rules.get(VM_GROUP, NSG, analysts.name).priority == 210,
                              "priority %s" % r.priority))
    bad = _rule("bad-direction", 300, "Sideways", "Allow", "22")
    ctx.refused("network security_rules.begin_create_or_update with direction Sideways",
                lambda: net.security_rules.begin_create_or_update(VM_GROUP, NSG, bad.name, bad),
                400, None)
    clash = _rule("same-priority", 210, "Inbound", "Allow", "23")
    ctx.refused("network security_rules.begin_create_or_update with a priority in use",
                lambda: net.security_rules.begin_create_or_update(VM_GROUP, NSG, clash.name, clash),
                400, "SecurityRuleConflict")
    ctx.call("network security_rules.begin_delete",
             lambda: net.security_rules.begin_delete(VM_GROUP, NSG, analysts.name).result(),
             lambda _: expect(analysts.name not in _embedded(net),
                              "the NSG still holds %s" % _embedded(net)))
    ctx.refused("network security_rules.get of the deleted rule",
                lambda: net.security_rules.get(VM_GROUP, NSG, analysts.name), 404, "NotFound")
    return nsg_id


def nic(ctx, net, current, nsg_id):
    def put(nsg):
        current.network_security_group = nsg and NetworkSecurityGroup(id=nsg)
        return net.network_interfaces.begin_create_or_update(VM_GROUP, NIC, current).result()

    ctx.call("network network_interfaces.begin_create_or_update (attach the NSG)",
             lambda: put(nsg_id),
             lambda n: expect(n.network_security_group and n.network_security_group.id == nsg_id,
                              "networkSecurityGroup %s" % n.network_security_group))
    ctx.call("network network_security_groups.get shows the NIC",
             lambda: net.network_security_groups.get(VM_GROUP, NSG),
             lambda g: expect([i.id for i in g.network_interfaces or []] == [current.id],
                              "networkInterfaces %s" % g.network_interfaces))
    ctx.refused("network network_security_groups.begin_delete while in use",
                lambda: net.network_security_groups.begin_delete(VM_GROUP, NSG).result(),
                400, "InUseNetworkSecurityGroupCannotBeDeleted")
    return put


def run(ctx):
    """Isolates the VM: an NSG, its rules, attached to the VM's NIC."""
    net = ctx.client(NetworkManagementClient)
    current = ctx.call("network network_interfaces.get",
                       lambda: net.network_interfaces.get(VM_GROUP, NIC),
                       lambda n: expect(n.virtual_machine and n.virtual_machine.id.endswith("/" + VM)
                                        and n.network_security_group is None,
                                        "virtualMachine %s, networkSecurityGroup %s"
                                        % (n.virtual_machine, n.network_security_group)))
    if current is None:
        return
    nsg_id = nsg_and_rules(ctx, net, current.location)
    ctx.nic_put = nic(ctx, net, current, nsg_id)


def delete_nsg(ctx):
    """Detaches the NSG (undo) and deletes it; after the compute part, which reads the
    assessments with it attached."""
    net = ctx.client(NetworkManagementClient)
    if getattr(ctx, "nic_put", None):
        ctx.call("network network_interfaces.begin_create_or_update (detach the NSG)",
                 lambda: ctx.nic_put(None),
                 lambda n: expect(n.network_security_group is None,
                                  "networkSecurityGroup %s" % n.network_security_group))
    ctx.call("network network_security_groups.begin_delete",
             lambda: net.network_security_groups.begin_delete(VM_GROUP, NSG).result(),
             lambda _: expect(_gone(net), "the NSG is still there"))


def _gone(net):
    try:
        net.network_security_groups.get(VM_GROUP, NSG)
    except ResourceNotFoundError:
        return True
    return False
